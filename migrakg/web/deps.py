"""The web layer's state and dependencies: one typed `AppState` per app (every cache and lock declared
here), the `State` / `Templates` dependency aliases, `page_context` and the public URL builder.

Routers import from here, never from `app.py` or from each other; `app.py` only composes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..kb.base import KnowledgeBase
from ..kb.tokens import TokenStore
from ..linkeddata.search import IndexCache, SearchIndex
from ..linking.reconcile import Reconciler
from ..namespaces import Iris
from ..settings import Settings
from ..sparql.service import QueryService
from ..sparql.stats import StoreStats, compute_stats
from ..sparql.store import KnowledgeStore
from .i18n import request_lang, t

HERE = Path(__file__).parent


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every literal is escaped wherever it is shown
        undefined=jinja2.StrictUndefined,
    )
    env.globals["t"] = t
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


@dataclass
class AppState:
    """What every request handler may use, and every cache the web layer keeps (each keyed by the
    store generation it was computed for, so a reload makes it stale)."""

    settings: Settings
    store: KnowledgeStore
    service: QueryService
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
    """An absolute URL of this site: from the configured public URL, else from the request."""
    base = state.settings.public_url or str(request.base_url)
    return base.rstrip("/") + path
