"""create_app(settings, store): the whole HTTP service, built from its routers. No import-time state."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.responses import Response
from starlette.routing import Match

from .. import __version__
from ..kb.base import KnowledgeBase
from ..kb.local import new_admin_token, remove_server_file, write_server_file
from ..kb.tokens import TokenStore
from ..settings import Settings
from ..sparql.remote import QueryBackend
from ..sparql.service import QueryService
from ..sparql.store import KnowledgeStore
from . import (
    accessibility,
    apidocs,
    catalog,
    changes,
    errors,
    health,
    imports,
    kbadmin,
    links,
    pages,
    reconcile,
    report,
    search,
    sparql,
    update,
    workbench_pages,
)
from .deps import HERE, AppState
from .hardening import BodyLimit, SecurityHeaders
from .i18n import COOKIE, LANGS
from .pages import warm_caches

#: routes that change the knowledge base: no CORS headers, no preflight answer (a page elsewhere must
#: never be able to send a token-bearing request here from a browser)
WRITE_PATHS = ("/update", "/import", "/publish", "/links/", "/kb/")


def server_config(app: FastAPI, settings: Settings, *, host: str, port: int) -> Any:
    """The uvicorn configuration every server of migrakg runs with: no `server:` banner, and the client
    address taken from `X-Forwarded-For` only when the peer is a proxy on `settings.forwarded_allow`."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        proxy_headers=bool(settings.forwarded_allow),
        forwarded_allow_ips=list(settings.forwarded_allow) or None,
    )


def is_write_path(path: str) -> bool:
    return path in WRITE_PATHS[:3] or path.startswith(WRITE_PATHS[3:])


class CorsAndLang:
    """Pure ASGI middleware: CORS on every response of the read endpoints (public), answers their
    preflights, and remembers a `?lang=` choice in a cookie. Write routes get no CORS headers."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or is_write_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            headers = [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                (b"access-control-allow-headers", b"Accept, Content-Type, Authorization, Range"),
                (b"access-control-max-age", b"86400"),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        query = scope.get("query_string", b"").decode("latin-1")
        lang_cookie = None
        for part in query.split("&"):
            if part.startswith("lang=") and part[5:] in LANGS:
                lang_cookie = part[5:]

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"access-control-allow-origin", b"*"))
                headers.append(
                    (b"access-control-expose-headers", b"Content-Length, Content-Range, ETag, Link, Server-Timing, Vary")
                )
                if lang_cookie:
                    headers.append((b"set-cookie", f"{COOKIE}={lang_cookie}; Path=/; Max-Age=31536000; SameSite=Lax".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Pure ASGI middleware: HEAD on any address that answers GET (pages, /sparql, /catalog …) gives the
    GET's status and headers without the body — link checkers and open-data portals ask with HEAD.
    Routes that handle HEAD themselves (dumps, static files) get it unchanged."""

    def __init__(self, app: Any, routes: list[Any]):
        self.app = app
        self.routes = routes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or self._handled(scope):
            await self.app(scope, receive, send)
            return

        async def without_body(message: dict) -> None:
            if message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)

    def _handled(self, scope: dict) -> bool:
        return any(route.matches(scope)[0] == Match.FULL for route in self.routes)


class CompressText:
    """Pure ASGI middleware: gzip for answers of 500 bytes or more to clients that accept it (pages,
    SPARQL results, RDF, JSON, CSV — also while they stream). Never for the published dumps: they are
    served byte for byte, with their checksums, ETags and ranges (and are mostly gzip already); never
    for partial (206) answers or answers that carry an encoding of their own."""

    NOT = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/octet-stream")

    def __init__(self, app: Any):
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=500, exclude_content_types=self.NOT)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/dumps/"):
            await self.app(scope, receive, send)
            return
        await self.gzip(scope, receive, send)


class CachedStaticFiles(StaticFiles):
    """The stylesheet, scripts and icon, with Cache-Control: a browser keeps them for a day (and asks
    again with If-None-Match / If-Modified-Since after that); the pages link them with ?v=version."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def create_app(
    settings: Settings,
    store: KnowledgeStore,
    *,
    service: QueryBackend | None = None,
    build_dir: Path | None = None,
    warm_up: bool = False,
    kb: KnowledgeBase | None = None,
    announce: str | None = None,
) -> FastAPI:
    """The application over *store*. The query workers start with the app and stop with it. With
    *warm_up* (`migrakg serve`), the landing page's figures and the search index are computed in the
    background at start and after every reload, instead of on the first visitor's request.

    With *kb* (the knowledge base whose readers' copy *store* is), the write routes work and every commit
    — from a request or from a command sent through this server — restarts the query workers before it
    is acknowledged. *announce* (this server's address) is written to `{store}/server.json` with a fresh
    local admin token while the server runs, for the commands of the store's owner."""

    service = service or QueryService.from_settings(store, settings)
    state = AppState(settings, store, service, build_dir)
    changed = threading.Event()
    release_due = threading.Event()
    release_due.set()  # at start: publish when missing or not of this state
    if kb is not None:
        state.kb = kb
        state.tokens = TokenStore(kb.root)
        state.admin_token = new_admin_token()

        def on_change(_change: Any) -> None:
            service.reload()  # before the change is acknowledged: the next read sees it
            changed.set()
            release_due.set()  # the write path publishes the knowledge base's release again (a GET never does)

        kb.listeners.append(on_change)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service.start()
        warm = (lambda: _warm(state)) if warm_up else None
        if warm:
            state.warm_up = "running"
            threading.Thread(target=warm, name="migrakg-warm-up", daemon=True).start()
        stop = threading.Event()
        watcher = threading.Thread(
            target=_watch_store,
            args=(store, service, stop, settings.reload_interval, warm, changed),
            name="migrakg-store-watcher",
            daemon=True,
        )
        watcher.start()
        releaser = None
        if kb is not None:
            releaser = threading.Thread(
                target=_keep_release, args=(settings, store, stop, release_due), name="migrakg-releaser", daemon=True
            )
            releaser.start()
        if kb is not None and announce and state.admin_token:
            write_server_file(kb.root, announce, state.admin_token)
        try:
            yield
        finally:
            if kb is not None and state.admin_token:
                remove_server_file(kb.root, state.admin_token)
            stop.set()
            changed.set()
            release_due.set()
            watcher.join(timeout=5)
            if releaser is not None:
                releaser.join(timeout=30)
            service.close()

    app = FastAPI(
        title="migrakg", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url="/openapi.json"
    )
    app.state.kb = state
    errors.install(app)
    app.mount("/static", CachedStaticFiles(directory=str(HERE / "static")), name="static")
    app.mount("/api/assets", StaticFiles(directory=str(apidocs.ASSETS)), name="api-assets")

    for module in (
        health,
        sparql,
        update,
        imports,
        links,
        changes,
        kbadmin,
        pages,
        search,
        catalog,
        reconcile,
        report,
        accessibility,
        workbench_pages,
        apidocs,
    ):
        app.include_router(module.router)
    app.add_middleware(CompressText)
    app.add_middleware(HeadAsGet, routes=app.router.routes)
    app.add_middleware(CorsAndLang)
    app.add_middleware(BodyLimit, settings=settings)  # before anything reads a body
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers, refusals too
    return app


def _keep_release(settings: Settings, store: KnowledgeStore, stop: threading.Event, due: threading.Event) -> None:
    """Keep `{store}/release/` level with the knowledge base: publish at start and after changes (a burst
    of commits gives one release). Runs beside the server, so no request ever publishes."""
    from .releases import publish_store_release

    while True:
        due.wait()
        if stop.is_set():
            return
        due.clear()
        try:
            publish_store_release(settings, store)
        except Exception:  # the catalogue keeps the previous release; the next change tries again
            logging.getLogger("migrakg.web").warning("publishing the knowledge base's release failed", exc_info=True)


def _watch_store(
    store: KnowledgeStore,
    service: Any,
    stop: threading.Event,
    interval: float,
    after_reload: Callable[[], None] | None = None,
    changed: threading.Event | None = None,
) -> None:
    """Pick up a rebuilt file (a store loaded from files: swap the data, restart the query workers), and
    warm the caches again after a commit to the knowledge base (*changed*; several commits in a row give
    one warm-up). Queries in flight finish on the old data."""
    changed = changed or threading.Event()
    while True:
        changed.wait(interval)
        if stop.is_set():
            return
        if changed.is_set():
            changed.clear()
            if after_reload:
                after_reload()
            continue
        try:
            if not store.refresh():
                continue
            service.reload()
        except Exception:  # a broken rebuild must not stop the server: it keeps serving the old data
            logging.getLogger("migrakg.web").exception("reloading the store failed; still serving the previous data")
            continue
        if after_reload:
            after_reload()


def _warm(state: AppState) -> None:
    state.warm_up = "running"
    try:
        warm_caches(state)
        state.warm_up = "done"
    except Exception:  # the first request computes whatever is missing
        state.warm_up = "failed"
        logging.getLogger("migrakg.web").warning("warming the landing page and search index failed", exc_info=True)
