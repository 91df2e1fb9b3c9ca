"""POST /update: off without a token; with one, every change is SHACL-checked and refused whole."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from migrakg.sparql.opening import open_store
from migrakg.sparql.service import QueryService
from migrakg.web.app import create_app

TOKEN = "test-write-token-0123456789abcdef"
ID = "https://w3id.org/migrakg/id/"
PREFIXES = """PREFIX mkg: <https://w3id.org/migrakg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


@pytest.fixture()
def writable(settings, built):
    store = open_store(settings)  # a private copy of the real data
    app = create_app(settings.with_(write_token=TOKEN), store, service=QueryService(store, workers=1, timeout=10))
    with TestClient(app) as client:
        yield client, store


def ask(client, query: str) -> bool:
    response = client.get(
        "/sparql", params={"query": PREFIXES + "ASK " + query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def post(client, text: str, token: str | None = TOKEN):
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/update", content=PREFIXES + text, headers=headers)


def test_updates_are_off_without_token(client):
    response = client.post("/update", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    assert ask(client, f"{{ <{ID}organisation/narud-ev> a mkg:Organisation }}")


def test_wrong_or_missing_token(writable):
    client, _store = writable
    assert post(client, "CLEAR ALL", token=None).status_code == 401
    assert post(client, "CLEAR ALL", token="wrong-token-but-long-enough").status_code == 401
    assert ask(client, f"{{ <{ID}organisation/narud-ev> a mkg:Organisation }}")


def test_valid_change_is_committed_and_visible(writable):
    client, store = writable
    before = store.triple_count()
    response = post(
        client,
        f"""INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/organisations> {{
        <{ID}organisation/narud-ev> skos:altLabel "NARUD"@de . }} }}""",
    )
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 1
    assert store.triple_count() == before + 1
    assert ask(client, f'{{ <{ID}organisation/narud-ev> skos:altLabel "NARUD"@de }}')


def test_change_that_breaks_the_shapes_changes_nothing(writable):
    client, store = writable
    before = store.triple_count()
    response = post(
        client,
        f"""INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/organisations> {{
        <{ID}organisation/narud-ev> skos:altLabel "ok"@de .
        <{ID}organisation/narud-ev#contact> vcard:hasEmail <mailto:info@> . }} }}""",
    )
    assert response.status_code == 422
    body = response.json()
    assert any(r["shape"].endswith("#Contact-email") for r in body["results"])
    assert store.triple_count() == before
    assert not ask(client, f'{{ <{ID}organisation/narud-ev> skos:altLabel "ok"@de }}')


def test_deleting_a_required_field_is_refused(writable):
    client, store = writable
    before = store.triple_count()
    response = post(client, f"DELETE WHERE {{ GRAPH ?g {{ <{ID}organisation/narud-ev> dcterms:source ?s }} }}")
    assert response.status_code == 422
    assert store.triple_count() == before


def test_load_is_refused(writable):
    client, _ = writable
    response = post(client, "LOAD <file:///etc/hostname>")
    assert response.status_code == 403


def test_update_syntax_error_is_400(writable):
    client, _ = writable
    assert post(client, "INSERT DATA {").status_code == 400


def test_wrong_date_in_an_update_is_refused(writable):
    """The incremental check sees literal values checked by nested shapes (see tests/regressions)."""
    client, store = writable
    before = store.triple_count()
    response = post(
        client,
        f"""INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/organisations> {{
        <{ID}organisation/karussell-ev> <https://w3id.org/migrakg/ontology#sourceDate> "gestern" . }} }}""",
    )
    assert response.status_code == 422
    assert store.triple_count() == before
