"""Real SPARQL clients against a running server: SPARQLWrapper and rdflib's SPARQLStore get correct
results for SELECT, ASK, CONSTRUCT and DESCRIBE in every format they ask for."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from migrakg.sparql.service import QueryRequest, execute

ORG = "https://w3id.org/migrakg/ontology#Organisation"
NARUD = "https://w3id.org/migrakg/id/organisation/narud-ev"
SELECT_NAMES = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?org ?name WHERE {{ ?org a <{ORG}> ; skos:prefLabel ?name }} ORDER BY ?org"""
ASK_TRUE = f"ASK {{ <{NARUD}> a <{ORG}> }}"
ASK_FALSE = f"ASK {{ <{NARUD}> a <https://w3id.org/migrakg/ontology#Offer> }}"
CONSTRUCT = f"CONSTRUCT {{ ?o <http://www.w3.org/2004/02/skos/core#prefLabel> ?n }} WHERE {{ ?o a <{ORG}> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?n }}"
DESCRIBE = f"DESCRIBE <{NARUD}>"


@pytest.fixture(scope="module")
def expected(kb_store):
    """The truth, straight from the store."""
    result = execute(kb_store.store, QueryRequest(SELECT_NAMES), 100000)
    rows = [(r[0][1], r[1][1]) for r in result.rows]
    construct = execute(kb_store.store, QueryRequest(CONSTRUCT), 100000)
    describe = execute(kb_store.store, QueryRequest(DESCRIBE), 100000)
    return {"rows": rows, "construct": len(construct.triples), "describe": len(describe.triples)}


def wrapper(url: str, query: str, fmt: str, method: str = GET) -> SPARQLWrapper:
    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    sw.setTimeout(30)
    return sw


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json(backend_server, expected, method):
    data = wrapper(backend_server.url, SELECT_NAMES, JSON, method).queryAndConvert()
    rows = [(b["org"]["value"], b["name"]["value"]) for b in data["results"]["bindings"]]
    assert rows == expected["rows"]
    assert len(rows) >= 40


def test_sparqlwrapper_select_xml(backend_server, expected):
    doc = wrapper(backend_server.url, SELECT_NAMES, XML).queryAndConvert()
    ns = "http://www.w3.org/2005/sparql-results#"
    results = doc.getElementsByTagNameNS(ns, "result")
    assert len(results) == len(expected["rows"])


@pytest.mark.parametrize("fmt,delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_tsv(backend_server, expected, fmt, delimiter):
    raw = wrapper(backend_server.url, SELECT_NAMES, fmt).queryAndConvert()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(rows) - 1 == len(expected["rows"])
    if fmt == CSV:
        assert rows[0] == ["org", "name"]
        assert [tuple(r) for r in rows[1:]] == expected["rows"]
    else:
        assert rows[0] == ["?org", "?name"]
        assert rows[1][0] == f"<{expected['rows'][0][0]}>"


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(backend_server, fmt):
    for query, truth in ((ASK_TRUE, True), (ASK_FALSE, False)):
        result = wrapper(backend_server.url, query, fmt).queryAndConvert()
        if fmt == JSON:
            assert result["boolean"] is truth
        else:
            node = result.getElementsByTagName("boolean")[0]
            assert node.firstChild.data == ("true" if truth else "false")


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, XML])
@pytest.mark.parametrize("kind", ["construct", "describe"])
def test_sparqlwrapper_graph_formats(backend_server, expected, fmt, kind):
    query = CONSTRUCT if kind == "construct" else DESCRIBE
    result = wrapper(backend_server.url, query, fmt).queryAndConvert()
    if isinstance(result, Graph):
        graph = result
    else:
        text = result.decode("utf-8") if isinstance(result, bytes) else result
        graph = Graph().parse(data=text, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml"))
    assert len(graph) == expected[kind]
    if kind == "describe":
        assert (URIRef(NARUD), None, None) in graph


def test_rdflib_sparqlstore(backend_server, expected):
    """SPARQLStore's default (XML: results as SPARQL XML, graphs as RDF/XML) and JSON for SELECT/ASK."""
    as_json = Graph(store=SPARQLStore(backend_server.url + "/sparql", returnFormat="json"))
    rows = [(str(r[0]), str(r[1])) for r in as_json.query(SELECT_NAMES)]
    assert rows == expected["rows"]
    assert bool(as_json.query(ASK_TRUE).askAnswer) is True
    assert bool(as_json.query(ASK_FALSE).askAnswer) is False
    graph = Graph(store=SPARQLStore(backend_server.url + "/sparql"))
    assert bool(graph.query(ASK_TRUE).askAnswer) is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == expected["construct"]
    described = graph.query(DESCRIBE).graph
    assert len(described) == expected["describe"]
    assert (URIRef(NARUD), None, Literal("NARUD e.V.", lang="de")) in described


def test_rdflib_sparqlstore_xml_results(backend_server, expected):
    graph = Graph(store=SPARQLStore(backend_server.url + "/sparql", returnFormat="xml"))
    rows = [(str(r[0]), str(r[1])) for r in graph.query(SELECT_NAMES)]
    assert rows == expected["rows"]
