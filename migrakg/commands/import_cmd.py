"""`migrakg import FILE [--format csv|xlsx|hsds|osm|rdf] [--source NAME] [--dry-run] [--store PATH] [--agent WHO]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_INPUT, EXIT_NONCONFORMING, NotConforming, SourceError, user_language
from ..importing import FORMATS, ImportOutcome, open_target_store, run_import
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        help="CSV/XLSX in the template of data/README.md, an HSDS 3.0 folder or JSON, "
        "the OSM community-centre table, or RDF (Turtle, JSON-LD, N-Triples)",
    )
    parser.add_argument("--format", choices=FORMATS, help="input format (default: from name, extension and header)")
    parser.add_argument(
        "--source", help="source name: graph {base}graph/import/NAME, IRIs id/{kind}/NAME--{slug} (default: from the file name)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument(
        "--store", help="on-disk store (created if absent, then loaded with the latest build; default build/store)"
    )
    parser.add_argument("--agent", help="who runs the import, for the provenance (default: $USER)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang or user_language()
    if args.dry_run and not (Path(args.store) if args.store else settings.build_path / "store").exists():
        from ..sparql.opening import open_store

        store = open_store(settings)  # a dry run creates no store: compare with the latest build in memory
    else:
        store = open_target_store(settings, args.store)
    try:
        outcome = run_import(
            settings, args.file, fmt=args.format, source=args.source, dry_run=args.dry_run, store=store, agent=args.agent
        )
    except SourceError as exc:
        _both(f"migrakg import: {args.file}: nicht lesbar, nichts wurde geändert / cannot be read, nothing was changed")
        for problem in exc.problems:
            _both(f"  {problem.render('de')}\n  {problem.render('en')}")
        return EXIT_INPUT
    except NotConforming as exc:
        _both(f"migrakg import: {exc.message('de')}\nmigrakg import: {exc.message('en')}")
        report = exc.report
        for result in getattr(report, "violations", []):
            _both(f"  {result.render('de')}\n  {result.render('en')}")
        return EXIT_NONCONFORMING
    _print(outcome, lang, args.dry_run)
    return 0


def _both(text: str) -> None:
    print(text, file=sys.stderr)


def _print(outcome: ImportOutcome, lang: str, dry_run: bool) -> None:
    de = lang == "de"
    for note in outcome.parsed.notes:
        print(("Hinweis: " if de else "note: ") + note, file=sys.stderr)
    for warning in outcome.report.warnings:
        print(warning.render(lang), file=sys.stderr)
    diff = outcome.diff
    if outcome.unchanged:
        print(
            f"{outcome.graph_iri}: "
            + ("unverändert (gleiche Prüfsumme, gleicher Inhalt)" if de else "unchanged (same checksum, same content)")
        )
        return
    verb = ("würde ändern" if de else "would change") if dry_run else ("geändert" if de else "changed")
    print(
        f"{outcome.graph_iri}: {verb}: {len(diff.added)} "
        + ("neu" if de else "added")
        + f", {len(diff.changed)} "
        + ("geändert" if de else "changed")
        + f", {len(diff.removed)} "
        + ("entfernt" if de else "removed")
    )
    for label, items in (("+", diff.added), ("~", diff.changed), ("-", diff.removed)):
        for item in items:
            print(f"  {label} {item}")
