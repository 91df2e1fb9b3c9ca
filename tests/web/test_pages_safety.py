"""Nothing a record contains runs in a browser: scripts in names, descriptions and labels show as text on
every page kind, also inside the embedded JSON-LD."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from migrakg.sparql.service import QueryService
from migrakg.sparql.store import KnowledgeStore
from migrakg.web.app import create_app

B = "https://w3id.org/migrakg/"
ID = B + "id/"
S1 = "<script>alert(1)</script>"
S2 = '"</script><script>alert(2)</script>'
EVIL = f"Evil {S1} {S2}"

PAGES = [
    "/",
    "/id/organisation/evil",
    "/id/offer/evil-offer",
    "/id/network/evil-net",
    "/id/project/evil-project",
    "/id/funding/evil-grant",
    "/id/district/pankow",
    "/id/place/evil-place",
    "/id/membership/evil-net--evil--member",
    "/id/carrier-role/evil-project--evil",
    "/vocab/language/POL",
    "/vocab/language",
    "/vocab/offer-type/language-cafe",
    "/ontology",
    "/search?q=evil",
    "/search?q=evil&district=pankow",
    "/search?q=" + S1,
]


def injected_store(source: KnowledgeStore) -> KnowledgeStore:
    """A copy of the real data plus records whose every literal carries a script."""
    store = ox.Store()
    store.extend(source.store.quads_for_pattern(None, None, None, None))
    g = ox.NamedNode(B + "graph/test-injection")
    n = ox.NamedNode
    P = {
        "a": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "name": "https://schema.org/name",
        "pref": "http://www.w3.org/2004/02/skos/core#prefLabel",
        "alt": "http://www.w3.org/2004/02/skos/core#altLabel",
        "desc": "http://purl.org/dc/terms/description",
        "mkg": B + "ontology#",
        "schema": "https://schema.org/",
        "org": "http://www.w3.org/ns/org#",
        "comment": "http://www.w3.org/2000/01/rdf-schema#comment",
        "source": "http://purl.org/dc/terms/source",
        "locn": "http://www.w3.org/ns/locn#",
    }
    quads = []

    def add(s: str, p: str, o: object) -> None:
        quads.append(ox.Quad(n(s), n(p), o if isinstance(o, (ox.NamedNode, ox.Literal)) else ox.Literal(str(o)), g))

    def named(s: str, cls: str) -> None:
        add(s, P["a"], n(P["mkg"] + cls))
        add(s, P["name"], ox.Literal(EVIL, language="de"))
        add(s, P["pref"], ox.Literal(EVIL, language="de"))
        add(s, P["alt"], ox.Literal("alt " + S2, language="de"))
        add(s, P["desc"], ox.Literal("desc " + S1, language="en"))
        add(s, P["comment"], "note " + S2)
        add(s, P["source"], n("https://example.org/evil?x=%22%3E%3Cscript%3E"))
        add(s, P["source"], n("javascript:alert(4)"))
        add(s, P["schema"] + "url", n("javascript:alert(3)"))

    org, offer, net, project = (
        ID + "organisation/evil",
        ID + "offer/evil-offer",
        ID + "network/evil-net",
        ID + "project/evil-project",
    )
    named(org, "Organisation")
    add(org, P["schema"] + "areaServed", n(ID + "district/pankow"))
    add(org, P["org"] + "hasSite", n(ID + "place/evil-place"))
    add(org + "#contact", P["a"], n("http://www.w3.org/2006/vcard/ns#Organization"))
    add(org + "#contact", "http://www.w3.org/2006/vcard/ns#fn", EVIL)
    add(org, P["schema"] + "contactPoint", n(org + "#contact"))
    named(offer, "Offer")
    add(offer, P["schema"] + "provider", n(org))
    add(offer, "http://purl.org/dc/terms/language", n("http://publications.europa.eu/resource/authority/language/POL"))
    add(offer, P["mkg"] + "offerType", n(B + "vocab/offer-type/language-cafe"))
    add(offer, P["schema"] + "areaServed", n(ID + "district/pankow"))
    add(offer, P["mkg"] + "schedule", "mo " + S1)
    named(net, "Network")
    add(net, P["schema"] + "areaServed", n(ID + "district/pankow"))
    ms = ID + "membership/evil-net--evil--member"
    add(ms, P["a"], n(P["org"] + "Membership"))
    add(ms, P["org"] + "member", n(org))
    add(ms, P["org"] + "organization", n(net))
    add(ms, P["org"] + "role", n(B + "vocab/role/member"))
    add(ms, P["comment"], S2)
    named(project, "Project")
    add(project, P["schema"] + "areaServed", n(ID + "district/pankow"))
    add(project, P["mkg"] + "goal", ox.Literal("goal " + S1, language="de"))
    cr = ID + "carrier-role/evil-project--evil"
    add(cr, P["a"], n(P["mkg"] + "CarrierRole"))
    add(cr, P["mkg"] + "project", n(project))
    add(cr, P["mkg"] + "carrier", n(org))
    add(cr, P["comment"], S1)
    named(ID + "funding/evil-grant", "Funding")
    add(ID + "funding/evil-grant", P["schema"] + "funder", n(org))
    add(ID + "funding/evil-grant", P["schema"] + "fundedItem", n(project))
    place = ID + "place/evil-place"
    named(place, "Place")
    add(place, P["locn"] + "address", n(place + "#address"))
    add(place + "#address", P["locn"] + "fullAddress", "Straße " + S1)
    add(place, "http://www.opengis.net/ont/geosparql#" + "dummy", S2)
    add(ID + "district/pankow", P["desc"], ox.Literal("district " + S1, language="de"))
    add(ID + "district/pankow", P["comment"], S2)
    add("http://publications.europa.eu/resource/authority/language/POL", P["pref"], ox.Literal(EVIL, language="pl-x-test"))
    add(B + "vocab/offer-type/language-cafe", "http://www.w3.org/2004/02/skos/core#definition", ox.Literal(S2, language="de"))
    add(P["mkg"] + "Organisation", P["comment"], ox.Literal(S1, language="de"))
    store.extend(quads)
    return KnowledgeStore(store)


@pytest.fixture(scope="module")
def evil_client(settings, kb_store):
    store = injected_store(kb_store)
    app = create_app(settings, store, service=QueryService(store, workers=1, timeout=10))
    with TestClient(app) as client:
        yield client


def assert_inert(html: str) -> None:
    assert S1 not in html
    assert "</script><script>" not in html
    assert "alert(1)</script>" not in html and "<script>alert" not in html
    assert 'href="javascript' not in html.lower()  # shown as text, never as a link target
    assert '"javascript:' not in html  # nor offered to search engines
    # only our own script elements: JSON-LD and the static scripts
    for tag in re.findall(r"<script[^>]*>", html):
        assert tag == '<script type="application/ld+json">' or 'src="/static/' in tag, tag


@pytest.mark.parametrize("path", PAGES)
def test_scripts_in_literals_are_text(evil_client, path):
    for lang in ("de", "en"):
        response = evil_client.get(path, params={"lang": lang}, headers={"Accept": "text/html"})
        assert response.status_code == 200, (path, response.text[:300])
        assert_inert(response.text)
        if path not in ("/", "/ontology", "/vocab/language") and "q=%3C" not in path and "<" not in path:
            assert "&lt;script&gt;alert(" in response.text, path  # shown, as text


def test_embedded_json_ld_cannot_close_its_element(evil_client):
    html = evil_client.get("/id/organisation/evil", headers={"Accept": "text/html"}).text
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in embedded and "\\u003c/script\\u003e" in embedded
    import json

    assert json.loads(embedded)["name"][0]["@value"] == EVIL


def test_search_json_returns_literals_verbatim(evil_client):
    body = evil_client.get("/search.json", params={"q": "evil"}).json()
    assert any(r["name"] == EVIL for r in body["results"])
