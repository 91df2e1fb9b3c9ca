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


def import_outcome_json(outcome: Any) -> dict[str, Any]:
    diff = outcome.diff
    return {
        "graph": outcome.graph_iri,
        "unchanged": outcome.unchanged,
        "written": outcome.written,
        "change": outcome.change,
        "diff": {"added": diff.added, "changed": diff.changed, "removed": diff.removed},
        "notes": list(outcome.parsed.notes),
        "warnings": [{"de": w.render("de"), "en": w.render("en")} for w in outcome.report.warnings],
    }


def op_import(kb: KnowledgeBase, settings: Settings, writer: Writer, args: dict[str, Any]) -> dict[str, Any]:
    from ..importing import run_import

    outcome = run_import(
        settings,
        Path(args["path"]),
        kb=kb,
        fmt=args.get("format"),
        source=args.get("source"),
        dry_run=bool(args.get("dry_run")),
        writer=writer,
        agent=args.get("agent"),
    )
    return import_outcome_json(outcome)


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
