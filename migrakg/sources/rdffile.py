"""RDF from another project (Turtle, JSON-LD, N-Triples, RDF/XML, N-Quads/TriG): their own IRIs are kept.

Blank nodes are not allowed in migrakg (every node is dereferenceable), so they are skolemised to IRIs
under the import's graph — after canonical relabelling, so the same file always gives the same IRIs and a
re-import changes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from ..errors import Location, Problem, SourceError, Text

PARSERS = {
    ".ttl": "turtle",
    ".n3": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".nq": "nquads",
    ".trig": "trig",
}


def is_rdf_file(path: Path) -> bool:
    return path.suffix.lower() in PARSERS


def read_rdf(path: Path, display: str, genid_base: str) -> tuple[Graph, str]:
    """All triples of *path* (the graphs of a dataset file are merged) and the file's SHA-256."""
    fmt = PARSERS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(
            [
                Problem(
                    Location(display),
                    Text(
                        "unbekanntes RDF-Format (.ttl, .jsonld, .nt, .rdf, .nq, .trig)",
                        "unknown RDF format (.ttl, .jsonld, .nt, .rdf, .nq, .trig)",
                    ),
                )
            ]
        )
    try:
        raw = path.read_bytes()
        if fmt in ("nquads", "trig"):
            dataset = Dataset()
            dataset.parse(data=raw, format=fmt)
            graph = Graph()
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph = Graph()
            graph.parse(data=raw, format=fmt)
    except Exception as exc:  # rdflib raises many parser error types
        raise SourceError([Problem(Location(display), Text(f"RDF-Syntaxfehler: {exc}", f"RDF syntax error: {exc}"))]) from None
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        canonical = to_canonical_graph(graph)
        skolem = Graph()

        def iri(term):  # type: ignore[no-untyped-def]
            if isinstance(term, BNode):
                return URIRef(f"{genid_base}{hashlib.sha256(str(term).encode()).hexdigest()[:16]}")
            return term

        for s, p, o in canonical:
            skolem.add((iri(s), p, iri(o)))
        graph = skolem
    return graph, hashlib.sha256(raw).hexdigest()
