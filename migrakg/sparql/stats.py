"""Counts about a store: triples per named graph and in all, through the query workers."""

from __future__ import annotations

from dataclasses import dataclass

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass(frozen=True)
class StoreStats:
    triples: int
    graphs: dict[str, int]


def compute_stats(service) -> StoreStats:  # type: ignore[no-untyped-def]
    _vars, rows = service.select(GRAPH_COUNTS)
    graphs = {row[0][1]: int(row[1][1]) for row in rows if row[0] is not None}
    return StoreStats(sum(graphs.values()), graphs)
