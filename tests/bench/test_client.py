"""bench/run_bench.py's own HTTP client: keep-alive GETs, the server's Server-Timing, clear failures."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def load_run_bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_run_bench", ROOT / "bench" / "run_bench.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look themselves up there
        assert spec.loader is not None
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


rb = load_run_bench()


def test_parse_server_timing():
    assert rb.parse_server_timing("engine;dur=1.25, handler;dur=2") == {"engine": 1.25, "handler": 2.0}
    assert rb.parse_server_timing('cache;desc="hit", db;dur=x') == {}
    assert rb.parse_server_timing(None) == {}


def test_client_against_the_live_server(live_server):
    url = live_server.url + "/sparql"
    with rb.HttpClient() as client:
        for _ in range(3):  # one kept-alive connection
            status, body = rb.ask(client, url, "SELECT ?s WHERE { ?s a <https://w3id.org/migrakg/ontology#Organisation> }", 30)
            assert status == 200 and rb.count_rows(body) > 10
            assert client.server_timing["engine"] <= client.server_timing["handler"]
        assert len(client.connections) == 1
        status, body = rb.ask(client, url, "SELECT * WHERE {", 30)
        assert status == 400 and b"syntax" in body.lower()


def test_client_reports_timeout_and_refusal():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts, never answers
    port = silent.getsockname()[1]
    try:
        with rb.HttpClient() as client, pytest.raises(rb.ClientTimeout):
            client.get(f"http://127.0.0.1:{port}/sparql", {"query": "ASK {}"}, {}, 0.3)
    finally:
        silent.close()
    with rb.HttpClient() as client, pytest.raises(rb.ClientError):
        client.get(f"http://127.0.0.1:{port}/sparql", {"query": "ASK {}"}, {}, 2)


def test_client_reads_chunked_and_read_to_close_answers():
    """rdflib-endpoint or any other peer may answer without Content-Length."""
    import threading

    answers = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer-Timing: engine;dur=2\r\n\r\n"
               b"5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n",
               b"HTTP/1.0 200 OK\r\n\r\nuntil close"]
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(2)
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        for answer in answers:
            conn.recv(65536)
            conn.sendall(answer)
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with rb.HttpClient() as client:
            assert client.get(f"http://127.0.0.1:{port}/", {}, {}, 5) == (200, b"hello, world")
            assert client.server_timing == {"engine": 2.0}
            assert client.get(f"http://127.0.0.1:{port}/", {}, {}, 5) == (200, b"until close")
            assert client.connections == {}  # HTTP/1.0 without keep-alive: closed
    finally:
        thread.join(timeout=5)
        server.close()


def test_wait_warm_follows_the_health_of_a_serving_migrakg(live_server, settings, kb_store):
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app
    from tests.conftest import LiveServer

    server = rb.Server("migrakg", [], live_server.url + "/sparql", Path("unused.log"))
    assert server.wait_warm(30) is None  # the test server has no warm-up ("off")
    app = create_app(settings, kb_store, service=QueryService(kb_store, workers=1, timeout=10), warm_up=True)
    with LiveServer(app) as warming:
        waited = rb.Server("migrakg", [], warming.url + "/sparql", Path("unused.log")).wait_warm(60)
        assert waited is not None and waited >= 0
        assert app.state.kb.warm_up == "done"
        assert app.state.kb.landing_figures is not None
