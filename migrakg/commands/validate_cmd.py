"""`migrakg validate [FILE…] [--format text|json|turtle]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph

from ..build import assemble, parse_turtle_dir
from ..errors import EXIT_NONCONFORMING, EXIT_OK, Location, Problem, SourceError, Text, user_language
from ..formats import DATASET_FORMATS, GRAPH_FORMATS, by_extension
from ..settings import ProjectPaths, Settings
from ..validate import load_shapes, validate_graph


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="*", type=Path, help="RDF files, or CSV source files (their folder is read as a whole); default: data/"
    )
    parser.add_argument("--format", choices=("text", "json", "turtle"), default="text", help="report format")


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang or user_language()
    paths = ProjectPaths.from_settings(settings)
    shapes = load_shapes(paths.shapes)
    csv_dirs = sorted({f.resolve().parent for f in args.files if f.suffix.lower() == ".csv"})
    rdf_files = [f for f in args.files if f.suffix.lower() != ".csv"]
    missing = [f for f in args.files if not f.exists()]
    if missing:
        raise SourceError([Problem(Location(str(f)), Text("Datei nicht gefunden", "file not found")) for f in missing])
    reports = []
    if not args.files or csv_dirs:
        for data_dir in csv_dirs or [paths.data]:
            assembled = assemble(paths, data_dir)
            reports.append(validate_graph(assembled.union(), shapes, records=assembled.records))
    if rdf_files:
        graph = Graph()
        problems = []
        for path in rdf_files:
            fmt = by_extension(path.name, GRAPH_FORMATS + DATASET_FORMATS)
            if fmt is None:
                problems.append(
                    Problem(
                        Location(str(path)),
                        Text(
                            "unbekanntes Dateiformat (erwartet .ttl, .nt, .jsonld, .rdf, .nq, .trig, .csv)",
                            "unknown file format (expected .ttl, .nt, .jsonld, .rdf, .nq, .trig, .csv)",
                        ),
                    )
                )
                continue
            try:
                if fmt.kind == "dataset":
                    from rdflib import Dataset

                    ds = Dataset()
                    ds.parse(path, format=fmt.rdflib)
                    for s, p, o, _g in ds.quads((None, None, None, None)):
                        graph.add((s, p, o))
                else:
                    graph.parse(path, format=fmt.rdflib)
            except Exception as exc:  # parsers raise many types; the message names the file
                problems.append(
                    Problem(
                        Location(str(path)), Text(f"nicht lesbar als {fmt.name}: {exc}", f"cannot be read as {fmt.name}: {exc}")
                    )
                )
        if problems:
            raise SourceError(problems)
        graph += parse_turtle_dir(paths.ontology, "ontology")
        from ..vocabularies import load_vocabularies

        graph += load_vocabularies(paths.vocab).graph
        reports.append(validate_graph(graph, shapes))
    exit_code = EXIT_OK
    for report in reports:
        sys.stdout.write(report.render(args.format, lang))
        if not report.conforms:
            exit_code = EXIT_NONCONFORMING
    return exit_code
