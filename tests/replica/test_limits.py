"""The front's limits hold on the replica as on the embedded store: rows, bytes, time; and what would
reach past SPARQL on Virtuoso is refused before it is sent."""

from __future__ import annotations

import pytest

from migrakg.sparql.remote import RemoteQueryService
from migrakg.sparql.results import ResultTooLarge
from migrakg.sparql.service import QueryRequest, QuerySyntaxError, QueryTimeout

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_row_and_byte_limits(virtuoso):
    small = RemoteQueryService(virtuoso.endpoint, timeout=10, limit=10, max_bytes=4096, dialect="virtuoso")
    with pytest.raises(ResultTooLarge):
        small.select("SELECT * WHERE { ?s ?p ?o }")
    for media in ("application/sparql-results+json", "text/csv"):
        with pytest.raises(ResultTooLarge):
            small.run(QueryRequest("SELECT * WHERE { ?s ?p ?o }", media))
    with pytest.raises(ResultTooLarge):
        small.run(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"))
    assert len(small.select("SELECT * WHERE { ?s ?p ?o } LIMIT 10")[1]) == 10


def test_time_limit(virtuoso):
    quick = RemoteQueryService(virtuoso.endpoint, timeout=1, dialect="virtuoso")
    with pytest.raises(QueryTimeout):
        quick.select(EXPLOSIVE)


@pytest.mark.parametrize(
    "query",
    [
        'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }',
        "SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }",
        "SELECT (sql:getenv('HOME') AS ?x) WHERE {}",
        "SELECT (<bif:file_to_string>('/etc/hostname') AS ?x) WHERE {}",
        "PREFIX b: <http://www.openlinksw.com/schemas/bif#> SELECT (b:file_to_string('/etc/hostname') AS ?x) WHERE {}",
    ],
)
def test_what_reaches_past_sparql_is_refused(virtuoso, query):
    with pytest.raises(QuerySyntaxError):
        RemoteQueryService(virtuoso.endpoint, dialect="virtuoso").select(query)
