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

from ..errors import Location, Problem, SourceError, Text, UsageError

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
    """Holds the live pyoxigraph Store; `replace_*` swaps it as a whole."""

    def __init__(self, store: ox.Store, *, path: Path | None = None):
        self._store = store
        self.path = path
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

    @classmethod
    def open(cls, path: str | Path) -> KnowledgeStore:
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
        """Replace all data with the contents of *files*, atomically for readers: the new data is loaded
        beside the old one (a fresh in-memory store, or a new generation folder on disk) and swapped in
        with one assignment, so a query sees either the old or the new data, never a half-loaded store.

        Quads keep their graphs; triples of a triples-only file (N-Triples, Turtle, RDF/XML, JSON-LD)
        go into the named graph `urn:migrakg:file:{file name}`. An on-disk store adds its kept files
        (imports and links, see `kept_files`) after them."""
        files = list(files) + [f for f in self.kept_files() if f not in files]
        if self.path is None:
            fresh = ox.Store()
            _load(fresh, files, graphs)
            with self._lock:
                self._store = fresh
                self.generation += 1
                self._count = None
                self._sources, self._graphs, self._stamp = list(files), graphs, _stamp(files)
        else:
            name = write_generation(self.path, files, graphs)
            self._switch_to(name)

    def _switch_to(self, name: str) -> None:
        store = ox.Store(str(self.path / name))
        with self._lock:
            self._store = store
            self.generation = int(name.split("-")[1])
            self._count = None

    def refresh(self) -> bool:
        """Swap in newer data if it appeared: a rebuilt source file (memory store loaded from files), or a
        new generation written by `migrakg build --store` from another process. True if swapped."""
        if self.path is not None:
            current = _current_generation(self.path)
            if current is not None and int(current.name.split("-")[1]) != self.generation:
                self._switch_to(current.name)
                return True
            return False
        if self._sources and _stamp(self._sources) != self._stamp:
            self.replace_from_files(self._sources, graphs=self._graphs)
            return True
        return False

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

    # -- kept across rebuilds: imports and links (migrakg import / link) ---------------------
    def kept_files(self) -> list[Path]:
        """`{store}/imports/*.nq` and `{store}/links/*.nq`: graphs that a rebuild must not lose."""
        return kept_files(self.path) if self.path is not None else []

    def apply_update(self, update: str) -> None:
        """Apply one SPARQL Update (one transaction) to the live store, already checked by the caller."""
        with self._lock:
            self._store.update(update)
            if self.path is not None:
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


def kept_files(root: Path) -> list[Path]:
    return sorted(root.glob("imports/*.nq")) + sorted(root.glob("links/*.nq"))


def write_generation(root: Path, files: list[Path], graphs: dict[str, str] | None = None) -> str:
    """Load *files* into a new generation folder of the on-disk store *root* and make it CURRENT.

    Does not open the current generation, so it works while a server holds that one open; the server
    switches on its next refresh. Keeps the current and the previous generation, removes older ones."""
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name.split("-")[1]) for p in root.glob("gen-*") if p.name.split("-")[1].isdigit()]
    name = f"gen-{max(numbers, default=0) + 1:06d}"
    target = root / name
    store = ox.Store(str(target))
    try:
        _load(store, files, graphs)
        store.flush()
    except BaseException:
        del store
        shutil.rmtree(target, ignore_errors=True)
        raise
    del store
    previous = _current_generation(root)
    _set_current(root, name)
    keep = {name} | ({previous.name} if previous is not None else set())
    for old in root.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return name


def _stamp(files: list[Path]) -> tuple:
    stamps = []
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
