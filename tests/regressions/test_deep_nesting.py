"""Regression: deeply nested input answered 500 — /reconcile with 100,000 nested `[`, 50,000 nested
objects or `properties` 5,000 deep (RecursionError), and /sparql with 5,000 nested `{`, 3,000 nested
OPTIONAL or 10,000 nested parentheses ("the query worker died": the engine's parser ran out of stack
and a worker was forked again each time). Now the depth is counted before anything parses the text."""

from __future__ import annotations

import json

import pytest

from migrakg.sparql.service import PUBLIC

JSON = {"Accept": "application/json"}


def deep_properties(depth: int) -> str:
    return json.dumps({"q0": {"query": "NARUD", "properties": [{"pid": "district", "v": "x"}]}}).replace(
        '"x"', "[" * depth + '"x"' + "]" * depth
    )


@pytest.mark.parametrize(
    "queries",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        deep_properties(5_000),
    ],
    ids=["100k-brackets", "50k-objects", "properties-5000-deep"],
)
def test_deep_json_is_a_clear_400(client, queries):
    r = client.post("/reconcile", data={"queries": queries}, headers=JSON)
    assert r.status_code == 400, r.text[:300]
    assert "levels deep" in r.json()["message_en"]
    extend = client.post("/reconcile", data={"extend": queries}, headers=JSON)
    assert extend.status_code == 400 and "levels deep" in extend.json()["message_en"]


QUERIES = {
    "5000-braces": "SELECT * WHERE " + "{" * 5_000 + "}" * 5_000,
    "3000-optional": "SELECT * WHERE { " + "OPTIONAL { " * 3_000 + "?s ?p ?o " + "} " * 3_000 + "}",
    "10000-parentheses": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
}


@pytest.mark.parametrize("query", list(QUERIES.values()), ids=list(QUERIES))
def test_deep_sparql_is_a_clear_400_and_no_worker_dies(client, app, query):
    service = app.state.kb.service
    before = {w.pid for w in service._all}
    r = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 400, r.text[:300]
    assert "levels deep" in r.json()["message_en"]
    assert {w.pid for w in service._all} == before  # nothing reached a worker
    assert service.lanes[PUBLIC].in_flight == 0


def test_nesting_within_the_limit_is_answered(client):
    query = "SELECT * WHERE { FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
