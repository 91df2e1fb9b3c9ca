"""The `migrakg` command line — a thin adapter: parse options, call the core, print, exit.

Exit codes: 0 ok, 1 data does not conform / nothing matched, 2 usage or input error.
Each command lives in migrakg/commands/{name}.py with `add_arguments(parser)` and `run(args, settings)`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn

from . import __version__
from .errors import EXIT_INPUT, MigrakgError, user_language
from .settings import Settings

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, one-line help)
    "build": ("build_cmd", "sources in data/ → validated dataset (N-Quads, Turtle) [and store]"),
    "validate": ("validate_cmd", "SHACL-validate the sources or the given files"),
    "serve": ("serve_cmd", "serve the knowledge base over HTTP (SPARQL, pages, search …)"),
    "query": ("query_cmd", "run a SPARQL query against the store"),
    "import": ("import_cmd", "bring records in from CSV, XLSX, HSDS or RDF (all or nothing)"),
    "link": ("link_cmd", "find our organisations in another project's data"),
    "publish": ("publish_cmd", "open-data release: dumps, DCAT-AP.de catalogue, checksums"),
    "report": ("report_cmd", "the actor analysis (Akteursanalyse) as HTML + CSV"),
    "template": ("template_cmd", "the Excel template for coordinators (drop-down lists, instructions)"),
    "token": ("token_cmd", "write tokens: add (secret shown once), list, revoke"),
    "revert": ("revert_cmd", "undo a committed change (through the same write path)"),
    "backup": ("backup_cmd", "consistent snapshot of the knowledge base and its change log, while serving"),
    "restore": ("restore_cmd", "bring a backup back (server stopped)"),
    "replica": ("replica_cmd", "the Virtuoso read replica: start, stop, load, follow the change log, status"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2 with a one-line message, no trace
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_INPUT)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="migrakg", description="migrakg — knowledge base of migrant organisations in Berlin")
    parser.add_argument("--version", action="version", version=f"migrakg {__version__}")
    parser.add_argument("--base-iri", help="base IRI (default https://w3id.org/migrakg/, env MIGRAKG_BASE_IRI)")
    parser.add_argument("--lang", choices=("de", "en"), help="language of messages (default: from LANG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"migrakg.commands.{module_name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return EXIT_INPUT
    before = os.environ.get("MIGRAKG_LANG")
    try:
        settings = Settings.from_env(base_iri=args.base_iri, lang=args.lang)
        if args.lang:
            os.environ["MIGRAKG_LANG"] = args.lang  # the messages of this command; restored below
        return int(args._module.run(args, settings) or 0)
    except MigrakgError as exc:
        lang = args.lang or user_language()
        sys.stderr.write(f"migrakg {args.command}: {exc.message(lang)}\n")
        report = getattr(exc, "report", None)
        if report is not None:
            sys.stderr.write(report.render_text(lang))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    finally:  # a command run in-process (tests, scripts) leaves the caller's language as it was
        if before is None:
            os.environ.pop("MIGRAKG_LANG", None)
        else:
            os.environ["MIGRAKG_LANG"] = before


if __name__ == "__main__":
    raise SystemExit(main())
