"""No input gets a 500: every route of the OpenAPI description (and the few outside it) is called with
generated paths, parameters, headers and bodies — odd text, deep nesting, NaN, huge numbers, SPARQL
fragments. A fixed, small budget here (deterministic: the same examples every run); the longer run is
`MIGRAKG_FUZZ_EXAMPLES=5000 pytest tests/web/test_fuzz.py`, recorded in bench/FUZZ.md."""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("MIGRAKG_FUZZ_EXAMPLES", "200"))
OUTSIDE_THE_SCHEMA = ["/", "/api", "/import", "/changes", "/static/{name}", "/id/{kind}/{name}.{ext}"]
SLOW = re.compile(r"^/report")  # a whole report per request: fewer examples there

HOSTILE = [
    "",
    "NaN",
    "Infinity",
    "-1",
    "1e400",
    "0",
    "99999999999999999999",
    "[" * 5000,
    "{" * 5000,
    '{"q0": {"query": "x", "limit": NaN}}',
    '{"q0": {"query": "NARUD", "limit": 1e400, "properties": [{"pid": "district", "v": [[[["x"]]]]}]}}',
    '{"ids": ["narud-ev"], "properties": [{"id": "website"}]}',
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { " + "OPTIONAL { " * 300 + "} " * 300 + "}",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/migrakg/id/organisation/narud-ev>",
    "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
    "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "LOAD <file:///etc/passwd>",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "\x00\ud7ff\ufffe",
    "narud-ev",
    "pankow",
    "organisation",
    "migrakg.ttl",
    "json",
    "ttl",
    "de",
    "x" * 3000,
]
NAMES = [
    "query",
    "q",
    "district",
    "language",
    "field",
    "audience",
    "lang",
    "format",
    "limit",
    "prefix",
    "type",
    "id",
    "queries",
    "extend",
    "callback",
    "default-graph-uri",
    "named-graph-uri",
    "page",
    "since",
    "update",
    "download",
    "output",
]
HINTS = {  # the parameters a route reads from the request itself (not declared in the OpenAPI description)
    "/sparql": ["query", "default-graph-uri", "named-graph-uri", "format", "update"],
    "/update": ["update", "using-graph-uri", "using-named-graph-uri"],
    "/reconcile": ["queries", "extend", "callback"],
    "/search": ["q", "district", "language", "field", "audience", "page"],
    "/search.json": ["q", "district", "language", "field", "audience", "page"],
}
ACCEPTS = [
    "text/html",
    "application/json",
    "*/*",
    "text/turtle",
    "application/sparql-results+json",
    "text/csv",
    "application/ld+json;q=0.5, text/html;q=0.1",
    "image/png",
    "",
    "text/html;q=NaN",
    ";;,,",
]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
    "application/json",
    "text/plain; charset=latin-1",
    "multipart/form-data; boundary=x",
    "",
    "text/csv",
]

text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))
numberish = st.one_of(
    st.sampled_from([float("nan"), float("inf"), float("-inf"), -1, 0, 3, 1e300]),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["5", None, True, [], {}]),
)
nested = st.recursive(
    st.none() | st.booleans() | numberish | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(["id", "name", "pid", "v"]), c, max_size=3),
    max_leaves=12,
)
reconcile_query = st.fixed_dictionaries(
    {"query": st.sampled_from(["NARUD", "Verein", ""]), "limit": numberish}
) | st.fixed_dictionaries(
    {},
    optional={
        "query": st.one_of(text, nested),
        "limit": numberish,
        "type": st.one_of(st.sampled_from(["organisation", "Organisation", "offer", "x"]), nested),
        "properties": st.one_of(st.lists(st.fixed_dictionaries({"pid": text, "v": nested}), max_size=3), nested),
        "type_strict": text,
    },
)
# structured values for the parameters whose content is a language of its own (JSON, SPARQL)
VALUES = {
    "queries": st.dictionaries(st.text(max_size=3), reconcile_query, max_size=3).map(json.dumps),
    "extend": st.fixed_dictionaries(
        {"ids": st.one_of(st.lists(st.sampled_from(["narud-ev", "x", ""]), max_size=3), nested), "properties": nested}
    ).map(json.dumps),
    "query": st.lists(
        st.sampled_from(
            [
                "SELECT",
                "ASK",
                "CONSTRUCT",
                "DESCRIBE",
                "*",
                "?s",
                "?p",
                "?o",
                "{",
                "}",
                "(",
                ")",
                "WHERE",
                "OPTIONAL",
                "FILTER",
                "UNION",
                "GRAPH",
                "<urn:x>",
                '"x"@de',
                "1",
                ".",
                "LIMIT 3",
                "ORDER BY ?s",
                "GROUP BY ?s",
                "COUNT(*)",
                "AS",
                "BIND",
            ]
        ),
        max_size=25,
    ).map(" ".join),
}


def value_for(name: str):  # type: ignore[no-untyped-def]
    return st.one_of(VALUES[name], VALUES[name], VALUES[name], text) if name in VALUES else text  # mostly well-formed


def routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path template) for every operation of the OpenAPI description and the pages outside it."""
    found = [(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops if m != "head"]
    return sorted(set(found) | {("GET", p) for p in OUTSIDE_THE_SCHEMA} | {("POST", "/import")})


def fill(template: str, values: list[str]) -> str:
    parts = iter(values)
    return re.sub(r"\{[^}]+\}", lambda _m: quote(next(parts, "x"), safe=""), template)


@st.composite
def calls(draw, all_routes):  # type: ignore[no-untyped-def]
    # half the examples go to the routes that read a language of their own (SPARQL, reconcile JSON)
    rich = [r for r in all_routes if r[1] in ("/sparql", "/reconcile")]
    method, template = draw(
        st.sampled_from(rich)
        if draw(st.booleans())
        else st.sampled_from(all_routes).filter(lambda r: not SLOW.match(r[1]) or draw(st.integers(0, 9)) == 0)
    )
    path = fill(template, draw(st.lists(text, min_size=3, max_size=3)))
    names = st.sampled_from(HINTS[template]) | st.sampled_from(NAMES) if template in HINTS else st.sampled_from(NAMES)
    params = {name: draw(value_for(name)) for name in draw(st.lists(names, max_size=4, unique=True))}
    headers = {"Accept": draw(st.sampled_from(ACCEPTS))}
    body = None
    if method == "POST":
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES))
        body = draw(
            st.one_of(
                st.binary(max_size=200),
                text.map(str.encode),
                st.lists(names, max_size=3, unique=True)
                .flatmap(lambda keys: st.tuples(*(st.tuples(st.just(k), value_for(k)) for k in keys)))
                .map(lambda pairs: urlencode(pairs).encode()),
                st.recursive(
                    st.none() | st.floats() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                    max_leaves=20,
                ).map(lambda v: json.dumps({"q0": v}).encode()),
            )
        )
    return method, path, params, headers, body


def test_the_fuzz_covers_every_route(app):
    covered = {p for _m, p in routes(app)}
    assert set(app.openapi()["paths"]) <= covered and "/sparql" in covered and "/reconcile" in covered


@pytest.fixture(scope="module")
def all_routes(app):
    return routes(app)


def test_no_input_gets_a_500(client, all_routes):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=EXAMPLES <= 500,  # the quick run is the same every time; the long one explores
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(call=calls(all_routes))
    def check(call):  # type: ignore[no-untyped-def]
        method, path, params, headers, body = call
        try:
            r = client.request(method, path, params=params, headers=headers, content=body)
        except Exception as exc:  # an exception the app let through (TestClient raises it)
            raise AssertionError(f"{method} {path} {params} {headers} {body!r:.200}: {exc!r}") from exc
        assert r.status_code < 500 or r.status_code == 503, (method, path, params, headers, body, r.status_code, r.text[:300])
        if r.status_code >= 400 and "json" in r.headers.get("content-type", ""):
            assert "Traceback" not in r.text

    check()
