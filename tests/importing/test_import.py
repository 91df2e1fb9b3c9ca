"""`migrakg import`: every format, all or nothing, row/column messages, per-record diff, no-op re-import,
imports kept across rebuilds."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from migrakg.cli import main
from migrakg.errors import NotConforming, SourceError, UsageError
from migrakg.importing import remove_source, run_import
from migrakg.kb import KnowledgeBase
from migrakg.kb.curated import ensure_curated

BASE = "https://w3id.org/migrakg/"
HEADER = [
    "slug",
    "name",
    "alt_names",
    "legal_form",
    "seat_district",
    "districts",
    "website",
    "email",
    "source_url",
    "source_date",
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def org(slug: str, name: str, **extra: str) -> list[str]:
    values = {
        "slug": slug,
        "name": name,
        "districts": "pankow",
        "source_url": "https://example.org/liste",
        "source_date": "2024",
        **extra,
    }
    return [values.get(column, "") for column in HEADER]


@pytest.fixture
def store(settings, kb_template, tmp_path):
    shutil.copytree(kb_template, tmp_path / "kb")
    kb = KnowledgeBase.open(tmp_path / "kb", settings)
    yield kb
    kb.close()


def ask(store, query: str) -> bool:
    return bool(store.store.query(query, use_default_graph_as_union=True))


def quads(store) -> set:
    return set(store.store)


def graph_size(store, name: str) -> int:
    return len(list(store.store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}graph/import/{name}"))))


def test_hsds_package_imports_into_its_own_graph_with_provenance(settings, store, shared):
    outcome = run_import(settings, shared / "data/hsds3-example", source="hsds", kb=store, agent="tester")
    assert outcome.written and len(outcome.diff.added) == 3
    kinds = sorted(iri.split("/id/")[1].split("/")[0] for iri in outcome.diff.added)
    assert kinds == ["offer", "organisation", "place"]
    offer = f"{BASE}id/offer/hsds--ac148810-d857-441c-9679-408f346de14b"
    assert ask(
        store,
        f"ASK {{ GRAPH <{BASE}graph/import/hsds> {{ <{offer}> <http://purl.org/dc/terms/language> "
        f"<http://publications.europa.eu/resource/authority/language/URD> }} }}",
    )
    meta = f"{BASE}graph/meta"
    graph = f"{BASE}graph/import/hsds"
    assert ask(
        store,
        f"""ASK {{ GRAPH <{meta}> {{ <{graph}> <http://www.w3.org/ns/prov#wasAttributedTo> ?a .
        ?a <http://www.w3.org/2000/01/rdf-schema#label> "tester" . <{graph}> <http://www.w3.org/ns/prov#generatedAtTime> ?t .
        <{graph}#file> <{BASE}ontology#sha256> ?sha }} }}""",
    )
    # no personal data: the contact person's name is not taken, only the functional e-mail address
    assert not any("Ann Persona" in str(q.object) for q in store.store)
    change = store.changes[-1]
    assert change.activity == "import" and change.source == "hsds" and change.agent.name == "command line"
    assert change.extra["sha256"] and change.records["added"]


def test_reimporting_the_same_file_changes_nothing(settings, store, shared):
    path = shared / "data/hsds3-example"
    run_import(settings, path, source="hsds", kb=store)
    before, generation = quads(store), store.generation
    again = run_import(settings, path, source="hsds", kb=store)
    assert again.unchanged and not again.written and again.diff.empty
    assert quads(store) == before and store.generation == generation


def test_osm_community_centres_import_and_survive_a_rebuild(settings, store, shared):
    outcome = run_import(settings, shared / "data/osm/berlin-community-centres-2025-09.csv", source="osm", kb=store)
    assert len(outcome.diff.added) > 400
    assert any("no name" in note for note in outcome.parsed.notes)  # skipped rows are listed, not silent
    size = graph_size(store, "osm")
    ensure_curated(store, settings, force=True)  # what `migrakg build` does when data/ changed
    assert graph_size(store, "osm") == size
    place = f"{BASE}id/place/osm--8435917975"
    assert ask(
        store,
        f"""ASK {{ <{place}> <http://www.w3.org/ns/locn#address> ?a .
        ?a <http://www.w3.org/ns/locn#locatorDesignator> "22D" ; <http://www.w3.org/ns/locn#postCode> "13593" .
        <{place}> <{BASE}ontology#district> <{BASE}id/district/spandau> }}""",
    )


def test_a_file_with_bad_rows_changes_nothing_and_names_every_row(settings, store, tmp_path):
    path = write_csv(
        tmp_path / "liste.csv",
        [
            org("verein-a", "Verein A e.V."),
            org("Verein B", "Verein B e.V."),
            org("verein-c", "Verein C", legal_form="kaputt", districts="nirgendwo"),
            org("verein-d", ""),
        ],
    )
    before = quads(store)
    with pytest.raises(SourceError) as caught:
        run_import(settings, path, kb=store)
    where = {(p.location.row, p.location.column) for p in caught.value.problems}
    assert {(3, "slug"), (4, "legal_form"), (4, "districts"), (5, "name")} <= where
    assert all(p.text.de and p.text.en for p in caught.value.problems)
    assert quads(store) == before and store.last_change(activity="import") is None


def test_shacl_violations_change_nothing_and_name_row_and_column(settings, store, tmp_path):
    path = write_csv(
        tmp_path / "liste.csv",
        [
            org("verein-a", "Verein A e.V."),
            org("verein-e", "Verein E", website="keine-url", email="not-an-email"),
            org("verein-f", "Verein F", source_date="20244"),
        ],
    )
    before = quads(store)
    with pytest.raises(NotConforming) as caught:
        run_import(settings, path, kb=store)
    where = {(r.location.row, r.location.column) for r in caught.value.report.violations}
    assert where == {(3, "website"), (3, "email"), (4, "source_date")}
    assert quads(store) == before


def test_exit_codes(settings, built, tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    store = str(tmp_path / "store")
    bad_shapes = write_csv(tmp_path / "a.csv", [org("verein-e", "Verein E", website="keine-url")])
    unreadable = write_csv(tmp_path / "b.csv", [org("Verein B", "Verein B")])
    assert main(["import", str(bad_shapes), "--store", store]) == 1
    assert main(["import", str(unreadable), "--store", store]) == 2
    good = write_csv(tmp_path / "c.csv", [org("verein-a", "Verein A")])
    assert main(["import", str(good), "--store", store, "--dry-run"]) == 0
    assert main(["import", str(good), "--store", store]) == 0


def test_a_changed_file_updates_exactly_the_changed_records(settings, store, tmp_path):
    path = tmp_path / "liste.csv"
    write_csv(path, [org("verein-a", "Verein A"), org("verein-b", "Verein B"), org("verein-c", "Verein C")])
    run_import(settings, path, kb=store)
    write_csv(path, [org("verein-a", "Verein A"), org("verein-b", "Verein B e.V."), org("verein-d", "Verein D")])
    outcome = run_import(settings, path, kb=store)
    short = lambda items: [i.rsplit("/", 1)[1] for i in items]  # noqa: E731
    assert short(outcome.diff.added) == ["liste--verein-d"]
    assert short(outcome.diff.changed) == ["liste--verein-b"]
    assert short(outcome.diff.removed) == ["liste--verein-c"]
    assert not ask(store, f"ASK {{ <{BASE}id/organisation/liste--verein-c> ?p ?o }}")


def test_dry_run_writes_nothing(settings, store, tmp_path):
    path = write_csv(tmp_path / "liste.csv", [org("verein-a", "Verein A")])
    before = quads(store)
    outcome = run_import(settings, path, kb=store, dry_run=True)
    assert outcome.diff.added and not outcome.written
    assert quads(store) == before and store.last_change(activity="import") is None


def test_imported_records_never_collide_with_ours_and_may_point_to_ours(settings, store, tmp_path):
    orgs = write_csv(tmp_path / "pankow.csv", [org("narud-ev", "NARUD e.V. (Kopie)")])
    run_import(settings, orgs, kb=store)
    assert ask(store, f'ASK {{ <{BASE}id/organisation/pankow--narud-ev> ?p "NARUD e.V. (Kopie)"@de }}')
    assert not ask(store, f'ASK {{ <{BASE}id/organisation/narud-ev> ?p "NARUD e.V. (Kopie)"@de }}')
    places = write_csv(
        tmp_path / "orte.csv",
        [["genter-7", "NARUD Büro", "narud-ev", "Genter Str.", "7", "13353", "Berlin", "mitte", "https://narud.org/", "2024"]],
        header=[
            "slug",
            "name",
            "organisation",
            "street",
            "house_number",
            "postcode",
            "city",
            "district",
            "source_url",
            "source_date",
        ],
    )
    outcome = run_import(settings, places, kb=store)
    assert [i.rsplit("/", 1)[1] for i in outcome.diff.added] == ["orte--genter-7"]
    assert ask(
        store, f"ASK {{ <{BASE}id/organisation/narud-ev> <http://www.w3.org/ns/org#hasSite> <{BASE}id/place/orte--genter-7> }}"
    )


def test_xlsx_rows_are_numbered_as_in_excel(settings, store, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(org("verein-a", "Verein A"))
    sheet.append([None] * len(HEADER))  # an empty row 3
    sheet.append(org("verein-x", "Verein X", legal_form="kaputt"))  # row 4
    path = tmp_path / "liste.xlsx"
    book.save(path)
    with pytest.raises(SourceError) as caught:
        run_import(settings, path, kb=store)
    assert [(p.location.file, p.location.row, p.location.column) for p in caught.value.problems] == [
        ("liste.xlsx", 4, "legal_form")
    ]
    sheet["D4"] = "ev"
    book.save(path)
    outcome = run_import(settings, path, kb=store)
    assert sorted(i.rsplit("/", 1)[1] for i in outcome.diff.added) == ["liste--verein-a", "liste--verein-x"]


RDF = """@prefix mkg: <https://w3id.org/migrakg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/kb/org/1> a mkg:Organisation, org:Organization, schema:Organization, schema:NGO ;
  skos:prefLabel "Nachbarn e.V."@de ; schema:name "Nachbarn e.V."@de ;
  schema:areaServed <https://w3id.org/migrakg/id/district/spandau> ;
  dcterms:source <https://example.org/kb> ; mkg:sourceDate "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
  rdfs:seeAlso [ schema:name "ein Knoten ohne Namen" ] .
"""


def test_rdf_keeps_the_source_iris_and_reimport_is_a_no_op(settings, store, tmp_path):
    path = tmp_path / "nachbarn.ttl"
    path.write_text(RDF, encoding="utf-8")
    outcome = run_import(settings, path, kb=store)
    assert "https://example.org/kb/org/1" in outcome.diff.added
    assert not any(isinstance(t, ox.BlankNode) for q in store.store for t in (q.subject, q.object))
    again = run_import(settings, path, kb=store)
    assert again.unchanged


def test_rdf_that_breaks_the_shapes_is_refused(settings, store, tmp_path):
    path = tmp_path / "kaputt.ttl"
    path.write_text(RDF.replace('skos:prefLabel "Nachbarn e.V."@de ; ', ""), encoding="utf-8")
    before = quads(store)
    with pytest.raises(NotConforming):
        run_import(settings, path, kb=store)
    assert quads(store) == before


def test_hsds_json_with_nested_records(settings, store):
    """HSDS 3.0 JSON (a page of organizations with nested services, locations, languages, contacts, phones, funding)."""
    outcome = run_import(settings, Path(__file__).with_name("hsds-example.json"), source="hsds-json", kb=store)
    assert sorted(i.rsplit("/", 1)[1] for i in outcome.diff.added) == ["hsds-json--loc-1", "hsds-json--org-1", "hsds-json--svc-1"]
    offer, org_iri = f"{BASE}id/offer/hsds-json--svc-1", f"{BASE}id/organisation/hsds-json--org-1"
    lang = "http://publications.europa.eu/resource/authority/language/"
    assert ask(
        store,
        f"ASK {{ <{offer}> <http://purl.org/dc/terms/language> <{lang}ARA>, <{lang}DEU> ; "
        f"<https://schema.org/provider> <{org_iri}> ; <https://schema.org/availableChannel> <{offer}#at-hsds-json--loc-1> . "
        f"<{offer}#at-hsds-json--loc-1> a <https://schema.org/ServiceChannel> ; "
        f"<https://schema.org/serviceLocation> <{BASE}id/place/hsds-json--loc-1> }}",
    )
    assert not ask(store, f"ASK {{ <{offer}> <https://schema.org/location> ?place }}")
    assert ask(store, f"ASK {{ <{org_iri}#contact> <http://www.w3.org/2006/vcard/ns#hasTelephone> <tel:+49301234567> }}")
    assert ask(
        store,
        f'ASK {{ <{org_iri}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c FILTER(CONTAINS(?c, "Integrationsfonds")) }}',
    )
    assert not any("Erika Muster" in str(q.object) for q in store.store)


def test_dry_run_without_a_store_creates_none(settings, built, tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    path = write_csv(tmp_path / "liste.csv", [org("verein-a", "Verein A")])
    assert main(["import", str(path), "--store", str(tmp_path / "new-store"), "--dry-run"]) == 0
    assert not (tmp_path / "new-store").exists()


def test_remove_a_source_then_revert_the_removal(settings, store, tmp_path):
    from migrakg.kb.checks import OPERATOR
    from migrakg.kb.ops import revert_proposal

    path = write_csv(tmp_path / "liste.csv", [org("verein-a", "Verein A"), org("verein-b", "Verein B")])
    run_import(settings, path, kb=store, source="liste")
    with_import = quads(store)
    change = remove_source(store, "liste")
    assert graph_size(store, "liste") == 0
    assert f"{BASE}id/organisation/liste--verein-a" in change.records["removed"]
    store.commit(lambda _s: revert_proposal(store, change.id, OPERATOR))
    assert quads(store) == with_import
    assert store.verify() == (0, 0)  # the store is exactly the replay of its change log
    with pytest.raises(UsageError):
        remove_source(store, "nie-importiert")
