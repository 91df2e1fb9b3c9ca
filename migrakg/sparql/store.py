"""The readers' store: pyoxigraph in memory, shared by the query workers.

rdflib builds, parses and validates; every query a user sends runs here (pyoxigraph), never on
rdflib's engine. The durable knowledge base (on-disk store, change log, write path) is `migrakg.kb`;
this is what its readers see, kept level with every commit.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from .. import formats
from ..errors import Location, Problem, SourceError, Text


def rdf_format_for(path: Path) -> ox.RdfFormat:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    fmt = formats.by_extension(name)
    if fmt is not None:
        return fmt.oxigraph  # type: ignore[return-value]
    raise SourceError(
        [
            Problem(
                Location(str(path)),
                Text(
                    "unbekanntes RDF-Format (erwartet .nq, .nt, .ttl, .trig, .rdf, .jsonld)",
                    "unknown RDF format (expected .nq, .nt, .ttl, .trig, .rdf, .jsonld)",
                ),
            )
        ]
    )


class KnowledgeStore:
    """What the readers see: a pyoxigraph Store in memory that query workers share (forked, copy-on-write).

    Either the in-memory copy of a knowledge base folder (`migrakg.kb.KnowledgeBase` keeps it level with
    every commit and bumps `generation`), or files loaded as they are (`serve --data`, `--store memory`),
    swapped as a whole by `replace_from_files`."""

    def __init__(self, store: ox.Store, *, path: Path | None = None):
        self._store = store
        self.path = path  # always None: query workers share the in-memory store
        self.folder: Path | None = None  # the knowledge base folder this is the readers' copy of
        self._lock = threading.RLock()
        self.generation = 0
        self._count: int | None = None
        self._sources: list[Path] = []
        self._graphs: dict[str, str] | None = None
        self._stamp: tuple = ()

    # -- making -----------------------------------------------------------
    @classmethod
    def memory(cls) -> KnowledgeStore:
        return cls(ox.Store())

    @property
    def lock(self) -> threading.RLock:
        """Held while the web process reads or swaps the store, and while query workers are forked."""
        return self._lock

    @property
    def kind(self) -> str:
        return "disk" if self.folder is not None else "memory"

    @property
    def store(self) -> ox.Store:
        return self._store

    def forget_counts(self) -> None:
        self._count = None

    # -- loading ----------------------------------------------------------
    def replace_from_files(self, files: list[Path], *, graphs: dict[str, str] | None = None) -> None:
        """Replace all data with the contents of *files*, atomically for readers: the new data is loaded
        into a fresh store and swapped in with one assignment, so a query sees either the old or the new
        data, never a half-loaded store.

        Quads keep their graphs; triples of a triples-only file (N-Triples, Turtle, RDF/XML, JSON-LD)
        go into the named graph `urn:migrakg:file:{file name}`."""
        fresh = ox.Store()
        _load(fresh, list(files), graphs)
        with self._lock:
            self._store = fresh
            self.generation += 1
            self._count = None
            self._sources, self._graphs, self._stamp = list(files), graphs, _stamp(files)

    def refresh(self) -> bool:
        """Swap in a rebuilt source file (a store loaded from files). True if swapped."""
        if self._sources and _stamp(self._sources) != self._stamp:
            self.replace_from_files(self._sources, graphs=self._graphs)
            return True
        return False

    def triple_count(self) -> int:
        """Quads in the store (cached per generation: the web process never scans the store while forking)."""
        with self._lock:
            if self._count is None:
                self._count = len(self._store)
            return self._count

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))


def _stamp(files: list[Path]) -> tuple:
    stamps: list[tuple[str, int | None, int | None]] = []
    for path in files:
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((str(path), None, None))
    return tuple(stamps)


def _load(store: ox.Store, files: list[Path], graphs: dict[str, str] | None = None) -> None:
    """*graphs* optionally names the graph for a triples file by its file name."""
    for path in files:
        fmt = rdf_format_for(path)
        to_graph = None
        if not fmt.supports_datasets:
            name = (graphs or {}).get(path.name) or f"urn:migrakg:file:{path.name}"
            to_graph = ox.NamedNode(name)
        try:
            if path.name.endswith(".gz"):
                import gzip

                with gzip.open(path, "rb") as handle:
                    store.bulk_load(cast(IO[bytes], handle), format=fmt, to_graph=to_graph)
            else:
                store.bulk_load(path=str(path), format=fmt, to_graph=to_graph)
        except (SyntaxError, ValueError, OSError) as exc:
            raise SourceError([Problem(Location(str(path)), Text(f"nicht ladbar: {exc}", f"cannot be loaded: {exc}"))]) from None
