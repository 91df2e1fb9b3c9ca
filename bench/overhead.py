"""migrakg's HTTP overhead per query, alone and quickly (no rdflib-endpoint, no load runs).

    .venv/bin/python bench/overhead.py [--size 500k] [--baseline REF] [--runs 40] [--out FILE]

Loads the synthetic data of one size (bench/synthetic.py, generated if missing) into pyoxigraph in this
process and into `migrakg serve`, then runs every query of the mix as in run_bench.py: raw pyoxigraph
(query + iterating the solutions) and GET /sparql in alternation, so both see the same background load.
"HTTP overhead" = median(migrakg) − median(raw), and the median of the per-pair differences.

With `--baseline REF`, a second server runs the code of git revision REF (a temporary worktree,
same virtualenv) beside the current one, and each round measures raw, current, baseline: an A/B in
one run, on the same data and machine, so a change's effect is not hidden by the machine's drift.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run_bench  # noqa: E402


def server_for(label: str, code_root: Path, data: Path) -> run_bench.Server:
    port = run_bench.free_port()
    env_path = str(code_root)
    argv = [sys.executable, "-c",
            f"import sys; sys.path.insert(0, {env_path!r}); from migrakg.cli import main; sys.exit(main())",
            "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port), "--timeout", "300"]
    return run_bench.Server(label, argv, f"http://127.0.0.1:{port}/sparql", run_bench.WORK / "logs" / f"overhead-{label}.log")


def worktree(ref: str) -> Path:
    target = run_bench.WORK / f"baseline-{ref.replace('/', '_')}"
    if target.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(target)], cwd=run_bench.ROOT, check=False)
        shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(target), ref], cwd=run_bench.ROOT, check=True,
                   capture_output=True)
    return target


def ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(run_bench.SIZES), default="500k")
    parser.add_argument("--baseline", help="git revision to compare with (run side by side)")
    parser.add_argument("--runs", type=int, default=40, help="rounds per query (default 40)")
    parser.add_argument("--seconds", type=float, default=10.0, help="most seconds per query (default 10)")
    parser.add_argument("--out", type=Path, help="write the numbers as JSON here")
    args = parser.parse_args(argv)

    data, _ = run_bench.ensure_data(args.size, run_bench.SIZES[args.size])
    store, _ = run_bench.load_raw(data)
    queries = [run_bench.Query(*run_bench.NULL_QUERY, "run_bench.py")] + run_bench.load_queries()
    servers = {"current": server_for("current", run_bench.ROOT, data)}
    tree = None
    if args.baseline:
        tree = worktree(args.baseline)
        servers["baseline"] = server_for("baseline", tree, data)
    result: dict[str, Any] = {"size": args.size, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=run_bench.ROOT,
                                                       capture_output=True, text=True).stdout.strip(),
                              "baseline": args.baseline, "loadavg_1min": [round(os.getloadavg()[0], 2)], "queries": {}}
    client = run_bench.HttpClient()
    try:
        for server in servers.values():
            server.start(600)
            server.wait_warm(600)  # the baseline may have no warm-up: then this returns at once
        for q in queries:
            def raw() -> None:
                for _ in store.query(q.text, use_default_graph_as_union=True):
                    pass

            def http(server: run_bench.Server) -> None:
                status, body = run_bench.ask(client, server.url, q.text, 300)
                if status != 200:
                    raise RuntimeError(f"{server.name} {q.name}: HTTP {status}: {body[:300]!r}")

            raw()
            for server in servers.values():
                http(server)
            times: dict[str, list[float]] = {"raw": [], **{name: [] for name in servers}}
            started = time.perf_counter()
            while len(times["raw"]) < args.runs and time.perf_counter() - started < args.seconds:
                t = time.perf_counter()
                raw()
                times["raw"].append(time.perf_counter() - t)
                order = list(servers.items())
                if len(times["raw"]) % 2 == 0:  # whichever server is asked first after the raw run came out
                    order.reverse()             # slower on long queries: take turns
                for name, server in order:
                    t = time.perf_counter()
                    http(server)
                    times[name].append(time.perf_counter() - t)
            entry: dict[str, Any] = {"n": len(times["raw"]), "raw_ms": ms(times["raw"])}
            for name in servers:
                entry[f"{name}_ms"] = ms(times[name])
                entry[f"{name}_overhead_ms"] = round(entry[f"{name}_ms"] - entry["raw_ms"], 3)
                entry[f"{name}_overhead_pairs_ms"] = round(
                    statistics.median(h - r for h, r in zip(times[name], times["raw"])) * 1000, 3)
            result["queries"][q.name] = entry
            print(q.name, json.dumps(entry), flush=True)
    finally:
        client.close()
        for server in servers.values():
            server.stop()
        if tree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=run_bench.ROOT, check=False)
    result["loadavg_1min"].append(round(os.getloadavg()[0], 2))
    for name in servers:
        overheads = [e[f"{name}_overhead_pairs_ms"] for e in result["queries"].values()]
        result[f"{name}_median_overhead_ms"] = round(statistics.median(overheads), 3)
        print(f"{name}: median over the queries of the per-pair HTTP overhead: {result[f'{name}_median_overhead_ms']} ms")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
