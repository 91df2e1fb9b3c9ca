"""The curated records of `data/` as one source of the knowledge base, rebuilt into it when `data/`
(or the ontology, vocabularies or shapes) changed — through the same write path as every other change.

The source owns every `{base}graph/…` graph that is not an import, the links or the metadata graph
(one graph per data file, plus `graph/ontology` and `graph/vocab`), and the metadata triples about
those graphs. Imports, links and edits stay as they are: a rebuild replaces only what it owns.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..build import assemble, rebase_graph, validate_assembled
from ..errors import NotConforming, Text
from ..settings import ProjectPaths, Settings
from ..sources.csvsource import data_files
from ..terms import to_ox
from .base import KnowledgeBase, Proposal
from .checks import CURATED, Scope, Writer, source_of
from .delta import Delta, record_key

OWNED = (CURATED, "ontology", "vocab")


def inputs_checksum(paths: ProjectPaths) -> str:
    """SHA-256 over what a rebuild reads: the data files, the ontology, the vocabularies and the shapes."""
    digest = hashlib.sha256()
    files: list[Path] = [path for path, _shown in data_files(paths.data)] if paths.data.is_dir() else []
    for folder in (paths.ontology, paths.vocab, paths.shapes):
        files += sorted(folder.glob("*.ttl"))
    for path in sorted(set(files)):
        digest.update(str(path.relative_to(paths.root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def quads_of(graphs: dict[URIRef, Graph]) -> set[ox.Quad]:
    out = set()
    for graph_iri, graph in graphs.items():
        name = ox.NamedNode(str(graph_iri))
        for s, p, o in graph:
            out.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name))  # type: ignore[arg-type]
    return out


def owned_quads(store: ox.Store, base: str) -> set[ox.Quad]:
    """What the curated source holds in *store* now."""
    out: set[ox.Quad] = set()
    meta = ox.NamedNode(f"{base}graph/meta")
    for graph in store.named_graphs():
        if source_of(graph, base) in OWNED:
            out.update(store.quads_for_pattern(None, None, None, graph))
    for quad in store.quads_for_pattern(None, None, None, meta):
        if source_of(ox.NamedNode(record_key(quad.subject) or "-"), base) in OWNED:
            out.add(quad)
    return out


def curated_proposal(kb: KnowledgeBase, settings: Settings, writer: Writer, *, force: bool = False) -> Proposal | None:
    """The change that brings the curated source level with `data/`, or None when `data/` is unchanged
    since its last rebuild. Raises SourceError / NotConforming (the data itself is broken)."""
    paths = ProjectPaths.from_settings(settings)
    checksum = inputs_checksum(paths)
    last = kb.last_change(activity="curated")
    if not force and last is not None and last.extra.get("checksum") == checksum:
        return None
    assembled = assemble(paths)
    report = validate_assembled(assembled, paths)
    if not report.conforms:
        raise NotConforming(
            Text(
                f"die Daten in data/ sind nicht konform ({len(report.violations)} Fehler); die Wissensbasis bleibt, wie sie war",
                f"the data in data/ does not conform ({len(report.violations)} violations); the knowledge base stays as it was",
            ),
            report,
        )
    iris = settings.iris
    graphs = {iris.rebase(g): rebase_graph(graph, iris) for g, graph in assembled.graphs.items()}
    new = quads_of(graphs)
    old = owned_quads(kb.store, kb.base)
    files = len(assembled.records.files)
    return Proposal(
        Delta(new - old, old - new),
        writer,
        source=CURATED,
        graph=f"{kb.base}graph/",
        activity="curated",
        summary=f"data/ ({files} files) rebuilt",
        scope=Scope(system=True),
        validated=True,
        extra={"checksum": checksum},
    )


BUILD = Writer("build", "build")


def ensure_curated(kb: KnowledgeBase, settings: Settings, *, force: bool = False):
    """Rebuild the curated source into *kb* if `data/` changed since its last rebuild. Returns the change
    (or None). Raises SourceError / NotConforming / Refused — the knowledge base then stays as it was."""
    return kb.commit(lambda _store: curated_proposal(kb, settings, BUILD, force=force))
