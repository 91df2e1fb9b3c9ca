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
        from ..store import KnowledgeStore

        store = KnowledgeStore.open(args.store)
        store.replace_from_files([result.out_dir / NQUADS])
        say(f"store {args.store}: {store.triple_count()} triples")
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    print(f"built {result.out_dir}: {result.triples} triples ({counts}); {result.report.summary(lang)}")
    return 0
