"""/reconcile: W3C Reconciliation API 0.2 — every response validates against the 0.2 JSON Schemas
(../shared/standards/reconciliation-api-0.2/schemas, which $ref each other: a referencing Registry)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7


@pytest.fixture
def client(backend_client):
    """Each test here runs on the embedded store and on the Virtuoso replica (tests/conftest.py)."""
    return backend_client


BASE = "https://w3id.org/migrakg/"


@pytest.fixture(scope="module")
def schemas(shared):
    folder = shared / "standards/reconciliation-api-0.2/schemas"
    loaded = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7))
        for schema in loaded.values()
        if "$id" in schema
    )
    return {name: Draft7Validator(schema, registry=registry) for name, schema in loaded.items()}


def valid(schemas, name: str, data) -> None:
    errors = sorted(schemas[name].iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_manifest(client, schemas):
    response = client.get("/reconcile")
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    manifest = response.json()
    valid(schemas, "manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == f"{BASE}id/" and manifest["schemaSpace"] == f"{BASE}ontology#"
    assert {t["id"] for t in manifest["defaultTypes"]} == {
        f"{BASE}ontology#{c}" for c in ("Organisation", "Offer", "Network", "Project")
    }
    assert manifest["view"]["url"] == "http://testserver/id/{{id}}"
    assert {"preview", "suggest", "extend"} <= set(manifest)


BATCH = {
    "q0": {"query": "AffBB eV"},
    "q1": {"query": "Chance BJS gGmbH", "type": f"{BASE}ontology#Organisation", "limit": 3},
    "q2": {"query": "NARUD e.V.", "properties": [{"pid": "district", "v": "Spandau"}, {"pid": "postcode", "v": "13353"}]},
    "q3": {"query": "Stadtteilzentrum Obstallee", "type": "network"},
    "q4": {"query": "AK Lingua", "type": ["network", "organisation"], "type_strict": "any"},
    "q5": {"query": "", "properties": [{"pid": "website", "v": {"id": "x", "name": "https://example.org"}}]},
}


def test_reconcile_batch_post_and_get(client, schemas):
    valid(schemas, "reconciliation-query-batch", BATCH)
    posted = client.post("/reconcile", data={"queries": json.dumps(BATCH)})
    assert posted.status_code == 200
    results = posted.json()
    valid(schemas, "reconciliation-result-batch", results)
    assert set(results) == set(BATCH)
    assert results["q0"]["result"][0]["id"] == "organisation/afebb-ev"
    top = results["q1"]["result"][0]
    assert top["id"] == "organisation/bjs-ggmbh" and top["match"] is True
    assert results["q2"]["result"][0]["id"] == "organisation/narud-ev"
    assert all(r["type"][0]["id"].endswith("#Network") for r in results["q3"]["result"])
    assert results["q4"]["result"][0]["id"] == "network/ak-lingua-pankow"
    got = client.get("/reconcile", params={"queries": json.dumps({"a": {"query": "Karussell e.V."}})})
    valid(schemas, "reconciliation-result-batch", got.json())
    assert got.json()["a"]["result"][0]["id"] == "organisation/karussell-ev"


def test_hard_negatives_are_not_certain_matches(client):
    # "Gesellschaft für interkulturelle Zusammenarbeit e.V." is a variant spelling of GIZ (one organisation since the
    # data were corrected) and "DAF e.V." the short name of the Deutsch-Arabische Freundschaft und Familienbegegnung.
    batch = {"giz": {"query": "Gesellschaft für interkulturelle Zusammenarbeit e.V."}, "daf": {"query": "DAF e.V."}}
    results = client.post("/reconcile", data={"queries": json.dumps(batch)}).json()
    matches = {k: [r["id"] for r in v["result"] if r["match"]] for k, v in results.items()}
    assert matches == {"giz": ["organisation/giz-ggmbh"], "daf": ["organisation/daf-ev"]}


def test_bad_requests_are_400(client):
    assert client.get("/reconcile", params={"queries": "{not json"}).status_code == 400
    assert client.post("/reconcile", data={"queries": json.dumps({"a": {"query": 5}})}).status_code == 400
    assert (
        client.post(
            "/reconcile", data={"extend": json.dumps({"ids": ["organisation/narud-ev"], "properties": [{"id": "nope"}]})}
        ).status_code
        == 400
    )
    assert client.get("/reconcile/preview", params={"id": "organisation/nobody"}).status_code == 404
    assert client.get("/reconcile", params={"callback": "alert(1)//"}).status_code == 400


def test_jsonp_callback(client):
    response = client.get("/reconcile", params={"callback": "jQuery123_cb"})
    assert response.text.startswith("/**/jQuery123_cb({") and "javascript" in response.headers["content-type"]


def test_suggest(client, schemas):
    entities = client.get("/reconcile/suggest/entity", params={"prefix": "nar"}).json()
    valid(schemas, "suggest-entities-response", entities)
    assert entities["result"][0]["id"] == "organisation/narud-ev"
    assert client.get("/reconcile/suggest/entity", params={"prefix": "ak ling", "type": "network"}).json()["result"]
    types = client.get("/reconcile/suggest/type", params={"prefix": "netz"}).json()
    valid(schemas, "suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == [f"{BASE}ontology#Network"]
    properties = client.get("/reconcile/suggest/property", params={"prefix": "bez"}).json()
    valid(schemas, "suggest-properties-response", properties)
    assert [p["id"] for p in properties["result"]] == ["district"]


def test_extend_and_propose_properties(client, schemas):
    proposed = client.get("/reconcile/propose_properties", params={"type": f"{BASE}ontology#Organisation"}).json()
    valid(schemas, "data-extension-property-proposal", proposed)
    assert {"district", "address", "languages", "networks", "website"} <= {p["id"] for p in proposed["properties"]}
    query = {
        "ids": ["organisation/narud-ev", "organisation/afebb-ev", "organisation/unknown"],
        "properties": [{"id": p} for p in ("district", "address", "languages", "networks", "website", "email")],
    }
    valid(schemas, "data-extension-query", query)
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    data = response.json()
    valid(schemas, "data-extension-response", data)
    narud = data["rows"]["organisation/narud-ev"]
    assert {"id": "district/spandau", "name": "Spandau"} in narud["district"]
    assert {"str": "Genter Str. 7, 13353 Berlin"} in narud["address"]
    assert {"str": "info@narud.org"} in narud["email"]
    assert {"id": "network/ak-lingua-pankow", "name": "AK Lingua Pankow"} in data["rows"]["organisation/afebb-ev"]["networks"]
    assert data["rows"]["organisation/unknown"]["district"] == []


def test_preview_is_an_escaped_card(settings, tmp_path):
    """A record whose name holds markup is shown as text, never run."""
    from fastapi.testclient import TestClient

    from migrakg.sparql.store import KnowledgeStore
    from migrakg.web.app import create_app

    evil = '<script>alert("x")</script> e.V.'
    data = tmp_path / "evil.nt"
    iri = f"{BASE}id/organisation/evil-ev"
    data.write_text(
        f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Organisation> .\n"
        f"<{iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> {json.dumps(evil)}@de .\n",
        encoding="utf-8",
    )
    store = KnowledgeStore.memory()
    store.replace_from_files([data])
    with TestClient(create_app(settings, store)) as client:
        page = client.get("/reconcile/preview", params={"id": "organisation/evil-ev"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "<script>" not in page.text and "&lt;script&gt;" in page.text
        found = client.post("/reconcile", data={"queries": json.dumps({"a": {"query": "alert"}})}).json()
        assert found["a"]["result"][0]["name"] == evil  # JSON carries the name as data


def test_index_follows_the_store(settings, tmp_path):
    """The candidate index is cached per store generation and rebuilt when the store changes."""
    from fastapi.testclient import TestClient

    from migrakg.sparql.store import KnowledgeStore
    from migrakg.web.app import create_app

    def write(name: str) -> Path:
        path = tmp_path / f"{name}.nt"
        iri = f"{BASE}id/organisation/{name}"
        path.write_text(
            f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Organisation> .\n"
            f'<{iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> "{name} e.V."@de .\n',
            encoding="utf-8",
        )
        return path

    store = KnowledgeStore.memory()
    store.replace_from_files([write("alpha")])
    app = create_app(settings, store)
    with TestClient(app) as client:
        ask = lambda: client.post("/reconcile", data={"queries": json.dumps({"a": {"query": "beta e.V."}})}).json()  # noqa: E731
        assert not [r for r in ask()["a"]["result"] if r["id"] == "organisation/beta"]
        store.replace_from_files([write("alpha"), write("beta")])
        app.state.kb.service.reload()
        assert ask()["a"]["result"][0]["id"] == "organisation/beta"
