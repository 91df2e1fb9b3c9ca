"""Search benchmark: index build and query latency on SYNTHETIC data shaped like the real model.

    .venv/bin/python bench/bench_search.py [--sizes 50000 500000 5000000] [--runs 50]

For each size: writes synthetic N-Quads with bench/synthetic.py (every record labelled SYNTHETIC; files in
bench/work/, never published), loads them into an in-memory KnowledgeStore, starts a QueryService as
`migrakg serve` does (2 workers), builds the search index through it (the same three SPARQL queries the
server runs: migrakg.linkeddata.search.build_index) and times search calls on the index (median and p99 over --runs
runs after one warm-up). Prints a Markdown table and writes bench/results/search-{size}.json.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrakg.sparql.service import QueryService
from migrakg.linkeddata.search import build_index
from migrakg.sparql.store import KnowledgeStore

QUERIES = [  # (name, q, filters, kind)
    ("everything (no terms, no filters)", "", {}, None),
    ("one word: 'sprachcafe'", "sprachcafe", {}, None),
    ("prefix: 'beg'", "beg", {}, None),
    ("two words: 'brucke zukunft'", "brucke zukunft", {}, None),
    ("facet only: district=pankow", "", {"district": ["pankow"]}, None),
    ("word + facet: 'sprachcafe' district=pankow", "sprachcafe", {"district": ["pankow"]}, None),
    ("3 facets: pankow + ARA + counselling, offers", "", {"district": ["pankow"], "language": ["ARA"], "type": ["counselling"]}, "offer"),
    ("rare: an index number '4711'", "4711", {}, None),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(size: int, runs: int) -> dict:
    data = ROOT / "bench" / "work" / f"synthetic-{size // 1000}k.nq"
    if not data.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), "--triples", str(size), "--out", str(data)], check=True)
    t0 = time.perf_counter()
    store = KnowledgeStore.memory()
    store.replace_from_files([data])
    load_s = time.perf_counter() - t0
    triples = store.triple_count()
    service = QueryService(store, workers=2, timeout=600, limit=100_000)
    service.start()
    try:
        builds = []
        for _ in range(3 if size <= 500_000 else 1):
            t0 = time.perf_counter()
            index = build_index(service, timeout=600)
            builds.append(time.perf_counter() - t0)
        rows = []
        for name, q, filters, kind in QUERIES:
            index.search(q, filters=filters, kind=kind)  # warm-up
            times = []
            for _ in range(runs):
                index._term_cache.clear()  # time the uncached case: every word looked up afresh
                t0 = time.perf_counter()
                result = index.search(q, filters=filters, kind=kind)
                times.append((time.perf_counter() - t0) * 1000)
            rows.append({"query": name, "hits": result.total, "median_ms": statistics.median(times),
                         "p99_ms": percentile(times, 99), "runs": runs})
    finally:
        service.close()
    pages = time_pages(store, runs=5)
    return {"pages": pages, "size_requested": size, "triples": triples, "items": len(index.items), "words": len(index.texts["all"][0]),
            "load_s": load_s, "index_build_s": builds, "max_rss_mb": rss_mb(), "queries": rows,
            "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": __import__("os").cpu_count(),
                        "processor": platform.processor() or platform.machine()}}


PAGES = ["/", "/search?q=sprachcafe&district=pankow", "/search.json?language=ARA&type=counselling",
         "/id/organisation/synthetic-org-0000001", "/id/offer/synthetic-offer-0000001", "/id/network/synthetic-ak-lingua-pankow",
         "/id/district/pankow", "/vocab/language/ARA", "/vocab/offer-type"]


def time_pages(store: KnowledgeStore, runs: int) -> list[dict]:
    """Whole HTTP requests in-process (TestClient): each page once to warm up, then median and slowest of *runs*."""
    from fastapi.testclient import TestClient

    from migrakg.settings import Settings
    from migrakg.web.app import create_app

    settings = Settings(root=ROOT, query_timeout=60)
    app = create_app(settings, store, service=QueryService(store, workers=2, timeout=60, limit=100_000))
    out = []
    with TestClient(app) as client:
        for path in PAGES:
            t0 = time.perf_counter()
            first = client.get(path, headers={"Accept": "text/html"})
            first_s = time.perf_counter() - t0
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                client.get(path, headers={"Accept": "text/html"})
                times.append((time.perf_counter() - t0) * 1000)
            out.append({"path": path, "status": first.status_code, "first_ms": first_s * 1000,
                        "median_ms": statistics.median(times), "max_ms": max(times)})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000, 5_000_000])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    for size in args.sizes:
        result = run_size(size, args.runs)
        (ROOT / "bench" / "results" / f"search-{size // 1000}k.json").write_text(json.dumps(result, indent=1) + "\n")
        print(f"\n### {result['triples']:,} triples (SYNTHETIC) — {result['items']:,} organisations and offers, {result['words']:,} distinct words")
        print(f"load {result['load_s']:.1f} s · index build {', '.join(f'{b:.2f}' for b in result['index_build_s'])} s · max RSS {result['max_rss_mb']:.0f} MB\n")
        print("| search | hits | median ms | p99 ms |\n|---|---:|---:|---:|")
        for row in result["queries"]:
            print(f"| {row['query']} | {row['hits']:,} | {row['median_ms']:.2f} | {row['p99_ms']:.2f} |")
        print("\n| page (HTTP, in-process) | status | first ms | median ms | max ms |\n|---|---:|---:|---:|---:|")
        for row in result["pages"]:
            print(f"| `{row['path']}` | {row['status']} | {row['first_ms']:.0f} | {row['median_ms']:.1f} | {row['max_ms']:.1f} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
