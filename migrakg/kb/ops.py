"""The changes a person or a program can ask for, each made into a `Proposal` for the one write path:
revert a change, replace the links graph, decide on a proposed link. (Imports and the removal of a
source are in `migrakg.importing`, SPARQL Update in `migrakg.sparql.update`, the rebuild of `data/` in
`curated`.)"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import MigrakgError, Text, UsageError
from ..terms import to_ox
from .base import KnowledgeBase, Proposal
from .checks import CURATED, LINKS, Scope, Writer
from .delta import Delta

OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
SKOS_CLOSE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
RDF_PREDICATE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
SSSOM_PREDICATE = ox.NamedNode("https://w3id.org/sssom/predicate_id")
SSSOM_JUSTIFICATION = ox.NamedNode("https://w3id.org/sssom/mapping_justification")
MANUAL = ox.NamedNode("https://w3id.org/semapv/vocab/ManualMappingCuration")
#: SSSOM's negation: a person decided the two are NOT the same (kept, so the pair is not proposed again)
SSSOM_MODIFIER = ox.NamedNode("https://w3id.org/sssom/predicate_modifier")
NOT = ox.Literal("Not")


class UnknownChange(MigrakgError):
    status = 404


def revert_proposal(kb: KnowledgeBase, change_id: str, writer: Writer) -> Proposal:
    """The inverse of a committed change, as a new change (the log keeps both). Raises UnknownChange."""
    change = kb.change(change_id)
    if change is None:
        raise UnknownChange(
            Text(
                f"eine Änderung „{change_id}“ gibt es nicht (siehe /changes)", f"there is no change '{change_id}' (see /changes)"
            )
        )
    return Proposal(
        change.delta.inverse(),
        writer,
        source=change.source,
        graph=change.graph,
        activity="revert",
        summary=f"revert of change {change.id} ({change.summary})",
        scope=Scope(system=change.activity == "curated", own_meta=True),
        validated=change.activity in ("curated", "import", "remove"),
        extra={"reverts": change.id},
    )


def links_proposal(store: ox.Store, graph: Graph, graph_iri: URIRef, writer: Writer) -> Proposal:
    """Replace the links graph with *graph* (what `migrakg link --store` found)."""
    name = ox.NamedNode(str(graph_iri))
    new = {ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in graph}  # type: ignore[arg-type]
    old = set(store.quads_for_pattern(None, None, None, name))
    return Proposal(
        Delta(new - old, old - new),
        writer,
        source=LINKS,
        graph=str(graph_iri),
        activity="links",
        summary=f"links graph replaced ({len(graph)} triples)",
        check_added_references=False,
    )


def link_decision_proposal(store: ox.Store, base: str, ours: str, theirs: str, decision: str, writer: Writer) -> Proposal:
    """Accept (owl:sameAs) or reject (no link) the proposed link between two records. A rejection is kept
    as a reviewed SSSOM mapping with `sssom:predicate_modifier "Not"`, so the pair is not proposed again.
    Raises UsageError."""
    if decision not in ("accept", "reject"):
        raise UsageError(Text("Entscheidung muss accept oder reject sein", "decision must be accept or reject"))
    try:
        a, b = ox.NamedNode(ours), ox.NamedNode(theirs)
    except ValueError:
        raise UsageError(Text("ours und theirs müssen IRIs sein", "ours and theirs must be IRIs")) from None
    graph = ox.NamedNode(f"{base}graph/links")
    remove: set[ox.Quad] = set()
    add: set[ox.Quad] = set()
    for s, o in ((a, b), (b, a)):
        for predicate in (OWL_SAME_AS, SKOS_CLOSE):
            remove.update(store.quads_for_pattern(s, predicate, o, graph))
    mappings = [
        q.subject
        for q in store.quads_for_pattern(None, RDF_SUBJECT, None, graph)
        if q.object in (a, b) and any(store.quads_for_pattern(q.subject, RDF_OBJECT, b if q.object == a else a, graph))
    ]
    if decision == "accept":  # owl:sameAs is symmetric; stated both ways, each record shows it as its own
        add.add(ox.Quad(a, OWL_SAME_AS, b, graph))
        add.add(ox.Quad(b, OWL_SAME_AS, a, graph))
        for node in mappings:
            for quad in store.quads_for_pattern(node, None, None, graph):
                if quad.predicate in (RDF_PREDICATE, SSSOM_PREDICATE, SSSOM_JUSTIFICATION, SSSOM_MODIFIER):
                    remove.add(quad)
            add.add(ox.Quad(node, RDF_PREDICATE, OWL_SAME_AS, graph))
            add.add(ox.Quad(node, SSSOM_PREDICATE, OWL_SAME_AS, graph))
            add.add(ox.Quad(node, SSSOM_JUSTIFICATION, MANUAL, graph))
        if not mappings:  # a pair nobody proposed: the person's decision is the mapping (the shapes ask for it)
            add |= _reviewed_mapping(base, ours, theirs, graph, OWL_SAME_AS)
    else:
        for node in mappings:
            remove.update(store.quads_for_pattern(node, None, None, graph))
        add |= _reviewed_mapping(base, ours, theirs, graph, SKOS_CLOSE, negated=True)
    return Proposal(
        Delta(add, remove),
        writer,
        source=LINKS,
        graph=graph.value,
        activity="links",
        summary=f"link {decision}ed: {ours} ⇄ {theirs}",
        extra={"decision": decision, "ours": ours, "theirs": theirs},
    )


def _reviewed_mapping(
    base: str, ours: str, theirs: str, graph: ox.NamedNode, predicate: ox.NamedNode, *, negated: bool = False
) -> set[ox.Quad]:
    """A person's decision about a pair as an SSSOM mapping `{base}id/link/{hash}` (manual curation)."""
    import hashlib

    node = ox.NamedNode(f"{base}id/link/" + hashlib.sha256(f"{ours} {theirs}".encode()).hexdigest()[:16])
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    values: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (rdf_type, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement")),
        (rdf_type, ox.NamedNode("https://w3id.org/sssom/Mapping")),
        (RDF_SUBJECT, ox.NamedNode(ours)),
        (RDF_PREDICATE, predicate),
        (RDF_OBJECT, ox.NamedNode(theirs)),
        (SSSOM_PREDICATE, predicate),
        (SSSOM_JUSTIFICATION, MANUAL),
    ]
    if negated:
        values.append((SSSOM_MODIFIER, NOT))
    return {ox.Quad(node, p, o, graph) for p, o in values}


def rejected_pairs(store: ox.Store, base: str) -> set[tuple[str, str]]:
    """(ours, theirs) of the pairs a person decided are not the same."""
    graph = ox.NamedNode(f"{base}graph/links")
    pairs = set()
    for quad in store.quads_for_pattern(None, SSSOM_MODIFIER, NOT, graph):
        subject = next(store.quads_for_pattern(quad.subject, RDF_SUBJECT, None, graph), None)
        obj = next(store.quads_for_pattern(quad.subject, RDF_OBJECT, None, graph), None)
        if subject is not None and obj is not None:
            pairs.add((str(subject.object.value), str(obj.object.value)))  # type: ignore[union-attr]
    return pairs


def writer_may_rebuild(writer: Writer) -> bool:
    return writer.may(CURATED)
