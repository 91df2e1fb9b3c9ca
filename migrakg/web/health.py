"""GET /health — 200 with store kind and triple count when serving, and how far the warm-up is."""

from __future__ import annotations

from fastapi import APIRouter

from .deps import State

router = APIRouter()


@router.get("/health")
def health(state: State) -> dict[str, object]:
    return {
        "status": "ok",
        "store": state.store.kind,
        "triples": state.store.triple_count(),
        "generation": state.store.generation,
        "workers": state.service.workers,
        # per lane (internal: pages, search, reconcile; public: /sparql): workers and requests running or waiting
        "lanes": state.service.busy() if hasattr(state.service, "busy") else {},
        "warm_up": state.warm_up,  # landing page and search index computed ahead: off | running | done | failed
        **replica_status(state),
    }


def replica_status(state: State) -> dict[str, object]:
    """With a read replica kept level by this process: its position in the change log, the log's head
    and the lag between them (changes not yet applied)."""
    follower = getattr(state.service, "follower", None)
    if follower is None:
        return {}
    return {
        "replica": {
            **follower.status.as_json(),
            "head": state.store.generation,
            "lag": max(0, state.store.generation - follower.status.position),
        }
    }
