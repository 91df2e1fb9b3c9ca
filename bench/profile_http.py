"""Where does migrakg's time per /sparql request go? A stage-by-stage breakdown on one data file.

    .venv/bin/python bench/profile_http.py bench/work/synthetic-500k.nq [--out bench/results/profile-500k.json]

Stages, each measured on its own (medians of repeated runs), all with results as SPARQL JSON:
  engine        pyoxigraph: store.query(...) and iterating every solution            (as `raw` in run_bench)
  collect       engine + migrakg.sparql.results.collect_solutions() (rows of pyoxigraph terms)
  serialise     migrakg.sparql.results.serialise_select() alone, on rows collected beforehand (the Python JSON writer)
  native_json   engine + pyoxigraph's own QuerySolutions.serialize(format=JSON): the same document, written in Rust
  execute       migrakg.sparql.service.execute() in this process: engine + pyoxigraph's serialiser under the byte limit
  service       QueryService.run(): execute in a forked worker + the socket round trip (pickled reply)
  scan          migrakg.sparql.guard.scan() on the query text (the /sparql handler calls it twice)
  http_health   GET /health over HTTP (uvicorn + FastAPI + middleware + the benchmark's client, no query at all)
  http_sparql   GET /sparql?query=… over HTTP with the benchmark's client (run_bench.HttpClient, a plain socket)
                (as `migrakg` in run_bench)
  http_stdlib   the same GET with the standard library's http.client, and
  http_httpx    with httpx: the differences are the clients' own costs
Differences between adjacent stages show the cost of each layer.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pyoxigraph as ox
import run_bench

from migrakg.sparql.service import QueryRequest, QueryService, execute
from migrakg.sparql.results import collect_solutions, serialise_select
from migrakg.sparql.guard import scan
from migrakg.sparql.store import KnowledgeStore

JSON = "application/sparql-results+json"


def median_ms(call, runs: int = 30, seconds: float = 4.0) -> float:
    call()
    times = run_bench.repeat(call, max_runs=runs, max_seconds=seconds)
    return round(statistics.median(times) * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    queries = [run_bench.Query(*run_bench.NULL_QUERY, "run_bench.py")] + run_bench.load_queries()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    ks = KnowledgeStore.memory()
    ks.replace_from_files([args.data])
    service = QueryService(ks, workers=2, timeout=300, limit=100_000)
    service.start()
    server = run_bench.Server("migrakg", [str(run_bench.VENV_BIN / "migrakg"), "serve", "--data", str(args.data),
                                          "--port", str(port := run_bench.free_port()), "--timeout", "300"],
                              f"http://127.0.0.1:{port}/sparql", run_bench.WORK / "logs" / "profile.log")
    rows = {}
    try:
        server.start(600)
        server.wait_warm(600)
        import http.client
        from urllib.parse import urlencode

        import httpx

        client = run_bench.HttpClient()
        other = httpx.Client()
        stdlib = http.client.HTTPConnection("127.0.0.1", port)

        def stdlib_get(text: str) -> bytes:
            try:
                stdlib.request("GET", "/sparql?" + urlencode({"query": text}), headers={"Accept": JSON})
                return stdlib.getresponse().read()
            except http.client.RemoteDisconnected:  # uvicorn closes connections idle for 5 s: reconnect
                stdlib.close()
                stdlib.request("GET", "/sparql?" + urlencode({"query": text}), headers={"Accept": JSON})
                return stdlib.getresponse().read()

        health = median_ms(lambda: client.get(f"http://127.0.0.1:{port}/health", {}, {}, 60))
        for q in queries:
            store = ks.store
            names_rows = collect_solutions(store.query(q.text, use_default_graph_as_union=True), 100_000)
            r = {
                "engine": median_ms(lambda: sum(1 for _ in store.query(q.text, use_default_graph_as_union=True))),
                "collect": median_ms(lambda: collect_solutions(store.query(q.text, use_default_graph_as_union=True), 100_000)),
                "serialise": median_ms(lambda: serialise_select(*names_rows, JSON)),
                "native_json": median_ms(lambda: store.query(q.text, use_default_graph_as_union=True).serialize(
                    format=ox.QueryResultsFormat.JSON)),
                "execute": median_ms(lambda: execute(store, QueryRequest(q.text, JSON), 100_000)),
                "service": median_ms(lambda: service.run(QueryRequest(q.text, JSON))),
                "scan": median_ms(lambda: scan(q.text)),
                "http_health": health,
                "http_sparql": median_ms(lambda: client.get(server.url, {"query": q.text}, {"Accept": JSON}, 300)),
                "http_stdlib": median_ms(lambda: stdlib_get(q.text)),
                "http_httpx": median_ms(lambda: other.get(server.url, params={"query": q.text}, headers={"Accept": JSON},
                                                          timeout=300).content),
            }
            result = service.run(QueryRequest(q.text, JSON))
            r["rows"] = run_bench.count_rows(result.body)
            r["body_kb"] = round(len(result.body) / 1024, 1)
            rows[q.name] = r
            print(f"{q.name:45s} " + " ".join(f"{k}={v}" for k, v in r.items()), file=sys.stderr, flush=True)
        client.close()
        other.close()
        stdlib.close()
    finally:
        server.stop()
        service.close()
    lines = ["| query | rows | body KiB | engine | collect | serialise alone | pyoxigraph JSON (engine + native) | execute() | + worker IPC (service) | "
             "+ HTTP (http_sparql) | same with http.client | same with httpx | scan ×2 | GET /health |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['rows']} | {r['body_kb']} | {r['engine']:.2f} | {r['collect']:.2f} | {r['serialise']:.2f} | {r['native_json']:.2f} | {r['execute']:.2f} (+{r['execute'] - r['engine']:.2f}) | "
                     f"{r['service']:.2f} (+{r['service'] - r['execute']:.2f}) | {r['http_sparql']:.2f} "
                     f"(+{r['http_sparql'] - r['service']:.2f}) | {r['http_stdlib']:.2f} (+{r['http_stdlib'] - r['http_sparql']:.2f}) | "
                     f"{r['http_httpx']:.2f} (+{r['http_httpx'] - r['http_sparql']:.2f}) | "
                     f"{2 * r['scan']:.2f} | {r['http_health']:.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(json.dumps({"data": str(args.data), "machine": run_bench.machine(), "loadavg_1min": os.getloadavg()[0],
                                        "started": started, "stages_ms": rows,
                                        "table": table}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
