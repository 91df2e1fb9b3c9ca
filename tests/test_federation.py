"""queries/federation/: our endpoint joins a second project's endpoint (a migrakg server over the
OSM import) through an allow-listed SERVICE; the first server queries the second over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrakg.sparql.examples import load_examples
from migrakg.sparql.service import QueryService, ServiceNotAllowed, check_query

from .conftest import LiveServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "http://127.0.0.1:8001/sparql"


@pytest.fixture(scope="module")
def peer(settings, built, shared, tmp_path_factory):
    """The other project: its own store with the OSM community centres imported, served on 127.0.0.1."""
    from migrakg.importing import run_import
    from migrakg.kb import KnowledgeBase
    from migrakg.kb.curated import ensure_curated
    from migrakg.web.app import create_app

    kb = KnowledgeBase.open(tmp_path_factory.mktemp("peer") / "store", settings)
    ensure_curated(kb, settings)
    run_import(settings, shared / "data/osm/berlin-community-centres-2025-09.csv", source="osm", kb=kb)
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=20), kb=kb)
    with LiveServer(app) as server:
        yield server
    kb.close()


def federated_query(endpoint: str) -> str:
    examples = {e.name: e for e in load_examples(ROOT / "queries/federation")}
    example = examples["osm-community-centres"]
    assert example.titles.get("de") and example.titles.get("en")
    assert example.descriptions.get("de") and example.descriptions.get("en")
    assert EXAMPLE in example.text
    return example.text.replace(EXAMPLE, endpoint)


def test_federated_query_joins_the_other_endpoint(settings, kb_store, peer):
    endpoint = f"{peer.url}/sparql"
    service = QueryService(kb_store, workers=1, timeout=30, service_allow=(endpoint,))
    service.start()
    try:
        _vars, rows = service.select(federated_query(endpoint))
    finally:
        service.close()
    found = {(r[1][1], r[6][1]) for r in rows}
    # our Stadtteilzentrum Obstallee (22 E) and the OSM centre (22D) meet in the same street
    assert ("Stadtteilzentrum Obstallee", "Stadtteilzentrum Obstallee") in found
    numbers = {(r[4][1], r[7][1]) for r in rows if r[3][1] == "Obstallee"}
    assert ("22 E", "22D") in numbers


def test_the_other_endpoint_must_be_allow_listed(client, peer):
    text = federated_query(f"{peer.url}/sparql")
    with pytest.raises(ServiceNotAllowed):
        check_query(text, ())
    response = client.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 403
