"""Opening the store a command reads: the knowledge base (default or --store PATH), `memory` (the
latest build, in memory), or --data FILE… as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..build import NQUADS
from ..errors import Location, Problem, SourceError, Text, UsageError
from ..settings import Settings
from .store import KnowledgeStore


def open_store(settings: Settings, *, store: str | None = None, data: list[Path] | None = None) -> KnowledgeStore:
    """The store to query, as it is now. Raises UsageError/SourceError with what to do."""
    if data:
        missing = [p for p in data if not p.exists()]
        if missing:
            raise SourceError([Problem(Location(str(p)), Text("Datei nicht gefunden", "file not found")) for p in missing])
        ks = KnowledgeStore.memory()
        ks.replace_from_files(list(data))
        return ks
    if store == "memory":
        latest = settings.build_path / NQUADS
        if not latest.exists():
            raise UsageError(f"no build found at {latest}: run `migrakg build` (or `make run`) first")
        ks = KnowledgeStore.memory()
        ks.replace_from_files([latest])
        return ks
    return read_knowledge_base(settings, Path(store) if store else settings.store_path)


def read_knowledge_base(settings: Settings, root: Path) -> KnowledgeStore:
    """A copy of the knowledge base in *root* for reading: taken from the server that has it open, or
    from the store itself (created, and `data/` rebuilt into it, when needed)."""
    from ..kb import KnowledgeBase, connect
    from ..kb.curated import ensure_curated

    target: Any = connect(root, settings)
    copy = ox.Store()
    if isinstance(target, KnowledgeBase):
        with target:
            ensure_curated(target, settings)
            copy.bulk_extend(target.store)
            generation = target.generation
    else:
        copy.load(target.snapshot(), format=ox.RdfFormat.N_QUADS)
        generation = 0
    ks = KnowledgeStore(copy)
    ks.folder = root
    ks.generation = generation
    return ks
