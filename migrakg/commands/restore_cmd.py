"""`migrakg restore IN [--store PATH]` — bring a backup back (the server must be stopped)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", type=Path, metavar="IN", help="a folder written by migrakg backup")
    parser.add_argument("--store", help="knowledge base folder to replace (default: MIGRAKG_STORE or var/kb)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..kb.backup import restore
    from ..kb.base import StoreBusy

    root = Path(args.store) if args.store else settings.store_path
    try:
        answer = restore(root, settings, args.backup)
    except StoreBusy:
        raise _busy(root) from None
    print(f"restored {answer['store']}: change {answer['change']}, {answer['quads']} quads")
    return 0


def _busy(root: Path):
    from ..errors import MigrakgError, Text

    return MigrakgError(
        Text(
            f"die Wissensbasis {root} ist geöffnet (läuft ein Server?); erst den Server beenden, dann wiederherstellen",
            f"the knowledge base {root} is open (is a server running?); stop the server first, then restore",
        )
    )
