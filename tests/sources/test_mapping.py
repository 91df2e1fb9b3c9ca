"""Her columns, understood: headers by name and by content, evidence, corrections, remembered mappings."""

from __future__ import annotations

import json

import pytest

from migrakg.sources.mapping import Mapping, MappingMemory, classify_sheet, header_signature, propose

HEADERS = [
    # (her header, field)
    ("Name der Organisation", "name"),
    ("name der organisation", "name"),
    ("NAME DER ORGANISATION", "name"),
    ("Organisation", "name"),
    ("Organisationsname", "name"),
    ("Organization name", "name"),
    ("Einrichtung", "name"),
    ("Träger", "carrier"),
    ("Traeger", "carrier"),
    ("Trägerorganisation", "carrier"),
    ("Straße + Hausnr.", "street"),
    ("Strasse + Hausnr", "street"),
    ("Straße/Hausnr.", "street"),
    ("Straße und Hausnummer", "street"),
    ("Street", "street"),
    ("Hausnummer", "house_number"),
    ("PLZ", "postcode"),
    ("plz", "postcode"),
    ("Postleitzahl", "postcode"),
    ("Zip code", "postcode"),
    ("Ort", "city"),
    ("Ortsteil/Bezirk", "district"),
    ("Bezirk / Ortsteil", "district"),
    ("Bezirk", "district"),
    ("Stadtteil", "district"),
    ("District", "district"),
    ("Adresse", "address"),
    ("Anschrift", "address"),
    ("Webseite", "website"),
    ("Website", "website"),
    ("Homepage", "website"),
    ("Internetseite", "website"),
    ("E-Mail", "email"),
    ("Email", "email"),
    ("E-Mail-Adresse", "email"),
    ("e-mail", "email"),
    ("Telefon", "phone"),
    ("Tel.", "phone"),
    ("Telefonnummer", "phone"),
    ("Phone", "phone"),
    ("Ansprechpartner", "person"),
    ("Ansprechpartner*in", "person"),
    ("Ansprechpartner:innen", "person"),
    ("Kontaktperson", "person"),
    ("Sprachen", "languages"),
    ("Sprache(n)", "languages"),
    ("Languages", "languages"),
    ("Angebote", "offers"),
    ("Leistungen", "offers"),
    ("Zielgruppen", "target_groups"),
    ("Zielgruppe", "target_groups"),
    ("Netzwerk / Gremium", "network"),
    ("Netzwerk/Gremium", "network"),
    ("Mitglied in", "network"),
    ("Rechtsform", "legal_form"),
    ("Legal form", "legal_form"),
    ("Gründungsjahr", "founded"),
    ("Gruendungsjahr", "founded"),
    ("gegründet", "founded"),
    ("Quelle", "source_url"),
    ("Source", "source_url"),
    ("Stand", "source_date"),
    ("Bemerkung", "note"),
    ("Bemerkungen", "note"),
    ("Themen", "fields"),
    ("MSO", "migrant_organisation"),
    ("Migrant*innenorganisation (ja/nein)", "migrant_organisation"),
    ("Beschreibung", "description"),
    ("lfd. Nr.", "row_number"),
]


@pytest.mark.parametrize("header, field", HEADERS)
def test_header_recognised_by_name(header, field):
    mapping = propose([header], [])
    assert mapping.columns[0].field == field, mapping.columns[0].evidence
    assert mapping.columns[0].confidence >= 0.7 and mapping.columns[0].evidence


def test_at_least_forty_header_spellings_are_tested():
    assert len(HEADERS) >= 40


@pytest.mark.parametrize(
    "cells, field",
    [
        (["www.a.example", "https://b.example/x", "c.example"], "website"),
        (["info@a.example", "kontakt@b.example", "c@d.example"], "email"),
        (["13353", "10405", "12043.0"], "postcode"),
        (["030 123 45 67", "+49 30 1234567", "0176 12345678"], "phone"),
        (["Arabisch, Farsi", "Türkçe", "Deutsch; Englisch"], "languages"),
        (["Lichtenberg", "Prenzlauer Berg", "Spandau-Staaken"], "district"),
        (["Genter Str. 7, 13353 Berlin", "Kollwitzstr. 1, 10405 Berlin"], "address"),
    ],
)
def test_column_recognised_by_content_under_an_unknown_header(cells, field):
    mapping = propose(["Spalte 7"], [[c] for c in cells])
    column = mapping.columns[0]
    assert column.field == field
    assert 0.5 <= column.confidence < 1
    assert any("von" in e["de"] and "of" in e["en"] for e in column.evidence)


def test_content_confirms_a_known_header():
    by_name = propose(["PLZ"], []).columns[0].confidence
    both = propose(["PLZ"], [["13353"], ["10405"]]).columns[0]
    assert both.confidence >= by_name and len(both.evidence) == 2


def test_an_unknown_column_is_not_taken_and_says_why():
    column = propose(["Lieblingsfarbe"], [["blau"], ["grün"]]).columns[0]
    assert column.field is None and "nicht übernommen" in column.evidence[0]["de"]


def test_two_columns_for_one_field_keep_the_more_certain():
    mapping = propose(["Webseite", "Spalte X"], [["www.a.example", "www.b.example"]])
    assert mapping.fields() == {"Webseite": "website"}
    assert "Webseite" in mapping.columns[1].evidence[-1]["de"]


def test_the_mapping_is_plain_data_and_round_trips_through_json():
    mapping = propose(["Name der Organisation", "PLZ", "X"], [["A", "13353", "1"]])
    text = mapping.to_json()
    assert json.loads(text)["columns"][1]["field"] == "postcode"
    again = Mapping.from_json(text)
    assert again == mapping


def test_her_correction_wins():
    mapping = propose(["Name der Organisation", "Kontakt", "Mail"], [["A", "info@a.example", "b@b.example"]])
    mapping.set("Kontakt", None)
    mapping.set("Mail", "email")
    assert mapping.fields() == {"Name der Organisation": "name", "Mail": "email"}
    assert mapping.columns[2].confidence == 1.0 and mapping.columns[2].evidence[0]["en"] == "set by hand"
    with pytest.raises(KeyError):
        mapping.set("Mail", "no-such-field")
    with pytest.raises(KeyError):
        mapping.set("No such column", "email")


def test_setting_a_single_field_on_a_second_column_frees_the_first():
    mapping = propose(["Webseite", "Homepage neu"], [])
    mapping.set("Homepage neu", "website")
    assert mapping.fields() == {"Homepage neu": "website"}


def test_a_confirmed_mapping_is_remembered_per_source(tmp_path):
    memory = MappingMemory(tmp_path / "mappings")
    headers = ["Name der Organisation", "Kontakt"]
    mapping = propose(headers, [])
    mapping.set("Kontakt", "email")
    memory.remember("lichtenberg", mapping)
    assert (tmp_path / "mappings" / "lichtenberg.json").exists()
    # next month: the same headers (another spelling of punctuation and case) map straight away
    recalled = memory.recall("lichtenberg", ["Name der Organisation", "KONTAKT"])
    assert recalled is not None and recalled.confirmed
    assert recalled.fields() == {"Name der Organisation": "name", "KONTAKT": "email"}
    assert recalled.columns[1].evidence[0]["de"] == "wie beim letzten Mal bestätigt"
    assert memory.recall("spandau", headers) is None
    assert memory.recall("lichtenberg", ["Name der Organisation", "Kontakt", "Neu"]) is None


def test_memory_refuses_a_source_name_that_is_no_slug(tmp_path):
    with pytest.raises(ValueError):
        MappingMemory(tmp_path).remember("../etc", propose(["Name"], []))


def test_header_signature_ignores_case_and_punctuation_but_not_order():
    assert header_signature(["Straße + Hausnr.", "PLZ"]) == header_signature(["strasse hausnr", "plz"])
    assert header_signature(["PLZ", "Straße"]) != header_signature(["Straße", "PLZ"])


@pytest.mark.parametrize(
    "title, headers, kind",
    [
        ("MSO Lichtenberg", ["Nr.", "Name der Organisation", "PLZ"], "organisations"),
        ("Angebote", ["Angebot", "Organisation", "Zeiten"], "offers"),
        ("Tabelle2", ["Angebot", "Anbieter", "Art"], "offers"),
        ("Anleitung", ["So füllen Sie die Vorlage aus"], None),
        ("Hinweise", ["Stand", "Herbst"], None),
    ],
)
def test_sheets_are_classified_by_their_headers(title, headers, kind):
    assert classify_sheet(title, headers) == kind


def test_in_an_offers_sheet_angebot_names_the_offer():
    mapping = propose(["Angebot", "Organisation", "Art des Angebots"], [], "offers")
    assert mapping.fields() == {"Angebot": "offer_name", "Organisation": "provider", "Art des Angebots": "offer_type"}
