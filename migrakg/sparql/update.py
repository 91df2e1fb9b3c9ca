"""SPARQL Update with a SHACL check before commit: a change that breaks the shapes changes nothing.

The update runs on a scratch copy of the store; the difference to the live store gives the changed
records, which are validated incrementally (their own triples, the types of what they point to, the
ontology and the vocabularies; pyshacl with focus nodes). Only then is the copy swapped in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..errors import MigrakgError, NotConforming, Text
from ..terms import to_rdflib
from ..validate import Report, validate_graph
from .guard import _TOKEN, decode_escapes
from .service import QuerySyntaxError, check_update
from .store import KnowledgeStore


class DatasetConflict(MigrakgError):
    status = 400


@dataclass
class UpdateOutcome:
    added: int
    removed: int
    report: Report | None


def with_using(text: str, using: list[str], using_named: list[str]) -> str:
    """Add protocol `using-graph-uri` / `using-named-graph-uri` as USING clauses before each top-level WHERE
    of DELETE/INSERT operations. Refuses an update that already has USING or WITH (SPARQL 1.1 Protocol §2.2.3)."""
    if not using and not using_named:
        return text
    clause = "".join(f" USING <{g}>" for g in using) + "".join(f" USING NAMED <{g}>" for g in using_named) + " "
    decoded = decode_escapes(text)
    out: list[str] = []
    depth = 0
    last = 0
    conflict = False
    for match in _TOKEN.finditer(decoded):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and value.upper() in ("USING", "WITH"):
            conflict = True
        if kind == "other" and value == "{":
            depth += 1
        elif kind == "other" and value == "}":
            depth -= 1
        elif kind == "word" and value.upper() == "WHERE" and depth == 0:
            out.append(decoded[last : match.start()])
            out.append(clause)
            last = match.start()
    if conflict:
        raise DatasetConflict(
            Text(
                "using-graph-uri/using-named-graph-uri und USING/WITH im Update schließen einander aus",
                "using-graph-uri/using-named-graph-uri cannot be combined with USING/WITH in the update",
            )
        )
    out.append(decoded[last:])
    return "".join(out)


def _neighbourhood(store: ox.Store, focus: set[str]) -> Graph:
    """The focus records' triples (with their #contact/#address nodes) and the types of what they point to."""
    graph = Graph()
    subjects = set(focus)
    for iri in list(focus):
        subjects.add(iri + "#contact")
        subjects.add(iri + "#address")
    objects: set[str] = set()
    for iri in subjects:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
            if isinstance(quad.object, ox.NamedNode):
                objects.add(quad.object.value)
    rdf_type = ox.NamedNode(str(RDF.type))
    for iri in objects - subjects:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), rdf_type, None, None):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def run_update(
    store: KnowledgeStore,
    text: str,
    *,
    shapes: Graph,
    reference: Graph,
    base_iri: str,
    using: Iterable[str] = (),
    using_named: Iterable[str] = (),
    allow: tuple[str, ...] = (),
) -> UpdateOutcome:
    """Apply *text* to *store* if the changed records still conform. Raises QuerySyntaxError,
    NotConforming (nothing changed), LoadNotAllowed, ServiceNotAllowed, DatasetConflict."""
    check_update(text, allow)
    text = with_using(text, list(using), list(using_named))
    with store.lock:
        live = store.store
        scratch = ox.Store()
        scratch.bulk_extend(live)
        before = set(live)
    try:
        scratch.update(text, base_iri=base_iri)
    except SyntaxError as exc:
        raise QuerySyntaxError(Text(f"SPARQL-Update-Syntaxfehler: {exc}", f"SPARQL Update syntax error: {exc}")) from None
    except OSError as exc:
        raise MigrakgError(Text(f"Update fehlgeschlagen: {exc}", f"update failed: {exc}")) from None
    after = set(scratch)
    added = after - before
    removed = before - after
    focus = {q.subject.value.split("#")[0] for q in added | removed if isinstance(q.subject, ox.NamedNode)}
    report = None
    if focus:
        data = _neighbourhood(scratch, focus)
        nodes = {n for f in focus for n in (f, f + "#contact", f + "#address")}
        present = [URIRef(n) for n in sorted(nodes) if (URIRef(n), None, None) in data]
        if present:
            report = validate_graph(data + reference, shapes, focus_nodes=present)
            if not report.conforms:
                raise NotConforming(
                    Text(
                        f"das Update verletzt die Formregeln ({len(report.violations)} Fehler); nichts wurde geändert",
                        f"the update breaks the shapes ({len(report.violations)} violations); nothing was changed",
                    ),
                    report,
                )
    store.commit_scratch(scratch, text, base_iri)
    return UpdateOutcome(len(added), len(removed), report)
