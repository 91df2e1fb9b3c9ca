"""The knowledge base: one store folder that every way in writes to and every way out reads from.

    {store}/oxigraph/      the pyoxigraph on-disk store (RocksDB)
    {store}/changes.log    the change log (`log.py`): the truth; the store follows it
    {store}/applied        the last change the on-disk store is known to hold (a checkpoint)
    {store}/tokens.json    write tokens, hashed (`tokens.py`)
    {store}/server.json    address and local admin token of the server running on this store (0600)
    {store}/kb.lock        held (flock) by the one process that has the store open for writing

A commit (`KnowledgeBase.commit`) is: delta computed once → checks (scope, form, references, shapes) →
log entry with the whole delta appended and fsync'ed → the same delta applied to the on-disk store in
one transaction and flushed → checkpoint → applied to the readers' in-memory copy, generation bumped →
listeners told (the server restarts its query workers). Only then is the change acknowledged.

A crash at any point leaves either a change that is not in the log (never acknowledged, never applied)
or one that is: `open` replays every logged change after the checkpoint (replaying is idempotent), so
store and log agree again and every acknowledged change is there — old state or new, never a mix.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import MigrakgError, Text, UsageError
from ..settings import ProjectPaths, Settings
from ..sparql.store import KnowledgeStore
from .checks import Scope, ShapeCheck, Writer, check_form, check_references, check_scope
from .delta import Delta, record_changes
from .log import Agent, Change, ChangeLog, write_file_durably

LOCK = "kb.lock"
DB = "oxigraph"
LOG = "changes.log"
CHECKPOINT = "applied"


class StoreBusy(MigrakgError):
    status = 503

    def __init__(self, root: Path):
        super().__init__(
            Text(
                f"die Wissensbasis {root} wird gerade von einem anderen Befehl bearbeitet; bitte gleich noch einmal versuchen",
                f"the knowledge base {root} is being changed by another command; please try again shortly",
            )
        )


@dataclass
class Proposal:
    """A change to be committed: its delta and what it is."""

    delta: Delta
    writer: Writer
    source: str
    graph: str
    activity: str
    summary: str
    scope: Scope = field(default_factory=Scope)
    validated: bool = False  # shapes already checked as a whole (curated rebuild, import)
    check_added_references: bool = True  # links may name records of other projects not (yet) imported
    extra: dict[str, Any] = field(default_factory=dict)


_HELD: set[int] = set()  # lock descriptors of this process


def _after_fork_in_child() -> None:
    """A forked child (a query worker) of the process that holds the store must not keep the store's
    lock, nor outlive that process: after a `kill -9` of a server its workers end within a second."""
    if not _HELD:
        return
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="migrakg-orphan-watch", daemon=True).start()


os.register_at_fork(after_in_child=_after_fork_in_child)


def take_lock(root: Path, wait: float) -> int | None:
    """The write lock of the store folder *root* (a file descriptor), waiting up to *wait* seconds;
    None if another process holds it that long."""
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _HELD.add(fd)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        if time.monotonic() >= deadline:
            os.close(fd)
            return None
        time.sleep(0.05)


def prepare_folder(root: Path) -> Path:
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise UsageError(Text(f"{root} gibt es schon und ist kein Ordner", f"store path {root} exists and is not a folder"))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def release_lock(fd: int) -> None:
    _HELD.discard(fd)
    os.close(fd)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class KnowledgeBase:
    """The store folder opened for writing by this process (see module docstring). Thread-safe."""

    def __init__(self, root: Path, settings: Settings, lock_fd: int, disk: ox.Store, log: ChangeLog, changes: list[Change]):
        self.root = root
        self.settings = settings
        self.base = settings.base_iri
        self._lock_fd: int | None = lock_fd
        self.disk = disk
        self.log = log
        self.changes = changes
        memory = ox.Store()
        memory.bulk_extend(disk)
        self.readers = KnowledgeStore(memory)
        self.readers.folder = root
        self.readers.generation = changes[-1].seq if changes else 0
        self._write = threading.Lock()
        self.listeners: list[Callable[[Change], None]] = []
        self.shapes = ShapeCheck(ProjectPaths.from_settings(settings))
        from ..importing import ReadingCache

        self.readings = ReadingCache()  # previews' readings, for the apply that follows (importing.py)
        self.history: dict[str, list[int]] = {}
        for change in changes:
            self._index(change)

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path | str, settings: Settings, *, wait: float = 30.0, lock_fd: int | None = None) -> KnowledgeBase:
        """Open (or create) the store folder, bring the store level with the change log. Raises StoreBusy
        when another process keeps it open for writing longer than *wait* seconds (*lock_fd*: the
        folder's lock, already taken by the caller)."""
        root = prepare_folder(Path(root))
        fd = lock_fd if lock_fd is not None else take_lock(root, wait)
        if fd is None:
            raise StoreBusy(root)
        try:
            try:
                disk = ox.Store(str(root / DB))
            except OSError as exc:
                raise UsageError(
                    Text(f"der Speicher {root} lässt sich nicht öffnen: {exc}", f"cannot open the store {root}: {exc}")
                ) from None
            log = ChangeLog(root / LOG)
            changes = log.read(repair=True)
            if replay(disk, changes, read_checkpoint(root)):
                disk.flush()
            write_checkpoint(root, changes[-1].seq if changes else 0)
        except BaseException:
            release_lock(fd)
            raise
        return cls(root, settings, fd, disk, log, changes)

    def close(self) -> None:
        if self._lock_fd is None:
            return
        try:
            self.disk.flush()
        finally:
            del self.disk
            release_lock(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------------
    @property
    def store(self) -> ox.Store:
        """The readers' in-memory copy (always level with the last commit)."""
        return self.readers.store

    @property
    def generation(self) -> int:
        return self.readers.generation

    def change(self, change_id: str) -> Change | None:
        try:
            seq = int(str(change_id).strip())
        except ValueError:
            return None
        if 1 <= seq <= len(self.changes):
            return self.changes[seq - 1]
        return None

    def record_history(self, iri: str, limit: int = 5) -> list[Change]:
        return [self.changes[s - 1] for s in reversed(self.history.get(iri, [])[-limit:])]

    def last_change(self, *, source: str | None = None, activity: str | None = None) -> Change | None:
        for change in reversed(self.changes):
            if (source is None or change.source == source) and (activity is None or change.activity == activity):
                return change
        return None

    def sources(self) -> list[str]:
        """Every source with a graph in the store."""
        from .checks import SYSTEM_GRAPHS, source_of

        found = {source_of(g, self.base) for g in self.store.named_graphs()}
        return sorted(s for s in found if s is not None and s not in SYSTEM_GRAPHS)

    # -- writing -----------------------------------------------------------------------------------
    def commit(self, proposal: Proposal | Callable[[ox.Store], Proposal | None]) -> Change | None:
        """Check, log, apply. *proposal* may be a function of the current store, computed while the write
        lock is held (so that no other change slips in between computing a delta and applying it).
        Returns the committed change, or None when nothing changes. Raises OutOfScope, Refused,
        NotConforming — in every case nothing was changed."""
        with self._write:
            memory = self.store
            if callable(proposal):
                made = proposal(memory)
                if made is None:
                    return None
                proposal = made
            delta = proposal.delta.against(memory)
            if delta.empty:
                return None
            check_form(delta)
            check_scope(delta, proposal.writer, self.base, proposal.scope)
            check_references(delta, memory, self.base, added=proposal.check_added_references)
            if not proposal.validated:
                self.shapes.check(delta, memory, self.base)
            records = record_changes(delta, memory, self.base + "id/")
            seq = (self.changes[-1].seq if self.changes else 0) + 1
            change = Change(
                seq=seq,
                time=now_iso(),
                agent=Agent(proposal.writer.name, proposal.writer.role),
                source=proposal.source,
                graph=proposal.graph,
                activity=proposal.activity,
                summary=proposal.summary,
                records=records.as_json(),
                delta=delta,
                extra=proposal.extra,
            )
            self.log.append(change)  # the truth first: durable before anything else changes
            delta.apply(self.disk)
            self.disk.flush()
            write_checkpoint(self.root, seq)
            with self.readers.lock:
                delta.apply(memory)
                self.readers.generation = seq
                self.readers.forget_counts()
            self.changes.append(change)
            self._index(change)
        for listener in list(self.listeners):
            listener(change)
        return change

    def _index(self, change: Change) -> None:
        for iris in change.records.values():
            for iri in iris:
                self.history.setdefault(iri, []).append(change.seq)

    # -- checking ------------------------------------------------------------------------------------
    def verify(self) -> tuple[int, int]:
        """Compare the on-disk store with a replay of the whole change log: (quads only in the store,
        quads only in the log's replay). (0, 0) when they agree."""
        replayed = ox.Store()
        replay(replayed, self.changes, 0)
        stored = set(self.disk)
        expected = set(replayed)
        return len(stored - expected), len(expected - stored)


def replay(store: ox.Store, changes: list[Change], after: int) -> int:
    """Apply every change after seq *after* in order; returns how many."""
    count = 0
    for change in changes:
        if change.seq > after:
            change.delta.apply(store)
            count += 1
    return count


def read_checkpoint(root: Path) -> int:
    try:
        return int((root / CHECKPOINT).read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def write_checkpoint(root: Path, seq: int) -> None:
    write_file_durably(root / CHECKPOINT, f"{seq}\n".encode("ascii"))
