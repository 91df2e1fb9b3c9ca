"""What every change must pass before it is logged: scope, form, references and the shapes.

- **scope**: each quad's graph belongs to a source the writer may change. The ontology, the vocabularies
  and the metadata graph are never written by a SPARQL Update; `file:` graphs, the default graph and
  graphs outside `{base}graph/` belong to no source and are refused.
- **form**: no blank nodes (a record needs an IRI `{base}id/{kind}/{slug}`; an organisation as a blank
  node would pass the shapes and could never be linked, corrected or removed).
- **references**: nothing left pointing at a removed record, nothing added pointing at a record that
  does not exist.
- **shapes**: pySHACL on everything the change touches — the changed nodes' triples after the change,
  the types (and district records) of what they point to, ontology and vocabularies — keeping the
  results about the changed nodes. A change that was validated whole before (a rebuilt source from
  `data/`, an import with its row/column report) skips this step but not the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..build import parse_turtle_dir
from ..errors import Location, MigrakgError, NotConforming, Problem, Text
from ..namespaces import DEFAULT_BASE
from ..settings import ProjectPaths
from ..terms import to_rdflib
from ..validate import Report, load_shapes, validate_graph
from ..vocabularies import Vocabularies, load_vocabularies
from .delta import RDF_TYPE, Delta, record_key

CURATED = "data"  # the source of the records in data/ (with ontology and vocabularies)
SANDBOX = "*"  # a token source for test installations: the default graph and http(s) graphs outside {base}graph/
LINKS = "links"
SYSTEM_GRAPHS = ("ontology", "vocab", "meta")


class OutOfScope(MigrakgError):
    status = 403


class Refused(MigrakgError):
    """A change that would break the knowledge base (blank nodes, dangling references); `problems` lists why."""

    status = 422
    exit_code = 1

    def __init__(self, text: Text, problems: list[Problem]):
        super().__init__(
            Text(
                text.de + "\n" + "\n".join(p.render("de") for p in problems),
                text.en + "\n" + "\n".join(p.render("en") for p in problems),
            )
        )
        self.summary = text
        self.problems = problems


@dataclass(frozen=True)
class Writer:
    """Who writes: a token's name and its sources, or a role of this installation (None = every source)."""

    name: str
    role: str
    sources: frozenset[str] | None = None

    def may(self, source: str) -> bool:
        return self.sources is None or source in self.sources


OPERATOR = Writer("command line", "operator")  # a command run by the store's owner on this machine: every source


def graph_of(source: str, base: str) -> str:
    if source == LINKS:
        return f"{base}graph/links"
    return f"{base}graph/import/{source}"


def source_of(graph: object, base: str) -> str | None:
    """The source a graph belongs to: `import/NAME` → NAME, `links` → links, `meta` → meta, `ontology`/`vocab`
    → themselves, any other `{base}graph/…` → the curated records; None for graphs of no source."""
    if not isinstance(graph, ox.NamedNode):
        return None
    iri = graph.value
    prefix = base + "graph/"
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix) :]
    if rest.startswith("import/"):
        name = rest[len("import/") :]
        return name if name and "/" not in name and "#" not in name else None
    if rest in SYSTEM_GRAPHS or rest == LINKS:
        return rest
    return CURATED if rest and "/" not in rest and "#" not in rest else None


@dataclass
class Scope:
    """What a kind of change may touch beyond its writer's sources."""

    system: bool = False  # ontology, vocabularies and all of meta (the curated source's rebuild)
    own_meta: bool = False  # meta triples about the graphs of the writer's sources (import provenance)


def check_scope(delta: Delta, writer: Writer, base: str, scope: Scope) -> set[str]:
    """The sources the delta changes. Raises OutOfScope naming the first graph it may not write."""
    touched: set[str] = set()
    for quad in delta.quads():
        source = source_of(quad.graph_name, base)
        graph = "(default graph)" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        if source is None and writer.sources is not None and SANDBOX in writer.sources and _foreign(quad.graph_name, base):
            touched.add(SANDBOX)
            continue
        if source is None:
            raise OutOfScope(
                Text(
                    f"der Graph {graph} gehört zu keiner Quelle dieser Wissensbasis; Änderungen gehen in GRAPH <{base}graph/import/QUELLE>",
                    f"the graph {graph} belongs to no source of this knowledge base; changes go into GRAPH <{base}graph/import/SOURCE>",
                )
            )
        if source in SYSTEM_GRAPHS:
            if scope.system and writer.may(CURATED):
                touched.add(CURATED)
                continue
            owner = source_of(ox.NamedNode(record_key(quad.subject) or "-"), base) if source == "meta" else None
            if scope.own_meta and owner is not None and owner not in SYSTEM_GRAPHS and writer.may(owner):
                continue
            raise OutOfScope(
                Text(
                    f"der Graph {graph} (Ontologie, Vokabulare, Metadaten) kann so nicht geändert werden",
                    f"the graph {graph} (ontology, vocabularies, metadata) cannot be changed this way",
                )
            )
        if not writer.may(source):
            raise OutOfScope(
                Text(
                    f"„{writer.name}“ darf die Quelle „{source}“ ({graph}) nicht ändern",
                    f"'{writer.name}' may not change the source '{source}' ({graph})",
                )
            )
        touched.add(source)
    return touched


def _foreign(graph: object, base: str) -> bool:
    if isinstance(graph, ox.DefaultGraph):
        return True
    return (
        isinstance(graph, ox.NamedNode) and graph.value.startswith(("http://", "https://")) and not graph.value.startswith(base)
    )


def check_form(delta: Delta) -> None:
    """Raises Refused for blank nodes anywhere in the delta."""
    problems = []
    for quad in sorted(delta.add, key=str):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            problems.append(
                Problem(
                    Location(str(quad.subject)),
                    Text(
                        f"leerer Knoten in {quad}: Datensätze brauchen eine IRI {{base}}id/{{Art}}/{{slug}}",
                        f"blank node in {quad}: records need an IRI {{base}}id/{{kind}}/{{slug}}",
                    ),
                )
            )
    if problems:
        raise Refused(
            Text("leere Knoten sind nicht erlaubt; nichts wurde geändert", "blank nodes are not allowed; nothing was changed"),
            problems[:20],
        )


def _subject_quads_after(store: ox.Store, delta: Delta, node: ox.NamedNode) -> list[ox.Quad]:
    before = [q for q in store.quads_for_pattern(node, None, None, None) if q not in delta.remove]
    return before + delta.added_about(node)


def check_references(delta: Delta, store: ox.Store, base: str, *, added: bool = True) -> None:
    """Raises Refused when the delta leaves a reference to a record that is gone, or adds one to a record
    that does not exist."""
    ids = base + "id/"
    problems: list[Problem] = []
    gone: set[str] = set()
    for quad in delta.remove:
        if quad.predicate == RDF_TYPE and isinstance(quad.subject, ox.NamedNode):
            node = quad.subject
            if not any(q.predicate == RDF_TYPE for q in _subject_quads_after(store, delta, node)):
                gone.add(node.value)
    for iri in sorted(gone):
        node = ox.NamedNode(iri)
        pointing = [q for q in store.quads_for_pattern(None, None, node, None) if q not in delta.remove]
        pointing += [q for q in delta.add if q.object == node]
        left = [q for q in _subject_quads_after(store, delta, node)]
        for quad in (pointing + left)[:10]:
            problems.append(
                Problem(
                    Location(iri),
                    Text(
                        f"der Eintrag würde entfernt, aber {quad} bliebe stehen",
                        f"the record would be removed but {quad} would remain",
                    ),
                )
            )
    for quad in delta.add if added else ():
        key = record_key(quad.object)
        if key is None or not key.startswith(ids) or quad.predicate == RDF_TYPE:
            continue
        node = ox.NamedNode(key)
        if not _subject_quads_after(store, delta, node):
            problems.append(
                Problem(
                    Location(str(quad.subject)),
                    Text(f"verweist auf {key}, den es nicht gibt", f"points to {key}, which does not exist"),
                )
            )
    if problems:
        raise Refused(
            Text(
                "die Änderung ließe Verweise ins Leere; nichts wurde geändert",
                "the change would leave dangling references; nothing was changed",
            ),
            problems[:30],
        )


def _unbase(term: object, base: str) -> object:
    node = to_rdflib(term)
    if isinstance(node, URIRef) and base != DEFAULT_BASE and str(node).startswith(base):
        return URIRef(DEFAULT_BASE + str(node)[len(base) :])
    return node


@dataclass
class ShapeCheck:
    """Shapes, vocabularies and reference data (ontology + vocabularies), read once per process."""

    paths: ProjectPaths
    _loaded: tuple[Graph, Graph] | None = field(default=None, repr=False)
    _vocab: Vocabularies | None = field(default=None, repr=False)
    _digest: str | None = field(default=None, repr=False)

    def digest(self) -> str:
        """SHA-256 over the shapes, ontology and vocabulary files (as read): an import checked with another
        digest is checked whole again."""
        if self._digest is None:
            digest = hashlib.sha256()
            for folder in (self.paths.shapes, self.paths.ontology, self.paths.vocab):
                for path in sorted(folder.glob("*.ttl")):
                    digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
            self._digest = digest.hexdigest()
        return self._digest

    def loaded(self) -> tuple[Graph, Graph]:
        """(shapes, ontology + vocabularies). Do not change them: copy the reference to add to it."""
        if self._loaded is None:
            reference = parse_turtle_dir(self.paths.ontology, "ontology") + self.vocabularies().graph
            self._loaded = (load_shapes(self.paths.shapes), reference)
        return self._loaded

    def vocabularies(self) -> Vocabularies:
        if self._vocab is None:
            self._vocab = load_vocabularies(self.paths.vocab)
        return self._vocab

    def check(self, delta: Delta, store: ox.Store, base: str) -> Report | None:
        """Raises NotConforming (with the report) when a changed node breaks the shapes."""
        nodes: set[ox.NamedNode] = set()
        for quad in delta.quads():
            key = record_key(quad.subject)
            if key and key.startswith(base + "id/"):
                for suffix in ("", "#contact", "#address"):
                    nodes.add(ox.NamedNode(key + suffix))
        if not nodes:
            return None
        shapes, reference = self.loaded()
        data = Graph()
        objects: set[ox.NamedNode] = set()
        present = []
        for node in sorted(nodes, key=lambda n: n.value):
            quads = _subject_quads_after(store, delta, node)
            if quads:
                present.append(_unbase(node, base))
            for quad in quads:
                data.add((_unbase(quad.subject, base), _unbase(quad.predicate, base), _unbase(quad.object, base)))  # type: ignore[arg-type]
                if isinstance(quad.object, ox.NamedNode) and quad.object not in nodes:
                    objects.add(quad.object)
        for target in objects:
            district = "/id/district/" in target.value
            for quad in _subject_quads_after(store, delta, target):
                if district or quad.predicate == RDF_TYPE:
                    data.add((_unbase(quad.subject, base), _unbase(quad.predicate, base), _unbase(quad.object, base)))  # type: ignore[arg-type]
        if not present:
            return None
        report = validate_graph(data + reference, shapes, focus_nodes=present)  # type: ignore[arg-type]
        if not report.conforms:
            raise NotConforming(
                Text(
                    f"die Änderung verletzt die Formregeln ({len(report.violations)} Fehler); nichts wurde geändert",
                    f"the change breaks the shapes ({len(report.violations)} violations); nothing was changed",
                ),
                report,
            )
        return report
