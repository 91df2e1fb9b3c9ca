"""Write tokens: named, each limited to the sources it may change, stored hashed in `{store}/tokens.json`.

The secret is shown once when the token is made (`migrakg token add`) and never stored: only its SHA-256
(a 256-bit random secret needs no slow hash). A presented token is compared with every stored hash in
constant time. The file is readable by its owner only; a change to it takes effect at once, also in a
running server.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import Text, UsageError
from ..namespaces import is_slug
from .checks import SANDBOX, Writer
from .log import write_file_durably

TOKENS = "tokens.json"
PREFIX = "mkg_"


@dataclass(frozen=True)
class Token:
    name: str
    sources: tuple[str, ...]
    sha256: str
    created: str

    def writer(self) -> Writer:
        return Writer(self.name, "token", frozenset(self.sources))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, root: Path):
        self.path = Path(root) / TOKENS
        self._cache: tuple[float, int, list[Token]] | None = None

    def tokens(self) -> list[Token]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        if self._cache is not None and self._cache[:2] == (stat.st_mtime, stat.st_size):
            return self._cache[2]
        data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        tokens = [Token(t["name"], tuple(t["sources"]), t["sha256"], t.get("created", "")) for t in data.get("tokens", [])]
        self._cache = (stat.st_mtime, stat.st_size, tokens)
        return tokens

    def find(self, secret: str) -> Token | None:
        """The token *secret* belongs to, or None. Compares with every token in constant time."""
        digest = _digest(secret)
        found = None
        for token in self.tokens():
            if hmac.compare_digest(digest, token.sha256):
                found = token
        return found

    def add(self, name: str, sources: list[str]) -> str:
        """Make a token; returns its secret (shown once). Raises UsageError for a bad or taken name."""
        if not is_slug(name):
            raise UsageError(
                Text(f"Token-Name „{name}“ ist kein slug (a–z, 0–9, -)", f"token name '{name}' is not a slug (a-z, 0-9, -)")
            )
        if not sources or any(not is_slug(s) and s != SANDBOX for s in sources):
            raise UsageError(
                Text(
                    "mindestens eine Quelle (--source NAME) als slug angeben",
                    "give at least one source (--source NAME) as a slug",
                )
            )
        secret = PREFIX + secrets.token_urlsafe(32)
        with self._locked():
            tokens = self.tokens()
            if any(t.name == name for t in tokens):
                raise UsageError(
                    Text(
                        f"ein Token „{name}“ gibt es schon (erst: migrakg token revoke {name})",
                        f"a token '{name}' exists already (first: migrakg token revoke {name})",
                    )
                )
            created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self._write([*tokens, Token(name, tuple(sorted(set(sources))), _digest(secret), created)])
        return secret

    def revoke(self, name: str) -> None:
        with self._locked():
            tokens = self.tokens()
            if not any(t.name == name for t in tokens):
                raise UsageError(Text(f"ein Token „{name}“ gibt es nicht", f"there is no token '{name}'"))
            self._write([t for t in tokens if t.name != name])

    def _write(self, tokens: list[Token]) -> None:
        data = {
            "tokens": [{"name": t.name, "sources": list(t.sources), "sha256": t.sha256, "created": t.created} for t in tokens]
        }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_file_durably(self.path, (json.dumps(data, indent=2) + "\n").encode("utf-8"), 0o600)
        self._cache = None

    def _locked(self):
        return _FileLock(self.path.with_name(".tokens.lock"))


class _FileLock:
    def __init__(self, path: Path):
        self.path = path
        self.fd = -1

    def __enter__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)
