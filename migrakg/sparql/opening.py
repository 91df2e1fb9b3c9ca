"""Opening the store a command works on: --store PATH, --data FILE…, or the latest build in memory."""

from __future__ import annotations

from pathlib import Path

from ..build import NQUADS
from ..errors import Location, Problem, SourceError, Text, UsageError
from ..settings import Settings
from .store import KnowledgeStore


def open_store(settings: Settings, *, store: str | None = None, data: list[Path] | None = None) -> KnowledgeStore:
    """The store to serve or query. Raises UsageError/SourceError with what to do."""
    if data:
        missing = [p for p in data if not p.exists()]
        if missing:
            raise SourceError([Problem(Location(str(p)), Text("Datei nicht gefunden", "file not found")) for p in missing])
        ks = KnowledgeStore.memory()
        ks.replace_from_files(list(data))
        return ks
    latest = settings.build_path / NQUADS
    if store and store != "memory":
        ks = KnowledgeStore.open(store)
        if ks.triple_count() == 0:
            if not latest.exists():
                raise UsageError(f"the store {store} is empty and there is no build to load: run `migrakg build` first")
            ks.replace_from_files([latest])
        return ks
    if not latest.exists():
        raise UsageError(f"no build found at {latest}: run `migrakg build` (or `make run`) first")
    ks = KnowledgeStore.memory()
    ks.replace_from_files([latest])
    return ks
