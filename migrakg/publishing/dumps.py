"""The whole dataset as files: Turtle, N-Triples (gzip), N-Quads (gzip, named graphs kept), JSON-LD.

Byte-deterministic: sorted lines or sorted nodes, gzip with mtime 0 and no file name in the header.
"""

from __future__ import annotations

import gzip
import io
import json
import re

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import PREFIXES, Iris
from ..terms import graph_lines, nquad_lines, to_ox
from .source import ReleaseSource


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed header (mtime 0, no name), so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(data)
    return buffer.getvalue()


def ntriples(graph: Graph) -> bytes:
    return "".join(graph_lines(graph)).encode("utf-8")


def nquads(source: ReleaseSource) -> bytes:
    return "".join(nquad_lines(source.store)).encode("utf-8")


def prefixed_graph(graph: Graph, iris: Iris) -> Graph:
    """A copy of *graph* with our prefixes plus every prefix bound in *graph* (so no `ns1:` that
    could differ from run to run)."""
    out = Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, iris.rebase(URIRef(namespace)) if prefix == "mkg" else namespace, override=True, replace=True)
    out.bind("id", iris.base + "id/")
    known = {str(ns) for _p, ns in out.namespaces()}
    for prefix, namespace in sorted(graph.namespaces()):
        if str(namespace) not in known and prefix and not prefix.startswith("ns"):
            out.bind(prefix, namespace, override=False)
    for triple in graph:
        out.add(triple)
    return out


def turtle(graph: Graph, iris: Iris) -> bytes:
    """Turtle with the prefixes of `prefixed_graph`, written by pyoxigraph: subjects in sorted order, the
    prefixes sorted. (rdflib's Turtle writer spends quadratic time on IRIs with a fragment — each record's
    `#contact` is a namespace of its own to it —: 18 s for an import of 500 rows, here well under one.)"""
    prefixes = {str(p): str(ns) for p, ns in prefixed_graph(Graph(), iris).namespaces() if p}
    for prefix, namespace in sorted(graph.namespaces()):
        if str(namespace) not in prefixes.values() and prefix and not prefix.startswith("ns") and prefix not in prefixes:
            prefixes[str(prefix)] = str(namespace)
    triples = sorted((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph), key=str)  # type: ignore[arg-type]
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    lines = body.split(b"\n")
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    used = b"\n".join(lines[start:])
    header = "".join(
        f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()) if re.search(rb"(^|[\s(,;^])" + p.encode() + rb":", used)
    ).encode("utf-8")
    return header + b"\n" + used


def jsonld(graph: Graph, iris: Iris) -> bytes:
    """JSON-LD with a prefix context, one node object per subject, everything sorted.

    Written here rather than by rdflib's serialiser because that one's output order follows Python
    set order, which changes from run to run."""
    context = {prefix: namespace for prefix, namespace in PREFIXES.items()}
    context["mkg"] = str(iris.rebase(URIRef(PREFIXES["mkg"])))
    context["id"] = iris.base + "id/"
    compact = _Compactor(context)
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in graph:
        node = nodes.setdefault(str(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(compact(str(o)))
            continue
        node.setdefault(compact(str(p)), []).append(_value(o))
    out_nodes = []
    for subject in sorted(nodes):
        node = nodes[subject]
        item: dict[str, object] = {"@id": subject}
        for key in sorted(node):
            values = node[key]
            if key == "@type":
                item[key] = sorted(set(values))
            else:
                item[key] = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out_nodes.append(item)
    document = {"@context": context, "@graph": out_nodes}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


class _Compactor:
    """Full IRI → `prefix:local` where a context prefix matches and the result cannot be misread."""

    def __init__(self, context: dict[str, str]):
        self.pairs = sorted(((ns, p) for p, ns in context.items()), key=lambda pair: -len(pair[0]))

    def __call__(self, iri: str) -> str:
        for namespace, prefix in self.pairs:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if local and not local.startswith("//") and ":" not in local:
                    return f"{prefix}:{local}"
        return iri


def _value(term: object) -> dict[str, str]:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is not None and term.datatype != XSD.string:
            return {"@value": str(term), "@type": str(term.datatype)}
        return {"@value": str(term)}
    return {"@id": str(term)}
