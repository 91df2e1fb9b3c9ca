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
from ..settings import Settings
from ..sparql.remote import QueryBackend
from ..sparql.service import QueryService
from ..sparql.store import KnowledgeStore
from . import accessibility, apidocs, catalog, errors, health, pages, reconcile, report, search, sparql, update
from .deps import HERE, AppState
from .hardening import BodyLimit, SecurityHeaders
from .i18n import COOKIE, LANGS
from .pages import warm_caches


class CorsAndLang:
    """Pure ASGI middleware: CORS on every response (read endpoints are public), answers preflights,
    and remembers a `?lang=` choice in a cookie."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
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
) -> FastAPI:
    """The application over *store*. The query workers start with the app and stop with it. With
    *warm_up* (`migrakg serve`), the landing page's figures and the search index are computed in the
    background at start and after every reload, instead of on the first visitor's request."""

    service = service or QueryService.from_settings(store, settings)
    state = AppState(settings, store, service, build_dir)

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
            args=(store, service, stop, settings.reload_interval, warm),
            name="migrakg-store-watcher",
            daemon=True,
        )
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join(timeout=5)
            service.close()

    app = FastAPI(
        title="migrakg", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url="/openapi.json"
    )
    app.state.kb = state
    errors.install(app)
    app.mount("/static", CachedStaticFiles(directory=str(HERE / "static")), name="static")
    app.mount("/api/assets", StaticFiles(directory=str(apidocs.ASSETS)), name="api-assets")

    for module in (health, sparql, update, pages, search, catalog, reconcile, report, accessibility, apidocs):
        app.include_router(module.router)
    app.add_middleware(CompressText)
    app.add_middleware(HeadAsGet, routes=app.router.routes)
    app.add_middleware(CorsAndLang)
    app.add_middleware(BodyLimit, settings=settings)  # before anything reads a body
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers, refusals too
    return app


def _watch_store(
    store: KnowledgeStore, service: Any, stop: threading.Event, interval: float, after_reload: Callable[[], None] | None = None
) -> None:
    """Pick up a rebuild: when the build (or the store's CURRENT generation) changes, swap the data and
    restart the query workers on it. Queries in flight finish on the old data."""
    while not stop.wait(interval):
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
