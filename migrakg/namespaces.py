"""The shared vocabulary of the code: namespaces, prefixes and the IRI scheme.

One source of truth for prefixes (used by the build, the serialisers, the query page and the docs)
and for the IRI patterns of CONTRACT.md (`{base}id/{kind}/{slug}`, `{base}vocab/{scheme}/{code}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/migrakg/"

MKG = Namespace(DEFAULT_BASE + "ontology#")
MKGSH = Namespace(DEFAULT_BASE + "shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
LEGAL = Namespace("http://www.w3.org/ns/legal#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
LANG = Namespace("http://publications.europa.eu/resource/authority/language/")
WD = Namespace("http://www.wikidata.org/entity/")

#: prefix → namespace IRI, in the order they are shown to people.
PREFIXES: dict[str, str] = {
    "mkg": str(MKG),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "vcard": str(VCARD),
    "locn": str(LOCN),
    "legal": str(LEGAL),
    "geo": str(GEO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "lang": str(LANG),
    "wd": str(WD),
    "dcat": str(DCAT),
    "void": str(VOID),
    "sh": str(SH),
}

#: instance kinds of `{base}id/{kind}/{slug}`
KINDS = (
    "organisation",
    "network",
    "membership",
    "project",
    "carrier-role",
    "funding",
    "offer",
    "place",
    "district",
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")


def is_slug(text: str) -> bool:
    """True if *text* is a valid slug: lowercase ASCII letters and digits joined by hyphens."""
    return bool(SLUG_RE.match(text))


def sparql_prefixes() -> str:
    """The PREFIX block for SPARQL queries, in PREFIXES order."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@dataclass(frozen=True)
class Iris:
    """The IRI scheme for one base IRI.

    >>> Iris("https://example.org/kb/").id("organisation", "narud-ev")
    rdflib.term.URIRef('https://example.org/kb/id/organisation/narud-ev')
    """

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", self.base):
            raise ValueError(f"base IRI {self.base!r} must be an http(s) IRI ending with '/'")

    def id(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{slug}")

    def vocab(self, scheme: str, code: str | None = None) -> URIRef:
        if code is None:
            return URIRef(f"{self.base}vocab/{scheme}")
        return URIRef(f"{self.base}vocab/{scheme}/{code}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    @property
    def ontology(self) -> Namespace:
        return Namespace(f"{self.base}ontology#")

    def rebase(self, term: URIRef) -> URIRef:
        """Map an IRI written with DEFAULT_BASE (ontology, vocab and shapes files) to this base."""
        text = str(term)
        if self.base != DEFAULT_BASE and text.startswith(DEFAULT_BASE):
            return URIRef(self.base + text[len(DEFAULT_BASE) :])
        return term

    def split(self, iri: str) -> tuple[str, str] | None:
        """`{base}id/{kind}/{slug}` → (kind, slug); None for any other IRI."""
        prefix = self.base + "id/"
        if not iri.startswith(prefix):
            return None
        rest = iri[len(prefix) :]
        kind, _, slug = rest.partition("/")
        if kind in KINDS and slug and is_slug(slug.split("#")[0]):
            return kind, slug.split("#")[0]
        return None
