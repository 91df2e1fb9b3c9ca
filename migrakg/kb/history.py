"""A record's history for its page: which source graph each of its fields comes from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .checks import source_of

Select = Callable[[str], tuple[list[str], list[list[Any]]]]


def record_parts(select: Select, iri: str, base: str) -> list[tuple[str, str, list[str]]]:
    """[(graph, source, [field IRIs])] of the record *iri* — its triples grouped by named graph.

    Fields are the predicates' IRIs: the page names them in its own language (no CURIEs for people).
    """
    if not iri.startswith(base + "id/") or any(c in iri for c in '<>"{}|^`\\ '):
        return []
    _, rows = select(f"SELECT DISTINCT ?g ?p WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    parts: dict[str, tuple[str, set[str]]] = {}  # source → (its first graph, fields); one row per source
    for graph, predicate in sorted(rows, key=lambda row: (row[0] or ("", ""))[1]):
        if graph is not None and predicate is not None:
            source = source_of(ox.NamedNode(graph[1]), base) or graph[1]
            parts.setdefault(source, (graph[1], set()))[1].add(predicate[1])
    return [(g, source, sorted(ps)) for source, (g, ps) in sorted(parts.items())]
