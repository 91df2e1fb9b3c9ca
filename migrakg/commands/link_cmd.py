"""`migrakg link --against FILE_OR_ENDPOINT [--threshold X] [--out FILE] [--review FILE] [--store PATH]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import user_language
from ..linking.io import run_link
from ..linking.match import DEFAULT_THRESHOLD, PROBABLE_FLOOR
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--against",
        required=True,
        help="the other dataset: a file (OSM table, CSV/XLSX template, HSDS, RDF) or a SPARQL endpoint http(s)://…",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"score from which a pair becomes owl:sameAs (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--floor",
        type=float,
        default=PROBABLE_FLOOR,
        help=f"score from which a pair is proposed as skos:closeMatch (default {PROBABLE_FLOOR})",
    )
    parser.add_argument(
        "--out", type=Path, help="write the links graph here (.ttl Turtle, .trig TriG with graph {base}graph/links)"
    )
    parser.add_argument(
        "--review", type=Path, help="review CSV: decisions in it are respected; it is rewritten with the new proposals"
    )
    parser.add_argument(
        "--source", help="name of the other dataset for a file (IRIs id/{kind}/NAME--{slug}, as `migrakg import` gives them)"
    )
    parser.add_argument(
        "--store",
        help="knowledge base: read our records from it and write the links graph into it (one change; also while a server runs)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang or user_language()
    result = run_link(
        settings,
        args.against,
        threshold=args.threshold,
        floor=args.floor,
        out=args.out,
        review=args.review,
        source=args.source,
        store_path=args.store,
        lang=lang,
    )
    de = lang == "de"
    same = sum(1 for l in result.links if l.relation == "sameAs")
    proposed = sum(1 for l in result.links if l.best)
    close = sum(1 for l in result.links if l.relation == "closeMatch" and not l.best)
    for link in result.links:
        mark = "=" if link.relation == "sameAs" else "?" if link.best else "~"
        print(f"{mark} {link.score:.3f}  {link.ours_name}  ⇄  {link.theirs_name}   <{link.theirs}>")
    print(
        (
            f"{result.compared} Datensätze verglichen: {same} geprüft gleich (owl:sameAs), {proposed} vorgeschlagen und"
            f" {close} weitere Kandidaten zur Prüfung (skos:closeMatch)"
            if de
            else f"{result.compared} records compared: {same} reviewed as the same (owl:sameAs), {proposed} proposed and"
            f" {close} further candidates to review (skos:closeMatch)"
        ),
        file=sys.stderr,
    )
    for line in result.written:
        print(("geschrieben: " if de else "written: ") + line, file=sys.stderr)
    return 0 if result.links else 1
