"""Following the change log: the replica applies every committed change, in order, after its position.

The log (`{store}/changes.log`, kb/log.py) is append-only and each line is one whole change with its
delta. The follower reads it from the byte offset it reached, applies each new whole line to Virtuoso and
records the change's number as the replica's position (in Virtuoso's own registry, so that a replica
whose database was deleted starts again from 0). A replica at 0 with changes in the log is first filled
with the bulk loader from a snapshot of the store (the position that snapshot holds at least), and then
follows from there; changes the snapshot already holds are applied again, which changes nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..kb.base import CHECKPOINT, LOG, KnowledgeBase, read_checkpoint
from ..kb.log import Change, ChangeLog, decode
from .virtuoso import Instance, ReplicaError

#: a snapshot of the store: its N-Quads and the last change it holds at least
Snapshot = Callable[[], tuple[bytes, int]]


def log_snapshot(store: Path) -> Snapshot:
    """The snapshot of a store folder from its change log alone (the truth; the on-disk store belongs to
    the process that has it open): every whole change replayed into memory, then written as N-Quads."""

    def take() -> tuple[bytes, int]:
        memory = ox.Store()
        seq = 0
        for change in ChangeLog(store / LOG).read():
            for quad in change.delta.remove:
                memory.remove(quad)
            memory.extend(change.delta.add)
            seq = change.seq
        return memory.dump(format=ox.RdfFormat.N_QUADS) or b"", seq

    return take


def kb_snapshot(kb: KnowledgeBase) -> Snapshot:
    """The snapshot of a knowledge base open in this process: its readers' copy, under their lock."""

    def take() -> tuple[bytes, int]:
        with kb.readers.lock:
            return kb.store.dump(format=ox.RdfFormat.N_QUADS) or b"", kb.generation

    return take


@dataclass
class Status:
    position: int = 0  # last change the replica holds
    head: int = 0  # last change in the log, as last read
    applied_at: float | None = None  # time.time() of the last change applied
    error: str | None = None  # the last failure (the follower tries again)

    def as_json(self) -> dict[str, object]:
        return {"position": self.position, "head": self.head, "lag": max(0, self.head - self.position), "error": self.error}


class Follower:
    """Keeps *instance* level with the change log of the store folder *store*. `catch_up` once, or `run`
    until stopped (a thread: `start`/`stop`; `wake` after a commit makes it look at once)."""

    def __init__(self, instance: Instance, store: Path, *, snapshot: Snapshot | None = None, poll: float = 0.2):
        self.instance = instance
        self.store = Path(store)
        self.snapshot = snapshot or log_snapshot(self.store)
        self.poll = poll
        self.status = Status()
        self._offset = 0  # bytes of the log read and applied
        self._known = False  # offset found for the current position
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._written: tuple[str, int, str] | None = None  # the position this follower recorded last

    @property
    def log(self) -> Path:
        return self.store / LOG

    def _changes_after(self, position: int) -> list[tuple[int, str, Change]]:
        """Whole changes after *position* from the log: (offset after the line, its mark, change)."""
        try:
            with self.log.open("rb") as handle:
                handle.seek(self._offset if self._known else 0)
                data = handle.read()
        except FileNotFoundError:
            return []
        base = self._offset if self._known else 0
        out = []
        at = base
        for line in data.splitlines(keepends=True):
            change = decode(line)
            if change is None:  # the line being written (or cut short by a crash): not yet committed
                break
            at += len(line)
            if change.seq > position:
                out.append((at, line[:16].decode("ascii"), change))
            elif not out:  # still before the position: the offset moves past it
                self._offset, self._known = at, True
        if not self._known:
            self._offset, self._known = base, True
        return out

    def log_id(self) -> str:
        """Which log this is: the start of its first line's checksum ("" while it is empty). A replica
        that holds another log's changes (another knowledge base, a restored one) is loaded afresh."""
        try:
            with self.log.open("rb") as handle:
                first = handle.readline()
        except FileNotFoundError:
            return ""
        return first[:16].decode("ascii", "replace") if decode(first) is not None else ""

    def mark(self, seq: int) -> str | None:
        """The start of the checksum of change *seq*'s line in the log (None: not there)."""
        try:
            with self.log.open("rb") as handle:
                for line in handle:
                    change = decode(line)
                    if change is None:
                        return None
                    if change.seq == seq:
                        return line[:16].decode("ascii")
        except FileNotFoundError:
            return None
        return None

    def catch_up(self) -> int:
        """Apply every committed change after the replica's position; how many."""
        with self._lock:
            log_id = self.log_id()
            record = self.instance.record()
            held, position, mark = record
            if record != self._written and (
                held != log_id or (position == 0 and log_id) or (position and self.mark(position) != mark)
            ):  # another log, a log restored to an earlier point, or a replica without data: load afresh
                nquads, seq = self.snapshot()
                mark = (self.mark(seq) or "") if seq else ""
                self.instance.bulk_load(nquads, seq, log_id, mark)
                position = seq
                self._known = False
            self._written = (log_id, position, mark)
            self.status.position = position
            count = 0
            for offset, line_mark, change in self._changes_after(position):
                self.instance.apply(change.delta, change.seq, log_id, line_mark)
                self._offset = offset
                self._written = (log_id, change.seq, line_mark)
                self.status.position = change.seq
                self.status.applied_at = time.time()
                count += 1
            self.status.head = max(self.status.position, read_head(self.store))
            self.status.error = None
            return count

    def wait_for(self, seq: int, seconds: float = 5.0) -> bool:
        """Wait (bounded) until the replica holds change *seq*; whether it does."""
        deadline = time.monotonic() + seconds
        while self.status.position < seq:
            if time.monotonic() >= deadline:
                return False
            self._wake.set()
            time.sleep(0.01)
        return True

    def committed(self, change: Change) -> None:
        """A knowledge base listener (`kb.listeners.append(follower.committed)`): follow at once, and
        return once the replica holds the change (bounded), so that whoever wrote reads it back."""
        self.wait_for(change.seq)

    # -- as a thread ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="migrakg-replica-follower", daemon=True)
        self._thread.start()

    def wake(self, *_: object) -> None:
        """Look at the log now (a knowledge base listener: `kb.listeners.append(follower.wake)`)."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def run(self) -> None:
        """Follow until `stop` (errors are kept in `status` and tried again after a pause)."""
        while not self._stop.is_set():
            try:
                self.catch_up()
                pause = self.poll
            except (ReplicaError, OSError) as exc:
                self.status.error = str(exc)
                pause = max(self.poll, 2.0)
            self._wake.wait(pause)
            self._wake.clear()


def read_head(store: Path) -> int:
    """The last change the store folder's log holds (its checkpoint: written after each commit)."""
    if not (store / CHECKPOINT).exists():
        return 0
    return read_checkpoint(store)
