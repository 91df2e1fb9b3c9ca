"""Operations a command asks of the knowledge base — run here when the command has the store open
itself, or by the server that has it open (`POST /kb/ops/{op}` with the local admin token). Either way
the same function runs and returns the same JSON-able answer, so a command prints the same thing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from ..errors import Text, UsageError
from ..settings import Settings
from .base import KnowledgeBase
from .checks import Writer
from .log import Change

Operation = Callable[[KnowledgeBase, Settings, Writer, dict[str, Any]], dict[str, Any]]


def change_json(change: Change | None) -> dict[str, Any] | None:
    return change.head() if change is not None else None


def import_outcome_json(outcome: Any, store: Any = None) -> dict[str, Any]:
    diff = outcome.diff
    return {
        "graph": outcome.graph_iri,
        "source": outcome.parsed.source,
        "names": record_names(outcome, store),
        "unchanged": outcome.unchanged,
        "written": outcome.written,
        "change": outcome.change,
        "diff": {"added": diff.added, "changed": diff.changed, "removed": diff.removed},
        "notes": list(outcome.parsed.notes),
        "warnings": [{"de": w.render("de"), "en": w.render("en")} for w in outcome.report.warnings],
    }


def op_import(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    """Import a file; a coordinator's own sheet is read with her corrections (`mapping`), else the mapping
    remembered for the source, else the proposal; `remember` keeps the mapping once applied."""
    from .. import workbench
    from ..importing import run_import, source_name_for

    path = Path(args["path"])
    source = args.get("source") or source_name_for(path)
    memory = workbench.memory_for(kb.root)
    corrections = workbench.parse_corrections(args.get("mapping") or {})
    views, mappings = workbench.read_with_mappings(
        path, source=source, display=path.name, fmt=args.get("format"), memory=memory, corrections=corrections,
        lang=args.get("lang") or "en",
    )  # fmt: skip
    outcome = run_import(
        settings,
        path,
        kb=kb,
        fmt=args.get("format"),
        source=source,
        dry_run=bool(args.get("dry_run")),
        writer=writer,
        agent=args.get("agent"),
        mappings=mappings,
    )
    answer = import_outcome_json(outcome, kb.store)
    if views is not None:
        answer["mappings"] = views
        if args.get("remember") and mappings and not args.get("dry_run"):
            workbench.remember(memory, source, mappings)
    return answer


def record_names(outcome: Any, store: Any) -> dict[str, str]:
    """record IRI (as stored) → its name, for the import's records and those it removes, so that people
    read names, not IRIs. A membership is named by its member and network."""
    import pyoxigraph as ox
    from rdflib.namespace import RDF, RDFS, SKOS

    from ..namespaces import DEFAULT_BASE, ORG, SCHEMA

    labels = (SKOS.prefLabel, SCHEMA.name, RDFS.label)
    graph = outcome.parsed.graph
    stored_base = outcome.graph_iri.split("graph/import/", 1)[0]

    def stored(iri: str) -> str:
        return stored_base + iri[len(DEFAULT_BASE) :] if iri.startswith(DEFAULT_BASE) else iri

    def name_of(node: Any) -> str:
        return next((str(o) for p in labels for o in graph.objects(node, p)), "")

    names: dict[str, str] = {}
    for subject in {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and "#" not in str(s)}:
        name = name_of(subject)
        member, network = graph.value(subject, ORG.member), graph.value(subject, ORG.organization)
        if not name and member is not None and network is not None:
            name = f"{name_of(member) or member} → {name_of(network) or network}"
        names[stored(str(subject))] = name or stored(str(subject))
    if store is not None:
        for iri in outcome.diff.removed:
            for predicate in labels:
                found = next(iter(store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(str(predicate)), None, None)), None)
                if found is not None and isinstance(found.object, ox.Literal):
                    names[iri] = found.object.value
                    break
    return names


def op_remove(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    from ..importing import remove_source

    return {"change": change_json(remove_source(kb, str(args["source"]), writer=writer))}


def op_revert(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    from .ops import revert_proposal

    change = kb.commit(lambda _store: revert_proposal(kb, str(args["change"]), writer))
    return {"change": change_json(change)}


def op_rebuild(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    from .curated import curated_proposal

    change = kb.commit(lambda _store: curated_proposal(kb, settings, writer, force=bool(args.get("force"))))
    return {"change": change_json(change)}


def op_links(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    from .ops import links_proposal

    graph = Graph()
    graph.parse(data=args["ntriples"], format="nt")
    graph_iri = URIRef(args["graph"])
    change = kb.commit(lambda store: links_proposal(store, graph, graph_iri, writer))
    return {"change": change_json(change)}


def op_backup(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    from .backup import backup

    return backup(kb, Path(args["out"]))


OPERATIONS: dict[str, Operation] = {
    "import": op_import,
    "remove": op_remove,
    "revert": op_revert,
    "rebuild": op_rebuild,
    "links": op_links,
    "backup": op_backup,
}


def run_operation(kb: KnowledgeBase, settings: Settings, writer: Writer, op: str, args: dict[str, Any]) -> dict[str, Any]:
    """Raises UsageError for an unknown operation, and whatever the operation raises."""
    if op not in OPERATIONS:
        raise UsageError(Text(f"unbekannte Operation {op}", f"unknown operation {op}"))
    return OPERATIONS[op](kb, settings, writer, args)
