"""The change log: one JSON line per committed change, appended and fsync'ed before the store is touched.

The log is the truth. A change is written here (with its whole delta) and forced to disk first; only then
is it applied to the store, and only after that is it acknowledged. After a crash the store is brought
level with the log by replaying the changes after the last checkpoint (`KnowledgeBase.open`); a line cut
short by the crash was never acknowledged and is dropped. Each line carries the SHA-256 of its own
content, so a damaged line is recognised rather than half-read.

Terms follow PROV-O (each change is a `prov:Activity`: `prov:wasAssociatedWith` an agent — a token name or
a role, never a private person —, `prov:endedAtTime`, `prov:used` the source graph); see `PROV_CONTEXT`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MigrakgError, Text
from .delta import Delta

PROV_CONTEXT = {
    "prov": "http://www.w3.org/ns/prov#",
    "id": "@id",
    "type": "@type",
    "time": {"@id": "prov:endedAtTime", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "agent": {"@id": "prov:wasAssociatedWith"},
    "name": "http://www.w3.org/2000/01/rdf-schema#label",
    "role": "prov:hadRole",
    "graph": {"@id": "prov:used", "@type": "@id"},
    "records": "prov:generated",
}


class LogDamaged(MigrakgError):
    status = 500


@dataclass
class Agent:
    """Who made a change: a token name or a role (`command line`, `build`), never a private person."""

    name: str
    role: str

    def as_json(self) -> dict[str, str]:
        return {"type": "prov:Agent", "name": self.name, "role": self.role}


@dataclass
class Change:
    seq: int
    time: str  # ISO 8601, UTC, seconds
    agent: Agent
    source: str
    graph: str
    activity: str  # import | remove | update | links | revert | curated | restore
    summary: str
    records: dict[str, list[str]]
    delta: Delta
    extra: dict[str, Any] = field(default_factory=dict)  # checksum (curated), reverts (revert), file (import)

    @property
    def id(self) -> str:
        return str(self.seq)

    def head(self) -> dict[str, Any]:
        """The change without its delta (what feeds and pages show)."""
        return {
            "id": self.id,
            "type": "prov:Activity",
            "seq": self.seq,
            "time": self.time,
            "agent": self.agent.as_json(),
            "source": self.source,
            "graph": self.graph,
            "activity": self.activity,
            "summary": self.summary,
            "records": self.records,
            "added": len(self.delta.add),
            "removed": len(self.delta.remove),
            **self.extra,
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.head(), "delta": self.delta.as_json()}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Change:
        known = {
            "id",
            "type",
            "seq",
            "time",
            "agent",
            "source",
            "graph",
            "activity",
            "summary",
            "records",
            "added",
            "removed",
            "delta",
        }
        return cls(
            seq=int(value["seq"]),
            time=value["time"],
            agent=Agent(value["agent"]["name"], value["agent"]["role"]),
            source=value["source"],
            graph=value.get("graph", ""),
            activity=value["activity"],
            summary=value.get("summary", ""),
            records=value.get("records", {}),
            delta=Delta.from_json(value["delta"]),
            extra={k: v for k, v in value.items() if k not in known},
        )


def encode(change: Change) -> bytes:
    body = json.dumps(change.as_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{digest} {body}\n".encode()


def decode(line: bytes) -> Change | None:
    """The change on *line*, or None when the line is not whole (cut short, or damaged)."""
    if not line.endswith(b"\n"):
        return None
    digest, _, body = line.rstrip(b"\n").partition(b" ")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    try:
        return Change.from_json(json.loads(body))
    except (ValueError, KeyError, TypeError, SyntaxError):
        return None


class ChangeLog:
    """`{store}/changes.log`. Not thread-safe by itself: the knowledge base's write lock serialises appends."""

    def __init__(self, path: Path):
        self.path = path

    def read(self, *, repair: bool = False) -> list[Change]:
        """Every whole change in order. A damaged last line (a crash while appending) is cut off when
        *repair*; a damaged line before the last raises LogDamaged."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        changes: list[Change] = []
        offset = 0
        lines = data.splitlines(keepends=True)
        for number, line in enumerate(lines, 1):
            change = decode(line)
            if change is None:
                if number == len(lines):
                    if repair:
                        with self.path.open("r+b") as handle:
                            handle.truncate(offset)
                            handle.flush()
                            os.fsync(handle.fileno())
                    break
                raise LogDamaged(
                    Text(
                        f"das Änderungsprotokoll {self.path} ist in Zeile {number} beschädigt; aus einer Sicherung wiederherstellen (migrakg restore)",
                        f"the change log {self.path} is damaged at line {number}; restore it from a backup (migrakg restore)",
                    )
                )
            if changes and change.seq != changes[-1].seq + 1:
                raise LogDamaged(
                    Text(
                        f"das Änderungsprotokoll {self.path} hat eine Lücke vor Änderung {change.seq}",
                        f"the change log {self.path} has a gap before change {change.seq}",
                    )
                )
            changes.append(change)
            offset += len(line)
        return changes

    def append(self, change: Change) -> None:
        """Write *change* and force it to disk before returning."""
        new = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            data = encode(change)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            fsync_dir(self.path.parent)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.read())


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_durably(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace *path* with *data*: written beside it, fsync'ed, renamed over it, folder fsync'ed."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
