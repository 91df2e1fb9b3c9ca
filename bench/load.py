"""Reads with writes: 32 concurrent clients read (pages, search, SPARQL) for 60 s on 127.0.0.1 while a
writer commits a change every second; errors, lost acknowledged writes and latency per route.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 32] [--workers N] [--backend embedded|replica|both]
                                   [--rounds N] [--out bench/results/load.json]

Starts `migrakg serve` on a fresh knowledge base (a temporary folder, `data/` rebuilt into it), adds a write
token for the source `bench`, and runs the clients (asyncio + httpx) in this process. The writes are SPARQL
Updates (an alternative name on a real organisation, in the graph `graph/import/bench`) alternating with small
imports (`POST /import`, a one-row CSV). At the end every acknowledged write is looked up — through the
running server, and again after the server is stopped and the store opened anew (replayed from its change
log) — and counted as lost if it is missing. Results: bench/LOAD.md ("Reads with writes").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "https://w3id.org/migrakg/"
SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?o a <https://w3id.org/migrakg/ontology#Organisation> }",
    "SELECT ?o ?name WHERE { ?o a <https://w3id.org/migrakg/ontology#Organisation> ; <https://schema.org/name> ?name } LIMIT 20",
    "SELECT ?offer ?provider WHERE { ?offer <https://schema.org/provider> ?provider } LIMIT 50",
]
TERMS = ["verein", "beratung", "pankow", "spandau", "sprach", "kultur", "frauen", "jugend", "deutsch", "arabisch"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def said(text: str) -> str:
    """What an answer says: an HTML error page's main text, else the start of the body."""
    main = re.search(r"<main[^>]*>(.*?)</main>", text, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main.group(1)).split())[:300] if main else text[:120]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def reader(client: httpx.AsyncClient, pages: list[str], until: float, stats: dict, rng: random.Random, number: int) -> None:
    # each reader is a client of its own, as behind a reverse proxy on 127.0.0.1 (the server's forwarded_allow):
    # the per-client share of /sparql counts it alone, not all 32 together
    me = {"X-Forwarded-For": f"192.0.2.{number + 1}"}
    while time.monotonic() < until:
        kind = rng.choice(("page", "search", "sparql"))
        if kind == "page":
            request = client.get(rng.choice(pages), headers={"Accept": "text/html", **me})
        elif kind == "search":
            request = client.get("/search.json", params={"q": rng.choice(TERMS)}, headers=me)
        else:
            request = client.get(
                "/sparql", params={"query": rng.choice(SPARQL)}, headers={"Accept": "application/sparql-results+json", **me}
            )
        started = time.perf_counter()
        try:
            response = await request
            ok = response.status_code == 200
            why = f"{response.status_code} {said(response.text)}"
        except httpx.HTTPError as exc:
            ok, why = False, type(exc).__name__
        stats[kind]["ms"].append((time.perf_counter() - started) * 1000)
        if not ok:
            stats[kind]["errors"] += 1
            stats[kind]["why"].append(why)


async def write_once(client: httpx.AsyncClient, auth: dict, orgs: list[str], n: int, stats: dict, acknowledged: list) -> None:
    """One write: a SPARQL Update (odd n) or a one-row import as its own source (even n)."""
    started = time.perf_counter()
    kind = "update" if n % 2 else "import"
    try:
        if kind == "update":
            org = orgs[n % len(orgs)]
            text = (
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                f'INSERT DATA {{ GRAPH <{BASE}graph/import/bench> {{ <{org}> skos:altLabel "bench {n}"@de }} }}'
            )
            response = await client.post("/update", content=text, headers={**auth, "Content-Type": "application/sparql-update"})
            key = ("label", org, f"bench {n}")
        else:
            body = (
                f"slug,name,districts,source_url,source_date\nverein-{n},Verein Last {n},pankow,https://example.org/bench,2025\n"
            )
            response = await client.post(
                "/import", params={"source": f"bench-{n}"}, files={"file": (f"bench-{n}.csv", body.encode())}, headers=auth
            )
            key = ("record", f"{BASE}id/organisation/bench-{n}--verein-{n}", None)
        ok, why = response.status_code == 200, f"{response.status_code} {response.text[:120]}"
    except httpx.HTTPError as exc:
        ok, why = False, type(exc).__name__
    stats[kind]["ms"].append((time.perf_counter() - started) * 1000)
    if ok:
        acknowledged.append(key)
    else:
        stats[kind]["errors"] += 1
        stats[kind]["why"].append(why)


async def writer(client: httpx.AsyncClient, token: str, orgs: list[str], until: float, stats: dict, acknowledged: list) -> None:
    """A write every second, whether or not the one before has been answered (the server takes them in turn)."""
    auth = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    pending = []
    n = 0
    while time.monotonic() < until:
        n += 1
        pending.append(asyncio.create_task(write_once(client, auth, orgs, n, stats, acknowledged)))
        await asyncio.sleep(max(0.0, started + n - time.monotonic()))
    await asyncio.gather(*pending)


def missing(select, acknowledged: list) -> int:
    lost = 0
    for kind, iri, label in acknowledged:
        if kind == "label":
            query = f'ASK {{ GRAPH <{BASE}graph/import/bench> {{ <{iri}> <http://www.w3.org/2004/02/skos/core#altLabel> "{label}"@de }} }}'
        else:
            query = f"ASK {{ <{iri}> a <https://w3id.org/migrakg/ontology#Organisation> }}"
        if not select(query):
            lost += 1
    return lost


async def run(url: str, token: str, seconds: float, clients: int) -> tuple[dict, list]:
    # idle connections are dropped before the server's keep-alive (5 s) ends, so a request never races its close
    limits = httpx.Limits(max_connections=clients + 4, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        results = []
        for page in range(1, 5):
            results += (await client.get("/search.json", params={"kind": "organisation", "page": page})).json()["results"]
        pages = [r["url"] for r in results if r.get("url")]
        orgs = [r["iri"] for r in results]
        stats = {k: {"ms": [], "errors": 0, "why": []} for k in ("page", "search", "sparql", "update", "import")}
        acknowledged: list = []
        until = time.monotonic() + seconds
        rng = random.Random(7)
        tasks = [reader(client, pages, until, stats, random.Random(rng.random()), n) for n in range(clients)]
        tasks.append(writer(client, token, orgs, until, stats, acknowledged))
        await asyncio.gather(*tasks)
    return stats, acknowledged


def routes_sent(stats: dict) -> int:
    return len(stats["update"]["ms"]) + len(stats["import"]["ms"])


def measure(backend: str, args: argparse.Namespace) -> dict:
    """One load run on a fresh knowledge base, its queries answered by *backend*: "embedded" (the store
    itself) or "replica" (`serve --replica`: a Virtuoso read replica following the change log)."""
    from migrakg.kb import KnowledgeBase
    from migrakg.kb.tokens import TokenStore
    from migrakg.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="migrakg-load-"))
    store = tmp / "kb"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MIGRAKG_ROOT": str(ROOT)}
    command = [sys.executable, "-m", "migrakg.cli", "serve", "--store", str(store), "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    replica = None
    if backend == "replica":
        from migrakg.replica import Instance

        replica = Instance.create(tmp / "replica")
        command += ["--replica", str(replica.folder)]
    server_log = tmp / "server.log"  # its messages: shown when a request failed with a server error
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=server_log.open("w"), text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                health = httpx.get(url + "/health", timeout=2).json()
                if health.get("warm_up") in ("done", "failed"):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not start: {server_log.read_text()[-4000:]}")
            time.sleep(0.2)
        token = TokenStore(store).add("bench", ["bench", *[f"bench-{n}" for n in range(2, 2 * int(args.seconds) + 4, 2)]])
        stats, acknowledged = asyncio.run(run(url, token, args.seconds, args.clients))

        def ask_server(query: str) -> bool:
            r = httpx.get(
                url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
            )
            return bool(r.json()["boolean"])

        lost_live = missing(ask_server, acknowledged)
    finally:
        server.terminate()
        server.wait(timeout=60)
        if replica is not None:
            from migrakg.replica import Instance

            Instance.open(replica.folder).stop()
    settings = Settings.from_env(root=ROOT, store=store)
    with KnowledgeBase.open(store, settings) as kb:
        consistent = kb.verify() == (0, 0)
        lost_restart = missing(lambda q: bool(kb.store.query(q, use_default_graph_as_union=True)), acknowledged)
    if any(why.startswith("5") for s in stats.values() for why in s["why"]):
        print(f"server errors ({backend}); the server's last messages:\n{server_log.read_text()[-6000:]}", file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)

    routes = {
        kind: {
            "requests": len(s["ms"]),
            "errors": s["errors"],
            "p50_ms": round(percentile(s["ms"], 0.50), 1),
            "p99_ms": round(percentile(s["ms"], 0.99), 1),
            "mean_ms": round(statistics.fmean(s["ms"]), 1) if s["ms"] else None,
            "error_reasons": sorted(set(s["why"]))[:5],
        }
        for kind, s in stats.items()
    }
    return {
        "backend": backend,
        "seconds": args.seconds,
        "clients": args.clients,
        "errors": sum(r["errors"] for r in routes.values()),
        "writes_sent": routes_sent(stats),
        "writes_acknowledged": len(acknowledged),
        "lost_acknowledged_writes": {"live": lost_live, "after_restart": lost_restart},
        "store_consistent_with_log": consistent,
        "routes": routes,
        "load_average_at_end": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, help="query workers of the server (default: its own default)")
    parser.add_argument(
        "--backend",
        choices=("embedded", "replica", "both"),
        default="embedded",
        help="who answers the queries: the embedded store, a Virtuoso replica (serve --replica), or both in turn",
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --backend both: rounds, taking turns (E R, R E, …)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/load.json")
    args = parser.parse_args()

    backends = ["embedded", "replica"] if args.backend == "both" else [args.backend]
    rounds = max(1, args.rounds) if args.backend == "both" else 1
    order = [b for n in range(rounds) for b in (backends if n % 2 == 0 else backends[::-1])]
    runs = [measure(backend, args) for backend in order]
    result = {
        "runs": runs,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    ok = all(
        r["errors"] == 0 and not any(r["lost_acknowledged_writes"].values()) and r["store_consistent_with_log"] for r in runs
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
