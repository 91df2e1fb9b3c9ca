"""The SPARQL guard (migrakg.sparql.guard): what kind of request a text is and which SERVICE endpoints it
would reach, decided before the engine sees the text — including texts written to slip past a scanner."""

from __future__ import annotations

import pytest

from migrakg.sparql.guard import decode_escapes, scan
from migrakg.sparql.service import LoadNotAllowed, ServiceNotAllowed, UpdateNotAllowed, check_query, check_update


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("select ?s { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://example.org/> ASK { ex:a ?p ?o }", "ASK"),
        ("BASE <http://x/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x/a>", "DESCRIBE"),
        ("# SELECT in a comment\nASK {}", "ASK"),
        ('SELECT ("ASK" AS ?x) {}', "SELECT"),
        ("", None),
        ("PREFIX ex: <http://example.org/>", None),
    ],
)
def test_query_form(text, form):
    assert scan(text).form == form


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", ["INSERT"]),
        ("DELETE WHERE { ?s ?p ?o }", ["DELETE"]),
        ("LOAD <http://example.org/data.ttl>", ["LOAD"]),
        ("CLEAR ALL", ["CLEAR"]),
        ("DROP GRAPH <urn:g> ; CREATE GRAPH <urn:h>", ["DROP", "CREATE"]),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["WITH", "DELETE"]),
        ("\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }", ["INSERT"]),  # escapes are decoded first
    ],
)
def test_updates_are_recognised(text, keywords):
    found = scan(text)
    assert found.update and found.form is None
    assert found.update_keywords == keywords
    with pytest.raises(UpdateNotAllowed):
        check_query(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE { ?s ?p "INSERT DATA" }',  # in a string
        "SELECT ?s WHERE { ?s <http://example.org/DELETE> ?o }",  # in an IRI
        "SELECT ?insert WHERE { ?insert ?p ?o }",  # a variable
        "PREFIX drop: <http://example.org/> SELECT ?s WHERE { ?s drop:load ?o }",  # prefixed names
        "SELECT ?s WHERE { ?s ?p ?o } # DELETE everything",  # a comment
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
    ],
)
def test_keywords_inside_names_strings_and_comments_are_not_updates(text):
    found = scan(text)
    assert not found.update and found.form == "SELECT"
    check_query(text)


@pytest.mark.parametrize(
    ("text", "services"),
    [
        ("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }", ["http://x/sparql"]),
        ("SELECT * { SERVICE SILENT <http://x/sparql> { ?s ?p ?o } }", ["http://x/sparql"]),
        ("PREFIX w: <http://wikidata.example/> SELECT * { SERVICE w:sparql { ?s ?p ?o } }", ["http://wikidata.example/sparql"]),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", [None]),
        ("SELECT * { SERVICE unknown:sparql { ?s ?p ?o } }", [None]),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/sparql>", []),
        ("PREFIX service: <http://x/> SELECT ?service { ?service service:p 1 }", []),
        ("SELECT * { \\u0053ERVICE <http://x/sparql> { ?s ?p ?o } }", ["http://x/sparql"]),
    ],
)
def test_service_endpoints(text, services):
    assert scan(text).services == services


def test_service_allow_list():
    text = "SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }"
    with pytest.raises(ServiceNotAllowed) as refused:
        check_query(text)
    assert "http://x/sparql" in str(refused.value)
    assert check_query(text, ("http://x/sparql",)).services == ["http://x/sparql"]
    with pytest.raises(ServiceNotAllowed):
        check_query("SELECT * { SERVICE ?e { ?s ?p ?o } }", ("http://x/sparql",))


def test_update_endpoint_refuses_load_but_allows_other_updates():
    with pytest.raises(LoadNotAllowed):
        check_update("LOAD <http://example.org/data.ttl> INTO GRAPH <urn:g>")
    assert check_update("INSERT DATA { <urn:a> <urn:b> <urn:c> }").update_keywords == ["INSERT"]


def test_dataset_clauses_and_prefixes():
    found = scan("PREFIX ex: <http://example.org/> SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    assert found.has_dataset_clause and found.prefixes == {"ex": "http://example.org/"}
    assert scan("INSERT { ?s ?p ?o } USING <urn:g> WHERE { ?s ?p ?o }").has_dataset_clause
    assert not scan('SELECT * { ?s ?p "FROM" }').has_dataset_clause


def test_escapes_are_decoded_and_bad_ones_replaced():
    assert decode_escapes("\\u0041\\U00000042") == "AB"
    assert decode_escapes("\\UFFFFFFFF") == "\ufffd"
    assert decode_escapes("no escapes") == "no escapes"
