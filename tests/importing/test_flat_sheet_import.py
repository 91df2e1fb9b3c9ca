"""`migrakg import FILE --source NAME` takes a coordinator's own files as they are (SYNTHETIC fixtures):
one language, records listed by name, one bad postcode refuses the whole file with her row and header."""

from __future__ import annotations

import csv
import gc
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from migrakg.cli import main
from migrakg.linking.io import REVIEW_COLUMNS_DE, read_review, run_link
from migrakg.linking.match import DEFAULT_THRESHOLD, PROBABLE_FLOOR
from tests.sources.synthetic import write_lichtenberg_xlsx, write_pankow_csv

BASE = "https://w3id.org/migrakg/"


@pytest.fixture
def store_path(settings, built, tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    return str(tmp_path / "store")


@pytest.fixture
def stored(settings):
    def quads(store_path: str) -> set[str]:
        gc.collect()  # the command's knowledge base may still hold the store's lock until collected
        store = ox.Store.read_only(str(Path(store_path) / "oxigraph"))  # the knowledge base's on-disk store
        return {str(q) for q in store}

    return quads


def test_her_workbook_goes_in_as_it_is(store_path, stored, tmp_path, capsys):
    path = write_lichtenberg_xlsx(tmp_path / "MSO Lichtenberg.xlsx")
    assert main(["--lang", "de", "import", str(path), "--source", "lichtenberg", "--store", store_path]) == 0
    out = capsys.readouterr().out
    assert "lichtenberg: geändert: " in out and "+ Organisation: Synthetischer Verein Iranischer Frauen e.V." in out
    assert "+ Angebot: Mütterfrühstück" in out and "+ Netzwerk: Netzwerk Lichtenberg (synthetisch)" in out
    assert "https://" not in out  # names, not IRIs
    quads = stored(store_path)
    org = f"<{BASE}id/organisation/lichtenberg--synthetischer-verein-iranischer-frauen-ev>"
    assert any(q.startswith(f"{org} <https://schema.org/url> <https://www.svif.example>") for q in quads)
    assert any(f"<{BASE}id/district/lichtenberg>" in q and q.startswith(org) for q in quads)
    assert any("<http://publications.europa.eu/resource/authority/language/FAS>" in q for q in quads)
    assert not any("Erika Beispiel" in q for q in quads)


def test_a_corrected_file_updates_the_same_records_and_the_dry_run_names_them(store_path, stored, tmp_path, capsys):
    first = write_lichtenberg_xlsx(tmp_path / "liste.xlsx")
    assert main(["--lang", "en", "import", str(first), "--source", "lichtenberg", "--store", store_path]) == 0
    before = stored(store_path)
    corrected = write_lichtenberg_xlsx(tmp_path / "liste-v3.xlsx")
    workbook = openpyxl.load_workbook(corrected)
    workbook["MSO Lichtenberg"]["G4"] = "www.svgl-neu.example"  # Webseite of her second organisation (Excel row 4)
    workbook.save(corrected)
    capsys.readouterr()
    assert main(["--lang", "en", "import", str(corrected), "--source", "lichtenberg", "--store", store_path, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would change: 0 new, 1 changed" in out and " 0 removed" in out
    assert "~ organisation: Synthetische Vietnamesische Gemeinde Lichtenberg" in out
    assert "= organisation: Synthetischer Verein Iranischer Frauen e.V." in out
    assert stored(store_path) == before  # a dry run writes nothing


def test_one_bad_postcode_refuses_the_whole_file_in_one_language(store_path, stored, tmp_path, capsys):
    good = write_lichtenberg_xlsx(tmp_path / "liste.xlsx")
    assert main(["import", str(good), "--source", "lichtenberg", "--store", store_path]) == 0
    before = stored(store_path)
    bad = write_lichtenberg_xlsx(tmp_path / "liste-v2.xlsx", bad_postcode_row=4)
    capsys.readouterr()
    assert main(["--lang", "de", "import", str(bad), "--source", "lichtenberg", "--store", store_path]) == 2
    err = capsys.readouterr().err
    assert "nichts wurde geändert" in err and "Zeile 7, Spalte PLZ" in err and "„1036“" in err
    assert "row" not in err and "nothing was changed" not in err  # German only
    assert err.count("1036") == 1  # counted once
    assert stored(store_path) == before
    capsys.readouterr()
    assert main(["--lang", "en", "import", str(bad), "--source", "lichtenberg", "--store", store_path]) == 2
    err = capsys.readouterr().err
    assert "row 7, column PLZ" in err and "Zeile" not in err


def test_semicolon_windows_1252_csv_goes_in(store_path, stored, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("MIGRAKG_LANG", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    path = write_pankow_csv(tmp_path / "Pankow Liste.csv", encoding="cp1252")
    assert main(["import", str(path), "--source", "pankow-liste", "--store", store_path]) == 0
    out = capsys.readouterr().out
    assert "+ Organisation: Synthetischer Treffpunkt Prenzlauer Berg" in out  # German from LANG
    quads = stored(store_path)
    org = f"<{BASE}id/organisation/pankow-liste--synthetischer-treffpunkt-prenzlauer-berg>"
    assert any(q.startswith(f"{org} <https://w3id.org/migrakg/ontology#seatDistrict> <{BASE}id/district/pankow>") for q in quads)


def test_the_review_file_has_german_headers_in_german(settings, built, shared, tmp_path):
    review = tmp_path / "pruefen.csv"
    osm = str(shared / "data/osm/berlin-community-centres-2025-09.csv")
    run_link(settings, osm, threshold=DEFAULT_THRESHOLD, floor=PROBABLE_FLOOR, review=review, source="osm", lang="de")
    with review.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == REVIEW_COLUMNS_DE and "Entscheidung (ja/nein)" in header
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    rows[0]["Entscheidung (ja/nein)"] = "nein"
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    decisions = read_review(review)
    assert decisions == {(rows[0]["unser Eintrag"], rows[0]["ihr Eintrag"]): "rejected"}


def test_the_command_line_shows_corrects_and_remembers_her_mapping(store_path, tmp_path, capsys):
    """CLI parity with the workbench: --dry-run lists how her columns are read, --mapping corrects one,
    --remember keeps it for the source, and the next file with the same headers is read with it."""
    path = write_lichtenberg_xlsx(tmp_path / "liste.xlsx")
    assert main(["--lang", "de", "import", str(path), "--source", "lichtenberg", "--store", store_path, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Blatt „MSO Lichtenberg“ (Überschriften in Zeile 2):" in out
    assert "  PLZ → PLZ [postcode] (100 %)" in out and "  Bemerkung → Bemerkung [note]" in out
    corrections = tmp_path / "zuordnung.json"
    corrections.write_text('{"MSO Lichtenberg": {"Bemerkung": ""}}', encoding="utf-8")
    args = ["--lang", "de", "import", str(path), "--source", "lichtenberg", "--store", store_path]
    assert main([*args, "--mapping", str(corrections), "--remember"]) == 0
    capsys.readouterr()
    assert main([*args, "--dry-run"]) == 0
    assert "  Bemerkung → nicht übernehmen (100 %)" in capsys.readouterr().out  # remembered for the source
    corrections.write_text('{"MSO Lichtenberg": {"Gibt es nicht": "name"}}', encoding="utf-8")
    assert main([*args, "--mapping", str(corrections)]) == 2
    assert "Gibt es nicht" in capsys.readouterr().err
