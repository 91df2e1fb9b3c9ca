"""Columns that make the model say what the sources say: a name in its own language, the part of an
authority (unit / post), values marked as inferred. Synthetic rows under example slugs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from migrakg.errors import SourceError
from migrakg.namespaces import MKG, ORG, SCHEMA
from migrakg.sources.csvsource import read_sources
from migrakg.vocabularies import load_vocabularies

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/migrakg/id/"
HEADER = "slug,name,name_language,kind_of_body,public_body,unit_of,fields,inferred,source_url,source_date\n"


def build(tmp_path: Path, rows: str) -> dict[tuple, None]:
    path = tmp_path / "organisations.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    records = read_sources([(path, "organisations.csv")], load_vocabularies(ROOT / "vocab"))
    return {t: None for triples in records.graphs.values() for t in triples}


def test_name_in_its_own_language_and_inferred_fields(tmp_path):
    triples = build(
        tmp_path, "beispiel-movimiento-ev,Beispiel en Movimiento e.V.,es,,,,language,fields,https://example.org/x,2024\n"
    )
    s = URIRef(ID + "organisation/beispiel-movimiento-ev")
    assert (s, SKOS.prefLabel, Literal("Beispiel en Movimiento e.V.", lang="es")) in triples
    assert (s, SCHEMA.name, Literal("Beispiel en Movimiento e.V.", lang="es")) in triples
    assert (s, MKG.inferred, MKG.fieldOfActivity) in triples


def test_parts_of_an_authority_are_unit_and_post(tmp_path):
    triples = build(
        tmp_path,
        "bezirksamt-beispiel,Bezirksamt Beispiel,,,yes,,,,https://example.org/ba,2024\n"
        "stabsstelle-beispiel,Stabsstelle Integration Beispiel,,unit,yes,bezirksamt-beispiel,,,https://example.org/st,2024\n"
        "beauftragte-beispiel,Integrationsbeauftragte Beispiel,,post,yes,bezirksamt-beispiel,,,https://example.org/ib,2024\n",
    )
    assert (URIRef(ID + "organisation/bezirksamt-beispiel"), RDF.type, ORG.FormalOrganization) in triples
    assert (URIRef(ID + "organisation/stabsstelle-beispiel"), RDF.type, ORG.OrganizationalUnit) in triples
    assert (URIRef(ID + "organisation/stabsstelle-beispiel"), RDF.type, ORG.FormalOrganization) not in triples
    assert (URIRef(ID + "organisation/beauftragte-beispiel"), RDF.type, ORG.Post) in triples


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("x-ev,X e.V.,spanisch!,,,,,,https://example.org/x,2024\n", "name_language"),
        ("x-ev,X e.V.,,abteilung,yes,,,,https://example.org/x,2024\n", "kind_of_body"),
        ("x-ev,X e.V.,,,,,,herkunft,https://example.org/x,2024\n", "inferred"),
    ],
)
def test_unreadable_values_name_row_and_column(tmp_path, row, column):
    with pytest.raises(SourceError) as caught:
        build(tmp_path, row)
    [problem] = caught.value.problems
    assert problem.location.row == 2 and problem.location.column == column
