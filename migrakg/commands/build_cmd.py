"""`migrakg build [--out build/] [--store PATH]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..build import NQUADS, build
from ..errors import user_language
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="output folder (default: build/)")
    parser.add_argument("--store", help="also load the result into this on-disk store (created if absent)")
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang or user_language()
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    result = build(settings, args.out, progress=say)
    for warning in result.report.warnings:
        print(warning.render(lang), file=sys.stderr)
    if args.store:
        from ..sparql.store import kept_files, write_generation

        root = Path(args.store)
        if root.exists() and not root.is_dir():
            from ..errors import UsageError

            raise UsageError(f"store path {root} exists and is not a folder")
        kept = kept_files(root) if root.exists() else []
        name = write_generation(root, [result.out_dir / NQUADS, *kept])
        say(f"store {root}: new generation {name} (a running server switches to it within seconds)")
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    print(f"built {result.out_dir}: {result.triples} triples ({counts}); {result.report.summary(lang)}")
    return 0
