"""`migrakg import`: records from another project → one named graph, validated, all or nothing.

parse (CSV template, XLSX, HSDS 3.0, OSM table, RDF) → records graph → per-record diff with the previous
import of the same source → SHACL with the reference data (ontology, vocabularies, and what the records
point to in the knowledge base) on what can have changed (the whole import the first time) → atomic
write. Nothing is written unless everything conforms. A preview's reading is kept for its apply.

Identifiers: records of the templates (CSV, XLSX, HSDS, OSM) get `{base}id/{kind}/{source}--{slug}`,
so they can never collide with our slugs (ours have no `--` prefix of a source name); references to
slugs the file does not define resolve to the knowledge base's records (districts, organisations …).
RDF imports keep their own IRIs. Each import is the graph `{base}graph/import/{source}`; its provenance
(file, SHA-256, time, agent — a role or token name) is in `{base}graph/meta`. The write goes through the
knowledge base's one write path (`migrakg.kb`): one change in the change log, revertible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from .build import parse_turtle_dir
from .errors import Location, NotConforming, Problem, SourceError, Text, UsageError, user_language
from .kb.base import KnowledgeBase, Proposal
from .kb.checks import CURATED, LINKS, OPERATOR, SYSTEM_GRAPHS, Scope, ShapeCheck, Writer
from .kb.delta import Delta
from .kb.log import Change
from .namespaces import DEFAULT_BASE, KINDS, MKG, Iris, is_slug
from .settings import ProjectPaths, Settings
from .sources import hsds, osm, sheet
from .sources.csvsource import read_csv_file
from .sources.rdffile import is_rdf_file, read_rdf
from .sources.records import Builder, RecordRef, Records, SourceFile
from .terms import to_ox, to_rdflib
from .validate import Report, load_shapes, validate_graph
from .vocabularies import Vocabularies, load_vocabularies

FORMATS = ("csv", "xlsx", "hsds", "osm", "rdf")
IRIS = Iris(DEFAULT_BASE)
RESERVED_SOURCES = (CURATED, LINKS, *SYSTEM_GRAPHS)


@dataclass
class Parsed:
    """An import read and turned into RDF at the default base (not yet validated)."""

    source: str
    format: str
    display: str
    sha256: str
    graph: Graph
    records: Records | None  # row/column locations for template formats
    notes: list[str] = field(default_factory=list)  # what was skipped or not taken, for the report
    reading: sheet.SheetReading | None = None  # a coordinator's own sheet: its mappings, "read as" notes, warnings


@dataclass
class RecordDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass
class ImportOutcome:
    parsed: Parsed
    graph_iri: str
    diff: RecordDiff
    report: Report
    written: bool
    unchanged: bool  # same checksum and same content as the previous import
    change: str | None = None  # the committed change's id
    checked: int = 0  # records run through the shapes (all, or the new and changed ones and their neighbours)
    reused: bool = False  # the reading (and verdict) of an earlier preview of the same file was used


@dataclass
class _Reading:
    parsed: Parsed
    verdicts: dict[tuple[int, str], tuple[Report, int]] = field(default_factory=dict)  # (generation, shapes) → report


class ReadingCache:
    """The last few files read for an import, by content: a preview (dry run) and the apply that follows it
    read and build the file once. Keyed by the file's SHA-256, source, format, file name and the knowledge
    base's record slugs (references resolve against them); each reading also keeps the verdict of the
    shapes per state of the knowledge base (its generation), so an apply right after its preview does not
    validate again. Bounded (least recently used out); thread-safe; in memory of one process only."""

    def __init__(self, size: int = 4):
        self.size = size
        self._entries: OrderedDict[tuple, _Reading] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple) -> _Reading | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return entry

    def put(self, key: tuple, parsed: Parsed) -> _Reading:
        with self._lock:
            entry = self._entries.get(key) or _Reading(parsed)
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return entry

    def __len__(self) -> int:
        return len(self._entries)


def content_digest(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and bytes, sorted)."""
    if not path.is_dir():
        return _sha256(path)
    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(item.relative_to(path)).encode("utf-8") + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def slugs_fingerprint(kb_slugs: dict[str, set[str]]) -> str:
    digest = hashlib.sha256()
    for kind in sorted(kb_slugs):
        digest.update(kind.encode("utf-8") + b"\0" + "\0".join(sorted(kb_slugs[kind])).encode("utf-8") + b"\1")
    return digest.hexdigest()


# -- formats -------------------------------------------------------------------------------------


def detect_format(path: Path) -> str:
    """Format by folder/extension/header. Raises UsageError for what it cannot tell."""
    if path.is_dir():
        return "hsds"
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        try:
            first = path.read_text(encoding="utf-8-sig").splitlines()[:1]
        except (OSError, UnicodeDecodeError):
            return "csv"
        if first and osm.is_osm_header(first[0].split(",")):
            return "osm"
        return "csv"
    if suffix == ".json":
        try:
            head = path.read_text(encoding="utf-8")[:4000]
        except (OSError, UnicodeDecodeError):
            return "rdf"
        return "rdf" if "@context" in head else "hsds"
    if is_rdf_file(path):
        return "rdf"
    raise UsageError(
        Text(
            f"Format von {path.name} nicht erkennbar: bitte --format csv|xlsx|hsds|rdf angeben",
            f"cannot tell the format of {path.name}: give --format csv|xlsx|hsds|rdf",
        )
    )


def source_name_for(path: Path) -> str:
    """A slug from the file or folder name: `Pankow Liste 2024.xlsx` → `pankow-liste-2024`."""
    from .linking.normalise import fold

    stem = path.name if path.is_dir() else path.stem
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")
    return slug or "import"


def read_import(
    path: Path,
    *,
    fmt: str | None,
    source: str,
    kb_slugs: dict[str, set[str]],
    vocab_dir: Path,
    vocab: Vocabularies | None = None,
    mappings: dict[str, sheet.Mapping] | None = None,
    memory: sheet.MappingMemory | None = None,
) -> Parsed:
    """Read *path* into RDF records (*vocab*: the vocabularies, if already read). A coordinator's own sheet
    is read with *mappings* (sheet title → her confirmed mapping), else what *memory* remembers for
    *source*, else the proposal. Raises SourceError (every problem, with row and column)."""
    if not path.exists():
        raise SourceError([Problem(Location(str(path)), Text("Datei nicht gefunden", "file not found"))])
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    display = path.name
    if fmt == "rdf":
        genid = f"{DEFAULT_BASE}graph/import/{source}/genid/"
        graph, sha = read_rdf(path, display, genid)
        return Parsed(source, fmt, display, sha, graph, None)
    vocab = vocab or load_vocabularies(vocab_dir)
    notes: list[str] = []
    problems: list[Problem] = []
    if fmt in ("csv", "xlsx") and sheet.is_flat_sheet(path):  # her own columns, not a template (sources/sheet.py)
        reading = sheet.import_reading(
            path, display, source=source, vocab=vocab, kb_slugs=kb_slugs, mappings=mappings, memory=memory
        )
        notes = [w.render(user_language()) for w in reading.warnings]
        graph, records = build_records(reading.files, vocab, source, kb_slugs)
        return Parsed(source, fmt, display, reading.files[0].sha256, graph, records, notes, reading)
    if fmt == "csv":
        files = [read_csv_file(path, display, None, problems)]
    elif fmt == "xlsx":
        from .sources.xlsx import xlsx_as_csv

        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / (path.stem + ".csv")
            csv_path.write_bytes(xlsx_as_csv(path, display))
            source_file = read_csv_file(csv_path, display, None, problems)
            if source_file is not None:
                source_file.path = path
                source_file.sha256 = _sha256(path)
            files = [source_file]
    elif fmt == "osm":
        source_file, notes = osm.read_osm(path, display)
        files = [source_file]
    else:  # hsds
        package = hsds.read_package(path) if path.is_dir() else hsds.read_json(path)
        templates, notes = hsds.to_templates(package, f"{DEFAULT_BASE}source/import/{source}")
        files = [*templates]
        display = package.display
    if problems:
        raise SourceError(problems)
    present = [f for f in files if f is not None]
    sha = present[0].sha256 if fmt != "hsds" else package.sha256
    graph, records = build_records(present, vocab, source, kb_slugs)
    return Parsed(source, fmt, display, sha, graph, records, notes)


def _sha256(path: Path) -> str:
    from .build import sha256_file

    return sha256_file(path)


class _ImportBuilder(Builder):
    """The build's record builder, with the knowledge base's slugs known for references."""

    def __init__(self, files: list[SourceFile], vocab, kb_slugs: dict[str, set[str]]):
        super().__init__(files, vocab)
        self.kb_slugs = kb_slugs

    def collect_slugs(self) -> None:
        super().collect_slugs()
        self.own = {kind: set(rows) for kind, rows in self.slugs.items()}
        for kind, slugs in self.kb_slugs.items():
            known = self.slugs.setdefault(kind, {})
            for slug in slugs:
                known.setdefault(slug, None)  # type: ignore[arg-type]


def build_records(files: list[SourceFile], vocab, source: str, kb_slugs: dict[str, set[str]]) -> tuple[Graph, Records]:
    """Rows → triples with the import's own namespace `{kind}/{source}--{slug}`. Raises SourceError."""
    builder = _ImportBuilder(files, vocab, kb_slugs)
    builder.collect_slugs()
    builder.build()
    if builder.problems:
        raise SourceError(builder.problems)
    own = {(kind, slug) for kind, slugs in builder.own.items() for slug in slugs}

    def rename(term):
        if not isinstance(term, URIRef):
            return term
        parts = IRIS.split(str(term))
        if parts is None or parts not in own:
            return term
        kind, slug = parts
        fragment = str(term).partition("#")[2]
        if fragment.startswith("at-") and ("place", fragment[3:]) in own:  # an offer's channel names its place
            fragment = f"at-{source}--{fragment[3:]}"
        return URIRef(f"{IRIS.id(kind, f'{source}--{slug}')}{'#' + fragment if fragment else ''}")

    graph = Graph()
    for triples in builder.graphs.values():
        for s, p, o in triples:
            graph.add((rename(s), p, rename(o)))
    index: dict[URIRef, RecordRef] = {}
    for iri, ref in builder.index.items():
        index[rename(iri)] = ref
    return graph, Records({}, index, files)


# -- the store -----------------------------------------------------------------------------------


def to_default_base(iri: str, base: str) -> str:
    return DEFAULT_BASE + iri[len(base) :] if base != DEFAULT_BASE and iri.startswith(base) else iri


def kb_slugs_of(store: ox.Store, base: str) -> dict[str, set[str]]:
    """Our records' slugs by kind (those in build graphs, not in other imports)."""
    found: dict[str, set[str]] = {}
    prefix = base + "id/"
    import_prefix = base + "graph/import/"
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None, None):
        if not isinstance(quad.subject, ox.NamedNode) or not quad.subject.value.startswith(prefix):
            continue
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(import_prefix):
            continue
        parts = Iris(base).split(quad.subject.value)
        if parts and "#" not in quad.subject.value:
            found.setdefault(parts[0], set()).add(parts[1])
    return found


def reference_graph(
    store: ox.Store, graph: Graph, base: str, paths: ProjectPaths, terms: Graph | None = None, *, own: set | None = None
) -> Graph:
    """Ontology + vocabularies (*terms*, if already read) + the types (and district records) of what *graph*
    points to (*own*: the import's own nodes, never looked up in the store; default: those typed in *graph*)."""
    reference = Graph()
    reference += (
        terms if terms is not None else parse_turtle_dir(paths.ontology, "ontology") + load_vocabularies(paths.vocab).graph
    )
    own = own if own is not None else set(graph.subjects(RDF.type, None))
    targets = {t for s, _p, o in graph for t in (s, o) if isinstance(t, URIRef) and t not in own}
    rdf_type = ox.NamedNode(str(RDF.type))
    for target in targets:
        iri = str(target)
        stored = Iris(base).rebase(URIRef(iri)) if iri.startswith(DEFAULT_BASE) else URIRef(iri)
        for quad in store.quads_for_pattern(ox.NamedNode(str(stored)), rdf_type, None, None):
            reference.add(
                (
                    target,
                    RDF.type,
                    URIRef(to_default_base(quad.object.value, base))
                    if isinstance(quad.object, ox.NamedNode)
                    else to_rdflib(quad.object),
                )
            )
        if "/id/district/" in iri:  # districts are checked as concepts in Berlin: take their record
            for quad in store.quads_for_pattern(ox.NamedNode(str(stored)), None, None, None):
                reference.add((target, to_rdflib(quad.predicate), _unbase(quad.object, base)))
    return reference


def _unbase(term: object, base: str):
    node = to_rdflib(term)
    return URIRef(to_default_base(str(node), base)) if isinstance(node, URIRef) else node


def record_key(iri: str) -> str:
    return iri.split("#", 1)[0]


def per_record(triples: set[tuple], own: set[str]) -> dict[str, set[tuple]]:
    """Triples grouped by the import's record they belong to (an inverse triple on one of our records,
    like `<our organisation> org:hasSite <imported place>`, belongs to the imported place)."""
    grouped: dict[str, set[tuple]] = {}
    for triple in triples:
        key = record_key(str(triple[0]))
        if key not in own and isinstance(triple[2], URIRef) and record_key(str(triple[2])) in own:
            key = record_key(str(triple[2]))
        grouped.setdefault(key, set()).add(triple)
    return grouped


def diff_records(old: set[tuple], new: set[tuple]) -> RecordDiff:
    """Which records of the import are new, changed or gone."""
    own = {record_key(str(s)) for s, p, _o in old | new if p == RDF.type}
    before, after = per_record(old, own), per_record(new, own)
    diff = RecordDiff()
    for key in sorted(after):
        if key not in before:
            diff.added.append(key)
        elif before[key] != after[key]:
            diff.changed.append(key)
    diff.removed = sorted(k for k in before if k not in after)
    return diff


def stored_triples(store: ox.Store, graph_iri: str) -> set[tuple]:
    out = set()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)):
        out.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return out


def stored_checksum(store: ox.Store, graph_iri: str, meta_iri: str) -> str | None:
    file_node = ox.NamedNode(graph_iri + "#file")
    for quad in store.quads_for_pattern(file_node, ox.NamedNode(str(MKG.sha256)), None, ox.NamedNode(meta_iri)):
        return str(quad.object.value)  # type: ignore[union-attr]
    return None


def meta_triples(graph_iri: URIRef, parsed: Parsed, agent: str, when: dt.datetime, iris: Iris) -> Graph:
    """The import's provenance (goes into {base}graph/meta)."""
    meta = Graph()
    file_node = URIRef(f"{graph_iri}#file")
    agent_node = URIRef(f"{graph_iri}#agent")
    activity = URIRef(f"{graph_iri}#activity")
    meta.add((graph_iri, RDF.type, PROV.Entity))
    meta.add((graph_iri, DCTERMS.title, Literal(f"Import {parsed.source} ({parsed.display})")))
    meta.add((graph_iri, PROV.wasDerivedFrom, file_node))
    meta.add((graph_iri, PROV.wasGeneratedBy, activity))
    meta.add((graph_iri, PROV.generatedAtTime, Literal(when.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    meta.add((graph_iri, PROV.wasAttributedTo, agent_node))
    meta.add((graph_iri, DCTERMS.modified, Literal(when.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    meta.add((file_node, RDF.type, PROV.Entity))
    meta.add((file_node, DCTERMS.title, Literal(parsed.display)))
    meta.add((file_node, DCTERMS.format, Literal(parsed.format)))
    meta.add((file_node, MKG.sha256, Literal(parsed.sha256)))
    meta.add((activity, RDF.type, PROV.Activity))
    meta.add((activity, RDFS.label, Literal(f"migrakg import --source {parsed.source}")))
    meta.add((activity, PROV.used, file_node))
    meta.add((activity, PROV.endedAtTime, Literal(when.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    meta.add((activity, PROV.wasAssociatedWith, agent_node))
    meta.add((agent_node, RDF.type, PROV.Agent))
    meta.add((agent_node, RDFS.label, Literal(agent)))
    return meta


def rebased(graph: Graph, iris: Iris) -> Graph:
    from .build import rebase_graph

    return rebase_graph(graph, iris)


def validate_import(parsed: Parsed, reference: Graph, shapes: Graph) -> Report:
    """SHACL on the import with its reference data; only results about the import's own nodes count.
    (The whole graph is validated and then filtered: pyshacl's focus-node mode skips some shapes.)"""
    own = {s for s in parsed.graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    report = validate_graph(parsed.graph + reference, shapes, records=parsed.records)
    report.results = [r for r in report.results if r.focus in own]
    return report


def neighbourhood(graph: Graph, keys: set[str]) -> Graph:
    """What the shapes look at for the records *keys* (IRIs without `#…`) of *graph*: their triples (with
    `#contact`, `#address`), the whole records they point to and of those that point to them, and the
    types of what those point to (a district's place). With the reference data (`reference_graph`), a
    record's results are the same as in a validation of the whole graph."""
    by_key: dict[str, list[tuple]] = {}
    for triple in graph:
        by_key.setdefault(record_key(str(triple[0])), []).append(triple)
    out = Graph()
    for prefix, namespace in graph.namespaces():  # the reports name values with the same prefixes
        out.bind(prefix, namespace, override=False)
    near: set[str] = set()
    for key in keys:
        for s, p, o in by_key.get(key, ()):
            out.add((s, p, o))
            if isinstance(o, URIRef):
                near.add(record_key(str(o)))
        for node in {t[0] for t in by_key.get(key, ())}:
            near.update(record_key(str(s)) for s in graph.subjects(None, node))
    further: set = set()
    for key in near - keys:
        for s, p, o in by_key.get(key, ()):
            out.add((s, p, o))
            if isinstance(o, URIRef):
                further.add(o)
    for node in further:
        for triple in graph.triples((node, RDF.type, None)):
            out.add(triple)
    return out


def validate_records(
    parsed: Parsed, keys: set[str], store: ox.Store, base: str, paths: ProjectPaths, shapes: Graph, terms: Graph | None = None
) -> Report:
    """SHACL on the records *keys* of the import only (the incremental check): their neighbourhood with
    the reference data; only results about those records' own nodes count."""
    own = {s for s in parsed.graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    data = neighbourhood(parsed.graph, keys)
    reference = reference_graph(store, data, base, paths, terms, own=own)
    report = validate_graph(data + reference, shapes, records=parsed.records)
    report.results = [r for r in report.results if r.focus in own and record_key(str(r.focus)) in keys]
    return report


def records_to_check(graph: Graph, diff: RecordDiff, elsewhere: set[str], base: str) -> set[str]:
    """The import's records (default-base IRIs) whose verdict can differ from the last import's: the new
    and changed ones, and those pointing to a new, changed or removed record of the import, or to a
    record of the knowledge base changed since (*elsewhere*, stored IRIs)."""
    moved = {to_default_base(key, base) for key in (*diff.added, *diff.changed, *diff.removed)}
    moved |= {to_default_base(key, base) for key in elsewhere}
    keys = {to_default_base(key, base) for key in (*diff.added, *diff.changed)}
    for s, _p, o in graph:
        if isinstance(o, URIRef) and record_key(str(o)) in moved:
            keys.add(record_key(str(s)))
    own = {record_key(str(s)) for s in graph.subjects(RDF.type, None)}
    return keys & own


def check_source_name(source: str) -> None:
    if not is_slug(source) or "--" in source or source in RESERVED_SOURCES:
        raise UsageError(
            Text(
                f"Quellname „{source}“ ist kein gültiger slug (a–z, 0–9, einzelne Bindestriche; nicht {', '.join(RESERVED_SOURCES)})",
                f"source name '{source}' is not a valid slug (a-z, 0-9, single hyphens; not {', '.join(RESERVED_SOURCES)})",
            )
        )


def provenance_quads(store: ox.Store, graph_iri: str, meta_iri: str) -> set[ox.Quad]:
    """The import's provenance in the metadata graph: about the graph and its #file, #agent, #activity."""
    meta = ox.NamedNode(meta_iri)
    out: set[ox.Quad] = set()
    for node in (graph_iri, *(f"{graph_iri}#{n}" for n in ("file", "agent", "activity"))):
        out.update(store.quads_for_pattern(ox.NamedNode(node), None, None, meta))
    return out


def graph_quads(store: ox.Store, graph_iri: str) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))


def _as_quads(graph: Graph, graph_iri: URIRef) -> set[ox.Quad]:
    name = ox.NamedNode(str(graph_iri))
    return {ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in graph}  # type: ignore[arg-type]


def mapping_fingerprint(mappings: dict[str, sheet.Mapping] | None, memory: sheet.MappingMemory | None, source: str | None) -> str:
    """What decides how her columns are read besides the file: the corrections sent with it and the mappings
    remembered for her source (a reading made under other ones is not reused)."""
    digest = hashlib.sha256()
    for name in sorted(mappings or {}):
        digest.update(name.encode() + b"\0" + (mappings or {})[name].to_json().encode() + b"\0")
    if memory is not None and source:
        remembered = memory.folder / f"{source}.json"
        digest.update(remembered.read_bytes() if remembered.is_file() else b"-")
    return digest.hexdigest()


def prepare_import(
    settings: Settings,
    path: Path,
    *,
    store: ox.Store,
    fmt: str | None = None,
    source: str | None = None,
    agent: str = "command line",
    now: dt.datetime | None = None,
    checks: ShapeCheck | None = None,
    mappings: dict[str, sheet.Mapping] | None = None,
    memory: sheet.MappingMemory | None = None,
    kb: KnowledgeBase | None = None,
) -> tuple[ImportOutcome, Delta]:
    """Read, validate and compare *path* with what *store* holds for its source: the outcome (diff, report)
    and the delta that would bring the source level with the file. Writes nothing. Raises SourceError
    (unreadable input, exit 2), NotConforming (SHACL violations, exit 1), UsageError.

    With *kb* (the knowledge base *store* belongs to), only what can have changed goes through the shapes
    (the new and changed records and their neighbours, `records_to_check`) when the source's last change
    was an import checked with today's shapes; and a reading of the same file kept by a preview
    (`kb.readings`) is used instead of reading it again."""
    source = source or source_name_for(path)
    check_source_name(source)
    iris = settings.iris
    paths = ProjectPaths.from_settings(settings)
    checks = checks if checks is not None else (kb.shapes if kb is not None else None)
    vocab = checks.vocabularies() if checks is not None else None
    kb_slugs = kb_slugs_of(store, iris.base)
    cache = kb.readings if kb is not None else None
    # everything the reading depends on is in the key (an option that changes it, like a mapping, belongs here)
    key = (
        (
            content_digest(path),
            source,
            fmt or detect_format(path),
            path.name,
            slugs_fingerprint(kb_slugs),
            mapping_fingerprint(mappings, memory, source),
        )
        if cache is not None
        else ()
    )
    reading = cache.get(key) if cache is not None else None
    reused = reading is not None
    if reading is None:
        parsed = read_import(
            path,
            fmt=fmt,
            source=source,
            kb_slugs=kb_slugs,
            vocab_dir=paths.vocab,
            vocab=vocab,
            mappings=mappings,
            memory=memory,
        )
        if len(parsed.graph) == 0:
            raise SourceError(
                [Problem(Location(parsed.display), Text("die Datei enthält keine Datensätze", "the file holds no records"))]
            )
        reading = cache.put(key, parsed) if cache is not None else _Reading(parsed)
    parsed = reading.parsed
    data_iri = iris.graph(f"import/{source}")
    meta_iri = iris.graph("meta")
    data = rebased(parsed.graph, iris)
    old = stored_triples(store, str(data_iri))
    diff = diff_records(old, set(data))
    unchanged = diff.empty and stored_checksum(store, str(data_iri), str(meta_iri)) == parsed.sha256
    shapes, terms = checks.loaded() if checks is not None else (load_shapes(paths.shapes), None)
    digest = checks.digest() if checks is not None else ""
    verdict_key = (kb.generation if kb is not None else -1, digest)
    if verdict_key in reading.verdicts and kb is not None:
        report, checked = reading.verdicts[verdict_key]
    else:
        elsewhere = changed_since_last_import(kb, source, digest) if kb is not None and old else None
        if elsewhere is None:  # first import, other shapes, or no change log to tell: the whole import
            checked = len({record_key(str(s)) for s in parsed.graph.subjects(RDF.type, None)})
            report = validate_import(parsed, reference_graph(store, parsed.graph, iris.base, paths, terms), shapes)
        else:
            keys = records_to_check(parsed.graph, diff, elsewhere, iris.base)
            checked = len(keys)
            report = validate_records(parsed, keys, store, iris.base, paths, shapes, terms) if keys else Report()
        if kb is not None:
            reading.verdicts = {verdict_key: (report, checked)}
    if not report.conforms:
        raise NotConforming(
            Text(
                f"der Import verletzt die Formregeln ({len(report.violations)} Fehler); nichts wurde geändert",
                f"the import breaks the shapes ({len(report.violations)} violations); nothing was changed",
            ),
            report,
        )
    when = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta = rebased(meta_triples(data_iri, parsed, agent, when, iris), iris)
    before = graph_quads(store, str(data_iri)) | provenance_quads(store, str(data_iri), str(meta_iri))
    after = _as_quads(data, data_iri) | _as_quads(meta, meta_iri)
    delta = Delta(set(), set()) if unchanged else Delta(after - before, before - after)
    return ImportOutcome(parsed, str(data_iri), diff, report, False, unchanged, checked=checked, reused=reused), delta


def changed_since_last_import(kb: KnowledgeBase, source: str, digest: str) -> set[str] | None:
    """The records (stored IRIs) other changes touched since the source's last change, if that was an
    import checked with the shapes of *digest*; None when the source's records must all be checked again
    (never imported this way, reverted, or the shapes, ontology or vocabularies changed since)."""
    last = kb.last_change(source=source)
    if last is None or last.activity != "import" or last.extra.get("shapes") != digest:
        return None
    out: set[str] = set()
    for change in kb.changes[last.seq :]:
        for iris in change.records.values():
            out.update(iris)
    return out


def run_import(
    settings: Settings,
    path: Path,
    *,
    kb: KnowledgeBase,
    fmt: str | None = None,
    source: str | None = None,
    dry_run: bool = False,
    writer: Writer | None = None,
    agent: str | None = None,
    now: dt.datetime | None = None,
    mappings: dict[str, sheet.Mapping] | None = None,
    memory: sheet.MappingMemory | None = None,
) -> ImportOutcome:
    """Import *path* into the knowledge base *kb* through its write path (all or nothing). *agent* names
    who imports — a role or a token name, never a person (default: the writer's name). Raises
    SourceError (exit 2), NotConforming (exit 1), OutOfScope, Refused, UsageError."""
    writer = writer or OPERATOR
    made: list[ImportOutcome] = []

    def propose(store: ox.Store) -> Proposal | None:
        """Computed under the write lock: the delta is against the state it will be applied to."""
        outcome, delta = prepare_import(
            settings,
            path,
            store=store,
            fmt=fmt,
            source=source,
            agent=agent or writer.name,
            now=now,
            kb=kb,
            mappings=mappings,
            memory=memory,
        )
        made.append(outcome)
        if dry_run or outcome.unchanged:
            return None
        return Proposal(
            delta,
            writer,
            source=outcome.graph_iri.rsplit("/", 1)[1],
            graph=outcome.graph_iri,
            activity="import",
            summary=f"import {outcome.parsed.display} ({outcome.parsed.format})",
            scope=Scope(own_meta=True),
            validated=True,
            extra={"file": outcome.parsed.display, "sha256": outcome.parsed.sha256, "shapes": kb.shapes.digest()},
        )

    change = propose(kb.store) if dry_run else kb.commit(propose)
    outcome = made[-1]
    outcome.written = change is not None and not dry_run
    outcome.change = change.id if isinstance(change, Change) and not dry_run else None
    return outcome


def remove_source(kb: KnowledgeBase, source: str, *, writer: Writer | None = None) -> Change | None:
    """Take a whole imported source out (its graph and its provenance) through the write path. Raises
    UsageError for a source that is not in the store, OutOfScope, Refused (others still point to it)."""
    check_source_name(source)
    writer = writer or OPERATOR
    data_iri = f"{kb.base}graph/import/{source}"

    def propose(store: ox.Store) -> Proposal:
        quads = graph_quads(store, data_iri) | provenance_quads(store, data_iri, f"{kb.base}graph/meta")
        if not quads:
            raise UsageError(
                Text(
                    f"die Quelle „{source}“ gibt es in der Wissensbasis nicht",
                    f"there is no source '{source}' in the knowledge base",
                )
            )
        return Proposal(
            Delta(set(), quads),
            writer,
            source=source,
            graph=data_iri,
            activity="remove",
            summary=f"source {source} removed",
            scope=Scope(own_meta=True),
            validated=True,
        )

    return kb.commit(propose)


def list_kinds() -> tuple[str, ...]:
    return KINDS
