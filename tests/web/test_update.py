"""POST /update: only with a write token, only on its sources; every change checked (shapes, blank nodes,
references, scope) and refused whole; the delta is computed once and that delta is what is applied."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from migrakg.kb import KnowledgeBase
from migrakg.sparql.service import QueryService
from migrakg.web.app import create_app

ID = "https://w3id.org/migrakg/id/"
PREFIXES = """PREFIX mkg: <https://w3id.org/migrakg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


@pytest.fixture(scope="module")
def kb_app(settings, kb_template, tmp_path_factory):
    """A knowledge base of its own (the real data) served in-process, with three tokens."""
    root = tmp_path_factory.mktemp("update") / "kb"
    shutil.copytree(kb_template, root)
    kb = KnowledgeBase.open(root, settings)
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=10), kb=kb)
    tokens = app.state.kb.tokens
    secrets = {
        name: tokens.add(name, sources)
        for name, sources in (("editors", ["data"]), ("lichtenberg", ["lichtenberg"]), ("pankow", ["pankow"]))
    }
    with TestClient(app) as client:
        yield client, kb, secrets
    kb.close()


@pytest.fixture()
def writable(kb_app):
    client, kb, secrets = kb_app
    client.app.state.kb.auth_failures.clear()  # each test starts without the backoff of an earlier one
    global TOKEN
    TOKEN = secrets["editors"]
    yield client, kb.readers
    client.app.state.kb.auth_failures.clear()


TOKEN = ""


def ask(client, query: str) -> bool:
    response = client.get(
        "/sparql", params={"query": PREFIXES + "ASK " + query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def post(client, text: str, token: str | None = "editors", params: dict | None = None):
    token = TOKEN if token == "editors" else token
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/update", content=PREFIXES + text, headers=headers, params=params)


def test_updates_are_off_when_serving_files(client):
    response = client.post("/update", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    assert ask(client, f"{{ <{ID}organisation/narud-ev> a mkg:Organisation }}")


def test_wrong_or_missing_token(writable):
    client, _store = writable
    assert post(client, "CLEAR ALL", token=None).status_code == 401
    client.app.state.kb.auth_failures.clear()
    assert post(client, "CLEAR ALL", token="wrong-token-but-long-enough").status_code == 401
    assert ask(client, f"{{ <{ID}organisation/narud-ev> a mkg:Organisation }}")


def test_failed_attempts_slow_a_client_down(writable):
    client, _store = writable
    assert post(client, "CLEAR ALL", token="mkg_guess-1").status_code == 401
    second = post(client, "CLEAR ALL", token=TOKEN)  # even the right token waits its turn
    assert second.status_code == 429 and int(second.headers["retry-after"]) >= 1


def test_token_in_the_url_is_refused_and_not_used(writable):
    client, _store = writable
    response = client.post(
        "/update",
        params={"access_token": TOKEN},
        content=PREFIXES
        + f'INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/organisations> {{ <{ID}organisation/narud-ev> skos:altLabel "URL"@de }} }}',
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400
    assert not ask(client, f'{{ <{ID}organisation/narud-ev> skos:altLabel "URL"@de }}')


def test_a_token_writes_only_its_own_sources(kb_app, writable):
    client, store = writable
    secrets = kb_app[2]
    edit = f'INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/organisations> {{ <{ID}organisation/narud-ev> skos:altLabel "X"@de }} }}'
    assert post(client, edit, token=secrets["lichtenberg"]).status_code == 403  # curated records: not a district's
    own = f"""INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/import/pankow> {{
        <{ID}organisation/narud-ev> skos:altLabel "Narud (Pankow)"@de }} }}"""
    assert post(client, own, token=secrets["lichtenberg"]).status_code == 403  # another district's source
    assert post(client, own, token=secrets["pankow"]).status_code == 200
    assert ask(client, f'{{ <{ID}organisation/narud-ev> skos:altLabel "Narud (Pankow)"@de }}')


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "CLEAR ALL",
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "INSERT DATA { GRAPH <https://w3id.org/migrakg/graph/meta> { <urn:a> <urn:b> <urn:c> } }",
        "INSERT DATA { GRAPH <https://w3id.org/migrakg/graph/ontology> { <urn:a> <urn:b> <urn:c> } }",
        "INSERT DATA { GRAPH <file:///etc/passwd> { <urn:a> <urn:b> <urn:c> } }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_what_no_update_may_touch(writable, update):
    client, store = writable
    before = set(store.store)
    assert post(client, update, token=TOKEN).status_code == 403
    assert set(store.store) == before


def test_using_graph_uri_cannot_smuggle_load_or_service(writable):
    client, store = writable
    before = store.triple_count()
    text = "INSERT { GRAPH <https://w3id.org/migrakg/graph/organisations> { <urn:x> <urn:y> ?o } } WHERE { ?s ?p ?o }"
    for value in ("http://x/> LOAD <http://127.0.0.1:9/>", "http://x/> } SERVICE <http://127.0.0.1:9/> {"):
        assert post(client, text, params={"using-graph-uri": value}).status_code == 400
        assert post(client, text, params={"using-named-graph-uri": value}).status_code == 400
    assert (
        post(
            client,
            "INSERT { GRAPH <https://w3id.org/migrakg/graph/organisations> { <urn:x> <urn:y> ?o } } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        ).status_code
        == 403
    )
    assert store.triple_count() == before


def test_an_organisation_as_a_blank_node_is_refused(writable):
    client, store = writable
    before = store.triple_count()
    response = post(
        client,
        """INSERT DATA { GRAPH <https://w3id.org/migrakg/graph/organisations> {
        _:x a mkg:Organisation ; schema:name "Verein X"@de ; schema:email "x" } }""",
    )
    assert response.status_code == 422 and response.json()["problems"]
    assert store.triple_count() == before


def test_a_delete_may_not_leave_dangling_references(writable):
    client, store = writable
    before = store.triple_count()
    response = post(client, f"DELETE WHERE {{ GRAPH ?g {{ <{ID}district/pankow> ?p ?o }} }}")
    assert response.status_code == 422
    assert any("pankow" in p for p in response.json()["problems"])
    assert store.triple_count() == before


def test_a_random_update_is_computed_once_and_that_delta_applied(writable):
    """`FILTER(RAND() < 0.5)` decides once, on the scratch copy: what was checked is what is stored."""
    client, store = writable
    text = """INSERT { GRAPH <https://w3id.org/migrakg/graph/organisations> { ?o skos:altLabel "zufall"@de } }
      WHERE { GRAPH <https://w3id.org/migrakg/graph/organisations> { ?o a mkg:Organisation } FILTER(RAND() < 0.5) }"""
    response = post(client, text)
    assert response.status_code == 200
    added = response.json()["added"]
    stored = len(list(store.store.quads_for_pattern(None, None, None, None)))
    count = client.get(
        "/sparql",
        params={"query": PREFIXES + 'SELECT (COUNT(*) AS ?n) WHERE { ?o skos:altLabel "zufall"@de }'},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == added
    assert stored == store.triple_count()


def test_a_huge_update_is_refused_before_it_is_read(writable):
    client, store = writable
    big = "x" * (2 * 1024 * 1024)
    response = post(
        client,
        f'INSERT DATA {{ GRAPH <https://w3id.org/migrakg/graph/organisations> {{ <{ID}organisation/narud-ev> skos:note "{big}" }} }}',
    )
    assert response.status_code == 413


def test_write_routes_send_no_cors_headers(writable):
    client, _store = writable
    response = post(client, "INSERT DATA {")
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/update", headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" in client.get("/health").headers


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
