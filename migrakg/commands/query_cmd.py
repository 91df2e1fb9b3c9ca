"""`migrakg query QUERY_OR_FILE [--format json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml] [--store PATH]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import formats
from ..errors import EXIT_NONCONFORMING, EXIT_OK, Text, UsageError
from ..settings import Settings
from ..sparql.service import QueryRequest, QuerySyntaxError, check_query, execute, query_form

FORMATS = formats.RESULT_FORMATS + formats.GRAPH_FORMATS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="a SPARQL query, or a file holding one (e.g. queries/members-ak-lingua.rq)")
    parser.add_argument(
        "--format", choices=sorted(f.name for f in FORMATS), help="result format (default: tsv for SELECT/ASK, turtle for graphs)"
    )
    parser.add_argument(
        "--store",
        help="knowledge base folder (default: MIGRAKG_STORE or var/kb; also while a server runs), or memory for the latest build",
    )
    parser.add_argument("--data", nargs="+", type=Path, help="query these RDF files instead")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..sparql.opening import open_store

    text = args.query
    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.suffix in (".rq", ".sparql", ".txt"):
        if not path.exists():
            raise UsageError(f"query file {path} not found")
        text = path.read_text(encoding="utf-8")
    check_query(text, settings.service_allow, settings.max_nesting)
    form = query_form(text) or "select"
    fmt = formats.by_name(args.format, FORMATS) if args.format else formats.TURTLE if form == "graph" else formats.TSV
    assert fmt is not None  # argparse checked the name
    if (form == "graph") != (fmt.kind == formats.GRAPH):
        raise UsageError(f"format {fmt.name} does not fit a {form.upper()} query")
    store = open_store(settings, store=args.store, data=args.data)
    try:
        result = execute(store.store, QueryRequest(text, fmt.media_type, count=True), settings.result_limit)
    except SyntaxError as exc:
        raise QuerySyntaxError(Text(f"SPARQL-Syntaxfehler: {exc}", f"SPARQL syntax error: {exc}")) from None
    sys.stdout.buffer.write(result.body)
    sys.stdout.flush()
    if (result.form == "ask" and result.boolean is False) or (result.form != "ask" and result.count == 0):
        return EXIT_NONCONFORMING  # nothing matched
    return EXIT_OK
