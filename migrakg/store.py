"""The embedded store: pyoxigraph, in memory or on disk, replaced atomically.

rdflib builds, parses and validates; every query a user sends runs here (pyoxigraph), never on
rdflib's engine. An on-disk store is a folder holding generations (`gen-000001/` …) and a `CURRENT`
file naming the live one: a rebuild loads a new generation and then switches `CURRENT` with one
rename, so readers never see a half-loaded store.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pyoxigraph as ox

from .errors import Location, Problem, SourceError, Text, UsageError

RDF_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def rdf_format_for(path: Path) -> ox.RdfFormat:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for ext, fmt in RDF_FORMATS.items():
        if name.endswith(ext):
            return fmt
    raise SourceError([Problem(Location(str(path)), Text(
        "unbekanntes RDF-Format (erwartet .nq, .nt, .ttl, .trig, .rdf, .jsonld)",
        "unknown RDF format (expected .nq, .nt, .ttl, .trig, .rdf, .jsonld)"))])


class KnowledgeStore:
    """Holds the live pyoxigraph Store; `replace_*` swaps it as a whole."""

    def __init__(self, store: ox.Store, *, path: Path | None = None):
        self._store = store
        self.path = path
        self._lock = threading.RLock()
        self.generation = 0
        self._count: int | None = None

    # -- making -----------------------------------------------------------
    @classmethod
    def memory(cls) -> "KnowledgeStore":
        return cls(ox.Store())

    @classmethod
    def open(cls, path: str | Path) -> "KnowledgeStore":
        """Open (or create) an on-disk store folder."""
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise UsageError(f"store path {root} exists and is not a folder")
        root.mkdir(parents=True, exist_ok=True)
        current = _current_generation(root)
        if current is None:
            current = root / "gen-000001"
            current.mkdir(exist_ok=True)
            _set_current(root, current.name)
        try:
            store = ox.Store(str(current))
        except OSError as exc:
            raise UsageError(f"cannot open store {root}: {exc} (is another process writing to it?)") from None
        ks = cls(store, path=root)
        ks.generation = int(current.name.split("-")[1])
        return ks

    @staticmethod
    def open_read_only(path: str | Path) -> ox.Store:
        root = Path(path)
        current = _current_generation(root)
        if current is None:
            raise UsageError(f"{root} is not a migrakg store (no CURRENT generation)")
        return ox.Store.read_only(str(current))

    @property
    def lock(self) -> threading.RLock:
        """Held while the web process reads or swaps the store, and while query workers are forked."""
        return self._lock

    @property
    def kind(self) -> str:
        return "disk" if self.path is not None else "memory"

    @property
    def store(self) -> ox.Store:
        return self._store

    # -- loading ----------------------------------------------------------
    def replace_from_files(self, files: list[Path], *, graphs: dict[str, str] | None = None) -> None:
        """Replace all data with the contents of *files*, atomically for readers.

        Quads keep their graphs; triples of a triples-only file (N-Triples, Turtle, RDF/XML, JSON-LD)
        go into the named graph `urn:migrakg:file:{file name}`."""
        with self._lock:
            if self.path is None:
                fresh = ox.Store()
                _load(fresh, files, graphs)
                self._store = fresh
                self.generation += 1
                self._count = None
            else:
                name = f"gen-{self.generation + 1:06d}"
                target = self.path / name
                if target.exists():
                    shutil.rmtree(target)
                fresh = ox.Store(str(target))
                try:
                    _load(fresh, files, graphs)
                    fresh.flush()
                except BaseException:
                    del fresh
                    shutil.rmtree(target, ignore_errors=True)
                    raise
                old = _current_generation(self.path)
                _set_current(self.path, name)
                self._store = fresh
                self.generation += 1
                self._count = None
                if old is not None and old.name != name:
                    shutil.rmtree(old, ignore_errors=True)

    def commit_scratch(self, scratch: ox.Store, update: str, base_iri: str) -> None:
        """Make a validated change live: an in-memory store becomes *scratch*; an on-disk store applies
        the same update (one transaction)."""
        with self._lock:
            if self.path is None:
                self._store = scratch
            else:
                self._store.update(update, base_iri=base_iri)
                self._store.flush()
            self.generation += 1
            self._count = None

    def triple_count(self) -> int:
        """Quads in the store (cached per generation: the web process never scans the store while forking)."""
        with self._lock:
            if self._count is None:
                self._count = len(self._store)
            return self._count

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))


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
                    store.bulk_load(handle, format=fmt, to_graph=to_graph)
            else:
                store.bulk_load(path=str(path), format=fmt, to_graph=to_graph)
        except (SyntaxError, ValueError, OSError) as exc:
            raise SourceError([Problem(Location(str(path)), Text(f"nicht ladbar: {exc}", f"cannot be loaded: {exc}"))]) from None


def _current_generation(root: Path) -> Path | None:
    marker = root / "CURRENT"
    if not marker.exists():
        return None
    name = marker.read_text(encoding="utf-8").strip()
    path = root / name
    return path if name.startswith("gen-") and path.is_dir() else None


def _set_current(root: Path, name: str) -> None:
    tmp = root / "CURRENT.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, root / "CURRENT")
