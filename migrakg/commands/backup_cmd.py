"""`migrakg backup OUT [--store PATH]` — a consistent snapshot (N-Quads, change log, checksums), also while serving."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="new folder for the snapshot")
    parser.add_argument("--store", help="knowledge base folder (default: MIGRAKG_STORE or var/kb)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..kb.local import run_op

    answer = run_op(settings, Path(args.store) if args.store else settings.store_path, "backup", {"out": str(args.out.resolve())})
    print(f"backup {answer['out']}: change {answer['change']}, {answer['quads']} quads")
    return 0
