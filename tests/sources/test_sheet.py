"""One flat sheet as coordinators keep it → records: the SYNTHETIC Lichtenberg workbook, a Windows-1252
semicolon CSV of another shape, references by name, errors by Excel row and her header."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migrakg.errors import SourceError
from migrakg.importing import build_records
from migrakg.namespaces import DEFAULT_BASE
from migrakg.sources.mapping import MappingMemory, propose
from migrakg.sources.sheet import is_flat_sheet, read_sheet, slug_resolver, slugify
from migrakg.sources.tables import read_tables
from migrakg.vocabularies import load_vocabularies

from .synthetic import CSV_ROWS, NOTE, ORGANISATIONS, write_lichtenberg_xlsx, write_pankow_csv

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 30)
KB = {"district": {"lichtenberg", "pankow", "mitte", "spandau"}, "network": {"ak-lingua-pankow"}, "organisation": {"narud-ev"}}


@pytest.fixture(scope="module")
def vocab():
    return load_vocabularies(ROOT / "vocab")


@pytest.fixture
def workbook(tmp_path):
    return write_lichtenberg_xlsx(tmp_path / "MSO-Liste Lichtenberg.xlsx")


def rows(reading, kind):
    return {row.values["slug"] if "slug" in row.values else row.values["network"] + "/" + row.values["member"]: row for f in reading.files if f.spec.kind == kind for row in f.rows}  # fmt: skip


def test_the_messy_workbook_becomes_organisations_places_offers_networks_memberships(workbook, vocab):
    reading = read_sheet(workbook, source="lichtenberg", vocab=vocab, today=TODAY)
    orgs = rows(reading, "organisation")
    assert len(orgs) == 15
    assert len(rows(reading, "place")) == 15
    assert len(rows(reading, "network")) == 1
    assert len(rows(reading, "membership")) == 6
    offers = rows(reading, "offer")
    assert "synthetischer-verein-iranischer-frauen-ev-muetterfruehstueck" in offers  # from the "Angebote" sheet
    first = orgs["synthetischer-verein-iranischer-frauen-ev"]
    assert first.number == 3  # title line, header in row 2: her first organisation is Excel row 3
    assert first.values["legal_form"] == "ev"
    assert first.values["seat_district"] == "lichtenberg"
    assert first.values["website"] == "https://www.svif.example"
    assert first.values["phone"] == "+49305551001"
    assert first.values["founded"] == "1998"
    assert first.values["note"].startswith(NOTE)
    place = rows(reading, "place")["synthetischer-verein-iranischer-frauen-ev"]
    assert (place.values["street"], place.values["house_number"], place.values["postcode"]) == ("Möllendorffstr.", "10", "10367")
    karlshorst = orgs["synthetische-initiative-nachbarschaft-karlshorst"]
    assert karlshorst.values["seat_district"] == "lichtenberg" and karlshorst.values["legal_form"] == "initiative"
    beratung = offers["synthetischer-verein-iranischer-frauen-ev-beratung-fuer-frauen"]
    assert beratung.values["languages"] == "FAS | DEU" and beratung.values["offer_type"] == "counselling"
    assert beratung.values["target_groups"] == "women"
    assert set(reading.mappings) == {"MSO Lichtenberg", "Angebote"}  # "Hinweise" holds no records


def test_every_record_has_the_list_itself_as_source_when_it_names_none(workbook, vocab):
    reading = read_sheet(workbook, source="lichtenberg", vocab=vocab, today=TODAY)
    for source_file in reading.files:
        for row in source_file.rows:
            assert row.values["source_url"] == f"{DEFAULT_BASE}source/upload/lichtenberg/2026-11-30"
            assert row.values["source_date"] == "2026-11-30"
    page = "https://lichtenberg.example/mso-liste"
    again = read_sheet(workbook, source="lichtenberg", vocab=vocab, today=TODAY, provenance_url=page)
    assert {r.values["source_url"] for f in again.files for r in f.rows} == {page}


def test_no_private_person_is_taken(workbook, vocab):
    reading = read_sheet(workbook, source="lichtenberg", vocab=vocab, today=TODAY)
    everything = " ".join(v for f in reading.files for r in f.rows for v in r.values.values())
    assert "Erika Beispiel" not in everything
    person = [w for w in reading.warnings if w.location.column == "Ansprechpartner"]
    assert len(person) == 1 and person[0].location.row == 2 and "Privatpersonen" in person[0].text.de


def test_read_as_notes_and_warnings_name_her_row_and_header(workbook, vocab):
    reading = read_sheet(workbook, source="lichtenberg", vocab=vocab, today=TODAY)
    notes = {(n.location.row, n.location.column): n.text for n in reading.notes}
    assert "Karlshorst" in notes[(5, "Ortsteil/Bezirk")].de and "Lichtenberg" in notes[(5, "Ortsteil/Bezirk")].de
    assert "https://www.svif.example" in notes[(3, "Webseite")].en
    lingala = [w for w in reading.warnings if w.location.column == "Sprachen"]
    assert len(lingala) == 1 and lingala[0].location.row == 9
    elternverein = rows(reading, "organisation")["synthetischer-afrikanischer-elternverein-ev"]
    assert "Lingala" in elternverein.values["note"]  # read, not in the vocabulary: kept, not lost


def test_slugs_come_from_names_so_a_corrected_file_updates_the_same_records(tmp_path, vocab):
    first = read_sheet(write_lichtenberg_xlsx(tmp_path / "liste.xlsx"), source="lichtenberg", vocab=vocab, today=TODAY)
    corrected = read_sheet(write_lichtenberg_xlsx(tmp_path / "liste-v3.xlsx"), source="lichtenberg", vocab=vocab, today=TODAY)
    assert set(rows(first, "organisation")) == set(rows(corrected, "organisation"))


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Verein Iranischer Frauen e.V.", "verein-iranischer-frauen-ev"),
        ("Kulturverein Hohenschönhausen e. V.", "kulturverein-hohenschoenhausen-ev"),
        ("Bildungswerk gGmbH", "bildungswerk-ggmbh"),
        ("Café Ümit & Söhne", "cafe-uemit-soehne"),
        ("Sources d´Espoir e.V.", "sources-despoir-ev"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_one_bad_postcode_refuses_the_whole_file_naming_her_row_and_header(tmp_path, vocab):
    path = write_lichtenberg_xlsx(tmp_path / "liste.xlsx", bad_postcode_row=4)
    with pytest.raises(SourceError) as caught:
        read_sheet(path, source="lichtenberg", vocab=vocab, today=TODAY)
    problems = caught.value.problems
    assert len(problems) == 1  # counted once
    assert (problems[0].location.row, problems[0].location.column) == (7, "PLZ")
    german, english = caught.value.message("de"), caught.value.message("en")
    assert "Zeile 7, Spalte PLZ" in german and "1036" in german and "row" not in german
    assert "row 7, column PLZ" in english and "Zeile" not in english


def test_every_error_of_every_row_is_reported_once(tmp_path, vocab):
    import openpyxl

    path = write_lichtenberg_xlsx(tmp_path / "liste.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["MSO Lichtenberg"]
    sheet["G4"] = "keine Webseite"  # Webseite, row 4
    sheet["E6"] = "80331"  # PLZ in Munich, row 6
    sheet["F8"] = "Atlantis"  # Ortsteil/Bezirk, row 8
    sheet["C10"] = ""  # Rechtsform empty is fine
    workbook.save(path)
    with pytest.raises(SourceError) as caught:
        read_sheet(path, source="lichtenberg", vocab=vocab, today=TODAY)
    where = sorted((p.location.row, p.location.column) for p in caught.value.problems)
    assert where == [(4, "Webseite"), (6, "PLZ"), (8, "Ortsteil/Bezirk")]


def test_semicolon_csv_in_windows_1252_of_another_shape(tmp_path, vocab):
    path = write_pankow_csv(tmp_path / "pankow.csv", encoding="cp1252")
    assert path.read_bytes().count("ß".encode("cp1252")) > 0  # really Windows-1252
    reading = read_sheet(path, source="pankow-liste", vocab=vocab, today=TODAY)
    orgs = rows(reading, "organisation")
    assert set(orgs) == {slugify(r[0]) for r in CSV_ROWS}
    treffpunkt = orgs["synthetischer-treffpunkt-prenzlauer-berg"]
    assert treffpunkt.values["seat_district"] == "pankow"  # Ortsteil Prenzlauer Berg
    assert treffpunkt.values["unit_of"] == "synthetischer-traegerverein-nord-ev"  # her Träger, a later row
    place = rows(reading, "place")["synthetischer-treffpunkt-prenzlauer-berg"]
    assert (place.values["street"], place.values["house_number"], place.values["postcode"]) == ("Kollwitzstraße", "1", "10405")
    assert orgs["synthetische-beratungsstelle-weissensee"].values["source_url"] == "https://www.sbw-weissensee.example/ueber-uns"
    assert any("Windows-1252" in n.text.de for n in reading.notes)


@pytest.mark.parametrize("encoding, bom", [("utf-8", True), ("utf-8", False)])
def test_semicolon_csv_in_utf8_with_or_without_bom(tmp_path, vocab, encoding, bom):
    path = write_pankow_csv(tmp_path / "pankow.csv", encoding=encoding, bom=bom)
    reading = read_sheet(path, source="pankow-liste", vocab=vocab, today=TODAY)
    offers = rows(reading, "offer")
    cafe = next(r for r in offers.values() if r.values["provider"] == "synthetisches-cafe-buch")
    assert cafe.values["languages"] == "RUS"  # "Русский"
    assert not any("Windows-1252" in n.text.de for n in reading.notes)


def test_comma_csv_is_read_too(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text("Name,PLZ,Bezirk\nSynthetischer Verein A,10405,Pankow\n", encoding="utf-8")
    reading = read_sheet(path, source="x", vocab=vocab, today=TODAY)
    assert rows(reading, "organisation")["synthetischer-verein-a"].values["seat_district"] == "pankow"


def test_names_refer_to_records_the_knowledge_base_has(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text(
        "Name der Organisation;Netzwerk / Gremium;Träger\nSynthetischer Verein B;AK Lingua Pankow;NARUD\n", encoding="utf-8"
    )
    reading = read_sheet(path, source="x", vocab=vocab, today=TODAY, known=slug_resolver(KB))
    memberships = rows(reading, "membership")
    assert list(memberships) == ["ak-lingua-pankow/synthetischer-verein-b"]
    assert not rows(reading, "network")  # the known network is not created again
    assert rows(reading, "organisation")["synthetischer-verein-b"].values["unit_of"] == "narud-ev"
    graph, _records = build_records(reading.files, vocab, "x", KB)
    assert any(str(o).endswith("/id/network/ak-lingua-pankow") for o in graph.objects())


def test_an_offer_of_an_unknown_organisation_names_her_row_and_header(tmp_path, vocab):
    import openpyxl

    path = write_lichtenberg_xlsx(tmp_path / "liste.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Angebote"].append(["Yoga", "Gibt es nicht e.V.", "Kurs", "Deutsch", ""])
    workbook.save(path)
    with pytest.raises(SourceError) as caught:
        read_sheet(path, source="lichtenberg", vocab=vocab, today=TODAY)
    (problem,) = caught.value.problems
    assert problem.location.file.endswith("› Angebote") and (problem.location.row, problem.location.column) == (5, "Organisation")


def test_the_same_organisation_twice_is_an_error_naming_both_rows(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text("Name;PLZ\nSynthetischer Verein C e.V.;10405\nSynthetischer Verein C e. V.;10405\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_sheet(path, source="x", vocab=vocab, today=TODAY)
    (problem,) = caught.value.problems
    assert problem.location.row == 3 and "Zeile 2" in problem.text.de


def test_her_corrected_mapping_is_used(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text("Name;Kontakt;Info\nSynthetischer Verein D;info@d.example;d.example\n", encoding="utf-8")
    table = read_tables(path, path.name)[0]
    mapping = propose(table.headers, [c for _n, c in table.data()])
    mapping.set("Info", "website")
    reading = read_sheet(path, source="x", vocab=vocab, today=TODAY, mappings={table.title: mapping})
    org = rows(reading, "organisation")["synthetischer-verein-d"]
    assert org.values["email"] == "info@d.example" and org.values["website"] == "https://d.example"


def test_a_remembered_mapping_is_used_next_month(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text("Name;Spalte 2\nSynthetischer Verein E;Herbst\n", encoding="utf-8")
    memory = MappingMemory(tmp_path / "mappings")
    table = read_tables(path, path.name)[0]
    mapping = propose(table.headers, [])
    mapping.set("Spalte 2", "note")
    memory.remember("x", mapping)
    reading = read_sheet(path, source="x", vocab=vocab, today=TODAY, memory=memory)
    assert rows(reading, "organisation")["synthetischer-verein-e"].values["note"] == "Herbst"


def test_a_sheet_without_a_name_column_says_which_columns_it_recognised(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text("PLZ;Webseite\n10405;www.x.example\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_sheet(path, source="x", vocab=vocab, today=TODAY)
    assert "Name der Organisation" in caught.value.message("de") and "PLZ" in caught.value.message("de")


def test_template_files_are_not_flat_sheets_and_her_files_are(tmp_path, workbook):
    assert is_flat_sheet(workbook)
    assert is_flat_sheet(write_pankow_csv(tmp_path / "p.csv"))
    assert not is_flat_sheet(ROOT / "data" / "organisations.csv")


def test_rows_build_into_records_whose_messages_name_her_headers(tmp_path, workbook, vocab):
    reading = read_sheet(workbook, source="lichtenberg", vocab=vocab, today=TODAY)
    graph, records = build_records(reading.files, vocab, "lichtenberg", KB)
    iri = f"{DEFAULT_BASE}id/organisation/lichtenberg--synthetischer-verein-iranischer-frauen-ev"
    ref = next(ref for node, ref in records.index.items() if str(node) == iri)
    assert ref.row == 3 and ref.header("website") == "Webseite" and ref.header("seat_district") == "Ortsteil/Bezirk"
    assert len(ORGANISATIONS) == 15


def test_the_benchmark_workbook_is_labelled_synthetic_and_reads_whole(tmp_path, vocab):
    import openpyxl

    path = write_lichtenberg_xlsx(tmp_path / "bench.xlsx", count=40)
    workbook = openpyxl.load_workbook(path)
    assert "SYNTHETISCH" in workbook["MSO Lichtenberg"]["A1"].value and workbook["Hinweise"]["A1"].value == NOTE
    reading = read_sheet(path, source="bench", vocab=vocab, today=TODAY)
    organisations = rows(reading, "organisation")
    assert len(organisations) == 40 and all(slug.startswith("synthetisch") for slug in organisations)


def test_a_resolver_may_answer_with_iris_of_any_base(tmp_path, vocab):
    path = tmp_path / "liste.csv"
    path.write_text("Name der Organisation;Netzwerk / Gremium\nSynthetischer Verein F;Lingua-Runde\n", encoding="utf-8")
    names = {("network", "Lingua-Runde"): "https://kb.example/id/network/ak-lingua-pankow"}
    reading = read_sheet(path, source="x", vocab=vocab, today=TODAY, known=lambda kind, name: names.get((kind, name)))
    assert list(rows(reading, "membership")) == ["ak-lingua-pankow/synthetischer-verein-f"]


def test_a_place_names_her_address_headers(tmp_path, vocab):
    csv_reading = read_sheet(write_pankow_csv(tmp_path / "p.csv"), source="p", vocab=vocab, today=TODAY)
    place = next(iter(rows(csv_reading, "place").values()))
    assert place.headers["street"] == place.headers["postcode"] == "Anschrift"  # one address cell
    assert place.headers["district"] == "Ortsteil"
    xlsx_reading = read_sheet(write_lichtenberg_xlsx(tmp_path / "l.xlsx"), source="l", vocab=vocab, today=TODAY)
    place = next(iter(rows(xlsx_reading, "place").values()))
    assert (place.headers["street"], place.headers["house_number"], place.headers["postcode"]) == (
        "Straße + Hausnr.",
        "Straße + Hausnr.",
        "PLZ",
    )
