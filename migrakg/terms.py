"""RDF terms as the code passes them around: `Term` (a named, picklable value that crosses from the query
workers to the pages), and conversions between pyoxigraph, rdflib and Term.

>>> from_ox(ox.Literal("Müller", language="de"))
Term(kind='literal', value='Müller', lang='de', datatype=None)
>>> from_ox(ox.NamedNode("https://w3id.org/migrakg/id/organisation/narud-ev")).kind
'uri'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Term(NamedTuple):
    """One RDF term: *kind* is uri | bnode | literal | triple; a literal has a *lang* or a *datatype*."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"


Row = list[Term | None]  # one solution: a term per variable, None where unbound
Select = Callable[[str], tuple[list[str], list[Row]]]  # query text → (variable names, rows)


def from_ox(term: object) -> Term:
    """A pyoxigraph term as a Term (a quoted triple becomes its N-Triples text)."""
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        lang = term.language
        return Term("literal", term.value, lang, None if lang else term.datatype.value)
    if isinstance(term, ox.Triple):
        return Term("triple", str(term))
    return Term("literal", str(term))


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r}")


def to_ox(term: Node) -> object:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


def nquad_lines(statements: Iterable[ox.Quad | ox.Triple]) -> list[str]:
    r"""N-Quads lines (N-Triples lines for triples and default-graph quads) written by pyoxigraph, sorted: a
    stable text for files that are compared and checksummed.

    >>> nquad_lines([ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("a\nb"), ox.NamedNode("urn:g"))])
    ['<urn:s> <urn:p> "a\\nb" <urn:g> .\n']
    """
    quads = [s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object) for s in statements]
    text = cast(bytes, ox.serialize(quads, format=ox.RdfFormat.N_QUADS)).decode("utf-8")
    return sorted(text.splitlines(keepends=True))


def graph_lines(triples: Iterable[tuple[Node, Node, Node]], graph: Node | None = None) -> list[str]:
    """`nquad_lines` for rdflib triples, in *graph* (None: the default graph, i.e. N-Triples)."""
    name = to_ox(graph) if graph is not None else ox.DefaultGraph()
    return nquad_lines(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in triples)  # type: ignore[arg-type]
