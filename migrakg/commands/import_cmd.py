"""`migrakg import FILE [--format csv|xlsx|hsds|osm|rdf] [--source NAME] [--dry-run] [--store PATH] [--agent ROLE]`,
`migrakg import --remove SOURCE`"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import EXIT_INPUT, MigrakgError, UsageError, user_language
from ..importing import FORMATS
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="CSV/XLSX in the template of data/README.md, an HSDS 3.0 folder or JSON, "
        "the OSM community-centre table, or RDF (Turtle, JSON-LD, N-Triples)",
    )
    parser.add_argument("--format", choices=FORMATS, help="input format (default: from name, extension and header)")
    parser.add_argument(
        "--source", help="source name: graph {base}graph/import/NAME, IRIs id/{kind}/NAME--{slug} (default: from the file name)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument("--remove", metavar="SOURCE", help="take the whole source SOURCE out of the knowledge base (revertible)")
    parser.add_argument(
        "--store", help="knowledge base folder (default: MIGRAKG_STORE or var/kb); works while a server runs on it"
    )
    parser.add_argument(
        "--agent", help="who imports, for the provenance: a role or team name, never a person (default: command line)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..kb.local import run_op

    lang = settings.lang or user_language()
    root = Path(args.store) if args.store else settings.store_path
    try:
        if args.remove:
            answer = run_op(settings, root, "remove", {"source": args.remove})
            change = answer.get("change")
            print(f"{args.remove}: " + (f"removed (change {change['id']})" if change else "nothing to remove"))
            return 0
        if args.file is None:
            raise UsageError("give a FILE to import, or --remove SOURCE")
        with tempfile.TemporaryDirectory(prefix="migrakg-dry-run-") as tmp:
            if args.dry_run and not root.exists():  # a dry run creates no store: compare with data/ alone
                root = Path(tmp) / "kb"
            answer = _import(settings, root, args)
    except MigrakgError as exc:
        print_both(exc, "import", str(args.file or args.remove))
        return exc.exit_code
    print_outcome(answer, lang, args.dry_run)
    return 0


def _import(settings: Settings, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    from ..kb.local import run_op

    return run_op(
        settings,
        root,
        "import",
        {
            "path": str(args.file.resolve()),
            "format": args.format,
            "source": args.source,
            "dry_run": args.dry_run,
            "agent": args.agent,
        },
    )


def print_both(exc: MigrakgError, command: str, what: str) -> None:
    """An error in German and in English, with every problem (coordinators read German first)."""
    nothing = " — nichts wurde geändert / nothing was changed" if exc.exit_code in (EXIT_INPUT, 1) else ""
    print(f"migrakg {command}: {what}{nothing}", file=sys.stderr)
    for lang in ("de", "en"):
        print(f"migrakg {command}: {exc.message(lang)}", file=sys.stderr)
        report = getattr(exc, "report", None)
        for result in getattr(report, "violations", []):
            print(f"  {result.render(lang)}", file=sys.stderr)


def print_outcome(answer: dict[str, Any], lang: str, dry_run: bool) -> None:
    de = lang == "de"
    for note in answer.get("notes", []):
        print(("Hinweis: " if de else "note: ") + note, file=sys.stderr)
    for warning in answer.get("warnings", []):
        print(warning["de" if de else "en"], file=sys.stderr)
    diff = answer["diff"]
    if answer.get("unchanged"):
        print(
            f"{answer['graph']}: "
            + ("unverändert (gleiche Prüfsumme, gleicher Inhalt)" if de else "unchanged (same checksum, same content)")
        )
        return
    verb = ("würde ändern" if de else "would change") if dry_run else ("geändert" if de else "changed")
    change = f" ({'Änderung' if de else 'change'} {answer['change']})" if answer.get("change") else ""
    print(
        f"{answer['graph']}: {verb}: {len(diff['added'])} "
        + ("neu" if de else "added")
        + f", {len(diff['changed'])} "
        + ("geändert" if de else "changed")
        + f", {len(diff['removed'])} "
        + ("entfernt" if de else "removed")
        + change
    )
    for label, key in (("+", "added"), ("~", "changed"), ("-", "removed")):
        for item in diff[key]:
            print(f"  {label} {item}")
