"""The knowledge base as one N-Quads file — all sources, or the named ones (a district project's release)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import Text, UsageError
from .checks import source_of
from .delta import nquad, record_key

ALWAYS = ("ontology", "vocab")  # every release carries the terms its records use


def available_sources(store: ox.Store, base: str) -> list[str]:
    found = {source_of(g, base) for g in store.named_graphs()}
    return sorted(s for s in found if s is not None and s not in (*ALWAYS, "meta"))


def export_nquads(store: ox.Store, base: str, out: Path, sources: list[str] | None = None) -> int:
    """Write the quads of *sources* (all when None; the ontology and vocabularies always, and the metadata
    about the chosen graphs) to *out*, sorted. Returns the number of quads. Raises UsageError for a source
    the store does not hold."""
    if sources:
        known = available_sources(store, base)
        unknown = [s for s in sources if s not in known]
        if unknown:
            raise UsageError(
                Text(
                    f"Quelle(n) {', '.join(unknown)} gibt es nicht; vorhanden: {', '.join(known)}",
                    f"no source(s) {', '.join(unknown)}; the store holds: {', '.join(known)}",
                )
            )
    wanted = None if not sources else set(sources) | set(ALWAYS)
    lines = []
    for quad in store:
        source = source_of(quad.graph_name, base)
        if wanted is not None:
            if source == "meta":
                source = source_of(ox.NamedNode(record_key(quad.subject) or "-"), base)
            if source not in wanted:
                continue
        lines.append(nquad(quad) + "\n")
    lines.sort()
    out.write_text("".join(lines), encoding="utf-8")
    return len(lines)
