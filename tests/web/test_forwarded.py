"""Behind a reverse proxy every client counts on its own: the backoff after failed token attempts (and the
per-client share of /sparql, keyed the same way) follows `X-Forwarded-For` when — and only when — the request
comes from a proxy on `forwarded_allow`. Real uvicorn servers on 127.0.0.1 (the proxy's address here)."""

from __future__ import annotations

import shutil

import httpx
import pytest

from migrakg.kb import KnowledgeBase
from migrakg.sparql.service import QueryService
from migrakg.web.app import create_app
from tests.conftest import LiveServer


@pytest.fixture()
def kb(settings, kb_template, tmp_path):
    shutil.copytree(kb_template, tmp_path / "kb")
    base = KnowledgeBase.open(tmp_path / "kb", settings)
    yield base
    base.close()


def attempt(server: LiveServer, client: str) -> int:
    """One write with a wrong token, sent by the proxy on behalf of *client*."""
    response = httpx.post(
        f"{server.url}/update",
        content="CLEAR ALL",
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": "Bearer mkg_wrong-but-long-enough",
            "X-Forwarded-For": client,
        },
        timeout=30,
    )
    return response.status_code


def serve(kb: KnowledgeBase, settings) -> LiveServer:
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=10), kb=kb)
    return LiveServer(app)


def failed_clients(server: LiveServer) -> set[str]:
    """The client addresses the server holds failed attempts against (whose backoff runs)."""
    return set(server.server.config.app.state.kb.auth_failures)


def test_clients_behind_a_trusted_proxy_each_have_their_own_backoff(kb, settings):
    with serve(kb, settings.with_(forwarded_allow=("127.0.0.1",))) as server:
        assert attempt(server, "203.0.113.5") == 401
        assert failed_clients(server) == {"203.0.113.5"}  # the client, not the proxy, waits its turn
        assert attempt(server, "203.0.113.9") == 401  # another client behind the same proxy is not slowed down
        assert failed_clients(server) == {"203.0.113.5", "203.0.113.9"}


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(kb, settings):
    with serve(kb, settings.with_(forwarded_allow=())) as server:
        assert attempt(server, "203.0.113.5") == 401
        # without a trusted proxy the header is the peer's own claim: it cannot pose as someone else
        assert failed_clients(server) == {"127.0.0.1"}
        assert attempt(server, "203.0.113.9") in (401, 429)  # 429 while the peer's backoff runs
        assert failed_clients(server) == {"127.0.0.1"}
