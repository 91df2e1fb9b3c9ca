"""SELECT/ASK answers: pyoxigraph's serialisers write every protocol format, the CLI's counting path writes
the same bytes and counts the rows, the terms built for pages say the same, and the byte limit holds."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from migrakg.sparql.results import ResultTooLarge
from migrakg.sparql.service import QueryRequest, execute
from migrakg.terms import XSD_STRING

QUERIES = [
    "SELECT ?o ?n ?d WHERE { ?o a <https://w3id.org/migrakg/ontology#Organisation> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?n "
    "OPTIONAL { ?o <https://schema.org/foundingDate> ?d } } ORDER BY ?o",
    "SELECT ?d (COUNT(*) AS ?n) WHERE { ?o <https://schema.org/areaServed> ?d } GROUP BY ?d ORDER BY ?d",
    'SELECT ?x WHERE { VALUES ?x { "a,b\\"c" "line\\nbreak" "tab\\there" <urn:x> "5"^^<http://www.w3.org/2001/XMLSchema#integer> } }',
]


def rows_of(media: str, body: bytes) -> list[tuple]:
    text = body.decode("utf-8")
    if media.endswith("json"):
        data = json.loads(text)
        names = data["head"]["vars"]
        return [
            tuple((b.get(n, {}).get("value"), b.get(n, {}).get("xml:lang"), b.get(n, {}).get("datatype")) for n in names)
            for b in data["results"]["bindings"]
        ]
    if media.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        names = [v.get("name") for v in ET.fromstring(text).iter(ns + "variable")]
        out = []
        for result in ET.fromstring(text).iter(ns + "result"):
            values = {}
            for binding in result:
                term = binding[0]
                values[binding.get("name")] = (
                    term.text or "",
                    term.get("{http://www.w3.org/XML/1998/namespace}lang"),
                    term.get("datatype"),
                )
            out.append(tuple(values.get(n, (None, None, None)) for n in names))
        return out
    if media == "text/csv":
        return [tuple(r) for r in csv.reader(io.StringIO(text))][1:]
    return [tuple(line.split("\t")) for line in text.rstrip("\n").split("\n")[1:]]


@pytest.mark.parametrize(
    "media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
@pytest.mark.parametrize("query", QUERIES)
def test_counted_answers_are_the_served_answers(kb_store, media, query):
    served = execute(kb_store.store, QueryRequest(query, media), 100000)
    counted = execute(kb_store.store, QueryRequest(query, media, count=True), 100000)
    assert counted.body == served.body
    assert counted.count == len(rows_of(media, served.body)) > 0


@pytest.mark.parametrize("query", QUERIES)
def test_terms_for_pages_match_the_json_answer(kb_store, query):
    served = execute(kb_store.store, QueryRequest(query, "application/sparql-results+json"), 100000)
    terms = execute(kb_store.store, QueryRequest(query), 100000)
    as_terms = [
        tuple(
            (None, None, None) if t is None else (t.value, t.lang, None if t.datatype == XSD_STRING else t.datatype) for t in row
        )
        for row in terms.rows
    ]
    assert as_terms == rows_of("application/sparql-results+json", served.body)


def test_counting_keeps_the_row_limit(kb_store):
    with pytest.raises(ResultTooLarge):
        execute(kb_store.store, QueryRequest(QUERIES[0], "text/csv", count=True), 3)


@pytest.mark.parametrize("media", ["application/sparql-results+json", "text/tab-separated-values"])
def test_byte_limit_stops_the_serialiser(kb_store, media):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with pytest.raises(ResultTooLarge) as raised:
        execute(kb_store.store, QueryRequest(query, media), 100000, max_bytes=2048)
    assert raised.value.unit == "bytes" and raised.value.status == 413
    small = execute(kb_store.store, QueryRequest(query + " LIMIT 1", media), 100000, max_bytes=2048)
    assert 0 < len(small.body) <= 2048


def test_ask_both_ways(kb_store):
    for media in ("application/sparql-results+json", "application/sparql-results+xml"):
        a = execute(kb_store.store, QueryRequest("ASK { ?s ?p ?o }", media), 10)
        b = execute(kb_store.store, QueryRequest("ASK { ?s ?p ?o }", media, count=True), 10)
        assert a.boolean is b.boolean is True
    assert execute(kb_store.store, QueryRequest("ASK { ?s ?p ?o }"), 10).boolean is True
