"""Regression: two anonymous cross-product queries took the site down — pages and /sparql shared the
query workers, so an organisation page waited 9 s behind them and got 503 with four of them. Now the
site's own queries have a lane of their own, and the public lane refuses what it cannot take at once
(503 / 429 with Retry-After) instead of after the time limit."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlencode

import httpx
import pytest

from migrakg.sparql.service import PUBLIC, QueryService
from migrakg.web.app import create_app
from tests.conftest import LiveServer

CROSS = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def start_query(port: int, query: str = CROSS) -> socket.socket:
    """Send a /sparql request on a raw connection and leave it waiting for its answer."""
    sock = socket.create_connection(("127.0.0.1", port))
    target = "/sparql?" + urlencode({"query": query})
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n".encode())
    return sock


def answered(sock: socket.socket) -> bool:
    """Whether any byte of the answer has arrived (without waiting)."""
    sock.setblocking(False)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        sock.setblocking(True)


def wait_until(condition, what: str, limit: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


@pytest.fixture()
def server(settings, kb_store, released):
    def make(**lane):  # type: ignore[no-untyped-def]
        service = QueryService(kb_store, workers=2, timeout=120, **lane)
        app = create_app(settings.with_(query_timeout=120.0), kb_store, service=service)
        return service, LiveServer(app)

    return make


def test_pages_and_health_answer_while_four_cross_products_run(server):
    service, live = server(public_workers=4, per_client=4)
    with live:
        queries = [start_query(live.port) for _ in range(4)]
        try:
            public = service.lanes[PUBLIC]
            wait_until(lambda: public.in_flight == 4 and public.idle.qsize() == 0, "four cross products running")
            page = httpx.get(live.url + "/id/organisation/narud-ev", headers={"Accept": "text/html"}, timeout=60)
            health = httpx.get(live.url + "/health", timeout=60)
            search = httpx.get(live.url + "/search.json", params={"q": "Pankow"}, timeout=60)
            assert page.status_code == 200 and "NARUD" in page.text
            assert health.status_code == 200 and health.json()["lanes"]["public"]["in_flight"] == 4
            assert search.status_code == 200
            assert not any(answered(q) for q in queries), "a cross product ended before the pages were answered"
            assert public.in_flight == 4
        finally:
            for q in queries:
                q.close()


def test_a_full_public_queue_is_refused_at_once_with_retry_after(server):
    service, live = server(public_workers=1, public_queue=0, per_client=10)
    with live:
        running = start_query(live.port)
        try:
            wait_until(lambda: service.lanes[PUBLIC].in_flight == 1, "the cross product running")
            refused = httpx.get(live.url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
            assert refused.status_code == 503
            assert int(refused.headers["retry-after"]) >= 1
            assert "queue" in refused.json()["message_en"]
            assert not answered(running)  # refused while the first query still runs, not after its time limit
            assert httpx.get(live.url + "/id/organisation/narud-ev", headers={"Accept": "text/turtle"}).status_code == 200
        finally:
            running.close()


def test_one_client_cannot_take_every_public_worker(server):
    service, live = server(public_workers=3, per_client=1)
    with live:
        running = start_query(live.port)
        try:
            wait_until(lambda: service.lanes[PUBLIC].in_flight == 1, "the cross product running")
            refused = httpx.get(live.url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            assert not answered(running)
        finally:
            running.close()
        # once its query is gone (the connection closed), the same client is served again
        wait_until(lambda: service.lanes[PUBLIC].in_flight == 0, "the abandoned query stopped")
        again = httpx.get(live.url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
        assert again.status_code == 200
