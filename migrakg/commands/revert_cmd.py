"""`migrakg revert CHANGE_ID [--store PATH]` — undo a committed change (as a new change)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("change", metavar="CHANGE_ID", help="the change to undo (its id in /changes)")
    parser.add_argument(
        "--store", help="knowledge base folder (default: MIGRAKG_STORE or var/kb); works while a server runs on it"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..errors import MigrakgError, user_language
    from ..kb.local import run_op
    from .import_cmd import print_error

    try:
        answer = run_op(settings, Path(args.store) if args.store else settings.store_path, "revert", {"change": args.change})
    except MigrakgError as exc:
        print_error(exc, settings.lang or user_language(), "revert", args.change)
        return exc.exit_code
    change = answer.get("change")
    print(f"change {args.change} reverted by change {change['id']}" if change else f"change {args.change}: nothing left to undo")
    return 0
