"""Shared fixtures: the real data built once per session, an app over it, a live server on 127.0.0.1."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MIGRAKG_SHARED", ROOT.parent / "shared"))
ARTIFACTS = ROOT / "test-artifacts"
# commands run by the tests (in this process or as subprocesses) never touch the checkout's var/kb
os.environ.setdefault("MIGRAKG_STORE", tempfile.mkdtemp(prefix="migrakg-test-kb-"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium")


@pytest.fixture(scope="session")
def data_rows():
    """The records of one of the data/*.csv source tables, so tests follow the data instead of fixed figures."""

    def rows(table: str) -> list[dict[str, str]]:
        with open(ROOT / "data" / f"{table}.csv", newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    return rows


@pytest.fixture(scope="session")
def data_count(data_rows):
    """Number of records in one of the data/*.csv source tables."""
    return lambda table: len(data_rows(table))


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the checkout (CI has it there); tests read standards and data from it."""
    assert SHARED.is_dir(), f"{SHARED} is missing: the shared folder must sit beside the checkout"
    return SHARED


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory):
    from migrakg.settings import Settings

    build_dir = tmp_path_factory.mktemp("build")
    return Settings(root=ROOT, build_dir=build_dir, store=tmp_path_factory.mktemp("kb") / "kb")


@pytest.fixture(scope="session")
def built(settings):
    """The real data, built and validated once per test session."""
    from migrakg.build import build

    return build(settings)


@pytest.fixture(scope="session")
def kb_store(settings, built):
    from migrakg.sparql.opening import open_store

    return open_store(settings, store="memory")  # the latest build, in memory


@pytest.fixture(scope="session")
def kb_template(settings, built, tmp_path_factory):
    """A knowledge base folder with data/ rebuilt into it, made once per session: copy it to write to it
    (`shutil.copytree(kb_template, tmp_path / "kb")`)."""
    from migrakg.kb import KnowledgeBase
    from migrakg.kb.curated import ensure_curated

    root = tmp_path_factory.mktemp("kb-template") / "kb"
    with KnowledgeBase.open(root, settings) as kb:
        ensure_curated(kb, settings)
    return root


@pytest.fixture(scope="session")
def service(kb_store):
    from migrakg.sparql.service import QueryService

    svc = QueryService(kb_store, workers=2, timeout=10)
    svc.start()
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def released(settings, built):
    """The release `make run` publishes before serving (the server never publishes on a request)."""
    from migrakg.publishing.release import publish

    return publish(settings, settings.build_path / "dist")


@pytest.fixture(scope="session")
def app(settings, kb_store, service, released):
    from migrakg.web.app import create_app

    return create_app(settings, kb_store, service=service)


@pytest.fixture(scope="session")
def session_client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture()
def client(session_client):
    """The session's TestClient with no cookies (a remembered ?lang= must not leak between tests)."""
    session_client.cookies.clear()
    yield session_client
    session_client.cookies.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn in a background thread on 127.0.0.1 (real HTTP for SPARQLWrapper, browsers, peers)."""

    def __init__(self, app, port: int | None = None):
        import uvicorn

        from migrakg.web.app import server_config

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = app.state.kb.settings  # the settings the app was built with (its AppState)
        self.server = uvicorn.Server(server_config(app, settings, host="127.0.0.1", port=self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(settings, kb_store, released):
    """A real server over the real data (own query workers)."""
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app

    app = create_app(settings, kb_store, service=QueryService(kb_store, workers=2, timeout=10))
    with LiveServer(app) as server:
        yield server


# --- the same tests on both backends: the embedded store and the Virtuoso read replica (docs/replica.md) ---

BACKENDS = ("embedded", "virtuoso")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory, kb_store):
    """A Virtuoso instance of our own holding the session's data (installed by scripts/install-virtuoso.sh,
    which `make test` runs): 127.0.0.1, free ports, a temporary folder, stopped at the end."""
    import pyoxigraph as ox

    from migrakg.replica import Instance, Settings

    settings = Settings.sized(300)
    settings.max_seconds = 10  # Virtuoso stops a query the front gave up on (the front's limit: 10 s)
    instance = Instance.create(tmp_path_factory.mktemp("virtuoso") / "replica", settings)
    try:
        instance.start()
        instance.bulk_load(kb_store.store.dump(format=ox.RdfFormat.N_QUADS) or b"", 0)
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="session")
def replica_app(settings, kb_store, virtuoso, released):
    """The same app with the replica answering every query (through the same front)."""
    from migrakg.sparql.remote import RemoteQueryService
    from migrakg.web.app import create_app

    service = RemoteQueryService(virtuoso.endpoint, timeout=10, dialect="virtuoso")
    return create_app(settings, kb_store, service=service)


@pytest.fixture(scope="session")
def replica_session_client(replica_app):
    from fastapi.testclient import TestClient

    with TestClient(replica_app) as c:
        yield c


@pytest.fixture(scope="session")
def replica_server(replica_app):
    with LiveServer(replica_app) as server:
        yield server


@pytest.fixture(params=BACKENDS)
def backend_client(request, session_client):
    """`client` on each backend in turn (a module opts in with `client = backend_client`-style override)."""
    chosen = session_client if request.param == "embedded" else request.getfixturevalue("replica_session_client")
    chosen.cookies.clear()
    yield chosen
    chosen.cookies.clear()


@pytest.fixture(scope="session", params=BACKENDS)
def backend_server(request, live_server):
    """`live_server` on each backend in turn."""
    return live_server if request.param == "embedded" else request.getfixturevalue("replica_server")


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (installed by scripts/install-system-deps.sh)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    assert path, "chromium is not installed: run scripts/install-system-deps.sh"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()
