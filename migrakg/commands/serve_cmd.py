"""`migrakg serve [--host 127.0.0.1] [--port 8000] [--store PATH|memory] [--data FILE…] [--backend URL] [--replica DIR]`

Without --data / --backend / `--store memory` it serves the knowledge base (default ROOT/var/kb, created
the first time; `data/` is rebuilt into it when it changed) and takes writes. With --replica the knowledge
base still takes the writes, and queries (/sparql, pages, search, report, reconcile) are answered by the
Virtuoso read replica in DIR, which this process keeps level with the change log (docs/replica.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--store",
        help="knowledge base folder (default: MIGRAKG_STORE or var/kb), or 'memory' for the latest build in memory, read-only",
    )
    parser.add_argument("--data", nargs="+", type=Path, help="serve these RDF files as they are (no build, no validation)")
    parser.add_argument(
        "--backend",
        help="an external SPARQL 1.1 endpoint to answer queries instead of the embedded store (read-only); "
        "virtuoso://HOST:PORT for a Virtuoso replica kept level elsewhere",
    )
    parser.add_argument(
        "--replica",
        type=Path,
        help="a Virtuoso replica folder (`migrakg replica start`): it answers the queries and follows this knowledge base",
    )
    parser.add_argument("--timeout", type=float, help="query time limit in seconds (default 10)")
    parser.add_argument("--result-limit", type=int, help="most rows a query may return (default 100000)")
    parser.add_argument(
        "--workers", type=int, help="query worker processes for pages, search and reconcile (default: cores, 2–4)"
    )
    parser.add_argument("--sparql-workers", type=int, help="query worker processes for /sparql alone (default 2)")
    parser.add_argument("--service-allow", nargs="*", help="SPARQL endpoints a SERVICE clause may reach")
    parser.add_argument("--public-url", help="address the server is reached at (for links in catalogue and service description)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from ..sparql.opening import open_store
    from ..sparql.service import QueryService
    from ..web.app import create_app, server_config

    settings = settings.with_(
        query_timeout=args.timeout or settings.query_timeout,
        result_limit=args.result_limit or settings.result_limit,
        service_allow=tuple(args.service_allow) if args.service_allow is not None else settings.service_allow,
        public_url=args.public_url or settings.public_url,
        sparql_workers=args.sparql_workers or settings.sparql_workers,
    )
    settings.__post_init__()
    from ..sparql.remote import QueryBackend, RemoteQueryService, endpoint_of

    service: QueryBackend
    kb = None
    replica = None
    if args.replica:
        from ..replica import Follower, Instance
        from ..replica.follow import kb_snapshot

        kb = open_knowledge_base(settings, Path(args.store) if args.store else settings.store_path)
        store = kb.readers
        replica = Instance.open(args.replica)
        replica.start()
        follower = Follower(replica, kb.root, snapshot=kb_snapshot(kb))
        follower.catch_up()
        follower.start()
        kb.listeners.append(follower.committed)  # the writer reads its change back from the replica
        service = RemoteQueryService(
            replica.endpoint,
            timeout=settings.query_timeout,
            limit=settings.result_limit,
            max_bytes=settings.result_bytes,
            dialect="virtuoso",
            follower=follower,
        )
    elif args.backend:
        store = open_store(settings, store="memory") if (settings.build_path / "migrakg.nq").exists() else None
        from ..sparql.store import KnowledgeStore

        store = store or KnowledgeStore.memory()
        endpoint, dialect = endpoint_of(args.backend)
        service = RemoteQueryService(
            endpoint,
            timeout=settings.query_timeout,
            limit=settings.result_limit,
            max_bytes=settings.result_bytes,
            dialect=dialect,
        )
    else:
        if args.data or args.store == "memory":
            store = open_store(settings, store=args.store, data=args.data)
        else:
            kb = open_knowledge_base(settings, Path(args.store) if args.store else settings.store_path)
            store = kb.readers
        service = QueryService.from_settings(store, settings, workers=args.workers)
    url = f"http://{args.host}:{args.port}"
    app = create_app(settings, store, service=service, warm_up=True, kb=kb, announce=url if kb is not None else None)
    where = f" from {kb.root}" if kb is not None else ""
    print(f"migrakg serving {store.triple_count()} triples ({store.kind}{where}) on {url}/", file=sys.stderr)
    try:
        uvicorn.Server(server_config(app, settings, host=args.host, port=args.port)).run()
    finally:
        if isinstance(service, RemoteQueryService) and service.follower is not None:
            service.follower.stop()
        if kb is not None:
            kb.close()
    return 0


def open_knowledge_base(settings: Settings, root: Path):
    """The knowledge base for serving, with `data/` rebuilt into it if it changed. A broken `data/` leaves
    the knowledge base as it was (the problem is printed); with nothing in it yet, serving stops."""
    from ..errors import MigrakgError, user_language
    from ..kb import KnowledgeBase
    from ..kb.curated import ensure_curated

    kb = KnowledgeBase.open(root, settings, wait=120)
    try:
        change = ensure_curated(kb, settings)
    except MigrakgError as exc:
        if not kb.changes:
            kb.close()
            raise
        lang = settings.lang or user_language()
        print(f"migrakg serve: data/ not taken: {exc.message(lang)}", file=sys.stderr)
        change = None
    if change is not None:
        print(f"data/ rebuilt into {root}: change {change.id}", file=sys.stderr)
    kb.shapes.loaded()  # the first write need not wait for the shapes to be read
    return kb
