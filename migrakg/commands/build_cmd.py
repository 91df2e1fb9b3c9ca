"""`migrakg build [--out build/] [--store PATH]` — the dataset files, and `data/` rebuilt into the knowledge base
(through a running server if one has it open; imports, links and edits stay)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..build import build
from ..errors import user_language
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="output folder (default: build/)")
    parser.add_argument("--store", help="knowledge base to rebuild data/ into (default: MIGRAKG_STORE or var/kb)")
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang or user_language()
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    result = build(settings, args.out, progress=say)
    for warning in result.report.warnings:
        print(warning.render(lang), file=sys.stderr)
    from ..kb.local import run_op

    root = Path(args.store) if args.store else settings.store_path
    answer = run_op(settings, root, "rebuild", {})
    change = answer.get("change")
    say(f"knowledge base {root}: " + (f"data/ rebuilt (change {change['id']})" if change else "data/ unchanged"))
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    print(f"built {result.out_dir}: {result.triples} triples ({counts}); {result.report.summary(lang)}")
    return 0
