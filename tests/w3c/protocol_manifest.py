"""Reads the W3C SPARQL 1.1 Protocol test manifest (ht:-modelled requests) with rdflib."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDFS

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


@dataclass
class Expected:
    statuses: list[str]  # e.g. ["2xx", "3xx"]
    format: str | None = None  # boolean | tabular | RDF
    boolean: bool | None = None

    def status_ok(self, status: int) -> bool:
        return any(str(status)[0] == s[0] for s in self.statuses)


@dataclass
class HttpRequest:
    method: str
    path: str
    body: str | None
    headers: dict[str, str]
    expected: Expected


@dataclass
class ProtocolTest:
    iri: str
    id: str
    name: str
    graph_data: list[tuple[Path, str]] = field(default_factory=list)  # (file, graph IRI)
    requests: list[HttpRequest] = field(default_factory=list)


def load_protocol_tests(manifest: Path) -> list[ProtocolTest]:
    g = Graph()
    g.parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = next(g.subjects(MF.entries, None))
    entries = Collection(g, g.value(root, MF.entries))
    tests = []
    for entry in entries:
        test = ProtocolTest(str(entry), str(entry).rsplit("#", 1)[-1], str(g.value(entry, MF.name)))
        for gd in g.objects(entry, UT.graphData):
            file_iri = g.value(gd, UT.graph)
            test.graph_data.append((Path(str(file_iri).replace("file://", "")), str(g.value(gd, RDFS.label))))
        action = g.value(entry, MF.action)
        for request in Collection(g, g.value(action, HT.requests)):
            body_node = g.value(request, HT.body)
            body = str(g.value(body_node, CNT.chars)) if body_node is not None else None
            headers = {}
            headers_list = g.value(request, HT.headers)
            if headers_list is not None:
                for header in Collection(g, headers_list):
                    headers[str(g.value(header, HT.fieldName)).lower()] = str(g.value(header, HT.fieldValue))
            response = g.value(request, HT.resp)
            statuses = sorted(str(s).rsplit("#StatusCode", 1)[-1] for s in g.objects(response, MF.expectedStatus))
            fmt = g.value(response, MF.expectedFormat)
            boolean = g.value(response, MF.expectedBoolean)
            test.requests.append(
                HttpRequest(
                    str(g.value(request, HT.methodName)),
                    str(g.value(request, HT.absolutePath)),
                    body,
                    headers,
                    Expected(
                        statuses, str(fmt) if fmt is not None else None, boolean.toPython() if boolean is not None else None
                    ),
                )
            )
        tests.append(test)
    return tests


def is_update_request(test: ProtocolTest, request: HttpRequest) -> bool:
    """Which of our two endpoints a request is for: the manifest uses /sparql/ for both, and says an
    endpoint may use different paths for query and update."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type == "application/sparql-update":
        return True
    if content_type == "application/sparql-query":
        return False
    if request.body is not None and request.body.startswith("update="):
        return True
    if request.body is not None and request.body.startswith("query="):
        return False
    if "?update=" in request.path or "&update=" in request.path:
        return True
    if "?query=" in request.path or "&query=" in request.path:
        return False
    return "update" in test.id


def endpoint_path(test: ProtocolTest, request: HttpRequest) -> str:
    rest = request.path[len("/sparql/") :] if request.path.startswith("/sparql/") else request.path
    return ("/update" if is_update_request(test, request) else "/sparql") + rest
