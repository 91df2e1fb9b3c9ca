"""The two ways of writing SELECT/ASK answers agree: pyoxigraph's serialiser (HTTP) and the rows built
in Python (CLI, pages)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from migrakg.sparql.service import QueryRequest, execute

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
def test_native_and_python_serialisers_agree(kb_store, media, query):
    native = execute(kb_store.store, QueryRequest(query, media), 100000)
    python = execute(kb_store.store, QueryRequest(query, media, count=True), 100000)
    assert python.count > 0
    assert rows_of(media, native.body) == rows_of(media, python.body)


def test_ask_both_ways(kb_store):
    for media in ("application/sparql-results+json", "application/sparql-results+xml"):
        a = execute(kb_store.store, QueryRequest("ASK { ?s ?p ?o }", media), 10)
        b = execute(kb_store.store, QueryRequest("ASK { ?s ?p ?o }", media, count=True), 10)
        assert a.boolean is b.boolean is True
