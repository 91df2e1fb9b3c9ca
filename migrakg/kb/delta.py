"""A change as data: the quads it adds and the quads it removes, in the store's own IRIs.

Every write is computed once as a `Delta` and then only that delta is validated, logged and applied —
never the text of a SPARQL Update a second time. A delta is its own record of what happened: its
inverse undoes it, and replaying deltas in log order rebuilds the store (replaying one twice is
harmless: adding a present quad or removing an absent one changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class Delta:
    add: set[ox.Quad] = field(default_factory=set)
    remove: set[ox.Quad] = field(default_factory=set)
    _by_subject: dict[object, list[ox.Quad]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        both = self.add & self.remove
        self.add -= both
        self.remove -= both

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove

    def __len__(self) -> int:
        return len(self.add) + len(self.remove)

    def added_about(self, node: object) -> list[ox.Quad]:
        """The added quads with *node* as subject (indexed on first use)."""
        if self._by_subject is None:
            self._by_subject = {}
            for quad in self.add:
                self._by_subject.setdefault(quad.subject, []).append(quad)
        return self._by_subject.get(node, [])

    def inverse(self) -> Delta:
        return Delta(set(self.remove), set(self.add))

    def quads(self) -> Iterable[ox.Quad]:
        yield from self.add
        yield from self.remove

    def graphs(self) -> set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
        return {q.graph_name for q in self.quads()}

    def against(self, store: ox.Store) -> Delta:
        """Only what would change *store*: quads to add that are absent, quads to remove that are present."""
        return Delta({q for q in self.add if q not in store}, {q for q in self.remove if q in store})

    # -- as text: the change log keeps N-Quads lines --------------------------------------------
    def as_json(self) -> dict[str, list[str]]:
        return {"add": sorted(nquad(q) for q in self.add), "remove": sorted(nquad(q) for q in self.remove)}

    @classmethod
    def from_json(cls, value: dict[str, list[str]]) -> Delta:
        return cls(parse_nquads(value.get("add", [])), parse_nquads(value.get("remove", [])))

    def update_text(self) -> str:
        """One SPARQL Update (one transaction in pyoxigraph): DELETE DATA, then INSERT DATA."""
        parts = []
        if self.remove:
            parts.append("DELETE DATA {\n" + _data_block(self.remove) + "}")
        if self.add:
            parts.append("INSERT DATA {\n" + _data_block(self.add) + "}")
        return " ;\n".join(parts)

    def apply(self, store: ox.Store) -> None:
        """Apply to *store* in one transaction (no-op when empty)."""
        if not self.empty:
            store.update(self.update_text())


def nquad(quad: ox.Quad) -> str:
    """`<s> <p> "o" <g> .` — one N-Quads line without the newline."""
    return f"{quad} ."


def parse_nquads(lines: Iterable[str]) -> set[ox.Quad]:
    text = "\n".join(lines)
    if not text.strip():
        return set()
    return set(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _data_block(quads: set[ox.Quad]) -> str:
    by_graph: dict[object, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(quad)
    out = []
    for graph, members in by_graph.items():
        triples = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in members)
        out.append(triples if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{\n{triples}}}\n")
    return "".join(out)


def record_key(term: object) -> str | None:
    """The record a node belongs to: its IRI without `#contact` / `#address` (None for blank nodes, literals)."""
    if isinstance(term, ox.NamedNode):
        return term.value.split("#", 1)[0]
    return None


@dataclass
class RecordChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, list[str]]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed}

    @property
    def all(self) -> list[str]:
        return self.added + self.changed + self.removed


def record_changes(delta: Delta, store: ox.Store, id_prefix: str) -> RecordChanges:
    """Which records (`{base}id/…` IRIs) the delta adds, changes or removes, judged on *store* before it is
    applied: added = typed afterwards but not before, removed = typed before but not afterwards."""
    keys = {k for q in delta.quads() if (k := record_key(q.subject)) and k.startswith(id_prefix)}
    out = RecordChanges()
    for key in sorted(keys):
        node = ox.NamedNode(key)
        before = {q for q in store.quads_for_pattern(node, RDF_TYPE, None, None)}
        after = (before - delta.remove) | {q for q in delta.added_about(node) if q.predicate == RDF_TYPE}
        if after and not before:
            out.added.append(key)
        elif before and not after:
            out.removed.append(key)
        else:
            out.changed.append(key)
    return out
