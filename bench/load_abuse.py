"""Load and abuse benchmark: does the public server keep serving people when the traffic is hostile?

Starts `migrakg serve` (the real command, default settings, the real data from `migrakg build`) on a
free port of 127.0.0.1 and runs, for --seconds each (default 60):

  quiet      32 clients in a loop over a mix of pages (organisation, district, landing), search and
             small SPARQL queries (the example queries)
  hostile-N  the same 32 clients plus N hostile ones (N = 1, 2, 4), each in a loop: the cross product
             `SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`, then a 4 MB POST body

Every client connects from an address of its own (127.0.0.10, .11, … — all loopback, Linux routes the
whole 127/8 to lo), so the server's per-client limit sees 36 clients, not one. Then, on a server with
4 public workers, the page latency while 4 cross products run at once.

Everything is bounded in time and only talks to 127.0.0.1. Writes bench/results/load-abuse.json and
bench/LOAD.md.

    .venv/bin/migrakg build && .venv/bin/python bench/load_abuse.py            # ~5 minutes
    .venv/bin/python bench/load_abuse.py --seconds 10 --hostile 0 4           # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CROSS = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BIG_BODY = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (4 * 1024 * 1024)
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
HTML = {"Accept": "text/html"}
SEARCHES = ["Pankow", "Beratung", "Arabisch", "Spandau", "Polnisch", "Frauen", "Sprachkurs", "Verein"]
DISTRICTS = ["pankow", "spandau", "mitte", "neukoelln", "friedrichshain-kreuzberg"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """`migrakg serve` as a subprocess on 127.0.0.1."""

    def __init__(self, env: dict[str, str], root: Path = ROOT):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "migrakg.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                health = httpx.get(self.url + "/health", timeout=2).json()
                if health.get("warm_up") in ("done", "failed", "off"):
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(self.proc.stderr.read().decode() if self.proc.stderr else "server ended")
            time.sleep(0.3)
        self.proc.kill()
        raise SystemExit("server did not start")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def client_for(number: int, timeout: float = 30.0) -> httpx.AsyncClient:
    """A client whose connections come from 127.0.0.(10 + number)."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{10 + number}")
    return httpx.AsyncClient(transport=transport, timeout=timeout)


def request_mix(url: str, organisations: list[str], queries: list[str]) -> list[tuple[str, str, dict, str]]:
    """(kind, url, headers, method) — pages 50 %, search 25 %, SPARQL 25 %."""
    mix = []
    for slug in organisations:
        mix.append(("page", f"{url}/id/organisation/{slug}", HTML, "GET"))
    for district in DISTRICTS:
        mix.append(("page", f"{url}/id/district/{district}", HTML, "GET"))
    mix.append(("page", url + "/", HTML, "GET"))
    pages = [m for m in mix]
    searches = [("search", f"{url}/search.json?q={quote(q)}", {}, "GET") for q in SEARCHES]
    sparql = [("sparql", f"{url}/sparql?query={quote(q)}", SPARQL_JSON, "GET") for q in queries]
    return pages, searches, sparql


async def normal_client(number: int, mix, until: float, log: list) -> None:  # type: ignore[no-untyped-def]
    pages, searches, sparql = mix
    rng = random.Random(number)
    async with client_for(number) as client:
        while time.monotonic() < until:
            roll = rng.random()
            kind, target, headers, _ = rng.choice(pages if roll < 0.5 else searches if roll < 0.75 else sparql)
            started = time.monotonic()
            try:
                r = await client.get(target, headers=headers)
                status = r.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            log.append((kind, time.monotonic() - started, status))


async def hostile_client(number: int, url: str, until: float, log: list) -> None:  # type: ignore[no-untyped-def]
    async with client_for(number, timeout=60) as client:
        while time.monotonic() < until:
            for kind in ("cross", "body"):
                if time.monotonic() >= until:
                    break
                started = time.monotonic()
                try:
                    if kind == "cross":
                        r = await client.get(url + "/sparql", params={"query": CROSS}, headers=SPARQL_JSON)
                    else:
                        r = await client.post(
                            url + "/sparql", content=BIG_BODY, headers={"Content-Type": "application/sparql-query", **SPARQL_JSON}
                        )
                    status = r.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                log.append((kind, time.monotonic() - started, status))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(log: list, seconds: float) -> dict:
    out: dict = {"requests": len(log), "per_second": round(len(log) / seconds, 1), "kinds": {}}
    for kind in sorted({k for k, _, _ in log}):
        times = [t for k, t, _ in log if k == kind]
        statuses: dict[str, int] = {}
        for k, _, s in log:
            if k == kind:
                statuses[str(s)] = statuses.get(str(s), 0) + 1
        errors = sum(n for s, n in statuses.items() if not s.startswith("2"))
        out["kinds"][kind] = {
            "n": len(times),
            "p50": round(percentile(times, 0.5), 4),
            "p95": round(percentile(times, 0.95), 4),
            "p99": round(percentile(times, 0.99), 4),
            "max": round(max(times), 4),
            "errors": errors,
            "statuses": statuses,
        }
    return out


async def scenario(url: str, mix, hostile: int, seconds: float, clients: int) -> dict:  # type: ignore[no-untyped-def]
    normal: list = []
    bad: list = []
    until = time.monotonic() + seconds
    tasks = [normal_client(i, mix, until, normal) for i in range(clients)]
    tasks += [hostile_client(clients + i, url, until, bad) for i in range(hostile)]
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    return {
        "hostile": hostile,
        "seconds": round(elapsed, 1),
        "machine_load": [round(load_before, 1), round(os.getloadavg()[0], 1)],  # 1-min load average before / after
        "load": summarise(normal, elapsed),
        "hostile_requests": summarise(bad, elapsed),
    }


async def pages_during_cross_products(url: str, organisations: list[str], count: int = 4, samples: int = 20) -> dict:
    """Start *count* cross products (each from its own address), wait until all run, then time pages."""
    tasks = []
    clients = [client_for(100 + i, timeout=120) for i in range(count)]
    for c in clients:
        tasks.append(asyncio.ensure_future(c.get(url + "/sparql", params={"query": CROSS}, headers=SPARQL_JSON)))
    async with httpx.AsyncClient(timeout=20) as probe:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            lanes = (await probe.get(url + "/health")).json().get("lanes")
            if lanes is None:  # a server without lanes (the code before issue 16): give the queries time to start
                await asyncio.sleep(2)
                break
            if lanes["public"]["in_flight"] >= count:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        times: list[float] = []
        health_times: list[float] = []
        statuses: list = []
        stop_at = time.monotonic() + 60  # bounded, also where pages wait behind the cross products
        for i in range(samples):
            if time.monotonic() > stop_at:
                break
            for target, headers, into in (
                (f"{url}/id/organisation/{organisations[i % len(organisations)]}", HTML, times),
                (url + "/health", {}, health_times),
            ):
                started = time.monotonic()
                try:
                    statuses.append((await probe.get(target, headers=headers)).status_code)
                except httpx.HTTPError as exc:
                    statuses.append(type(exc).__name__)
                into.append(time.monotonic() - started)
        running = sum(1 for t in tasks if not t.done())
    for t in tasks:
        t.cancel()
    for c in clients:
        await c.aclose()
    return {
        "cross_products": count,
        "still_running_after_the_pages": running,
        "page_p50": round(statistics.median(times), 4),
        "page_p90": round(percentile(times, 0.9), 4),
        "page_max": round(max(times), 4),
        "health_p50": round(statistics.median(health_times), 4),
        "health_max": round(max(health_times), 4),
        "pages": len(times),
        "statuses": sorted({str(s) for s in statuses}),
    }


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = ""
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem.split(":", 1)[-1].strip(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "note": "shared machine: other work ran beside the benchmark",
    }


async def main_async(args: argparse.Namespace) -> dict:
    root = args.root.resolve()
    env = {"MIGRAKG_ROOT": str(root), "MIGRAKG_BUILD": str(ROOT / "build")}  # the same data for any checkout
    commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    label = args.label or commit or root.name
    results: dict = {"machine": machine(), "seconds": args.seconds, "clients": args.clients, "code": label, "scenarios": []}
    queries = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("0*.rq"))]
    with Server(env, root) as server:
        async with httpx.AsyncClient(timeout=30) as c:
            answer = (
                await c.get(
                    server.url + "/sparql",
                    params={"query": "SELECT ?o WHERE { ?o a <https://w3id.org/migrakg/ontology#Organisation> } ORDER BY ?o"},
                    headers=SPARQL_JSON,
                )
            ).json()
            results["settings"] = (await c.get(server.url + "/health")).json()
        organisations = [b["o"]["value"].rsplit("/", 1)[-1] for b in answer["results"]["bindings"]]
        mix = request_mix(server.url, organisations, queries)
        results["rss_mib_start"] = round(rss_mib(server.proc.pid), 1)
        for hostile in args.hostile:
            print(f"scenario: 32 clients + {hostile} hostile, {args.seconds} s …", file=sys.stderr)
            outcome = await scenario(server.url, mix, hostile, args.seconds, args.clients)
            outcome["rss_mib_after"] = round(rss_mib(server.proc.pid), 1)
            results["scenarios"].append(outcome)
            print(json.dumps(outcome["load"]["kinds"].get("page", {})), file=sys.stderr)
            await asyncio.sleep(args.pause)  # the last hostile queries end (time limit) before the next run
        results["rss_mib_end"] = round(rss_mib(server.proc.pid), 1)
    print("pages while 4 cross products run …", file=sys.stderr)
    with Server({**env, "MIGRAKG_SPARQL_WORKERS": "4", "MIGRAKG_QUERY_TIMEOUT": "60"}, root) as server:
        results["during_cross_products"] = await pages_during_cross_products(server.url, organisations)
    return results


def table(results: dict) -> list[str]:
    lines = [
        "| hostile clients | requests/s | page p50 | page p99 | page errors | search p99 | SPARQL p99 | SPARQL errors (statuses) | hostile answers | web RSS after | machine load before → after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in results["scenarios"]:
        kinds = s["load"]["kinds"]
        page, search, sparql = kinds.get("page", {}), kinds.get("search", {}), kinds.get("sparql", {})
        bad = s["hostile_requests"]["kinds"]
        hostile = "; ".join(f"{k}: " + ", ".join(f"{st}×{n}" for st, n in v["statuses"].items()) for k, v in bad.items()) or "–"
        statuses = ", ".join(f"{k}×{v}" for k, v in sparql.get("statuses", {}).items())
        lines.append(
            f"| {s['hostile']} | {s['load']['per_second']} | {page.get('p50', 0):.3f} s | {page.get('p99', 0):.3f} s | {page.get('errors', 0)} "
            f"| {search.get('p99', 0):.3f} s | {sparql.get('p99', 0):.3f} s | {sparql.get('errors', 0)} ({statuses}) "
            f"| {hostile} | {s['rss_mib_after']} MiB | {s['machine_load'][0]} → {s['machine_load'][1]} |"
        )
    quiet = next((s for s in results["scenarios"] if s["hostile"] == 0), None)
    if quiet:
        q99 = quiet["load"]["kinds"]["page"]["p99"]
        worst = max(s["load"]["kinds"]["page"]["p99"] for s in results["scenarios"])
        lines += ["", f"Page p99: quiet {q99:.3f} s, worst with hostile clients {worst:.3f} s ({worst / q99:.2f}× the quiet run; goal: within 2×)."]
    d = results.get("during_cross_products")
    if d:
        server = (
            "a server with 4 public workers, so all four really run"
            if results.get("settings", {}).get("lanes")
            else "this code has one pool of query workers (2) for pages and /sparql alike"
        )
        lines += [
            "",
            f"**Pages while {d['cross_products']} cross products run** ({server}; "
            f"{d.get('pages', 20)} organisation pages and as many `/health` one after another, at most 60 s): page p50 {d['page_p50']:.3f} s, "
            f"p90 {d.get('page_p90', float('nan')):.3f} s, max {d['page_max']:.3f} s (goal: under 0.5 s); "
            f"/health p50 {d['health_p50']:.3f} s, max {d['health_max']:.3f} s; statuses {d['statuses']}; "
            f"cross products still running after the last page: {d['still_running_after_the_pages']} of {d['cross_products']}.",
        ]
    lines += ["", f"Web process memory (RSS): {results['rss_mib_start']} MiB after start-up, {results['rss_mib_end']} MiB after all runs."]
    return lines


def write_markdown(results: dict, path: Path, baseline: dict | None = None) -> None:
    m = results["machine"]
    lines = [
        "# Load and abuse — the public server under hostile traffic",
        "",
        f"`bench/load_abuse.py` (issue 16): `migrakg serve` with default settings on 127.0.0.1, {results['clients']} clients "
        f"in a loop over pages (50 %), search (25 %) and the example SPARQL queries (25 %) for {results['seconds']} s, "
        "with 0, 1, 2 and 4 hostile clients (each in a loop: the cross product "
        "`SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`, then a 4 MB POST body). "
        "Every client has an address of its own (127.0.0.10 …). Raw numbers: `results/load-abuse.json`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, Python {m['python']}; {m['note']} "
        "(the load average is in the table). The load generator runs on the same cores as the server.",
        "",
        f"## Now (code {results.get('code', '')})",
        "",
        "Server: " + ", ".join(f"{k} lane {v['workers']} workers" for k, v in results.get("settings", {}).get("lanes", {}).items()),
        "",
        *table(results),
    ]
    lines += [
        "",
        "Reading the table: the hostile clients' cross products run on the public lane until the time limit (10 s) and "
        "are answered 503; their 4 MB bodies are answered 413 from the headers, unread. What they cost the other "
        "clients is the public lane: the 32 clients' example SPARQL queries wait in its queue (`sparql_queue`) behind "
        "the cross products and many get 503 — at once when the queue is full, or after waiting. Pages, search and "
        "`/health` run on the internal lane and keep answering; what still moves their latency is CPU (the public "
        "workers run at `nice +10`, but the machine is shared with other work — see the load average).",
    ]
    if baseline:
        lines += [
            "",
            f"## Before (code {baseline.get('code', '')}: one pool of query workers for pages and /sparql, no limits)",
            "",
            "The same run, the same data and machine (`--root` a checkout of that commit; `results/load-abuse-before.json`).",
            "",
            *table(baseline),
        ]
    lines += [
        "",
        "Run: `.venv/bin/migrakg build && .venv/bin/python bench/load_abuse.py` (about 6 minutes); a baseline: "
        "`git worktree add /tmp/before COMMIT` (or `git archive`), then "
        "`.venv/bin/python bench/load_abuse.py --root /tmp/before --out bench/results/load-abuse-before.json --markdown /tmp/before.md`.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--hostile", type=int, nargs="+", default=[0, 1, 2, 4])
    parser.add_argument("--pause", type=float, default=11.0, help="seconds between runs (the last hostile queries end)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code serves (e.g. an older commit, for a baseline)")
    parser.add_argument("--label", help="name of the code that serves, for the results (default: its git commit)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "load-abuse.json")
    parser.add_argument("--baseline", type=Path, default=HERE / "results" / "load-abuse-before.json", help="shown beside, if present")
    parser.add_argument("--markdown", type=Path, default=HERE / "LOAD.md")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline.exists() and args.baseline != args.out else None
    write_markdown(results, args.markdown, baseline)
    print(args.markdown.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
