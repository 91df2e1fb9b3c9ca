"""Why does migrakg's throughput not grow from 1 to 4 clients at 500 k? Load runs on sub-mixes, with the
CPU time each process used (server web process, its query workers, this client process).

    .venv/bin/python bench/probe_scaling.py bench/work/synthetic-500k.nq [--out bench/results/sparql-scaling-500k.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run_bench

MIXES = {
    "small results (04, 06, 09: ≤ 210 rows)": ["04-offers-per-district-and-language", "06-organisations-per-district",
                                               "09-aggregate-offers-per-type-and-audience"],
    "large results (03, 05, 07: 950–2400 rows, 0.35–1 MB)": ["03-who-funds-which-project", "05-project-carriers",
                                                              "07-organisations-in-several-networks"],
}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    queries = {q.name: q for q in run_bench.load_queries()}
    port = run_bench.free_port()
    server = run_bench.Server("migrakg", [str(run_bench.VENV_BIN / "migrakg"), "serve", "--data", str(args.data),
                                          "--port", str(port), "--timeout", "300"],
                              f"http://127.0.0.1:{port}/sparql", run_bench.WORK / "logs" / "scaling.log")
    results = []
    try:
        server.start(600)
        pid = server.process.pid
        for label, names in MIXES.items():
            mix = [queries[n] for n in names]
            for clients in (1, 4):
                workers = children(pid)
                before = {"web": cpu_s(pid), "workers": sum(cpu_s(w) for w in workers),
                          "client": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime}
                run = run_bench.measure_load(server, mix, clients, 120, 20, 300)
                after = {"web": cpu_s(pid), "workers": sum(cpu_s(w) for w in workers),
                         "client": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime}
                done = max(1, run["completed"])
                run["cpu_ms_per_request"] = {k: round((after[k] - before[k]) * 1000 / done, 2) for k in before}
                run["mix"] = label
                results.append(run)
                print(f"{label} N={clients}: {run['throughput_rps']} req/s; CPU ms per request {run['cpu_ms_per_request']}",
                      file=sys.stderr, flush=True)
    finally:
        server.stop()
    if args.out:
        args.out.write_text(json.dumps({"data": str(args.data), "runs": results}, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
