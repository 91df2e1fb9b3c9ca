"""What a record page shows of its history: which source each part of it comes from (the triples of the
record grouped by named graph), and its last changes (when, which source, which agent — a token name
or a role, never a person)."""

from __future__ import annotations

from typing import Any

from ..kb.history import record_parts
from .deps import AppState


def history_values(state: AppState, iri: str) -> dict[str, Any]:
    """`parts`: [(graph, source, [field IRIs])], one row per source; `changes`: the record's last changes (newest first)."""
    parts = record_parts(state.service.select, iri, state.settings.base_iri)
    changes = []
    if state.kb is not None:
        for change in state.kb.record_history(iri, 5):
            kind = next((k for k, iris in change.records.items() if iri in iris), "changed")
            changes.append(
                {
                    "id": change.id,
                    "time": change.time,
                    "source": change.source,
                    "agent": change.agent.name,
                    "role": change.agent.role,
                    "activity": change.activity,
                    "kind": kind,
                    "summary": change.summary,
                }
            )
    return {"parts": parts, "changes": changes}
