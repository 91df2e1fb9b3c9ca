"""`migrakg import FILE [--format csv|xlsx|hsds|osm|rdf] [--source NAME] [--dry-run] [--store PATH] [--agent ROLE]`,
`migrakg import --remove SOURCE`"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import EXIT_INPUT, MigrakgError, UsageError, user_language
from ..importing import FORMATS
from ..settings import Settings
from ..workbench import kind_label


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
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="JSON",
        help='a coordinator\'s sheet: corrections of the column mapping, {"sheet": {"her header": "field" or ""}} '
        "(the --dry-run lists sheets, headers and fields)",
    )
    parser.add_argument(
        "--remember", action="store_true", help="keep the (corrected) mapping of her sheet for the source once imported"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..kb.local import run_op

    lang = settings.lang or user_language()
    root = Path(args.store) if args.store else settings.store_path
    try:
        if args.remove:
            answer = run_op(settings, root, "remove", {"source": args.remove})
            change = answer.get("change")
            if lang == "de":
                print(f"{args.remove}: " + (f"entfernt (Änderung {change['id']})" if change else "nichts zu entfernen"))
            else:
                print(f"{args.remove}: " + (f"removed (change {change['id']})" if change else "nothing to remove"))
            return 0
        if args.file is None:
            raise UsageError("give a FILE to import, or --remove SOURCE")
        with tempfile.TemporaryDirectory(prefix="migrakg-dry-run-") as tmp:
            if args.dry_run and not root.exists():  # a dry run creates no store: compare with data/ alone
                root = Path(tmp) / "kb"
            answer = _import(settings, root, args)
    except MigrakgError as exc:
        print_error(exc, lang, "import", str(args.file or args.remove))
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
            "mapping": _corrections(args.mapping),
            "remember": args.remember,
            "lang": settings.lang or user_language(),
        },
    )


def _corrections(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--mapping {path}: {exc}") from None
    return data if isinstance(data, dict) else {"": data}  # anything else is refused with the shape expected


def print_error(exc: MigrakgError, lang: str, command: str, what: str) -> None:
    """An error in one language (--lang, LANG), every problem once, with row and column."""
    nothing = ""
    if exc.exit_code in (EXIT_INPUT, 1):
        nothing = " — nichts wurde geändert" if lang == "de" else " — nothing was changed"
    print(f"migrakg {command}: {what}{nothing}", file=sys.stderr)
    problems = getattr(exc, "problems", None) or []
    if not problems:  # a SourceError's message is its problems: each is printed once below
        print(f"migrakg {command}: {exc.message(lang)}", file=sys.stderr)
    lines = [problem.render(lang) for problem in problems]
    lines += [result.render(lang) for result in getattr(getattr(exc, "report", None), "violations", [])]
    for line in dict.fromkeys(lines):  # one cell, one message
        print(f"  {line}", file=sys.stderr)


def print_outcome(answer: dict[str, Any], lang: str, dry_run: bool) -> None:
    """The import's result by kind and record name: + new, ~ changed, = unchanged, - removed."""
    de = lang == "de"
    if dry_run:
        print_mappings(answer.get("mappings") or [], lang)
    for note in answer.get("notes", []):
        print(("Hinweis: " if de else "note: ") + note, file=sys.stderr)
    for warning in answer.get("warnings", []):
        print(warning["de" if de else "en"], file=sys.stderr)
    diff = answer["diff"]
    source = answer.get("source") or answer["graph"]
    if answer.get("unchanged"):
        print(
            f"{source}: "
            + ("unverändert (gleiche Prüfsumme, gleicher Inhalt)" if de else "unchanged (same checksum, same content)")
        )
        return
    names: dict[str, str] = answer.get("names", {})
    unchanged = sorted(set(names) - set(diff["added"]) - set(diff["changed"]) - set(diff["removed"]))
    verb = ("würde ändern" if de else "would change") if dry_run else ("geändert" if de else "changed")
    change = f" ({'Änderung' if de else 'change'} {answer['change']})" if answer.get("change") else ""
    print(
        f"{source}: {verb}: {len(diff['added'])} "
        + ("neu" if de else "new")
        + f", {len(diff['changed'])} "
        + ("geändert" if de else "changed")
        + f", {len(unchanged)} "
        + ("unverändert" if de else "unchanged")
        + f", {len(diff['removed'])} "
        + ("entfernt" if de else "removed")
        + change
    )
    for label, items in (("+", diff["added"]), ("~", diff["changed"]), ("=", unchanged), ("-", diff["removed"])):
        for item in sorted(items, key=lambda i: (kind_label(i, lang), (names.get(i) or i).lower())):
            print(f"  {label} {kind_label(item, lang)}: {names.get(item) or item}")


def print_mappings(sheets: list[dict[str, Any]], lang: str) -> None:
    """A coordinator's sheet: how each of her columns is read (to correct with --mapping)."""
    de = lang == "de"
    for sheet in sheets:
        print(
            f"{'Blatt' if de else 'sheet'} „{sheet['sheet']}“ ({'Überschriften in Zeile' if de else 'headers in row'} {sheet['header_row']}):"
        )
        for column in sheet["columns"]:
            field = f"{column['label']} [{column['field']}]" if column["field"] else column["label"]
            print(f"  {column['header']} → {field} ({round(column['confidence'] * 100)} %)")
