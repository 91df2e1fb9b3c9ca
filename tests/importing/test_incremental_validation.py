"""The shapes on what an import changes: the same verdict as a validation of the whole import.

- every fixture of tests/shapes, validated with pySHACL's own per-node evaluation and with the property
  shapes run once for all focus nodes (`validate.BATCHED_PROPERTY_SHAPES`), gives the same results;
- each record of each invalid fixture, validated alone in its neighbourhood (`validate_records`), gives
  exactly the results the whole fixture's validation gives about it;
- through the write path: an unchanged re-import validates nothing, a changed record is validated with
  the records that point to it (an unchanged membership whose network became an organisation is refused,
  as a whole validation refuses it), and the verdict equals the whole validation's.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from migrakg import validate
from migrakg.errors import NotConforming
from migrakg.importing import (
    Parsed,
    prepare_import,
    record_key,
    reference_graph,
    run_import,
    validate_import,
    validate_records,
)
from migrakg.kb import KnowledgeBase
from migrakg.kb.checks import ShapeCheck
from migrakg.settings import ProjectPaths
from migrakg.validate import validate_graph

SHAPES_TESTS = Path(__file__).resolve().parent.parent / "shapes"
FIXTURES = sorted(SHAPES_TESTS.glob("*/*.ttl"))
INVALID = sorted((SHAPES_TESTS / "invalid").glob("*.ttl"))
NETWORKS = SHAPES_TESTS / "valid" / "network-memberships.ttl"
BASE = "https://w3id.org/migrakg/"


@pytest.fixture(scope="module")
def checks(settings) -> ShapeCheck:
    return ShapeCheck(ProjectPaths.from_settings(settings))


def results(report) -> list[tuple]:
    return sorted(
        (str(r.focus), str(r.path), str(r.shape), r.severity, str(r.value), tuple(sorted(r.messages.items())))
        for r in report.results
    )


def test_property_shapes_for_all_focus_nodes_find_what_pyshacl_finds_node_by_node(checks, monkeypatch):
    shapes, terms = checks.loaded()
    graphs = {path.name: Graph().parse(path, format="turtle") + terms for path in FIXTURES}
    batched = {name: results(validate_graph(graph, shapes)) for name, graph in graphs.items()}
    monkeypatch.setattr(validate, "BATCHED_PROPERTY_SHAPES", False)
    one_by_one = {name: results(validate_graph(graph, shapes)) for name, graph in graphs.items()}
    assert batched == one_by_one
    assert sum(1 for found in batched.values() if any(r[3] == "Violation" for r in found)) >= len(INVALID)


def test_a_prepared_sparql_query_answers_each_binding_anew():
    graph = Graph()
    for n in range(3):
        graph.add((URIRef(f"{BASE}id/x/{n}"), URIRef(f"{BASE}p"), Literal(n)))
    query = f"SELECT ?v WHERE {{ $this <{BASE}p> ?v }}"
    for n in (2, 0, 1, 2):
        rows = list(graph.query(query, initBindings={"this": URIRef(f"{BASE}id/x/{n}")}))
        assert [int(row[0]) for row in rows] == [n]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_each_record_alone_has_the_results_of_the_whole_validation(path, checks, settings):
    shapes, terms = checks.loaded()
    graph = Graph().parse(path, format="turtle")
    parsed = Parsed("fixture", "rdf", path.name, "", graph, None)
    paths = ProjectPaths.from_settings(settings)
    empty = ox.Store()
    whole = validate_import(parsed, reference_graph(empty, graph, BASE, paths, terms), shapes)
    assert not whole.conforms, "the fixture is invalid as a whole"
    keys = sorted({record_key(str(s)) for s, _p, _o in graph if isinstance(s, URIRef)})
    found = []
    for key in keys:
        alone = validate_records(parsed, {key}, empty, BASE, paths, shapes, terms)
        expected = [r for r in whole.results if record_key(str(r.focus)) == key]
        assert results(alone) == sorted(results(type(whole)(expected))), key
        found += alone.results
    assert sorted(results(type(whole)(found))) == results(whole)


@pytest.fixture
def kb(settings, kb_template, tmp_path):
    shutil.copytree(kb_template, tmp_path / "kb")
    with KnowledgeBase.open(tmp_path / "kb", settings) as opened:
        yield opened


def test_the_write_path_checks_only_what_can_have_changed_with_the_whole_verdict(kb, settings, tmp_path):
    first = tmp_path / "netz.ttl"
    shutil.copy(NETWORKS, first)
    outcome = run_import(settings, first, kb=kb, source="netz")
    records = len(outcome.diff.added)
    assert outcome.written and outcome.checked == records >= 5

    again = run_import(settings, first, kb=kb, source="netz")
    assert again.unchanged and not again.written and again.checked == 0

    renamed = tmp_path / "netz-2.ttl"
    text = NETWORKS.read_text(encoding="utf-8")
    renamed.write_text(
        text.replace('"Netzwerk Beispiel Berlin"@de ;', '"Netzwerk Beispiel Berlin (neu)"@de ;', 1), encoding="utf-8"
    )
    changed = run_import(settings, renamed, kb=kb, source="netz")
    assert changed.written and changed.diff.changed == [f"{BASE}id/network/netzwerk-beispiel-berlin"]
    # the changed network, and the records pointing to it (its membership, the working group it is a member of)
    assert 2 <= changed.checked < records

    broken = tmp_path / "netz-3.ttl"
    broken.write_text(
        text.replace("<network/ak-beispiel-spandau> a mkg:Network ;", "<network/ak-beispiel-spandau> a mkg:Organisation ;"),
        encoding="utf-8",
    )
    before = set(kb.store)
    with pytest.raises(NotConforming) as refused:
        run_import(settings, broken, kb=kb, source="netz")
    assert set(kb.store) == before
    membership = f"{BASE}id/membership/ak-beispiel-spandau--beispielverein-ev--chair"
    incremental = refused.value.report
    assert membership in {str(r.focus) for r in incremental.violations}, "the unchanged membership is checked again"
    try:
        prepare_import(settings, broken, store=kb.store, source="netz", checks=kb.shapes)  # no kb: the whole import
    except NotConforming as whole:
        assert results(whole.report) == results(incremental)
    else:  # pragma: no cover - the whole validation must refuse it too
        pytest.fail("the whole validation accepted what the incremental one refused")


def test_a_preview_and_its_apply_read_the_file_once_and_write_what_a_fresh_import_writes(kb, settings, kb_template, tmp_path):
    path = tmp_path / "netz.ttl"
    shutil.copy(NETWORKS, path)
    when = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    preview = run_import(settings, path, kb=kb, source="netz", dry_run=True, now=when)
    assert not preview.reused and not preview.written and len(kb.readings) == 1
    applied = run_import(settings, path, kb=kb, source="netz", now=when)
    assert applied.reused and applied.written and applied.parsed is preview.parsed

    shutil.copytree(kb_template, tmp_path / "fresh")
    with KnowledgeBase.open(tmp_path / "fresh", settings) as fresh:
        direct = run_import(settings, path, kb=fresh, source="netz", now=when)
        assert not direct.reused and direct.written
        assert set(fresh.store) == set(kb.store)
        assert direct.diff == applied.diff and results(direct.report) == results(applied.report)
