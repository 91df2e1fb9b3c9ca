"""SHACL validation with reports for people: each result names the record, the field and the rule.

The shapes (shapes/*.ttl) carry German and English messages; a report picks the user's language.
Exit codes of `migrakg validate`: 0 conforms (warnings allowed), 1 violations, 2 input error.
"""

from __future__ import annotations

import functools
import json
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyshacl
import rdflib.plugin
import rdflib.query
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from .errors import Location, Problem, SourceError, Text
from .namespaces import MKGSH, SH
from .sources.records import RecordRef, Records

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

#: longest query text whose parsed form is kept (the shapes' SPARQL constraints are far shorter)
PREPARED_MAX_CHARS = 20_000


@functools.lru_cache(maxsize=256)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return translateQuery(parseQuery(text), base, {prefix: URIRef(ns) for prefix, ns in namespaces})


class PreparedSPARQL(SPARQLProcessor):
    """rdflib's SPARQL processor, keeping the parsed form of each query text it has seen.

    pySHACL runs a shape's SPARQL constraint once per focus node, and rdflib parses the text anew each
    time (pyparsing: ~0.1 s a query) — for an import of 500 rows that was more than half of the whole
    validation. A parsed query is rdflib's own prepared query (`prepareQuery`): evaluating it again with
    other bindings gives the same answers as parsing the text again."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str) and len(strOrQuery) <= PREPARED_MAX_CHARS:
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            strOrQuery = _prepared(strOrQuery, base, namespaces)
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


# Graph.query(…) (pySHACL's SPARQL constraints among them) uses the processor registered as "sparql"
rdflib.plugin.register("sparql", rdflib.query.Processor, __name__, "PreparedSPARQL")

#: Property shapes evaluated once for all value nodes (see `_property_shape_for_all`); False: pySHACL's own
#: way, one evaluation per value node (the tests compare both)
BATCHED_PROPERTY_SHAPES = True


def _install_batched_property_shapes() -> None:
    """pySHACL evaluates each property shape of a node shape once per focus node: for an import of 500
    rows that is ~47,000 shape evaluations, each building its constraint components anew (sh:in lists
    read again, …) — about 60 % of the validation. A property shape evaluated with all its focus nodes at
    once finds the same results for each (pySHACL's `Shape.validate` takes a list of focus nodes and
    computes each one's value nodes on its own), so the verdict is the same; tests/shapes and
    tests/importing/test_incremental_validation.py compare every fixture both ways."""
    try:
        from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent
        from pyshacl.errors import ShapeRecursionWarning
    except ImportError:  # another pySHACL layout: keep its own way
        return
    original = getattr(PropertyConstraintComponent, "_evaluate_property_shape", None)
    if original is None or getattr(original, "_migrakg_batched", False):
        return

    def _property_shape_for_all(
        self: Any,
        executor: Any,
        prop_shape: Any,
        target_graph: Any,
        focus_value_nodes: dict,
        potentially_recursive: Any,
        _evaluation_path: list,
    ) -> tuple[bool, list]:
        found = self.shape.get_other_shape(prop_shape)
        if not BATCHED_PROPERTY_SHAPES or not found or not found.is_property_shape or executor.abort_on_first:
            return original(self, executor, prop_shape, target_graph, focus_value_nodes, potentially_recursive, _evaluation_path)
        if potentially_recursive and found in potentially_recursive:
            warnings.warn(ShapeRecursionWarning(_evaluation_path), stacklevel=2)
            return False, []
        values = list(dict.fromkeys(v for nodes in focus_value_nodes.values() for v in nodes))
        if not values:
            return False, []
        conforms, reports = found.validate(executor, target_graph, focus=values, _evaluation_path=_evaluation_path[:])
        return (not conforms), reports

    _property_shape_for_all._migrakg_batched = True  # type: ignore[attr-defined]
    PropertyConstraintComponent._evaluate_property_shape = _property_shape_for_all  # type: ignore[method-assign]


_install_batched_property_shapes()


def load_shapes(shapes_dir: Path) -> Graph:
    graph = Graph()
    problems = []
    for path in sorted(shapes_dir.glob("*.ttl")):
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many syntax error types
            problems.append(
                Problem(Location(f"shapes/{path.name}"), Text(f"Turtle-Syntaxfehler: {exc}", f"Turtle syntax error: {exc}"))
            )
    if problems:
        raise SourceError(problems)
    return graph


@dataclass(frozen=True)
class Result:
    focus: Node
    path: URIRef | None
    value: Node | None
    shape: URIRef | None
    severity: str
    messages: dict[str, str]
    location: Location | None = None

    def message(self, lang: str) -> str:
        return (
            self.messages.get(lang) or self.messages.get("en") or self.messages.get("") or next(iter(self.messages.values()), "")
        )

    def shape_name(self) -> str:
        if self.shape is None:
            return "?"
        text = str(self.shape)
        return "mkgsh:" + text[len(str(MKGSH)) :] if text.startswith(str(MKGSH)) else text

    def where(self, lang: str) -> str:
        if self.location is not None:
            return self.location.german() if lang == "de" else str(self.location)
        return f"<{self.focus}>"

    def render(self, lang: str) -> str:
        severity = {"Violation": ("Fehler", "error"), "Warning": ("Warnung", "warning"), "Info": ("Hinweis", "info")}[
            self.severity
        ]
        label = severity[0] if lang == "de" else severity[1]
        text = f"{self.where(lang)}: {label}: {self.message(lang)}"
        if self.value is not None:
            text += f' ("{display_value(self.value)}")'
        return text + f" [{self.shape_name()}]"

    def as_json(self, lang: str) -> dict[str, object]:
        loc = self.location
        return {
            "severity": self.severity,
            "focus": str(self.focus),
            "path": str(self.path) if self.path is not None else None,
            "value": display_value(self.value) if self.value is not None else None,
            "shape": str(self.shape) if self.shape is not None else None,
            "message": self.message(lang),
            "messages": self.messages,
            "file": loc.file if loc else None,
            "row": loc.row if loc else None,
            "column": loc.column if loc else None,
            "record": loc.slug if loc else None,
        }


def display_value(value: Node) -> str:
    text = str(value)
    for scheme in ("mailto:", "tel:"):
        if text.startswith(scheme):
            return text[len(scheme) :]
    return text


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    results_graph: Graph | None = None

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self, lang: str) -> str:
        v, w = len(self.violations), len(self.warnings)
        if lang == "de":
            return f"{'konform' if self.conforms else 'nicht konform'}: {v} Fehler, {w} Warnungen"
        return f"{'conforms' if self.conforms else 'does not conform'}: {v} violations, {w} warnings"

    def render_text(self, lang: str) -> str:
        lines = [r.render(lang) for r in self.results]
        lines.append(self.summary(lang))
        return "\n".join(lines) + "\n"

    def render_json(self, lang: str) -> str:
        return (
            json.dumps(
                {
                    "conforms": self.conforms,
                    "violations": len(self.violations),
                    "warnings": len(self.warnings),
                    "results": [r.as_json(lang) for r in self.results],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )

    def render_turtle(self) -> str:
        graph = self.results_graph if self.results_graph is not None else Graph()
        graph.bind("sh", SH)
        return graph.serialize(format="turtle")

    def render(self, fmt: str, lang: str) -> str:
        if fmt == "json":
            return self.render_json(lang)
        if fmt == "turtle":
            return self.render_turtle()
        return self.render_text(lang)


#: SHACL Advanced Features (rules, node expressions, SPARQL-based targets): pySHACL checks them only in
#: its "advanced" mode, which also makes every shape evaluation slower (it searches a list of all
#: constraint parameters for each of the shape's predicates)
ADVANCED_PREDICATES = (SH.rule, SH.expression, SH.target, SH.condition)


def uses_advanced_features(shapes: Graph) -> bool:
    """Whether *shapes* use SHACL Advanced Features (then pySHACL's advanced mode is switched on).
    The project's shapes do not: core SHACL and SHACL-SPARQL constraints."""
    return any(next(shapes.triples((None, predicate, None)), None) is not None for predicate in ADVANCED_PREDICATES)


def validate_graph(
    data: Graph,
    shapes: Graph,
    *,
    records: Records | None = None,
    focus_nodes: Iterable[Node] | None = None,
) -> Report:
    """Validate *data* against *shapes*. With *records*, results name source file, row and column.

    *focus_nodes* restricts the report to those nodes (the incremental check of a change: *data* is then
    the changed records' neighbourhood). pySHACL's own `focus_nodes` option is not used: it drops the
    literal values that nested shapes (`sh:or` of datatypes) check, so a wrong date would pass
    (tests/regressions/test_focus_nodes_nested_shapes.py); the neighbourhood is small, so validating it
    whole and keeping the focus nodes' results costs little.
    """
    focus = set(focus_nodes) if focus_nodes is not None else None
    _conforms, results_graph, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        advanced=uses_advanced_features(shapes),
    )
    results = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus_node = results_graph.value(node, SH.focusNode)
        if focus is not None and focus_node not in focus:
            continue
        path = results_graph.value(node, SH.resultPath)
        value = results_graph.value(node, SH.value)
        shape = results_graph.value(node, SH.sourceShape)
        severity_iri = results_graph.value(node, SH.resultSeverity)
        severity = str(severity_iri).rsplit("#", 1)[-1] if severity_iri else "Violation"
        messages: dict[str, str] = {}
        for message in results_graph.objects(node, SH.resultMessage):
            if isinstance(message, Literal):
                messages.setdefault(message.language or "", str(message))
        location = locate(focus_node, path, records) if records is not None else None
        results.append(
            Result(
                focus_node,
                path if isinstance(path, URIRef) else None,
                value,
                shape if isinstance(shape, URIRef) else None,
                severity,
                messages,
                location,
            )
        )
    results.sort(
        key=lambda r: (
            SEVERITY_ORDER.get(r.severity, 3),
            r.location.file if r.location else "",
            r.location.row or 0 if r.location else 0,
            str(r.focus),
            str(r.path),
            str(r.shape),
            str(r.value),
        )
    )
    return Report(results, results_graph)


def locate(focus: Node | None, path: Node | None, records: Records) -> Location | None:
    if not isinstance(focus, URIRef):
        return None
    text = str(focus)
    record_iri, _, fragment = text.partition("#")
    ref: RecordRef | None = records.index.get(URIRef(record_iri))
    if ref is None:
        return None
    node = fragment if fragment in ("contact", "address") else "channel" if fragment.startswith("at-") else "record"
    column = records.column_for(ref.kind, path, node) if isinstance(path, URIRef) else None
    return Location(ref.file, ref.row, ref.header(column), ref.slug)
