"""The template to download: headers, drop-down lists over a hidden sheet, instructions; filled in, it reads back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrakg.cli import main
from migrakg.sources.fields import FIELD_BY_NAME
from migrakg.sources.sheet import read_sheet
from migrakg.sources.template import ORGANISATION_FIELDS, write_template
from migrakg.vocabularies import load_vocabularies

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab():
    return load_vocabularies(ROOT / "vocab")


@pytest.fixture
def template(tmp_path, vocab):
    return write_template(tmp_path / "vorlage.xlsx", vocab)


def validations(sheet):
    """header → (list values, error style) of each column's drop-down list."""
    workbook = sheet.parent
    found = {}
    for validation in sheet.data_validations.dataValidation:
        first = str(validation.sqref).split(":")[0]
        column = "".join(c for c in first if c.isalpha())
        header = sheet[f"{column}1"].value
        list_sheet, cells = validation.formula1.split("!")
        start, end = cells.replace("$", "").split(":")
        values = [c.value for row in workbook[list_sheet.strip("'")][f"{start}:{end}"] for c in row]
        found[header] = (values, validation.errorStyle, str(validation.sqref))
    return found


def test_sheets_and_german_headers(template):
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["Anleitung", "Organisationen", "Angebote", "Listen"]
    assert workbook["Listen"].sheet_state == "hidden"
    headers = [c.value for c in workbook["Organisationen"][1]]
    assert headers == [FIELD_BY_NAME[f].label_de for f in ORGANISATION_FIELDS]
    assert "Name der Organisation" in headers and "Straße + Hausnr." in headers and "PLZ" in headers
    comment = workbook["Organisationen"]["A1"].comment.text
    assert "English: Organisation name" in comment


def test_drop_down_lists_come_from_the_vocabularies(template, vocab):
    workbook = openpyxl.load_workbook(template)
    found = validations(workbook["Organisationen"])
    legal, style, sqref = found["Rechtsform"]
    assert set(legal) == {vocab.label(iri, "de") for iri in vocab.codes("legal-form").values()}
    assert style == "stop" and sqref.endswith("501")
    districts, style, _ = found["Bezirk"]
    assert len(districts) == 12 and "Lichtenberg" in districts and style == "information"  # Ortsteile allowed too
    languages, style, _ = found["Sprachen"]
    assert len(languages) == len(vocab.codes("language")) and "Arabisch" in languages and style == "information"
    assert "Frauen" in found["Zielgruppen"][0]
    assert found["Migrant*innenorganisation (ja/nein)"][0] == ["ja", "nein"]
    offer_types, style, _ = validations(workbook["Angebote"])["Art des Angebots"]
    assert "Sprachcafé" in offer_types and style == "stop"


def test_the_instruction_sheet_is_german(template):
    lines = [row[0].value for row in openpyxl.load_workbook(template)["Anleitung"].iter_rows() if row[0].value]
    text = "\n".join(lines)
    assert lines[0] == "So füllen Sie die Vorlage aus"
    assert "Semikolon" in text and "Privatpersonen" in text and "10115–14199" in text


def test_english_variant(tmp_path, vocab):
    path = write_template(tmp_path / "template.xlsx", vocab, "en")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Instructions", "Organisations", "Offers", "Lists"]
    assert workbook["Organisations"]["A1"].value == "Organisation name"
    assert "Arabic" in validations(workbook["Organisations"])["Languages"][0]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_filled_in_template_reads_back_without_a_correction(tmp_path, vocab, lang):
    path = write_template(tmp_path / "vorlage.xlsx", vocab, lang)
    workbook = openpyxl.load_workbook(path)
    orgs, offers = workbook.worksheets[1], workbook.worksheets[2]
    values = {
        "name": "Synthetischer Vorlagenverein e.V.",
        "legal_form": vocab.label(vocab.codes("legal-form")["ev"], lang),
        "street": "Genter Str. 7",
        "postcode": "13353",
        "district": "Mitte",
        "languages": "Arabisch; Deutsch" if lang == "de" else "Arabic; German",
        "target_groups": vocab.label(vocab.codes("target-group")["women"], lang),
        "migrant_organisation": "ja" if lang == "de" else "yes",
    }
    orgs.append([values.get(f, "") for f in ORGANISATION_FIELDS])
    offers.append(
        ["Sprachcafé", "Synthetischer Vorlagenverein e.V.", vocab.label(vocab.codes("offer-type")["language-cafe"], lang)]
    )
    workbook.save(path)
    reading = read_sheet(path, source="vorlage", vocab=vocab, today=dt.date(2026, 11, 30))
    org = next(r for f in reading.files if f.spec.kind == "organisation" for r in f.rows)
    assert org.values["legal_form"] == "ev" and org.values["seat_district"] == "mitte"
    assert org.values["migrant_organisation"] == "yes"
    offer_types = {r.values["name"]: r.values["offer_type"] for f in reading.files if f.spec.kind == "offer" for r in f.rows}
    assert offer_types["Sprachcafé"] == "language-cafe"
    assert not reading.warnings


def test_template_command(tmp_path, capsys):
    out = tmp_path / "vorlage.xlsx"
    assert main(["--lang", "de", "template", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Anleitung"
    assert "Vorlage geschrieben" in capsys.readouterr().err
    assert main(["template", "--out", str(tmp_path / "x.csv")]) == 2
