"""Counts about the served store (graphs and triples), computed once per store generation."""

from __future__ import annotations

import threading

from ..stats import StoreStats, compute_stats


_LOCK = threading.Lock()  # computed once, also when the start-up warm-up and a request ask together


def store_stats(state) -> StoreStats:  # type: ignore[no-untyped-def]
    with _LOCK:
        cache = getattr(state, "_stats", None)
        if cache is not None and cache[0] == state.store.generation:
            return cache[1]
        stats = compute_stats(state.service)
        state._stats = (state.store.generation, stats)
        return stats
