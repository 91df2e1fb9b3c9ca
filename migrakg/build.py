"""Build: sources in data/ + ontology/ + vocab/ → one validated RDF dataset, a named graph per source.

Deterministic: the same input gives byte-identical N-Quads and Turtle (no blank nodes, sorted
output, no clock). Atomic: nothing in the output folder changes unless the whole build succeeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from rdflib.plugins.serializers.nquads import _nq_row

from .errors import Location, NotConforming, Problem, SourceError, Text
from .namespaces import DEFAULT_BASE, MKG, PREFIXES, Iris
from .settings import ProjectPaths, Settings
from .sources.csvsource import data_files, read_sources
from .sources.records import Records
from .validate import Report, load_shapes, validate_graph
from .vocabularies import Vocabularies, load_vocabularies

NQUADS = "migrakg.nq"
TURTLE = "migrakg.ttl"
INFO = "build-info.json"
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")

Progress = Callable[[str], None]


@dataclass
class Assembled:
    """All graphs of the knowledge base (IRIs at the default base) and where each record came from."""

    graphs: dict[URIRef, Graph]
    records: Records
    vocab: Vocabularies

    def union(self) -> Graph:
        union = Graph()
        for graph in self.graphs.values():
            for triple in graph:
                union.add(triple)
        return union

    def triple_count(self) -> int:
        return sum(len(g) for g in self.graphs.values())


def parse_turtle_dir(folder: Path, shown: str) -> Graph:
    graph = Graph()
    problems = []
    for path in sorted(folder.glob("*.ttl")):
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several syntax error types
            problems.append(
                Problem(Location(f"{shown}/{path.name}"), Text(f"Turtle-Syntaxfehler: {exc}", f"Turtle syntax error: {exc}"))
            )
    if problems:
        raise SourceError(problems)
    return graph


def assemble(paths: ProjectPaths, data_dir: Path | None = None) -> Assembled:
    """Read everything. Raises SourceError (every problem of every file) for unreadable input."""
    iris = Iris(DEFAULT_BASE)
    vocab = load_vocabularies(paths.vocab)
    sources = data_files(data_dir or paths.data)
    if not sources:
        raise SourceError(
            [
                Problem(
                    Location(str(data_dir or paths.data)),
                    Text("keine Quelldateien (organisations.csv …) gefunden", "no source files (organisations.csv …) found"),
                )
            ]
        )
    records = read_sources(sources, vocab)
    graphs: dict[URIRef, Graph] = {}
    meta = Graph()
    for source in records.files:
        graph_iri = iris.graph(source.graph_name)
        graph = Graph()
        for triple in records.graphs.get(source.graph_name, []):
            graph.add(triple)
        graphs[graph_iri] = graph
        meta.add((graph_iri, RDF.type, PROV.Entity))
        meta.add((graph_iri, DCTERMS.title, Literal(source.display)))
        meta.add((graph_iri, PROV.wasDerivedFrom, URIRef(f"{DEFAULT_BASE}source/{source.display}")))
        meta.add((graph_iri, MKG.sha256, Literal(source.sha256)))
        meta.add((graph_iri, DCTERMS.license, DATA_LICENSE))
    graphs[iris.graph("ontology")] = parse_turtle_dir(paths.ontology, "ontology")
    graphs[iris.graph("vocab")] = vocab.graph
    graphs[iris.graph("meta")] = meta
    return Assembled(graphs, records, vocab)


def validate_assembled(assembled: Assembled, paths: ProjectPaths) -> Report:
    return validate_graph(assembled.union(), load_shapes(paths.shapes), records=assembled.records)


def rebase_graph(graph: Graph, iris: Iris) -> Graph:
    if iris.base == DEFAULT_BASE:
        return graph
    out = Graph()
    for s, p, o in graph:
        out.add((iris.rebase(s), iris.rebase(p), iris.rebase(o) if isinstance(o, URIRef) else o))
    return out


def nquads_lines(graphs: dict[URIRef, Graph]) -> list[str]:
    lines = []
    for graph_iri, graph in graphs.items():
        for triple in graph:
            lines.append(_nq_row(triple, graph_iri))
    lines.sort()
    return lines


def turtle_text(graphs: dict[URIRef, Graph], iris: Iris) -> str:
    union = Graph()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, iris.rebase(URIRef(ns)) if prefix == "mkg" else ns, override=True, replace=True)
    union.bind("id", iris.base + "id/")
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    return union.serialize(format="turtle")


@dataclass
class BuildResult:
    out_dir: Path
    report: Report
    triples: int
    counts: dict[str, int]


def build(settings: Settings, out_dir: Path | None = None, *, progress: Progress = lambda _m: None) -> BuildResult:
    """Build, validate and write the dataset. Raises SourceError (exit 2) or NotConforming (exit 1);
    in both cases the output folder is left as it was."""
    paths = ProjectPaths.from_settings(settings)
    out_dir = out_dir or settings.build_path
    progress("reading sources …")
    assembled = assemble(paths)
    progress(f"{assembled.triple_count()} triples in {len(assembled.graphs)} graphs; validating …")
    report = validate_assembled(assembled, paths)
    if not report.conforms:
        raise NotConforming(
            Text(
                f"die Daten sind nicht konform ({len(report.violations)} Fehler); nichts wurde geschrieben",
                f"the data does not conform ({len(report.violations)} violations); nothing was written",
            ),
            report,
        )
    iris = settings.iris
    graphs = {iris.rebase(g): rebase_graph(graph, iris) for g, graph in assembled.graphs.items()}
    counts = kind_counts(assembled)
    info = {
        "base_iri": iris.base,
        "triples": sum(len(g) for g in graphs.values()),
        "graphs": {str(g): len(graph) for g, graph in sorted(graphs.items())},
        "records": counts,
        "sources": {f.display: f.sha256 for f in assembled.records.files},
        "warnings": len(report.warnings),
    }
    progress("writing …")
    write_atomically(
        out_dir,
        {
            NQUADS: "".join(nquads_lines(graphs)).encode("utf-8"),
            TURTLE: turtle_text(graphs, iris).encode("utf-8"),
            INFO: (json.dumps(info, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"),
        },
    )
    return BuildResult(out_dir, report, info["triples"], counts)


def kind_counts(assembled: Assembled) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ref in assembled.records.index.values():
        counts[ref.kind] = counts.get(ref.kind, 0) + 1
    return dict(sorted(counts.items()))


def write_atomically(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write all files or none: into a temporary folder beside out_dir, then rename each into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        for name, content in files.items():
            (tmp / name).write_bytes(content)
        for name in files:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
