"""The controlled vocabularies (SKOS files in vocab/) as code lists, for readers and forms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .errors import Location, Problem, SourceError, Text
from .namespaces import DEFAULT_BASE, LANG


@dataclass(frozen=True)
class Vocabularies:
    """scheme name → {code: concept IRI} (IRIs written with the default base)."""

    schemes: dict[str, dict[str, URIRef]]
    graph: Graph

    def codes(self, scheme: str) -> dict[str, URIRef]:
        return self.schemes.get(scheme, {})

    def label(self, concept: URIRef, lang: str = "de") -> str | None:
        for value in self.graph.objects(concept, SKOS.prefLabel):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
        return None


def load_vocabularies(vocab_dir: Path) -> Vocabularies:
    """Parse every vocab/*.ttl; raises SourceError naming the file if one does not parse."""
    graph = Graph()
    problems = []
    for path in sorted(vocab_dir.glob("*.ttl")):
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many exception types for syntax errors
            problems.append(
                Problem(Location(f"vocab/{path.name}"), Text(f"Turtle-Syntaxfehler: {exc}", f"Turtle syntax error: {exc}"))
            )
    if problems:
        raise SourceError(problems)
    schemes: dict[str, dict[str, URIRef]] = {}
    prefix = DEFAULT_BASE + "vocab/"
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for scheme in graph.objects(concept, SKOS.inScheme):
            scheme_name = str(scheme)[len(prefix) :] if str(scheme).startswith(prefix) else str(scheme)
            if str(concept).startswith(str(LANG)):
                code = str(concept)[len(str(LANG)) :]
            else:
                code = str(concept).rsplit("/", 1)[-1]
            schemes.setdefault(scheme_name, {})[code] = URIRef(concept)
    return Vocabularies(schemes, graph)
