"""Backup and restore: a consistent snapshot of the store and its change log, taken while serving.

    OUT/kb.nq         every quad of the store (N-Quads, sorted)
    OUT/changes.log   the change log up to the same change
    OUT/tokens.json   the write tokens (hashes only), if any
    OUT/backup.json   which change the snapshot is at, when, how many quads
    OUT/SHA256SUMS    checksums of the files above (`sha256sum -c SHA256SUMS`)

The snapshot is taken under the write lock (no change can come between store and log) and written into
a new folder that is renamed into place when complete. `restore` checks the checksums and that the log
replays to exactly the quads of `kb.nq` before it replaces anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import Text, UsageError
from ..settings import Settings
from .base import CHECKPOINT, DB, LOG, KnowledgeBase, StoreBusy, prepare_folder, release_lock, replay, take_lock
from .delta import nquad
from .log import ChangeLog, fsync_dir
from .tokens import TOKENS

NQ = "kb.nq"
INFO = "backup.json"
SUMS = "SHA256SUMS"


def backup(kb: KnowledgeBase, out: Path) -> dict[str, Any]:
    """Write a snapshot of *kb* to the new folder *out*. Raises UsageError if *out* exists and is not empty."""
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(
            Text(
                f"{out} gibt es schon und ist nicht leer; einen neuen Ordner angeben",
                f"{out} exists and is not empty; give a new folder",
            )
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        with kb._write:  # no change between the store's quads and the log's last line
            lines = sorted(nquad(q) + "\n" for q in kb.store)
            log_bytes = kb.log.path.read_bytes() if kb.log.path.exists() else b""
            seq = kb.changes[-1].seq if kb.changes else 0
        files = {NQ: "".join(lines).encode("utf-8"), LOG: log_bytes}
        tokens = kb.root / TOKENS
        if tokens.exists():
            files[TOKENS] = tokens.read_bytes()
        info = {
            "change": seq,
            "quads": len(lines),
            "taken": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "base_iri": kb.base,
        }
        files[INFO] = (json.dumps(info, indent=2) + "\n").encode("utf-8")
        files[SUMS] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()
        for name, data in files.items():
            with open(tmp / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o700)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
        fsync_dir(out.parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"out": str(out), **info}


def check_backup(folder: Path) -> dict[str, Any]:
    """The backup's info after checking its checksums. Raises UsageError naming what is wrong."""
    folder = Path(folder)
    try:
        sums = (folder / SUMS).read_text(encoding="utf-8")
    except OSError:
        raise UsageError(
            Text(f"{folder} ist keine Sicherung (SHA256SUMS fehlt)", f"{folder} is not a backup (no SHA256SUMS)")
        ) from None
    for line in sums.splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if "/" in name or not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise UsageError(
                Text(
                    f"Sicherung beschädigt: {name} passt nicht zu SHA256SUMS", f"backup damaged: {name} does not match SHA256SUMS"
                )
            )
    return json.loads((folder / INFO).read_text(encoding="utf-8"))


def restore(root: Path, settings: Settings, folder: Path) -> dict[str, Any]:
    """Replace the store folder *root* with the backup in *folder*. Refuses while a server (or another
    command) has the store open. Raises UsageError, StoreBusy."""
    info = check_backup(folder)
    changes = ChangeLog(Path(folder) / LOG).read()
    replayed = ox.Store()
    replay(replayed, changes, 0)
    snapshot = set(ox.parse((Path(folder) / NQ).read_bytes(), format=ox.RdfFormat.N_QUADS))
    if set(replayed) != snapshot:
        raise UsageError(
            Text(
                "Sicherung widersprüchlich: das Änderungsprotokoll ergibt nicht den Inhalt von kb.nq",
                "backup inconsistent: the change log does not replay to the contents of kb.nq",
            )
        )
    root = prepare_folder(Path(root)).resolve()
    fd = take_lock(root, 0)
    if fd is None:
        raise StoreBusy(root)
    new = Path(tempfile.mkdtemp(prefix=f".{root.name}-restore-", dir=root.parent))
    old = root.parent / f".{root.name}-old"
    try:
        store = ox.Store(str(new / DB))
        store.bulk_extend(snapshot)
        store.flush()
        del store
        shutil.copyfile(Path(folder) / LOG, new / LOG)
        (new / CHECKPOINT).write_text(f"{info['change']}\n", encoding="ascii")
        if (Path(folder) / TOKENS).exists():
            shutil.copyfile(Path(folder) / TOKENS, new / TOKENS)
            os.chmod(new / TOKENS, 0o600)
        os.chmod(new, 0o700)
        shutil.rmtree(old, ignore_errors=True)
        os.replace(root, old)
        os.replace(new, root)
        fsync_dir(root.parent)
    finally:
        release_lock(fd)
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return {"store": str(root), **info}
