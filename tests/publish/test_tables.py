"""The CSV tables round-trip: read back with csv, they give the same IRIs and values as SPARQL
SELECTs over the store (run on pyoxigraph)."""

from __future__ import annotations

import csv
import io

import pytest

from migrakg.namespaces import sparql_prefixes
from migrakg.publishing.tables import SEPARATOR, TABLES


def read(dist, name) -> list[dict[str, str]]:
    raw = (dist / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows umlauts"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def select(source, query: str) -> list[dict[str, str]]:
    return [{k: (str(v) if v is not None else "") for k, v in row.items()} for row in source.select(sparql_prefixes() + query)]


def test_every_table_has_its_documented_columns_and_crlf(dist):
    for table in TABLES:
        raw = (dist / table.file).read_bytes().decode("utf-8-sig")
        assert raw.split("\r\n", 1)[0] == ",".join(c.name for c in table.columns)
        assert raw.endswith("\r\n")


@pytest.mark.parametrize(
    "table, cls",
    [
        ("organisations.csv", "mkg:Organisation"),
        ("offers.csv", "mkg:Offer"),
        ("networks.csv", "mkg:Network"),
        ("memberships.csv", "org:Membership"),
        ("projects.csv", "mkg:Project"),
        ("funding.csv", "mkg:Funding"),
    ],
)
def test_one_row_per_thing_with_its_iri(dist, source, table, cls):
    rows = read(dist, table)
    expected = sorted(r["s"] for r in select(source, f"SELECT DISTINCT ?s WHERE {{ ?s a {cls} }}"))
    assert [r["iri"] for r in rows] == expected
    assert expected


def test_organisation_names_and_umlauts_round_trip(dist, source):
    rows = {r["iri"]: r for r in read(dist, "organisations.csv")}
    names = select(source, 'SELECT ?s ?name WHERE { ?s a mkg:Organisation ; schema:name ?name FILTER(lang(?name) = "de") }')
    assert names
    for row in names:
        assert rows[row["s"]]["name"] == row["name"]
    assert any(ch in "".join(r["name"] for r in rows.values()) for ch in "äöüß")


def test_organisation_e_mail_and_public_body(dist, source):
    rows = {r["iri"]: r for r in read(dist, "organisations.csv")}
    mails = select(source, "SELECT ?s ?m WHERE { ?s a mkg:Organisation ; schema:contactPoint/vcard:hasEmail ?m }")
    for row in mails:
        assert rows[row["s"]]["email"] == row["m"].removeprefix("mailto:")
    bodies = {r["s"] for r in select(source, "SELECT ?s WHERE { ?s a mkg:PublicBody }")}
    assert bodies and {iri for iri, r in rows.items() if r["public_body"] == "yes"} == bodies


def test_memberships_round_trip(dist, source):
    rows = {(r["network"], r["member"], r["role"]) for r in read(dist, "memberships.csv")}
    expected = {
        (r["n"], r["m"], r["r"])
        for r in select(
            source, "SELECT ?n ?m ?r WHERE { ?x a org:Membership ; org:organization ?n ; org:member ?m ; org:role ?r }"
        )
    }
    assert rows == expected and len(rows) > 40


def test_offer_providers_and_languages_round_trip(dist, source):
    rows = {r["iri"]: r for r in read(dist, "offers.csv")}
    providers: dict[str, set[str]] = {}
    for r in select(source, "SELECT ?o ?p WHERE { ?o a mkg:Offer ; schema:provider ?p }"):
        providers.setdefault(r["o"], set()).add(r["p"])
    for offer, expected in providers.items():
        assert set(rows[offer]["providers"].split(SEPARATOR)) == expected
    languages: dict[str, set[str]] = {}
    for r in select(source, "SELECT ?o ?l WHERE { ?o a mkg:Offer ; dcterms:language ?l }"):
        languages.setdefault(r["o"], set()).add(r["l"])
    for offer, row in rows.items():
        assert set(filter(None, row["languages"].split(SEPARATOR))) == languages.get(offer, set())


def test_funding_and_projects_round_trip(dist, source):
    funding = {r["iri"]: r for r in read(dist, "funding.csv")}
    for r in select(source, "SELECT ?f ?funder WHERE { ?f a mkg:Funding ; schema:funder ?funder }"):
        assert funding[r["f"]]["funder"] == r["funder"]
    projects = {r["iri"]: r for r in read(dist, "projects.csv")}
    for r in select(source, "SELECT ?p ?start WHERE { ?p a mkg:Project ; schema:startDate ?start }"):
        assert projects[r["p"]]["start"] == r["start"]


def test_columns_are_documented(settings):
    text = (settings.root / "docs" / "publishing.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"`{table.file}`" in text
        for column in table.columns:
            assert f"`{column.name}`" in text, (table.file, column.name)
