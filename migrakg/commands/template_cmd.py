"""`migrakg template --out FILE [--lang de|en]` — the Excel template for coordinators (sources/template.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError, user_language
from ..settings import ProjectPaths, Settings
from ..sources.template import write_template
from ..vocabularies import load_vocabularies


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("vorlage-migrakg.xlsx"), help="the .xlsx to write (default: vorlage-migrakg.xlsx)"
    )
    parser.add_argument(
        "--lang", dest="template_lang", choices=("de", "en"), help="headers and instructions in German or English (default: de)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = args.template_lang or "de"
    if args.out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out must end in .xlsx: {args.out}")
    if not args.out.parent.exists():
        raise UsageError(f"folder does not exist: {args.out.parent}")
    vocab = load_vocabularies(ProjectPaths.from_settings(settings).vocab)
    write_template(args.out, vocab, lang)
    de = (settings.lang or user_language()) == "de"
    print(("Vorlage geschrieben: " if de else "template written: ") + str(args.out), file=sys.stderr)
    return 0
