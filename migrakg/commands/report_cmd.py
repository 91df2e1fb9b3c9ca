"""`migrakg report [--district SLUG …] [--out DIR] [--store PATH] [--lang de|en] [--as-of YYYY-MM-DD] [--link-base URL]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_OK
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--district",
        action="append",
        default=[],
        metavar="SLUG",
        help="district slug (e.g. pankow); repeat or separate by commas for several; default: all of Berlin",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("report"), help="folder for report.html and the CSV files (default: report/)"
    )
    parser.add_argument(
        "--store",
        help="knowledge base folder (default: MIGRAKG_STORE or var/kb; also while a server runs), or memory for the latest build",
    )
    parser.add_argument(
        "--lang", dest="report_lang", choices=("de", "en"), help="language of the report (default: the message language, else de)"
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help="reference date for 'source older than two years' (default: the newest source date in the data)",
    )
    parser.add_argument(
        "--link-base",
        default="/",
        metavar="URL",
        help="prefix of the report's links to /id/… and /sparql (default: /, i.e. the server that shows the page)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..build import NQUADS, build
    from ..reporting import build_report, store_select, write_report
    from ..sparql.opening import open_store

    districts = tuple(slug.strip() for value in args.district for slug in value.split(",") if slug.strip())
    lang = args.report_lang or settings.lang or "de"
    link_base = args.link_base if args.link_base.endswith("/") else args.link_base + "/"
    if not args.store and not (settings.build_path / NQUADS).exists():  # a fresh clone: build first
        print(f"no build at {settings.build_path}: building …", file=sys.stderr)
        build(settings)
    store = open_store(settings, store=args.store)
    report = build_report(
        store_select(store.store, settings.result_limit),
        root=settings.root,
        base=settings.base_iri,
        lang=lang,
        districts=districts,
        as_of=args.as_of,
        link_base=link_base,
    )
    written = write_report(report, args.out)
    net = report.network
    print(
        f"{report.scope_label}: {report.totals['organisations']} organisations, {report.totals['offers']} offers, "
        f"{len(report.gaps)} counselling gaps, network map {len(net.nodes) if net else 0} nodes / {len(net.edges) if net else 0} edges"
    )
    print(f"wrote {written[0]} and {len(written) - 1} CSV files to {args.out}/", file=sys.stderr)
    return EXIT_OK
