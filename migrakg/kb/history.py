"""A record's history for its page: which source graph each of its fields comes from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .checks import source_of

Select = Callable[[str], tuple[list[str], list[list[Any]]]]


def curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def record_parts(select: Select, iri: str, base: str) -> list[tuple[str, str, list[str]]]:
    """[(graph, source, [field curies])] of the record *iri* — its triples grouped by named graph."""
    if not iri.startswith(base + "id/") or any(c in iri for c in '<>"{}|^`\\ '):
        return []
    _, rows = select(f"SELECT DISTINCT ?g ?p WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    parts: dict[str, set[str]] = {}
    for graph, predicate in rows:
        if graph is not None and predicate is not None:
            parts.setdefault(graph[1], set()).add(curie(predicate[1]))
    return [(g, source_of(ox.NamedNode(g), base) or g, sorted(ps)) for g, ps in sorted(parts.items())]
