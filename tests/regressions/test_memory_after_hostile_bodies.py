"""Regression: the web process grew from 110 to 308 MiB over the probing with large query texts and did
not give the memory back (each 4 MB text was read whole and scanned into millions of tokens). Now a body
over the limit is refused from its Content-Length, before a byte of it is kept."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.test_serve_cli import start

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ("SELECT * WHERE { " + "?s ?p ?o . " * 380_000 + "}").encode()  # 4 MB of tokens


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_hostile_bodies_leave_the_web_process_small(settings, built):
    proc, url = start([], {"MIGRAKG_BUILD": str(settings.build_path), "MIGRAKG_ROOT": str(ROOT)})
    try:
        with httpx.Client(timeout=120) as client:
            for _ in range(3):  # warm: pages, search index, a query
                client.get(url + "/id/organisation/narud-ev", headers={"Accept": "text/html"})
                client.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
            before = rss_mib(proc.pid)
            statuses = set()
            for _ in range(20):
                r = client.post(url + "/sparql", content=HOSTILE, headers={"Content-Type": "application/sparql-query"})
                statuses.add(r.status_code)
            after = rss_mib(proc.pid)
        assert statuses == {413}
        assert after - before < 32, f"the web process grew from {before:.0f} to {after:.0f} MiB"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
