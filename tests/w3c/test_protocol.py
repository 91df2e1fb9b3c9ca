"""The official W3C SPARQL 1.1 Protocol tests (34) and Service Description checks (3), run over HTTP
against a real migrakg server with a throw-away store (updates enabled by a test token)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from migrakg.kb import KnowledgeBase, Proposal, Writer
from migrakg.kb.delta import Delta
from migrakg.namespaces import SD
from migrakg.replica import Follower, Instance
from migrakg.replica import Settings as ReplicaSettings
from migrakg.replica.follow import kb_snapshot
from migrakg.sparql.remote import QueryBackend, RemoteQueryService
from migrakg.sparql.service import QueryService
from migrakg.web.app import create_app
from tests.conftest import BACKENDS, SHARED, LiveServer

from .protocol_manifest import endpoint_path, load_protocol_tests

MANIFEST = SHARED / "standards" / "sparql11-protocol-tests" / "protocol" / "manifest.ttl"
TESTS = load_protocol_tests(MANIFEST) if MANIFEST.exists() else []


def test_manifest_has_all_34_tests():
    assert len(TESTS) == 34


@pytest.fixture(scope="module", params=BACKENDS)
def protocol_server(request, settings, tmp_path_factory):
    """A throw-away knowledge base; the test token may write the default graph and graphs outside
    migrakg's own (source `*`, for test installations). On the embedded store, and on a Virtuoso replica
    of its own that follows the knowledge base (as `serve --replica` does)."""
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("w3c") / "kb", settings)
    replica = follower = None
    service: QueryBackend
    if request.param == "virtuoso":
        replica = Instance.create(tmp_path_factory.mktemp("w3c-virtuoso") / "replica", ReplicaSettings.sized(200))
        replica.start()
        follower = Follower(replica, kb.root, snapshot=kb_snapshot(kb))
        follower.catch_up()
        follower.start()
        kb.listeners.append(follower.committed)
        service = RemoteQueryService(replica.endpoint, timeout=10, dialect="virtuoso", follower=follower)
    else:
        service = QueryService(kb.readers, workers=2, timeout=10)
    app = create_app(settings, kb.readers, service=service, kb=kb)
    secret = app.state.kb.tokens.add("w3c", ["*"])
    try:
        with LiveServer(app) as server:
            server.kb = kb
            server.secret = secret
            yield server
    finally:
        if follower is not None:
            follower.stop()
        if replica is not None:
            replica.stop()
        kb.close()


def _reset(server, test) -> None:
    data = ox.Store()
    for path, label in test.graph_data:
        data.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(label) if label else ox.DefaultGraph())
    writer = Writer("w3c", "token", frozenset({"*"}))
    server.kb.commit(
        Proposal(Delta(set(data), set(server.kb.store)), writer, source="*", graph="", activity="update", summary="reset")
    )


def _check_format(expected_format: str, response: httpx.Response) -> None:
    media = response.headers.get("content-type", "").split(";")[0]
    if expected_format == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml"), media
    elif expected_format == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ), media
    elif expected_format == "RDF":
        fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}.get(media)
        assert fmt, f"not an RDF/XML, Turtle or N-Triples response: {media}"
        Graph().parse(data=response.text, format=fmt)


def _boolean(response: httpx.Response) -> bool:
    media = response.headers.get("content-type", "").split(";")[0]
    if media == "application/sparql-results+json":
        return json.loads(response.text)["boolean"]
    root = ET.fromstring(response.text)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("test", TESTS, ids=[t.id for t in TESTS])
def test_w3c_protocol(test, protocol_server):
    _reset(protocol_server, test)
    with httpx.Client(base_url=protocol_server.url, timeout=30) as http:
        for request in test.requests:
            path = endpoint_path(test, request)
            headers = dict(request.headers)
            if path.startswith("/update"):
                headers["authorization"] = f"Bearer {protocol_server.secret}"
            content = None
            if request.body is not None:
                charset = headers.get("content-type", "").lower()
                content = request.body.encode("utf-16" if "utf-16" in charset else "utf-8")
            response = http.request(request.method, path, headers=headers, content=content)
            assert request.expected.status_ok(response.status_code), (
                f"{test.name}: {request.method} {path} → {response.status_code} {response.text[:300]}"
            )
            assert response.status_code < 500
            if request.expected.format:
                _check_format(request.expected.format, response)
            if request.expected.boolean is not None:
                assert _boolean(response) is request.expected.boolean, test.name


# --- Service Description (service-description/manifest.ttl: 3 tests, named only) --------------------

SD_MANIFEST = SHARED / "standards" / "sparql11-protocol-tests" / "service-description" / "manifest.ttl"


def _service_description(server, accept: str) -> tuple[httpx.Response, Graph]:
    response = httpx.get(server.url + "/sparql", headers={"Accept": accept}, timeout=30)
    fmt = {
        "text/turtle": "turtle",
        "application/rdf+xml": "xml",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
    }[response.headers["content-type"].split(";")[0]]
    return response, Graph().parse(data=response.text, format=fmt)


def test_sd_manifest_names_three_tests():
    text = SD_MANIFEST.read_text()
    for name in ("has-endpoint-triple", "returns-rdf", "conforms-to-schema"):
        assert f":{name}" in text


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"])
def test_sd_returns_rdf(live_server, accept):
    response, graph = _service_description(live_server, accept)
    assert response.status_code == 200
    assert len(graph) > 10


def test_sd_has_endpoint_triple(live_server):
    _response, graph = _service_description(live_server, "text/turtle")
    endpoint = URIRef(live_server.url + "/sparql")
    assert (None, SD.endpoint, endpoint) in graph


def test_sd_conforms_to_schema(live_server):
    _response, graph = _service_description(live_server, "text/turtle")
    named = list(graph.subjects(RDF.type, SD.NamedGraph))
    assert named, "the real data lives in named graphs; the description must list them"
    for node in named:
        assert graph.value(node, SD.name) is not None
    datasets = list(graph.subjects(RDF.type, SD.Dataset))
    assert datasets
    for node in datasets:
        assert graph.value(node, SD.defaultGraph) is not None
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph
