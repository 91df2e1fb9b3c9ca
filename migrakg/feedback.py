"""Feedback on barriers (BITV 2.0 § 7): messages from the form on the accessibility statement, kept for
the operator as one JSON line each in `{build}/feedback/accessibility.jsonl`.

A message is checked before anything is written, and written with one append, so a bad request
stores nothing and a good one is never stored half.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from .errors import Text, UsageError

MAX_MESSAGE = 5000
MAX_REPLY = 200
FILE = Path("feedback") / "accessibility.jsonl"


def check(message: str, reply_to: str, page: str) -> dict[str, str]:
    """The record to keep, or UsageError naming the field that is wrong.

    >>> check("  Kontrast zu schwach  ", "", "/search")["message"]
    'Kontrast zu schwach'
    >>> check("", "", "/")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    migrakg.errors.UsageError: Field 'message': please describe the barrier.
    """
    message, reply_to, page = message.strip(), reply_to.strip(), page.strip()
    if not message:
        raise UsageError(
            Text("Feld „Nachricht“: bitte beschreiben Sie die Barriere.", "Field 'message': please describe the barrier.")
        )
    if len(message) > MAX_MESSAGE:
        raise UsageError(
            Text(
                f"Feld „Nachricht“: höchstens {MAX_MESSAGE} Zeichen ({len(message)} eingegeben).",
                f"Field 'message': at most {MAX_MESSAGE} characters ({len(message)} given).",
            )
        )
    if len(reply_to) > MAX_REPLY or (reply_to and ("@" not in reply_to or " " in reply_to)):
        raise UsageError(
            Text(
                "Feld „E-Mail für die Antwort“: keine gültige E-Mail-Adresse (oder leer lassen).",
                "Field 'email for the answer': not a valid e-mail address (or leave it empty).",
            )
        )
    if page and not page.startswith("/"):
        page = ""
    return {
        "received": datetime.now(UTC).isoformat(timespec="seconds"),
        "message": message,
        "reply_to": reply_to,
        "page": page[:300],
    }


def record(build_dir: Path, message: str, reply_to: str = "", page: str = "") -> Path:
    """Check and keep one message; returns the file it was appended to. Raises UsageError (nothing kept)."""
    entry = check(message, reply_to, page)
    path = build_dir / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)  # one write: a line is there whole or not at all
        os.fsync(fd)
    finally:
        os.close(fd)
    return path
