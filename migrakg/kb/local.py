"""Reaching the knowledge base from a command: directly, or through the server that has it open.

pyoxigraph's on-disk store allows one writer. A running server holds it (and `kb.lock`) for its
lifetime and leaves `{store}/server.json` (its address and a local admin token, readable by the owner
only). A command that writes takes the lock if it is free and opens the store itself; if a server holds
it, the command sends its change to that server, which commits it like any other — so the running
server shows it at once and a person never meets a lock error. Two commands at once simply take turns.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EXIT_INPUT, EXIT_NONCONFORMING, MigrakgError, Text
from ..settings import Settings
from .base import KnowledgeBase, StoreBusy, prepare_folder, take_lock
from .log import write_file_durably

SERVER_FILE = "server.json"


class RemoteError(MigrakgError):
    """An error the server answered for a change sent through it (same message, same exit code)."""

    def __init__(self, status: int, body: dict[str, Any]):
        lines_de = body.get("problems_de") or [
            r.get("messages", {}).get("de") or r.get("message", "") for r in body.get("results", [])
        ]
        lines_en = body.get("problems_en") or [
            r.get("messages", {}).get("en") or r.get("message", "") for r in body.get("results", [])
        ]
        de = body.get("message_de") or body.get("message") or f"Fehler {status}"
        en = body.get("message_en") or body.get("message") or f"error {status}"
        super().__init__(Text("\n".join([de, *[f"  {l}" for l in lines_de]]), "\n".join([en, *[f"  {l}" for l in lines_en]])))
        self.status = status
        self.exit_code = EXIT_NONCONFORMING if status == 422 else EXIT_INPUT


def new_admin_token() -> str:
    return "mkg_admin_" + secrets.token_urlsafe(32)


def write_server_file(root: Path, url: str, token: str) -> None:
    data = {"url": url, "token": token, "pid": os.getpid()}
    write_file_durably(root / SERVER_FILE, (json.dumps(data) + "\n").encode("utf-8"), 0o600)


def remove_server_file(root: Path, token: str) -> None:
    info = read_server_file(root)
    if info is not None and info.get("token") == token:
        (root / SERVER_FILE).unlink(missing_ok=True)


def read_server_file(root: Path) -> dict[str, Any] | None:
    try:
        return json.loads((root / SERVER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass
class Remote:
    """The server that has the store open; operations go to `POST /kb/ops/{op}` with the admin token."""

    url: str
    token: str

    def _request(self, method: str, path: str, body: bytes | None = None, timeout: float = 600) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def alive(self) -> bool:
        try:
            status, _ = self._request("GET", "/kb/ping", timeout=5)
        except OSError:
            return False
        return status == 200

    def call(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        status, data = self._request("POST", f"/kb/ops/{op}", json.dumps(args).encode("utf-8"))
        try:
            body = json.loads(data or b"{}")
        except ValueError:
            body = {"message": data.decode("utf-8", "replace")[:500]}
        if status != 200:
            raise RemoteError(status, body)
        return body

    def snapshot(self) -> bytes:
        status, data = self._request("GET", "/kb/snapshot")
        if status != 200:
            raise RemoteError(status, json.loads(data or b"{}"))
        return data


def connect(root: Path | str, settings: Settings, *, wait: float = 60.0) -> KnowledgeBase | Remote:
    """The store folder opened by this process, or the server that has it open. Raises StoreBusy if
    neither comes within *wait* seconds (another command holding it that long)."""
    root = prepare_folder(Path(root))
    deadline = time.monotonic() + wait
    while True:
        fd = take_lock(root, 0)
        if fd is not None:
            (root / SERVER_FILE).unlink(missing_ok=True)  # left by a server that died: none runs now
            return KnowledgeBase.open(root, settings, lock_fd=fd)
        info = read_server_file(root)
        if info and info.get("url") and info.get("token"):
            remote = Remote(info["url"], info["token"])
            if remote.alive():
                return remote
        if time.monotonic() >= deadline:
            raise StoreBusy(root)
        time.sleep(0.1)


def run_op(settings: Settings, root: Path | str, op: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run operation *op* (`operations.OPERATIONS`) on the knowledge base in *root*: here, with the store
    opened (and `data/` rebuilt into it if it changed), or in the server that has it open."""
    from .checks import OPERATOR
    from .curated import ensure_curated
    from .operations import run_operation

    target = connect(root, settings)
    if isinstance(target, Remote):
        return target.call(op, args)
    with target:
        if op != "rebuild":
            ensure_curated(target, settings)
        return run_operation(target, settings, OPERATOR, op, args)
