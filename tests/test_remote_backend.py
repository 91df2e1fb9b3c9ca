"""`serve --backend URL`: queries answered by an external SPARQL 1.1 endpoint (here: a second real
migrakg server), with the same checks in front."""

from __future__ import annotations

from fastapi.testclient import TestClient

from migrakg.sparql.remote import RemoteQueryService
from migrakg.sparql.store import KnowledgeStore
from migrakg.web.app import create_app

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/migrakg/ontology#Organisation> }"


def test_backend_answers_and_checks_stay(settings, live_server, built):
    service = RemoteQueryService(live_server.url + "/sparql", timeout=10)
    app = create_app(settings, KnowledgeStore.memory(), service=service)
    with TestClient(app) as client:
        r = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == built.counts["organisation"]
        ttl = client.get(
            "/sparql",
            params={"query": "DESCRIBE <https://w3id.org/migrakg/id/organisation/narud-ev>"},
            headers={"Accept": "text/turtle"},
        )
        assert ttl.status_code == 200 and "narud" in ttl.text.lower()
        assert client.get("/sparql", params={"query": "SELECT * WHERE {"}).status_code == 400
        refused = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
        assert refused.status_code == 403
    assert service.select(COUNT)[1][0][0][1] == str(built.counts["organisation"])


class _Deadlocking:
    """A stand-in for a Virtuoso replica whose writer holds locks: the first *busy* reads lose a deadlock
    (the status and text Virtuoso 7.2 sends for SQL state 40001), then reads are answered."""

    def __init__(self, busy: int):
        import http.server
        import threading

        self.busy, self.asked = busy, 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.asked += 1
                if outer.asked <= outer.busy:
                    body = b"Virtuoso 40001 Error SR172: Transaction deadlocked\n\nSPARQL query:\nSELECT ..."
                    self.send_response(500)
                    self.send_header("Content-Type", "text/plain")
                else:
                    body = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"


def test_a_read_that_lost_a_deadlock_on_the_replica_is_asked_again():
    from migrakg.sparql.remote import RETRIES, VIRTUOSO
    from migrakg.sparql.service import EngineError

    store = _Deadlocking(busy=2)
    try:
        service = RemoteQueryService(store.url, timeout=10, dialect=VIRTUOSO)
        assert service.select(COUNT)[1][0][0][1] == "7" and store.asked == 3
        store.busy, store.asked = 100, 0  # locked for longer than the retries: a clear error, no query text
        try:
            service.select(COUNT)
            raise AssertionError("expected EngineError")
        except EngineError as exc:
            assert "try again" in exc.message("en") and "SELECT" not in exc.message("en")
        assert store.asked == RETRIES + 1
    finally:
        store.server.shutdown()
