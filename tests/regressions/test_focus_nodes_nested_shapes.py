"""Regression: an incremental check (focus nodes) missed a wrong source date, because pySHACL's
focus_nodes option filters out the literal values that nested sh:or shapes check."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from migrakg.build import parse_turtle_dir
from migrakg.validate import load_shapes, validate_graph
from migrakg.vocabularies import load_vocabularies

ROOT = Path(__file__).resolve().parents[2]
RECORD = URIRef("https://w3id.org/migrakg/id/organisation/synthetic-x")
DATA = """
@prefix mkg: <https://w3id.org/migrakg/ontology#> . @prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
# synthetic test record
<https://w3id.org/migrakg/id/organisation/synthetic-x> a mkg:Organisation, org:Organization, schema:Organization, schema:NGO ;
  skos:prefLabel "X e.V."@de ; schema:name "X e.V."@de ; dcterms:source <https://example.org/x> ; mkg:sourceDate "yesterday" ;
  schema:areaServed <https://w3id.org/migrakg/id/district/pankow> .
<https://w3id.org/migrakg/id/district/pankow> a mkg:District .
"""


def test_wrong_date_is_found_with_focus_nodes():
    shapes = load_shapes(ROOT / "shapes")
    data = Graph().parse(data=DATA, format="turtle")
    data += parse_turtle_dir(ROOT / "ontology", "ontology") + load_vocabularies(ROOT / "vocab").graph
    report = validate_graph(data, shapes, focus_nodes=[RECORD])
    assert [r.shape_name() for r in report.violations] == ["mkgsh:Provenance-sourceDate"]
    assert all(r.focus == RECORD for r in report.results), "results of other nodes (the bare district) are left out"
