"""The one format table (migrakg.formats): names, media types and extensions agree with pyoxigraph and rdflib,
every lookup finds what the web, the CLI and the loaders rely on, and content negotiation picks as documented."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from migrakg import formats
from migrakg.formats import by_extension, by_media_type, by_name, negotiate, offers


def test_media_types_and_extensions_come_from_pyoxigraph():
    for fmt in formats.ALL_FORMATS:
        assert fmt.oxigraph is not None
        assert fmt.media_type == fmt.oxigraph.media_type.split(";")[0]
        assert fmt.extension == fmt.oxigraph.file_extension
    assert [f.media_type for f in formats.RESULT_FORMATS] == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]


def test_rdflib_names_round_trip_a_triple():
    graph = Graph()
    graph.add((URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o")))
    for fmt in formats.GRAPH_FORMATS:
        again = Graph().parse(data=graph.serialize(format=fmt.rdflib), format=fmt.rdflib)
        assert set(again) == set(graph), fmt.name


def test_every_name_and_extension_is_unique_within_a_kind():
    for group in (formats.RDF_FORMATS, formats.RESULT_FORMATS):
        seen = [n for f in group for n in {f.name, f.extension}]
        assert len(seen) == len(set(seen))
        assert all(by_name(n, group) is not None for n in seen)


@pytest.mark.parametrize(
    ("name", "group", "clients", "expected"),
    [
        ("ttl", formats.GRAPH_FORMATS, False, formats.TURTLE),
        ("Turtle", formats.GRAPH_FORMATS, False, formats.TURTLE),
        ("n3", formats.GRAPH_FORMATS, False, None),
        ("n3", formats.GRAPH_FORMATS, True, formats.TURTLE),
        ("json", formats.GRAPH_FORMATS, True, formats.JSONLD),
        ("json", formats.RESULT_FORMATS, True, formats.RESULTS_JSON),
        ("xml", formats.GRAPH_FORMATS, True, formats.RDFXML),
        ("srx", formats.RESULT_FORMATS, False, formats.RESULTS_XML),
        ("nq", formats.GRAPH_FORMATS, False, None),
        ("nq", formats.RDF_FORMATS, False, formats.NQUADS),
    ],
)
def test_by_name(name, group, clients, expected):
    assert by_name(name, group, clients=clients) is expected


@pytest.mark.parametrize(
    ("media", "group", "expected"),
    [
        ("text/turtle", formats.ALL_FORMATS, formats.TURTLE),
        ("TEXT/TURTLE; charset=utf-8", formats.ALL_FORMATS, formats.TURTLE),
        ("application/x-turtle", formats.ALL_FORMATS, formats.TURTLE),
        ("application/json", formats.GRAPH_FORMATS, formats.JSONLD),
        ("application/json", formats.RESULT_FORMATS, formats.RESULTS_JSON),
        ("text/xml", formats.RESULT_FORMATS, formats.RESULTS_XML),
        ("text/tab-separated-values", formats.ALL_FORMATS, formats.TSV),
        ("image/png", formats.ALL_FORMATS, None),
    ],
)
def test_by_media_type(media, group, expected):
    assert by_media_type(media, group) is expected


@pytest.mark.parametrize(
    ("path", "group", "expected"),
    [
        ("data/places.ttl", formats.RDF_FORMATS, formats.TURTLE),
        ("ontology.OWL", formats.RDF_FORMATS, formats.RDFXML),
        ("import.json", formats.RDF_FORMATS, formats.JSONLD),
        ("dump.nq", formats.RDF_FORMATS, formats.NQUADS),
        ("old.n3", formats.RDF_FORMATS, formats.TURTLE),
        ("datapackage.json", (formats.JSONLD, formats.JSON), formats.JSON),
        ("migrakg.nt.gz", (formats.NTRIPLES, formats.GZIP), formats.GZIP),
        ("notes.md", formats.RDF_FORMATS, None),
        ("no-extension", formats.RDF_FORMATS, None),
    ],
)
def test_by_extension(path, group, expected):
    assert by_extension(path, group) is expected


def test_pyoxigraph_reads_and_writes_every_rdf_format_of_the_table():
    quad = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("ä"), ox.NamedNode("urn:x:g"))
    for fmt in formats.RDF_FORMATS:
        data = [quad] if fmt.kind == formats.DATASET else [quad.triple]
        back = list(ox.parse(ox.serialize(data, format=fmt.oxigraph), format=fmt.oxigraph))
        assert [q.object for q in back] == [ox.Literal("ä")], fmt.name


def test_content_type_names_the_charset_of_text_formats_only():
    assert formats.TURTLE.content_type == "text/turtle; charset=utf-8"
    assert formats.CSV.content_type == "text/csv; charset=utf-8"
    assert formats.RESULTS_JSON.content_type == "application/sparql-results+json"
    assert formats.NTRIPLES.content_type == "application/n-triples"


def test_offers_keep_server_order_and_aliases():
    graph = offers(formats.GRAPH_FORMATS)
    assert list(graph)[:4] == [f.media_type for f in formats.GRAPH_FORMATS]
    assert graph["text/plain"] is formats.NTRIPLES
    assert graph["application/xml"] is formats.RDFXML
    assert negotiate("application/*", graph) == "application/n-triples"
    assert negotiate("text/plain", graph) == "text/plain"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("", "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
        ("text/*;q=0.1, application/ld+json;q=0", "text/turtle"),
        ("application/ld+json;q=0", None),
        ("application/ld+json;q=nan, */*;q=0.2", "text/turtle"),
        ("image/png", None),
        ("text/turtle;q=0", None),
    ],
)
def test_negotiate(accept, expected):
    assert negotiate(accept, ["text/turtle", "application/ld+json"]) == expected
