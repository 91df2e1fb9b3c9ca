"""create_app(settings, store): the whole HTTP service, built from its routers. No import-time state."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.routing import Match

from .. import __version__
from ..namespaces import Iris
from ..query import QueryService, default_workers
from ..settings import Settings
from ..store import KnowledgeStore
from ..terms import count_of
from . import errors
from .i18n import COOKIE, LANGS, request_lang, t

HERE = Path(__file__).parent


@dataclass
class AppState:
    """What every request handler may use."""

    settings: Settings
    store: KnowledgeStore
    service: QueryService
    build_dir: Path | None = None
    update_lock: Any = None
    warm_up: str = "off"  # off | running | done | failed — shown by /health

    @property
    def iris(self) -> Iris:
        return self.settings.iris


def get_state(request: Request) -> AppState:
    return request.app.state.kb


State = Annotated[AppState, Depends(get_state)]


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
                headers.append((b"access-control-expose-headers", b"Content-Length, Content-Range, ETag, Link, Server-Timing, Vary"))
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


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        # the report's own templates too: the served report shares its content with the stand-alone file
        loader=jinja2.FileSystemLoader([str(HERE / "templates"), str(HERE.parent / "reporting" / "templates")]),
        autoescape=True,  # every literal is escaped wherever it is shown
        undefined=jinja2.StrictUndefined,
    )
    env.globals["t"] = t
    env.globals["version"] = __version__
    env.globals["switch_url"] = switch_url
    env.globals["count_of"] = count_of
    return Jinja2Templates(env=env)


@jinja2.pass_context
def switch_url(context: Any, lang: str) -> str:
    """The current page in *lang*: same path, same query (search words, facets, SPARQL text), other language."""
    request: Request = context["request"]
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    return request.url.path + "?" + urlencode(params)


def create_app(settings: Settings, store: KnowledgeStore, *, service: QueryService | None = None,
               build_dir: Path | None = None, warm_up: bool = False) -> FastAPI:
    """The application over *store*. The query workers start with the app and stop with it. With
    *warm_up* (`migrakg serve`), the landing page's figures and the search index are computed in the
    background at start and after every reload, instead of on the first visitor's request."""

    service = service or QueryService(
        store, workers=default_workers(), timeout=settings.query_timeout, limit=settings.result_limit,
        max_bytes=settings.result_bytes, service_allow=settings.service_allow)
    state = AppState(settings, store, service, build_dir, threading.Lock())

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service.start()
        warm = (lambda: _warm(app)) if warm_up else None
        if warm:
            state.warm_up = "running"
            threading.Thread(target=warm, name="migrakg-warm-up", daemon=True).start()
        stop = threading.Event()
        watcher = threading.Thread(target=_watch_store, args=(store, service, stop, settings.reload_interval, warm),
                                   name="migrakg-store-watcher", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join(timeout=5)
            service.close()

    app = FastAPI(title="migrakg", version=__version__, lifespan=lifespan, docs_url="/api", redoc_url=None,
                  openapi_url="/openapi.json")
    app.state.kb = state
    app.state.landing_lock = threading.Lock()  # the landing page's figures are computed once (pages.py)
    app.state.templates = make_templates()
    errors.install(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from . import accessibility, catalog, health, pages, reconcile, report, search, sparql, update

    for module in (health, sparql, update, pages, search, catalog, reconcile, report, accessibility):
        app.include_router(module.router)
    app.add_middleware(HeadAsGet, routes=app.router.routes)
    app.add_middleware(CorsAndLang)
    return app


def _watch_store(store: KnowledgeStore, service: Any, stop: threading.Event, interval: float,
                 after_reload: Callable[[], None] | None = None) -> None:
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


def _warm(app: FastAPI) -> None:
    from .pages import warm_caches

    state: AppState = app.state.kb
    state.warm_up = "running"
    try:
        warm_caches(app)
        state.warm_up = "done"
    except Exception:  # the first request computes whatever is missing
        state.warm_up = "failed"
        logging.getLogger("migrakg.web").warning("warming the landing page and search index failed", exc_info=True)


def page_context(request: Request, **values: Any) -> dict[str, Any]:
    """The values every page template gets: language, current path (for the language switch)."""
    lang = request_lang(request)
    return {"lang": lang, "path": request.url.path, **values}
