"""Dereferenceable IRIs: HTML for people, RDF for machines at the same address; each RDF format is
exactly the resource's description in the store; every page embeds schema.org JSON-LD."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic


@pytest.fixture
def client(backend_client):
    """Each test here runs on the embedded store and on the Virtuoso replica (tests/conftest.py)."""
    return backend_client


B = "https://w3id.org/migrakg/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LANG_POL = "http://publications.europa.eu/resource/authority/language/POL"

RESOURCES = [  # (path, IRI, how described)
    ("/id/organisation/sprachcafe-polnisch-ev", B + "id/organisation/sprachcafe-polnisch-ev", "record"),
    ("/id/organisation/narud-ev", B + "id/organisation/narud-ev", "record"),
    ("/id/offer/sprachcafe-polnisch", B + "id/offer/sprachcafe-polnisch", "record"),
    ("/id/network/ak-lingua-pankow", B + "id/network/ak-lingua-pankow", "record"),
    ("/id/district/pankow", B + "id/district/pankow", "record"),
    ("/id/place/narud-ev-genter-str", B + "id/place/narud-ev-genter-str", "record"),
    ("/vocab/language/POL", LANG_POL, "record"),
    ("/vocab/offer-type/language-cafe", B + "vocab/offer-type/language-cafe", "record"),
    ("/vocab/offer-type", B + "vocab/offer-type", "scheme"),
    ("/ontology", B + "ontology", "ontology"),
]
FORMATS = [
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "rdf", "xml"),
]


@pytest.fixture(autouse=True)
def no_remembered_language(client):
    """The session client keeps cookies: a language chosen here must not leak into other tests."""
    client.cookies.clear()
    yield
    client.cookies.clear()


def expected_description(store: ox.Store, iri: str, how: str) -> rdflib.Graph:
    """The description read straight from the store (pyoxigraph patterns, no SPARQL engine)."""
    subjects = {iri}
    if how == "record":
        from migrakg.linkeddata.resources import SUB_NODES  # contact, address, … the evidence of the flag, names in time

        subjects |= {f"{iri}#{name}" for name in SUB_NODES}
        # an offer's places are its channels {offer}#at-{place}: part of its description
        channel = ox.NamedNode("https://schema.org/availableChannel")
        subjects |= {
            q.object.value
            for q in store.quads_for_pattern(ox.NamedNode(iri), channel, None)
            if q.object.value.startswith(iri + "#")
        }
    elif how == "scheme":
        subjects |= {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "inScheme"), ox.NamedNode(iri))}
    else:
        defined = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#isDefinedBy")
        subjects |= {q.subject.value for q in store.quads_for_pattern(None, defined, ox.NamedNode(iri))}
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for s in subjects
        for q in store.quads_for_pattern(ox.NamedNode(s), None, None, None)
    }
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return graph


@pytest.mark.parametrize("path,iri,how", RESOURCES)
def test_rdf_by_accept_and_suffix_is_the_description(client, kb_store, path, iri, how):
    expected = expected_description(kb_store.store, iri, how)
    assert len(expected) > 3
    for media, suffix, rdflib_format in FORMATS:
        for response in (client.get(path, headers={"Accept": media}), client.get(f"{path}.{suffix}")):
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith(media)
            # Accept: the representation; Accept-Encoding: gzip for clients that take it
            assert response.headers["vary"] in ("Accept", "Accept, Accept-Encoding")
            got = rdflib.Graph().parse(data=response.content, format=rdflib_format)
            assert isomorphic(got, expected), (path, media)


def test_q_values_and_alternates(client):
    path = "/id/organisation/narud-ev"
    r = client.get(path, headers={"Accept": "text/turtle;q=0.5, application/ld+json;q=0.9, text/html;q=0.1"})
    assert r.headers["content-type"].startswith("application/ld+json")
    r = client.get(path, headers={"Accept": "text/html;q=0.2, application/rdf+xml"})
    assert r.headers["content-type"].startswith("application/rdf+xml")
    r = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    r = client.get(path, headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("text/html")
    links = r.headers["link"]
    for suffix, media in (
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
    ):
        assert f'<{path}.{suffix}>; rel="alternate"; type="{media}"' in links
    assert client.get(path, headers={"Accept": "image/png"}).status_code == 406
    assert client.get(path + ".html", headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        "/id/organisation/no-such-thing",
        "/id/organisation/No_Slug",
        "/id/unicorn/narud-ev",
        "/vocab/language/XXX",
        "/vocab/no-such-scheme",
        "/vocab/field/nothing.ttl",
    ],
)
def test_unknown_iris_are_404_in_html_or_json(client, path):
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    assert "<h1>404" in html.text
    data = client.get(path, headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.json()["status"] == 404
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


PAGE_KINDS = [
    "/id/organisation/sprachcafe-polnisch-ev",
    "/id/organisation/bezirksamt-spandau",
    "/id/offer/sprachcafe-polnisch",
    "/id/network/ak-lingua-pankow",
    "/id/project/migraktiv-spandau",
    "/id/district/pankow",
    "/id/place/narud-ev-genter-str",
    "/id/membership/ak-lingua-pankow--sprachcafe-polnisch-ev--member",
    "/vocab/language/POL",
    "/vocab/language",
    "/vocab/district",
    "/vocab/offer-type/language-cafe",
    "/ontology",
]


def embedded_json_ld(html: str) -> str:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_html_pages_embed_valid_json_ld(client, path):
    for lang in ("de", "en"):
        response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
        assert response.status_code == 200, response.text[:500]
        assert f'<html lang="{lang}">' in response.text
        assert response.text.count("<h1>") == 1 and "<main" in response.text
        text = embedded_json_ld(response.text)
        graph = rdflib.Graph().parse(data=text, format="json-ld")
        data = json.loads(text)
        subject = rdflib.URIRef(data["@id"])
        assert (subject, rdflib.RDF.type, None) in graph
        assert (subject, rdflib.URIRef("https://schema.org/name"), None) in graph


def test_funding_page(client, kb_store):
    funding = next(
        q.subject.value
        for q in kb_store.store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(B + "ontology#Funding")
        )
    )
    response = client.get(funding.replace(B, "/"), headers={"Accept": "text/html"})
    assert response.status_code == 200
    rdflib.Graph().parse(data=embedded_json_ld(response.text), format="json-ld")
    # a grant has no name of its own: its programme and what it funds, never its slug
    page = client.get("/id/funding/mbe-welcome-center-pankow", headers={"Accept": "text/html", "Accept-Language": "de"}).text
    assert "<h1>Migrationsberatung für erwachsene Zuwanderer (MBE) – Welcome-Center Pankow</h1>" in page, page[:3000]
    offer = client.get("/id/offer/welcome-center-pankow", headers={"Accept": "text/html", "Accept-Language": "de"}).text
    assert ">mbe-welcome-center-pankow<" not in offer
    # nor memberships and carrier roles: who they join, and the role
    carrier = client.get("/id/carrier-role/migraktiv-spandau--narud-ev", headers={"Accept-Language": "de"}).text
    assert "<h1>NARUD e.V. – MigrAktiv Spandau! (Träger)</h1>" in carrier


def test_organisation_page_shows_what_people_need(client, data_rows):
    html = client.get("/id/organisation/sprachcafe-polnisch-ev", headers={"Accept": "text/html"}).text
    for expected in (
        "SprachCafé Polnisch e.V.",
        "eingetragener Verein",
        "Pankow",
        "AK Lingua Pankow",
        "Sprachcafé Polnisch",
        "Polnisch",
        'lang="pl"',
        "Schulzestraße",
        "<svg",
        "Amt für Statistik Berlin-Brandenburg",
        "https://www.migra-up.org/kopie-von-mehrsprachigkeit-in-pankow",
        "2022",
        'href="/id/organisation/sprachcafe-polnisch-ev.ttl"',
    ):
        assert expected in html, expected
    # the source of each record section: the membership's and the place's own sources are shown
    place = next(r for r in data_rows("places") if r["slug"] == "sprachcafe-polnisch-ev-schulzestrasse")
    assert place["source_date"] and place["source_date"] in html


def test_offer_places_are_its_service_channels(client):
    """An offer takes place at a place through a schema:ServiceChannel {offer}#at-{place}: its RDF holds the channel,
    its page lists the place and maps it, the place's page names the offer (not the channel)."""
    offer, place = B + "id/offer/cafe-ohne-grenzen", B + "id/place/jup-florastrasse-84"
    channel = offer + "#at-jup-florastrasse-84"
    g = rdflib.Graph().parse(data=client.get("/id/offer/cafe-ohne-grenzen.ttl").text, format="turtle")
    schema = rdflib.Namespace("https://schema.org/")
    assert (rdflib.URIRef(offer), schema.availableChannel, rdflib.URIRef(channel)) in g
    assert (rdflib.URIRef(channel), rdflib.RDF.type, schema.ServiceChannel) in g
    assert (rdflib.URIRef(channel), schema.serviceLocation, rdflib.URIRef(place)) in g
    assert not list(g.objects(rdflib.URIRef(offer), schema.location))
    html = client.get("/id/offer/cafe-ohne-grenzen", headers={"Accept": "text/html"}).text
    places = html.split('id="sites-h"', 1)[1].split("</section>", 1)[0]
    assert 'href="/id/place/jup-florastrasse-84"' in places and "Florastraße 84" in places
    assert re.search(r'<circle [^>]*class="point"><title>[^<]*Florastraße 84', html)  # the place on the map
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    located = data["availableChannel"]
    assert located["@id"] == channel and located["serviceLocation"][0]["@id"] == place
    used = client.get("/id/place/jup-florastrasse-84", headers={"Accept": "text/html"}).text.split('id="used-h"', 1)[1]
    assert 'href="/id/offer/cafe-ohne-grenzen"' in used and "#at-" not in used


def test_english_and_remembered_language(client):
    r = client.get("/id/network/ak-lingua-pankow", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert '<html lang="en">' in r.text and "Members" in r.text
    assert "migrakg_lang=en" in r.headers.get("set-cookie", "")
    r = client.get("/id/district/pankow", headers={"Accept": "text/html", "Accept-Language": "de"})
    assert '<html lang="en">' in r.text  # the cookie wins over Accept-Language
    client.cookies.clear()
    r = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert '<html lang="en">' in r.text and "Ways in" in r.text


def test_landing_page_numbers(client, data_count):
    html = client.get("/", headers={"Accept": "text/html"}).text
    assert '<div lang="de"><p>migrakg sammelt' in html and '<div lang="en"><p>migrakg collects' in html
    assert re.search(rf"<strong>{data_count('organisations')}</strong> Organisationen", html)
    for link in (
        'href="/search"',
        'href="/vocab/district"',
        'href="/sparql"',
        'href="/catalog"',
        'href="/id/network/ak-lingua-pankow"',
        'href="/id/project/migraktiv-spandau"',
    ):
        assert link in html


def test_district_page_lists_what_is_there(client):
    html = client.get("/id/district/pankow", headers={"Accept": "text/html"}).text
    assert "SprachCafé Polnisch e.V." in html and "Sprachcafé Polnisch" in html and "AK Lingua Pankow" in html
    assert 'class="district on"' in html


def test_concept_page_lists_users_and_endonyms(client):
    html = client.get("/vocab/language/POL", headers={"Accept": "text/html"}).text
    assert 'lang="pl"' in html and "polski" in html
    assert "/id/offer/sprachcafe-polnisch" in html


def test_no_external_resources_in_pages(client):
    for path in ["/", "/search?q=pankow", *PAGE_KINDS]:
        html = client.get(path, headers={"Accept": "text/html"}).text
        for attr in re.findall(r'<(?:script|link|img|iframe|source|video|audio)[^>]*(?:src|href)="([^"]+)"', html):
            assert attr.startswith("/"), (path, attr)


def test_landing_and_search_embed_json_ld(client):
    landing = rdflib.Graph().parse(data=embedded_json_ld(client.get("/", headers={"Accept": "text/html"}).text), format="json-ld")
    assert (None, rdflib.RDF.type, rdflib.URIRef("https://schema.org/WebSite")) in landing
    html = client.get("/search", params={"q": "polnisch"}, headers={"Accept": "text/html"}).text
    results = rdflib.Graph().parse(data=embedded_json_ld(html), format="json-ld")
    assert (
        rdflib.URIRef(B + "id/organisation/sprachcafe-polnisch-ev"),
        rdflib.URIRef("https://schema.org/name"),
        rdflib.Literal("SprachCafé Polnisch e.V."),
    ) in results
