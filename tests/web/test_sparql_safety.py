"""Safety of the public endpoint: no file or network access, hard time limit, result limit, no 500s."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from migrakg.sparql.service import QueryService
from migrakg.web.app import create_app
from tests.conftest import LiveServer


@pytest.fixture
def client(backend_client):
    """Each test here runs on the embedded store and on the Virtuoso replica (tests/conftest.py)."""
    return backend_client


EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "ASK { ?s a <https://w3id.org/migrakg/ontology#Organisation> }"


class Listener:
    """A TCP listener on 127.0.0.1 that counts connection attempts (a stand-in for any network target)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def ask(client, query: str, accept: str = "application/sparql-results+json", **params):
    return client.get("/sparql", params={"query": query, **params}, headers={"Accept": accept})


def test_from_local_file_reveals_nothing(client):
    hostname = open("/etc/hostname").read().strip()
    for query in (
        "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/hostname> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }",
    ):
        response = ask(client, query)
        assert response.status_code == 200
        assert response.json()["results"]["bindings"] == []
        assert hostname not in response.text


def test_protocol_graph_names_cannot_read_files(client):
    response = ask(client, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "file:///etc/hostname"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/sparql> AS ?x) SERVICE ?x { ?s ?p ?o } }",
    ],
)
def test_service_not_allowed_is_refused_without_connection(client, listener, query):
    response = ask(client, query.replace("{port}", str(listener.port)))
    assert response.status_code == 403
    assert "SERVICE" in response.json()["message_en"]
    time.sleep(0.2)
    assert listener.connections == 0


def test_allow_listed_service_is_reached(settings, kb_store, listener):
    """The allow-list is the gate: the same query to an allowed address does connect."""
    target = f"http://127.0.0.1:{listener.port}/sparql"
    app = create_app(
        settings.with_(service_allow=(target,)),
        kb_store,
        service=QueryService(kb_store, workers=1, timeout=5, service_allow=(target,)),
    )
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        response = ask(c, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
    assert response.status_code in (500, 502, 503)  # the listener is no SPARQL endpoint
    assert listener.connections >= 1


def test_load_and_updates_are_refused_at_query_endpoint(client, listener):
    for text in (f"LOAD <http://127.0.0.1:{listener.port}/x>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR ALL"):
        response = client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 400
        response = client.post("/sparql", data={"update": text})
        assert response.status_code == 400
    assert listener.connections == 0


@pytest.fixture(scope="module")
def short_timeout_server(settings, kb_store):
    app = create_app(settings.with_(query_timeout=2.0), kb_store, service=QueryService(kb_store, workers=2, timeout=2.0))
    with LiveServer(app) as server:
        yield server


def test_explosive_query_is_stopped_while_others_answer(short_timeout_server):
    url = short_timeout_server.url + "/sparql"
    outcome: dict[str, object] = {}

    def explode() -> None:
        start = time.monotonic()
        r = httpx.get(url, params={"query": EXPLOSIVE}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
        outcome["status"] = r.status_code
        outcome["elapsed"] = time.monotonic() - start
        outcome["body"] = r.json()

    thread = threading.Thread(target=explode)
    thread.start()
    time.sleep(0.4)
    simple = httpx.get(url, params={"query": SIMPLE}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    answered_while_running = thread.is_alive()
    thread.join(timeout=30)
    assert simple.status_code == 200 and simple.json()["boolean"] is True
    assert answered_while_running, "the simple query must answer while the explosive one still runs"
    assert outcome["status"] == 503
    assert "2 s" in outcome["body"]["message_en"]
    assert outcome["elapsed"] < 2.0 + 1.0  # the limit + 1 s, as the contract promises
    after = httpx.get(url, params={"query": SIMPLE}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert after.status_code == 200  # the killed worker was replaced


def test_result_size_limit(settings, kb_store):
    """SELECT/ASK answers are cut by size (the engine's serialiser stops), graph results by triples."""
    app = create_app(
        settings.with_(result_limit=10, result_bytes=4096),
        kb_store,
        service=QueryService(kb_store, workers=1, timeout=5, limit=10, max_bytes=4096),
    )
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        for accept in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ):
            response = ask(c, "SELECT * WHERE { ?s ?p ?o }", accept=accept)
            assert response.status_code == 413, accept
            assert "0.00390625 MiB" in response.json()["message_en"] or "MiB" in response.json()["message_en"]
        response = c.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
        assert response.status_code == 413
        assert "10 rows" in response.json()["message_en"]
        assert ask(c, "SELECT * WHERE { ?s ?p ?o } LIMIT 10").status_code == 200


MALFORMED = [
    ("GET", {"query": "SELECT * WHERE {"}, None, {}),
    ("GET", {"query": ""}, None, {}),
    ("GET", {"query": "SELECT * {}", "default-graph-uri": "not an iri"}, None, {}),
    ("GET", {"query": "SELECT * {}", "named-graph-uri": "<x>"}, None, {}),
    ("GET", {"query": "SELECT * {}", "format": "bogus"}, None, {"Accept": "image/png"}),
    ("GET", {"query": ["ASK {}", "ASK {}"]}, None, {}),
    ("POST", {}, b"\xff\xfe\x00garbage", {"Content-Type": "application/sparql-query"}),
    ("POST", {}, b"query=%FF%FE", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", {}, b"ASK {}", {"Content-Type": "application/json"}),
    ("POST", {}, b"ASK {}", {}),
    ("POST", {}, b"", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("GET", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}, None, {}),
    ("GET", {"query": "SELECT (<urn:f>(1) AS ?x) {}"}, None, {}),
    ("GET", {"query": 'SELECT * WHERE { ?s ?p "\\uD800" }'}, None, {}),
    ("GET", {"query": "ASK {}"}, None, {"Accept": "image/png"}),
    ("GET", {"query": "ASK {}"}, None, {"Accept": "text/html;q=abc, */*;q=NaN"}),
    ("GET", {"query": "SELECT * { ?s ?p ?o } " + "OPTIONAL { ?s ?p ?o } " * 300}, None, {}),
    ("PUT", {"query": "ASK {}"}, None, {}),
]


@pytest.mark.parametrize("method,params,body,headers", MALFORMED)
def test_malformed_input_never_gives_500(client, method, params, body, headers):
    response = client.request(method, "/sparql", params=params, content=body, headers=headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text


def test_random_garbage_queries(client):
    import random

    rng = random.Random(7)
    alphabet = 'SELECT ASK CONSTRUCT WHERE { } ( ) ?x <urn:a> "lit" . ; , FILTER SERVICE GRAPH \\u0041 # \n 1 2 * + - / ^ ! @ _:b'
    tokens = alphabet.split(" ")
    for _ in range(60):
        query = " ".join(rng.choice(tokens) for _ in range(rng.randint(1, 25)))
        response = ask(client, query)
        assert response.status_code < 500, (query, response.text[:200])


def test_cors_on_every_response(client):
    for response in (ask(client, "ASK {}"), ask(client, "SELECT * WHERE {"), client.get("/health"), client.get("/nowhere")):
        assert response.headers.get("access-control-allow-origin") == "*"
    preflight = client.options("/sparql", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_errors_are_json_or_html_by_accept(client):
    as_json = client.get("/sparql", params={"query": "ASK {"}, headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/json")
    as_html = client.get("/sparql", params={"query": "ASK {", "format": "json"}, headers={"Accept": "text/html"})
    assert as_html.status_code == 400
    assert as_html.headers["content-type"].startswith("text/html")
    assert "<h1>" in as_html.text


def test_server_timing_names_engine_and_handler_time(client):
    """Every answer says how long the engine (in its worker) and the whole handler took; a browser
    page on another origin may read it (exposed through CORS)."""
    import re

    response = ask(client, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
    assert response.status_code == 200
    timing = response.headers["server-timing"]
    found = dict(re.findall(r"(engine|handler);dur=([0-9.]+)", timing))
    assert set(found) == {"engine", "handler"}, timing
    assert 0 < float(found["engine"]) <= float(found["handler"])
    assert "Server-Timing" in response.headers["access-control-expose-headers"]


def test_query_of_a_client_that_went_away_is_stopped(settings, kb_store):
    """A client that closes its connection while its query runs frees the worker at once: with a single
    worker and a 30 s limit, the next query answers within seconds instead of waiting for the limit."""
    import http.client
    from urllib.parse import urlencode

    service = QueryService(kb_store, workers=1, timeout=30.0)
    app = create_app(settings.with_(query_timeout=30.0), kb_store, service=service)
    with LiveServer(app) as server:
        before = {w.pid for w in service._all if w.lane == "public"}
        leaving = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        leaving.request(
            "GET", "/sparql?" + urlencode({"query": EXPLOSIVE}), headers={"Accept": "application/sparql-results+json"}
        )
        time.sleep(0.5)
        leaving.close()  # gone, without reading an answer
        started = time.monotonic()
        answer = httpx.get(
            server.url + "/sparql", params={"query": SIMPLE}, headers={"Accept": "application/sparql-results+json"}, timeout=40
        )
        waited = time.monotonic() - started
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert waited < 5, f"the next query waited {waited:.1f} s: the abandoned query kept the worker"
        after = {w.pid for w in service._all if w.lane == "public"}
        assert len(after) == 1 and after != before
