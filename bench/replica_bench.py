"""The query mix on the embedded store and on the Virtuoso read replica, side by side, through migrakg's front.

    .venv/bin/python bench/replica_bench.py --sizes 50k 500k      # about 5 min
    nice .venv/bin/python bench/replica_bench.py --sizes 5m        # once; bulk load and runs take longer

For each size, on 127.0.0.1, the same synthetic data (bench/work/synthetic-{size}.nq, bench/synthetic.py):
  embedded  `migrakg serve --data FILE` (pyoxigraph in memory, forked query workers);
  replica   a Virtuoso instance of our own (migrakg/replica, the bulk loader) behind
            `migrakg serve --backend virtuoso://127.0.0.1:PORT` — the same front and checks.
Per query the two take turns request by request (one client, keep-alive; medians and p99 of the
sequential runs), and the row counts of both answers must be equal. Results: bench/results/replica-{size}.json
and the table bench/results/replica-tables.md (copied into bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run_bench import (  # noqa: E402
    JSON_ACCEPT,
    RESULTS,
    SIZES,
    VENV_BIN,
    WORK,
    HttpClient,
    Server,
    count_rows,
    ensure_data,
    free_port,
    load_queries,
    log,
    machine,
    rss_mb,
    summary,
)

from migrakg.replica import Instance, Settings  # noqa: E402

AGGREGATES = ("04", "06", "07", "09")


def timed(client: HttpClient, url: str, query: str, timeout: float) -> tuple[float, int, int]:
    started = time.perf_counter()
    status, body = client.get(url, {"query": query}, JSON_ACCEPT, timeout)
    seconds = time.perf_counter() - started
    return seconds, status, count_rows(body) if status == 200 else -1


def side_by_side(urls: dict[str, str], queries: list, runs: int, seconds: float, timeout: float) -> dict[str, Any]:
    """*urls*: name → SPARQL endpoint; "embedded" and "replica" are migrakg's fronts, "virtuoso" (if given)
    Virtuoso's own endpoint, read directly to tell the front's share from the store's."""
    out: dict[str, Any] = {}
    with HttpClient() as client:
        for query in queries:
            times: dict[str, list[float]] = {name: [] for name in urls}
            rows: dict[str, int] = {}
            statuses: dict[str, int] = {}
            for name, url in urls.items():  # warm-up: one run each, not counted
                _, statuses[name], rows[name] = timed(client, url, query.text, timeout)
            started = time.perf_counter()
            for _ in range(runs):
                for name, url in urls.items():  # taking turns
                    t, status, _ = timed(client, url, query.text, timeout)
                    if status == 200:
                        times[name].append(t)
                if time.perf_counter() - started > seconds:
                    break
            entry: dict[str, Any] = {"rows": rows, "status": statuses, "same_rows": len(set(rows.values())) == 1}
            for name in urls:
                entry[name] = summary(times[name]) if times[name] else None
            if entry.get("embedded") and entry.get("replica"):
                entry["replica_speedup"] = round(entry["embedded"]["median_ms"] / entry["replica"]["median_ms"], 2)
            out[query.name] = entry
            log(f"  {query.name}: rows {rows}, " + ", ".join(f"{n} {fmt(entry[n])} ms" for n in urls))
    return out


def fmt(entry: dict[str, Any] | None) -> str:
    return "—" if not entry else f"{entry['median_ms']:.1f}"


def run_size(label: str, args: argparse.Namespace, queries: list) -> dict[str, Any]:
    path, _ = ensure_data(label, SIZES[label])
    result: dict[str, Any] = {
        "size": label,
        "file": str(path.relative_to(HERE.parent)),
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }
    log(f"== {label}: {path.name}")
    folder = WORK / f"virtuoso-{label}"
    shutil.rmtree(folder, ignore_errors=True)
    replica = Instance.create(folder, Settings.sized(args.memory))
    servers: dict[str, Server] = {}
    try:
        started = time.perf_counter()
        replica.start()
        result["virtuoso_start_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        replica.bulk_load(path.read_bytes(), 0)
        result["virtuoso_bulk_load_s"] = round(time.perf_counter() - started, 2)
        log(f"  Virtuoso: started in {result['virtuoso_start_s']} s, bulk load {result['virtuoso_bulk_load_s']} s")
        common = ["--host", "127.0.0.1", "--timeout", str(args.timeout)]
        port = free_port()
        servers["embedded"] = Server(
            "embedded",
            [str(VENV_BIN / "migrakg"), "serve", "--data", str(path), "--port", str(port), *common],
            f"http://127.0.0.1:{port}/sparql",
            WORK / "logs" / f"replica-bench-embedded-{label}.log",
        )
        port = free_port()
        servers["replica"] = Server(
            "replica",
            [
                str(VENV_BIN / "migrakg"),
                "serve",
                "--backend",
                f"virtuoso://127.0.0.1:{replica.http_port}",
                "--port",
                str(port),
                *common,
            ],
            f"http://127.0.0.1:{port}/sparql",
            WORK / "logs" / f"replica-bench-replica-{label}.log",
        )
        for name, server in servers.items():
            started = time.perf_counter()
            server.start(args.start_wait)
            server.wait_warm(args.start_wait)
            result[f"{name}_start_s"] = round(time.perf_counter() - started, 2)
        urls = {name: server.url for name, server in servers.items()}
        urls["virtuoso"] = replica.endpoint  # Virtuoso's own endpoint, for the front's share (never exposed)
        result["latency"] = side_by_side(urls, queries, args.runs, args.seconds, args.timeout)
        result["rss_mb"] = {
            "embedded": rss_mb(servers["embedded"].process.pid) if servers["embedded"].process else None,
            "virtuoso": rss_mb(replica.pid) if replica.pid else None,
        }
        result["virtuoso_db_mb"] = round(sum(p.stat().st_size for p in (folder / "db").glob("*")) / 1e6, 1)
    finally:
        for server in servers.values():
            server.stop()
        replica.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return result


def table(results: list[dict[str, Any]]) -> str:
    lines = []
    for result in results:
        lines += [
            f"### {result['size']} — side by side (median ms of sequential requests, one client; p99 in brackets)",
            "",
            f"Virtuoso bulk load {result.get('virtuoso_bulk_load_s')} s, database {result.get('virtuoso_db_mb')} MB; "
            f"RSS embedded {result.get('rss_mb', {}).get('embedded')} MB, Virtuoso {result.get('rss_mb', {}).get('virtuoso')} MB.",
            "",
            "| query | rows (same on both) | embedded | replica | replica faster by | Virtuoso direct (no front) |",
            "|---|---|---|---|---|---|",
        ]
        for name, entry in result.get("latency", {}).items():
            e, r = entry.get("embedded"), entry.get("replica")
            rows = next(iter(entry["rows"].values())) if entry["same_rows"] else f"DIFFER {entry['rows']}"
            cell = lambda x: "—" if not x else f"{x['median_ms']:.1f} ({x['p99_ms']:.1f})"  # noqa: E731
            direct = cell(entry.get("virtuoso"))
            lines.append(f"| {name} | {rows} | {cell(e)} | {cell(r)} | {entry.get('replica_speedup', '—')}× | {direct} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["50k", "500k"])
    parser.add_argument("--runs", type=int, default=15, help="most turns per query (default 15)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget per query for both (default 20 s)")
    parser.add_argument("--timeout", type=float, default=300.0, help="query time limit of both fronts (default 300 s)")
    parser.add_argument("--memory", type=int, default=1500, help="Virtuoso's page cache in MB (default 1500)")
    parser.add_argument("--start-wait", type=float, default=900.0)
    args = parser.parse_args(argv)
    queries = load_queries()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    for label in args.sizes:
        result = run_size(label, args, queries)
        result["machine"] = machine()
        (RESULTS / f"replica-{label}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        results.append(result)
    every = [
        json.loads((RESULTS / f"replica-{label}.json").read_text())
        for label in SIZES
        if (RESULTS / f"replica-{label}.json").exists()
    ]
    (RESULTS / "replica-tables.md").write_text(table(every), encoding="utf-8")
    print(table(every))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
