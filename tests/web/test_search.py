"""/search and /search.json over the real data: accent- and case-insensitive AND/prefix search with facets."""

from __future__ import annotations

import pytest


@pytest.fixture
def client(backend_client):
    """Each test here runs on the embedded store and on the Virtuoso replica (tests/conftest.py)."""
    return backend_client


@pytest.fixture(autouse=True)
def no_remembered_language(client):
    client.cookies.clear()
    yield
    client.cookies.clear()


def search(client, **params):
    response = client.get("/search.json", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def names(body):
    return [r["name"] for r in body["results"]]


def test_finds_sprachcafe_without_accents(client):
    body = search(client, q="sprachcafe polnisch")
    assert "SprachCafé Polnisch e.V." in names(body)
    assert names(body)[:2] == ["Sprachcafé Polnisch", "SprachCafé Polnisch e.V."]  # name matches first


def test_finds_polish_cafe_in_pankow_by_facet(client):
    body = search(client, q="Polnisch", district="pankow")
    assert "SprachCafé Polnisch e.V." in names(body)
    hit = next(r for r in body["results"] if r["name"] == "SprachCafé Polnisch e.V.")
    assert hit == {
        **hit,
        "kind": "organisation",
        "url": "/id/organisation/sprachcafe-polnisch-ev",
        "iri": "https://w3id.org/migrakg/id/organisation/sprachcafe-polnisch-ev",
    }
    assert "pankow" in hit["facets"]["district"]
    assert all("pankow" in r["facets"]["district"] for r in body["results"])
    assert not search(client, q="Polnisch", district="spandau")["results"] or "SprachCafé Polnisch e.V." not in names(
        search(client, q="Polnisch", district="spandau")
    )


def test_all_terms_must_match_and_prefixes_count(client):
    assert search(client, q="sprach")["total"] >= search(client, q="sprachcafe polnisch")["total"] > 0
    assert search(client, q="sprachcafe zzzzunknown")["total"] == 0
    assert search(client, q="SPRACHCAFÉ")["total"] == search(client, q="sprachcafe")["total"]


def test_facet_counts_and_json_shape(client):
    body = search(client)
    assert set(body) >= {"query", "total", "page", "per_page", "pages", "kinds", "results", "facets"}
    assert body["total"] == body["kinds"]["organisation"] + body["kinds"]["offer"]
    assert set(body["facets"]) == {"district", "language", "field", "audience", "type"}
    district = {v["value"]: v for v in body["facets"]["district"]}
    assert district["pankow"]["count"] > 0 and district["pankow"]["label"] == "Pankow"
    arabic = search(client, language="ARA")
    assert arabic["total"] == next(v["count"] for v in body["facets"]["language"] if v["value"] == "ARA")
    assert any(v["value"] == "ARA" and v["selected"] for v in arabic["facets"]["language"])


def test_kind_type_audience_field_and_paging(client, data_count):
    offers = search(client, kind="offer")
    assert offers["total"] == data_count("offers") and all(r["kind"] == "offer" for r in offers["results"])
    cafes = search(client, type="language-cafe", kind="offer")
    assert cafes["total"] >= 2 and all("language-cafe" in r["facets"]["type"] for r in cafes["results"])
    assert search(client, audience="schools-and-kitas")["total"] >= 1
    assert search(client, field="language", district="pankow")["total"] >= 2
    # several values of one facet are alternatives
    both = search(client, district=["pankow", "spandau"])["total"]
    assert both >= max(search(client, district="pankow")["total"], search(client, district="spandau")["total"])
    page2 = search(client, page=2)
    assert page2["page"] == 2 and page2["results"] and page2["results"][0]["name"] not in names(search(client))


def test_html_and_json_by_accept(client):
    html = client.get("/search", params={"q": "polnisch", "district": "pankow"}, headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "SprachCafé Polnisch e.V." in html.text and 'data-value="pankow"' in html.text
    data = client.get("/search", params={"q": "polnisch"}, headers={"Accept": "application/json"})
    assert data.headers["content-type"].startswith("application/json") and data.json()["total"] > 0
    english = client.get("/search", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert "Find organisations and offers" in english.text


@pytest.mark.parametrize("params", [{"kind": "person"}, {"page": "x"}, {"page": "0"}])
def test_bad_parameters_are_400(client, params):
    assert client.get("/search.json", params=params).status_code == 400
