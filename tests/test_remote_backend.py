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
