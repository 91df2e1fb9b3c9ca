"""A rebuild replaces the served data atomically: queries see the old or the new data, never a mix."""

from __future__ import annotations

import os
import shutil
import threading
import time

import httpx

from migrakg.sparql.opening import open_store
from migrakg.sparql.service import QueryService
from migrakg.web.app import create_app
from tests.conftest import LiveServer

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/migrakg/ontology#Organisation> }"
NEW = (
    "<https://w3id.org/migrakg/id/organisation/synthetic-reload-test> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/migrakg/ontology#Organisation> <https://w3id.org/migrakg/graph/organisations> .\n"
)


def count(url: str) -> int:
    r = httpx.get(url + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def watch_counts(url: str, stop: threading.Event, seen: list[int]) -> None:
    while not stop.is_set():
        seen.append(count(url))


def test_rebuild_is_swapped_in_while_serving(settings, built, tmp_path):
    build_dir = tmp_path / "build"
    shutil.copytree(built.out_dir, build_dir, ignore=shutil.ignore_patterns(".build-*"))
    local = settings.with_(build_dir=build_dir, reload_interval=0.2)
    store = open_store(local, store="memory")
    app = create_app(local, store, service=QueryService(store, workers=2, timeout=10))
    with LiveServer(app) as server:
        old = count(server.url)
        stop, seen = threading.Event(), []
        reader = threading.Thread(target=watch_counts, args=(server.url, stop, seen))
        reader.start()
        text = (build_dir / "migrakg.nq").read_text()
        tmp = build_dir / "migrakg.nq.tmp"
        tmp.write_text(text + NEW)
        os.replace(tmp, build_dir / "migrakg.nq")  # what `migrakg build` does
        deadline = time.monotonic() + 15
        while count(server.url) != old + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        reader.join()
        assert count(server.url) == old + 1
        assert set(seen) <= {old, old + 1}, set(seen)
        assert store.generation >= 2


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_serve_warms_landing_and_search_at_start_and_after_a_rebuild(settings, built, tmp_path):
    """`migrakg serve` (warm_up) computes the landing page's figures and the search index before the
    first visitor asks, and again for new data; the landing page then uses them as they are."""
    build_dir = tmp_path / "build"
    shutil.copytree(built.out_dir, build_dir, ignore=shutil.ignore_patterns(".build-*"))
    local = settings.with_(build_dir=build_dir, reload_interval=0.2)
    store = open_store(local, store="memory")
    app = create_app(local, store, service=QueryService(store, workers=2, timeout=10), warm_up=True)

    def warmed() -> bool:
        state = app.state.kb
        figures = state.landing_figures
        index = state.search_index
        return (
            figures is not None
            and figures[0] == store.generation
            and index._index is not None
            and index._index.generation == store.generation
            and {(store.generation, "de"), (store.generation, "en")} <= set(state.landing_lists)
        )

    with LiveServer(app) as server:
        assert wait_for(warmed), "no warm-up after start"
        assert wait_for(lambda: httpx.get(server.url + "/health", timeout=10).json()["warm_up"] == "done")
        figures = app.state.kb.landing_figures
        organisations = figures[1][1]["organisation"]
        page = httpx.get(server.url + "/", timeout=30)
        assert page.status_code == 200 and f">{organisations}<" in page.text.replace(" ", "").replace("\u202f", "")
        assert app.state.kb.landing_figures is figures  # used, not computed again
        first = store.generation
        text = (build_dir / "migrakg.nq").read_text()
        tmp = build_dir / "migrakg.nq.tmp"
        tmp.write_text(text + NEW)
        os.replace(tmp, build_dir / "migrakg.nq")
        assert wait_for(lambda: store.generation > first and warmed()), "no warm-up after the rebuild"
        assert app.state.kb.landing_figures[1][1]["organisation"] == organisations + 1
