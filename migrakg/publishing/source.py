"""The built dataset as a release reads it: loaded into pyoxigraph, private persons removed.

Every SPARQL query here runs on pyoxigraph. Lookups by pattern use the rdflib union graph, which
also feeds the serialisers.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from ..errors import Text, UsageError
from ..namespaces import MKG, SCHEMA, VCARD
from ..terms import to_rdflib

#: Classes that mean "a private person". Anything typed so is left out of every release file
#: unless it carries `mkg:isPublicContact true` (a person who published themselves as a contact).
PERSON_CLASSES = (FOAF.Person, SCHEMA.Person, VCARD.Individual)
PUBLIC_FLAG = MKG.isPublicContact

_PERSONS_QUERY = """
SELECT DISTINCT ?p WHERE {
  VALUES ?class { %s }
  ?p a ?class .
  FILTER NOT EXISTS { ?p <%s> true }
}""" % (" ".join(f"<{c}>" for c in PERSON_CLASSES), PUBLIC_FLAG)

#: Named graphs under the ODbL: OpenStreetMap imports (`graph/osm…`, `graph/import/osm…`) and any
#: graph the meta graph licenses ODbL. They never go into the CC BY dumps (docs/decisions/2026-11-21-licence.md).
_ODBL_GRAPHS_QUERY = (
    """
SELECT DISTINCT ?g WHERE {
  { GRAPH ?g { ?s ?p ?o } FILTER(REGEX(STR(?g), "/graph/(import/)?osm([-/].*)?$", "i")) }
  UNION
  { ?g <%s> ?licence FILTER(CONTAINS(LCASE(STR(?licence)), "odbl")) }
}"""
    % DCTERMS.license
)

_DATES_QUERY = (
    """
SELECT ?d WHERE { ?s <%s> ?d }"""
    % MKG.sourceDate
)

_PERIOD_QUERY = """
SELECT ?d WHERE {
  VALUES ?p { <%s> <%s> <%s> <%s> }
  ?s ?p ?d
}""" % (MKG.sourceDate, SCHEMA.startDate, SCHEMA.endDate, SCHEMA.foundingDate)


@dataclass
class ReleaseSource:
    """The dataset a release is made from.

    `store` holds the quads (named graphs kept) without private persons; `union` is the same as
    one rdflib graph; `excluded` lists the persons that were left out."""

    path: Path
    store: ox.Store
    union: Graph
    graphs: dict[str, int]
    excluded: list[str] = field(default_factory=list)
    odbl: Graph = field(default_factory=Graph)  # OpenStreetMap-derived triples, published apart

    # -- SPARQL (pyoxigraph) ------------------------------------------------
    def select(self, query: str) -> list[dict[str, object]]:
        """Rows of a SELECT over the union of all graphs, as rdflib terms."""
        solutions = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            rows.append({n: (to_rdflib(solution[n]) if solution[n] is not None else None) for n in names})
        return rows

    # -- lookups ----------------------------------------------------------------
    def objects(self, subject: URIRef, predicate: URIRef) -> list:
        return sorted(set(self.union.objects(subject, predicate)), key=_sort_key)

    def first(self, subject: URIRef, predicate: URIRef, lang: str | None = None):
        for value in self.objects(subject, predicate):
            if lang is None or (isinstance(value, Literal) and value.language == lang):
                return value
        return None

    def label(self, subject: URIRef, lang: str = "de") -> str:
        """A name for a person to read: schema:name / skos:prefLabel in *lang*, else any, else the IRI."""
        from rdflib.namespace import SKOS

        for predicate in (SCHEMA.name, SKOS.prefLabel, DCTERMS.title):
            values = self.objects(subject, predicate)
            for value in values:
                if isinstance(value, Literal) and value.language == lang:
                    return str(value)
            for value in values:
                if isinstance(value, Literal) and value.language in (None, "de"):
                    return str(value)
            if values:
                return str(values[0])
        return str(subject)

    def instances(self, cls: URIRef) -> list[URIRef]:
        return sorted({s for s in self.union.subjects(RDF.type, cls) if isinstance(s, URIRef)}, key=str)

    @property
    def triple_count(self) -> int:
        return len(self.union)

    def newest_source_date(self) -> dt.date | None:
        dates = [d for d in (_as_date(r["d"]) for r in self.select(_DATES_QUERY)) if d]
        return max(dates) if dates else None

    def period(self) -> tuple[dt.date, dt.date] | None:
        """Earliest and latest date any record states (source, start, end, founding dates)."""
        dates = [d for d in (_as_date(r["d"]) for r in self.select(_PERIOD_QUERY)) if d]
        return (min(dates), max(dates)) if dates else None


def load_source(path: Path) -> ReleaseSource:
    """Read the built N-Quads file. Raises UsageError if it is missing or unreadable."""
    if not path.exists():
        raise UsageError(
            Text(f"kein Build unter {path}: zuerst `migrakg build` ausführen", f"no build at {path}: run `migrakg build` first")
        )
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, OSError, ValueError) as exc:
        raise UsageError(Text(f"{path} ist kein lesbares N-Quads: {exc}", f"{path} is not readable N-Quads: {exc}")) from None
    excluded = sorted(to_rdflib(row["p"]) for row in store.query(_PERSONS_QUERY, use_default_graph_as_union=True))
    if excluded:
        _remove_persons(store, [str(p) for p in excluded])
    odbl = Graph()
    for row in list(store.query(_ODBL_GRAPHS_QUERY, use_default_graph_as_union=True)):
        graph_name = row["g"]
        if not isinstance(graph_name, ox.NamedNode):
            continue
        for quad in list(store.quads_for_pattern(None, None, None, graph_name)):
            odbl.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
            store.remove(quad)
    union = Graph()
    graphs: dict[str, int] = {}
    for quad in store:
        union.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graphs[name] = graphs.get(name, 0) + 1
    return ReleaseSource(path, store, union, dict(sorted(graphs.items())), [str(p) for p in excluded], odbl)


def _remove_persons(store: ox.Store, persons: list[str]) -> None:
    """Drop every quad that has a person (or a node of the person's record, `{person}#…`) as
    subject or object."""
    doomed = []
    for quad in store:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and any(term.value == p or term.value.startswith(p + "#") for p in persons):
                doomed.append(quad)
                break
    for quad in doomed:
        store.remove(quad)


def _sort_key(term: object) -> tuple[str, str]:
    if isinstance(term, Literal):
        return (str(term), term.language or str(term.datatype or ""))
    return (str(term), "")


def _as_date(term: object) -> dt.date | None:
    """The first day of an xsd:date / gYearMonth / gYear literal (None for anything else)."""
    if not isinstance(term, Literal):
        return None
    text = str(term).strip()
    try:
        if term.datatype == XSD.date or len(text) == 10:
            return dt.date.fromisoformat(text[:10])
        if term.datatype == XSD.gYearMonth or len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        if term.datatype == XSD.gYear or len(text) == 4:
            return dt.date(int(text[:4]), 1, 1)
    except ValueError:
        return None
    return None


def release_date(source: ReleaseSource, environ: dict[str, str] | None = None) -> dt.date:
    """The date a release carries: SOURCE_DATE_EPOCH if set, else the newest mkg:sourceDate of the
    data, else 1970-01-01 — never the clock, so the same input gives the same release."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return source.newest_source_date() or dt.date(1970, 1, 1)
