"""The web layer's state and dependencies: one typed `AppState` per app (every cache and lock declared
here), the `State` / `Templates` dependency aliases, `page_context` and the public URL builder.

Routers import from here, never from `app.py` or from each other; `app.py` only composes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..kb.base import KnowledgeBase
from ..kb.tokens import TokenStore
from ..linkeddata.search import IndexCache, SearchIndex
from ..linking.reconcile import Reconciler
from ..names import count_of
from ..namespaces import Iris
from ..settings import Settings
from ..sparql.remote import QueryBackend
from ..sparql.stats import StoreStats, compute_stats
from ..sparql.store import KnowledgeStore
from .i18n import request_lang, t

HERE = Path(__file__).parent


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


@dataclass
class AppState:
    """What every request handler may use, and every cache the web layer keeps (each keyed by the
    store generation it was computed for, so a reload makes it stale)."""

    settings: Settings
    store: KnowledgeStore
    service: QueryBackend
    build_dir: Path | None = None
    templates: Jinja2Templates = field(default_factory=make_templates)
    warm_up: str = "off"  # off | running | done | failed — shown by /health
    search_index: IndexCache = field(default_factory=IndexCache)
    # the landing page's figures and lists are computed once per generation (a request that comes
    # while the warm-up computes them waits for that instead of computing again)
    landing_lock: threading.Lock = field(default_factory=threading.Lock)
    landing_figures: tuple[int, Any] | None = None
    landing_lists: dict[tuple[int, str], dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    reconciler: Reconciler | None = None
    stats_lock: threading.Lock = field(default_factory=threading.Lock)
    stats_cache: tuple[int, StoreStats] | None = None
    # the knowledge base when serving one (None for --data / memory: nothing can be written)
    kb: KnowledgeBase | None = None
    tokens: TokenStore | None = None
    admin_token: str | None = None  # the local admin token of this server (in {store}/server.json)
    auth_failures: dict[str, tuple[int, float]] = field(default_factory=dict)  # client → (failures, wait until)

    @property
    def iris(self) -> Iris:
        return self.settings.iris

    def index_timeout(self) -> float:
        """Our own whole-data queries (search index, landing figures) may take longer than a public query."""
        return max(self.settings.query_timeout, 120.0)

    def index(self) -> SearchIndex:
        """The search index of the current store generation (built on first use)."""
        return self.search_index.get(self.service, self.store.generation, timeout=self.index_timeout())

    def store_stats(self) -> StoreStats:
        """Triples per graph and in all, computed once per store generation (also when the start-up
        warm-up and a request ask together)."""
        with self.stats_lock:
            if self.stats_cache is None or self.stats_cache[0] != self.store.generation:
                self.stats_cache = (self.store.generation, compute_stats(self.service))
            return self.stats_cache[1]

    def get_reconciler(self) -> Reconciler:
        if self.reconciler is None:
            self.reconciler = Reconciler(self.service.select, self.settings.base_iri, lambda: self.store.generation)
        return self.reconciler


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.kb
    return state


def get_templates(request: Request) -> Jinja2Templates:
    return get_state(request).templates


State = Annotated[AppState, Depends(get_state)]
Templates = Annotated[Jinja2Templates, Depends(get_templates)]


def page_context(request: Request, **values: Any) -> dict[str, Any]:
    """The values every page template gets: language, current path (for the language switch)."""
    lang = request_lang(request)
    return {"lang": lang, "path": request.url.path, **values}


def site_url(request: Request, state: AppState, path: str = "") -> str:
    """An absolute URL of this site: the configured public URL; else the request's own address when
    its Host is one of the trusted hosts; else the address the server listens on. A Host header alone
    never puts a foreign address into a manifest, a service description or JSON-LD."""
    settings = state.settings
    if settings.public_url:
        base = settings.public_url
    elif (request.url.hostname or "") in settings.trusted_hosts:
        base = str(request.base_url)
    else:
        host, port = (request.scope.get("server") or ("127.0.0.1", 8000))[:2]
        host = f"[{host}]" if ":" in str(host) else str(host)
        base = f"http://{host}" + ("" if port in (80, None) else f":{port}")
    return base.rstrip("/") + path
