"""SYNTHETIC coordinator files for tests and bench/workbench.py — invented organisations, not facts.

Every name, address, number and web address here is made up (web and e-mail domains end in the reserved
`.example`); the files say so in a note cell. They imitate how a district coordinator keeps her list:
own German headers, a title line above the header, mixed spellings, a second sheet of offers and an
instruction sheet, or a semicolon CSV saved by Excel in Windows-1252.
"""

from __future__ import annotations

from pathlib import Path

NOTE = "SYNTHETISCHE Testdaten – erfundene Organisationen, keine echten Angaben (synthetic test data)"

HEADERS = [
    "Nr.",
    "Name der Organisation",
    "Rechtsform",
    "Straße + Hausnr.",
    "PLZ",
    "Ortsteil/Bezirk",
    "Webseite",
    "E-Mail",
    "Telefon",
    "Ansprechpartner",
    "Sprachen",
    "Angebote",
    "Zielgruppen",
    "Netzwerk / Gremium",
    "Gründungsjahr",
    "Bemerkung",
]

# 15 invented organisations of a Lichtenberg list; values written the many ways people write them
ORGANISATIONS = [
    ("Synthetischer Verein Iranischer Frauen e.V.", "e.V.", "Möllendorffstr. 10", 10367, "Lichtenberg", "www.svif.example", "info@svif.example", "030 / 555 10-01", "Erika Beispiel", "Farsi, Deutsch", "Sprachcafé; Beratung für Frauen", "Frauen", "Netzwerk Lichtenberg (synthetisch)", 1998),
    ("Synthetische Vietnamesische Gemeinde Lichtenberg", "eV", "Frankfurter Allee 200", "10365", "lichtenberg", "http://svgl.example", "kontakt@svgl.example", "+49 (0)30 555 10 02", "", "Vietnamesisch; Tiếng Việt", "Hausaufgabenhilfe", "Kinder und Jugendliche", "Netzwerk Lichtenberg (synthetisch)", "seit 2004"),
    ("Synthetische Initiative Nachbarschaft Karlshorst", "Initiative", "Treskowallee 99", 10318, "Karlshorst", "www.sink.example", "", "0176 55510003", "", "Russisch / Ukrainisch", "Nachbarschaftstreff", "Familien", "", ""),
    ("Synthetische Bildungswerk gGmbH", "gGmbH", "Siegfriedstr. 5", 10365, "Bezirk Lichtenberg", "https://www.sbw.example/", "info@sbw.example", "030 5551004", "", "Arabisch, Englisch", "Sprachkurs Deutsch; Bewerbungstraining", "Neuzugewanderte", "Netzwerk Lichtenberg (synthetisch)", 2011),
    ("Synthetischer Kulturverein Hohenschönhausen e. V.", "e. V.", "Falkenberger Chaussee 80", 13055, "Neu-Hohenschönhausen", "www.skh.example", "kulturverein@skh.example", "030-555-1005", "", "Polnisch", "Theatergruppe", "Jugendliche", "", 2015),
    ("Synthetische Stiftung Brückenbau", "Stiftung", "Rummelsburger Str. 12", "10315", "Friedrichsfelde", "www.ssb.example", "", "", "", "Türkisch; Kurmancî", "Beratung", "Senior*innen", "", 2001),
    ("Synthetischer Afrikanischer Elternverein e.V.", "", "Weitlingstr. 3", 10317, "Rummelsburg", "www.saev.example", "eltern@saev.example", "030 555 10 07", "", "Französisch, Swahili, Lingala", "Elterncafé", "Eltern", "Netzwerk Lichtenberg (synthetisch)", 2009),
    ("Synthetisches Frauenzentrum Fennpfuhl", "gemeinnützige GmbH", "Anton-Saefkow-Platz 4", 10369, "Fennpfuhl", "www.sff.example", "", "030 555 1008", "", "Arabisch", "Frauenfrühstück; Sozialberatung", "Frauen; Geflüchtete", "", 2018),
    ("Synthetischer Jugendclub Neuer Weg", "e.V.", "Zingster Str. 20", 13051, "Neu-Hohenschönhausen", "www.sjnw.example", "", "", "", "Deutsch, Englisch", "Jugendarbeit", "Jugendliche", "", 1995),
    ("Synthetische Gemeinschaft Syrischer Familien", "Initiative", "Hauptstr. 40", 10317, "Rummelsburg", "www.sgsf.example", "info@sgsf.example", "030 555 10 10", "", "Arabisch", "Familienberatung", "Familien", "Netzwerk Lichtenberg (synthetisch)", ""),
    ("Synthetischer Sportverein Integration Lichtenberg e.V.", "eV", "Ruschestr. 90", 10365, "lichtenberg", "www.ssil.example", "", "", "", "", "Fußball für alle", "", "", 2012),
    ("Synthetisches Netzwerk Ukrainischer Mütter", "", "Wartenberger Str. 1", 13053, "Alt-Hohenschönhausen", "", "mamas@snum.example", "0176 5551012", "", "Ukrainisch; Russisch", "Spielgruppe", "Kinder", "", 2022),
    ("Synthetischer Verein Polnischer Senioren e.V.", "e.V.", "Dolgenseestr. 60", 10319, "Friedrichsfelde", "www.svps.example", "", "030 555 10 13", "", "polski", "Seniorentreff", "Senior*innen", "", 1990),
    ("Synthetische Lernwerkstatt Malchow", "Initiative", "Malchower Weg 2", 13053, "Malchow", "www.slm.example", "", "", "", "Deutsch", "Lernhilfe", "Kinder", "", ""),
    ("Synthetischer Dachverband Migrantischer Vereine e.V.", "e.V.", "Alt-Friedrichsfelde 60", 10315, "Friedrichsfelde", "www.sdmv.example", "info@sdmv.example", "030 555 10 15", "", "Deutsch, Arabisch, Türkisch", "Vernetzungstreffen", "Migrant*innenorganisationen", "Netzwerk Lichtenberg (synthetisch)", 2000),
]  # fmt: skip

OFFERS_HEADERS = ["Angebot", "Organisation", "Art des Angebots", "Sprachen", "Zeiten"]
OFFERS = [
    ("Mütterfrühstück", "Synthetischer Verein Iranischer Frauen", "Treffen", "Farsi", "Mi 10–12 Uhr"),
    ("Rechtsberatung", "Synthetische Bildungswerk gGmbH", "Beratung", "Arabisch; Deutsch", "Do 14–16 Uhr"),
    ("Computerkurs", "Synthetischer Dachverband Migrantischer Vereine e.V.", "Kurs", "Deutsch", "Sa 10 Uhr"),
]


def organisation_rows(count: int = 15) -> list[list[object]]:
    """*count* rows in the shape of HEADERS (beyond 15 the invented names are numbered)."""
    rows = []
    for i in range(count):
        base = ORGANISATIONS[i % len(ORGANISATIONS)]
        name = base[0] if i < len(ORGANISATIONS) else f"{base[0]} Nr. {i + 1}"
        row = [i + 1, name, *base[1:], NOTE if i == 0 else ""]
        rows.append(row)
    return rows


def write_lichtenberg_xlsx(path: Path, *, count: int = 15, bad_postcode_row: int | None = None) -> Path:
    """The messy workbook: title line, her headers in row 2, organisations from row 3, an "Angebote"
    sheet and an instruction sheet. *bad_postcode_row* (an index into the organisations) gets "1036"."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "MSO Lichtenberg"
    sheet.append(["Liste der Migrant*innenorganisationen Lichtenberg – " + NOTE])
    sheet.append(HEADERS)
    for i, row in enumerate(organisation_rows(count)):
        if i == bad_postcode_row:
            row[HEADERS.index("PLZ")] = "1036"
        sheet.append(row)
    offers = workbook.create_sheet("Angebote")
    offers.append(OFFERS_HEADERS)
    for offer in OFFERS:
        offers.append(list(offer))
    notes = workbook.create_sheet("Hinweise")
    notes.append([NOTE])
    notes.append(["Stand der Liste: Herbst"])
    workbook.save(path)
    return path


CSV_HEADERS = [
    "Organisation",
    "Anschrift",
    "Ortsteil",
    "Homepage",
    "Tel.",
    "Mail",
    "Sprache",
    "Zielgruppe",
    "Träger",
    "Quelle",
    "Bemerkung",
]
CSV_ROWS = [
    ("Synthetischer Treffpunkt Prenzlauer Berg", "Kollwitzstraße 1, 10405 Berlin", "Prenzlauer Berg", "www.stpb.example", "030 555 20 01", "info@stpb.example", "Deutsch; Türkisch", "Familien", "Synthetischer Trägerverein Nord e.V.", ""),
    ("Synthetische Beratungsstelle Weißensee", "Berliner Allee 100, 13088 Berlin", "Weißensee", "https://sbw-weissensee.example", "+49 30 5552002", "", "Arabisch, Französisch", "Geflüchtete", "Synthetischer Trägerverein Nord e.V.", "https://www.sbw-weissensee.example/ueber-uns"),
    ("Synthetischer Trägerverein Nord e.V.", "Schönhauser Allee 10, 10119 Berlin", "Pankow", "www.stvn.example", "030 555 2003", "", "Deutsch", "", "", ""),
    ("Synthetisches Café Buch", "Wiltbergstr. 50, 13125 Berlin", "Buch", "", "", "cafe@scb.example", "Русский", "Senioren", "", ""),
]  # fmt: skip


def write_pankow_csv(path: Path, *, encoding: str = "cp1252", bom: bool = False) -> Path:
    """A semicolon CSV of a different shape (as Excel saves "CSV (Trennzeichen-getrennt)")."""
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for i, row in enumerate(CSV_ROWS):
        writer.writerow([*row, NOTE if i == 0 else ""])
    text = out.getvalue()
    if encoding == "cp1252":
        # Windows-1252 has no Cyrillic: the Russian endonym is what a UTF-8 file would hold
        text = text.replace("Русский", "Russisch")
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
