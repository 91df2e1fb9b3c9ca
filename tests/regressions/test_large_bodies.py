"""Regression: large bodies froze every route, no auth needed — 4 MB of query text made /health take
4.4 s (the text was scanned on the event loop), a 50 MB query got 503 after 34 s. Now every route has
a body limit checked before the body is read."""

from __future__ import annotations

import socket

import httpx
import pytest

JSON = {"Accept": "application/json"}


@pytest.mark.parametrize("path", ["/sparql", "/reconcile", "/update", "/search", "/id/organisation/narud-ev"])
def test_a_4_mb_body_is_refused_with_413(client, path):
    body = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (4 * 1024 * 1024)
    r = client.post(path, content=body, headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 413, (path, r.status_code)
    assert "1 MiB" in r.json()["message_en"]


def test_a_body_without_length_is_counted_as_it_arrives(client):
    def chunks():
        for _ in range(40):
            yield b"#" * 65536  # 2.5 MiB in all, sent chunked (no Content-Length)

    r = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 413


def test_a_long_address_is_refused_with_414(settings, kb_store, service):
    from fastapi.testclient import TestClient

    from migrakg.web.app import create_app

    small = TestClient(create_app(settings.with_(body_limit=8192), kb_store, service=service))  # no lifespan: shares the service
    r = small.get("/sparql", params={"query": "ASK {} #" + "x" * 9000}, headers=JSON)
    assert r.status_code == 414 and "POST" in r.json()["message_en"]
    assert small.get("/sparql", params={"query": "ASK {}"}, headers=JSON).status_code == 200


def test_50_mb_announced_is_refused_before_it_is_sent_and_health_answers(live_server):
    """The server answers 413 from the headers alone: the client has sent almost none of the body."""
    with socket.create_connection(("127.0.0.1", live_server.port)) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/json\r\nContent-Length: 52428800\r\n\r\nSELECT"
        )
        assert httpx.get(live_server.url + "/health").status_code == 200
        sock.settimeout(30)
        head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 413")


def test_a_client_still_sending_reads_the_413_and_keeps_its_connection(live_server):
    """The refused body is thrown away as it arrives, so a client that sends it whole (no
    `Expect: 100-continue`) reads the answer instead of a reset connection."""
    body = b"x" * (4 * 1024 * 1024)
    with httpx.Client(timeout=30) as client:
        for _ in range(3):
            r = client.post(live_server.url + "/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
            assert r.status_code == 413
        assert client.get(live_server.url + "/health").status_code == 200


def test_the_upload_limit_applies_to_import(client, settings):
    limit = settings.upload_limit
    r = client.post("/import", content=b"x", headers={"Content-Length": str(limit + 1), **JSON})
    assert r.status_code == 413
