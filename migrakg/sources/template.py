"""The template to download: an Excel workbook a coordinator can fill in and bring in as it is.

Sheets: "Anleitung" (instructions, in German; "Instructions" in the English variant), "Organisationen"
and "Angebote" with the headers of sources/fields.py (German, or English with `lang="en"`; each header
carries the other language and a hint as a cell comment), drop-down lists from the vocabularies as
Excel data validation over a hidden sheet "Listen" (codes and labels). Lists of several values per cell
(languages, target groups) allow other entries, so "Arabisch; Farsi" stays possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..linking.normalise import DISTRICTS
from ..vocabularies import Vocabularies
from .fields import FIELD_BY_NAME

ROWS = 500  # rows below the header that carry the drop-down lists
ORGANISATION_FIELDS = (
    "name", "legal_form", "carrier", "street", "postcode", "district", "website", "email", "phone", "languages", "offers",
    "target_groups", "fields", "network", "founded", "migrant_organisation", "description", "source_url", "source_date", "note",
)  # fmt: skip
OFFER_FIELDS = (
    "offer_name", "provider", "offer_type", "languages", "target_groups", "district", "address", "schedule", "website",
    "email", "phone", "description", "source_url", "source_date", "note",
)  # fmt: skip

INSTRUCTIONS_DE = (
    "So füllen Sie die Vorlage aus",
    "",
    "1. Eine Zeile pro Organisation im Blatt „Organisationen“. Pflicht ist nur der Name der Organisation.",
    "2. Mehrere Werte in einer Zelle (Sprachen, Angebote, Zielgruppen, Netzwerke) mit Semikolon trennen: Arabisch; Farsi; Deutsch.",
    "3. Felder mit Auswahlliste (Rechtsform, Bezirk, Sprachen, Zielgruppen, Themen, ja/nein): Pfeil rechts neben der Zelle anklicken.",
    "   Bei Sprachen und Zielgruppen dürfen Sie auch mehrere Werte oder eigene Namen eintragen (z. B. Kurmancî, Tigrinya).",
    "4. Bezirk oder Ortsteil, wie Sie ihn schreiben: Lichtenberg, Prenzlauer Berg, Spandau-Staaken.",
    "5. Webseite ohne https:// genügt (www.verein.de). Telefon in jeder üblichen Form (030 / 123 45-67).",
    "6. Postleitzahl: fünf Ziffern einer Berliner PLZ (10115–14199).",
    "7. Keine Namen von Privatpersonen eintragen: nur allgemeine Kontaktdaten der Organisation (info@…).",
    "8. Quelle: die Webseite, auf der die Angaben stehen. Leer gelassen gilt Ihre Liste selbst als Quelle (mit Datum des Hochladens).",
    "9. Blatt „Angebote“ (freiwillig): ein Angebot pro Zeile; „Organisation“ ist der Name aus dem Blatt „Organisationen“",
    "   oder einer Organisation, die schon in der Wissensbasis steht.",
    "",
    "Hochladen: migrakg import DATEI.xlsx --source IHR-PROJEKT --dry-run zeigt zuerst, was neu, geändert oder unverändert ist.",
    "Jede Meldung nennt die Zeilennummer aus Excel und Ihre Spaltenüberschrift. Mehr: docs/koordination.md",
)
INSTRUCTIONS_EN = (
    "How to fill in the template",
    "",
    "1. One row per organisation in the sheet 'Organisations'. Only the organisation's name is required.",
    "2. Several values in one cell (languages, offers, target groups, networks): separate them with semicolons: Arabic; Farsi; German.",
    "3. Cells with a drop-down list (legal form, district, languages, target groups, fields, yes/no): click the arrow beside the cell.",
    "   Languages and target groups also take several values or your own names (e.g. Kurmanji, Tigrinya).",
    "4. District or locality as you write it: Lichtenberg, Prenzlauer Berg, Spandau-Staaken.",
    "5. A website without https:// is fine (www.verein.de). Phone numbers in any usual form (030 / 123 45-67).",
    "6. Postcode: the five digits of a Berlin postcode (10115–14199).",
    "7. No names of private persons: only the organisation's general contact (info@…).",
    "8. Source: the web page the facts come from. Left empty, your list itself is the source (with the upload date).",
    "9. Sheet 'Offers' (optional): one offer per row; 'Organisation' is a name from the sheet 'Organisations' or of an",
    "   organisation the knowledge base already has.",
    "",
    "Upload: migrakg import FILE.xlsx --source YOUR-PROJECT --dry-run first shows what is new, changed or unchanged.",
    "Every message names the Excel row number and your column header. More: docs/koordination.md",
)


@dataclass(frozen=True)
class Choice:
    """A drop-down list: its values in the hidden sheet, and whether other entries are allowed."""

    title: str
    values: tuple[str, ...]
    strict: bool


def choices(vocab: Vocabularies, lang: str) -> dict[str, Choice]:
    """field → its drop-down list, labels from the vocabularies in *lang*."""

    def labels(scheme: str) -> tuple[str, ...]:
        found = [vocab.label(iri, lang) or vocab.label(iri, "de") or code for code, iri in vocab.codes(scheme).items()]
        return tuple(sorted(found, key=str.casefold))

    yes_no = ("ja", "nein") if lang == "de" else ("yes", "no")
    return {
        "legal_form": Choice("Rechtsform" if lang == "de" else "Legal form", labels("legal-form"), True),
        "district": Choice("Bezirk" if lang == "de" else "District", tuple(DISTRICTS.values()), False),
        "languages": Choice("Sprachen" if lang == "de" else "Languages", labels("language"), False),
        "target_groups": Choice("Zielgruppen" if lang == "de" else "Target groups", labels("target-group"), False),
        "fields": Choice("Themen" if lang == "de" else "Fields", labels("field"), False),
        "offer_type": Choice("Art des Angebots" if lang == "de" else "Kind of offer", labels("offer-type"), True),
        "migrant_organisation": Choice("ja/nein" if lang == "de" else "yes/no", yes_no, True),
    }


def write_template(path: Path, vocab: Vocabularies, lang: str = "de") -> Path:
    """Write the template workbook to *path* (German headers, or English with *lang* "en")."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    de = lang == "de"
    workbook = openpyxl.Workbook()
    guide = workbook.active
    guide.title = "Anleitung" if de else "Instructions"
    for line in INSTRUCTIONS_DE if de else INSTRUCTIONS_EN:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 130

    lists = workbook.create_sheet("Listen" if de else "Lists")
    ranges: dict[str, tuple[str, Choice]] = {}
    for index, (field_name, choice) in enumerate(choices(vocab, lang).items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=choice.title)
        for row, value in enumerate(choice.values, start=2):
            lists.cell(row=row, column=index, value=value)
        ranges[field_name] = (f"'{lists.title}'!${letter}$2:${letter}${len(choice.values) + 1}", choice)
    lists.sheet_state = "hidden"

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for title, names in (
        ("Organisationen" if de else "Organisations", ORGANISATION_FIELDS),
        ("Angebote" if de else "Offers", OFFER_FIELDS),
    ):
        sheet = workbook.create_sheet(title)
        for column, name in enumerate(names, start=1):
            field = FIELD_BY_NAME[name]
            cell = sheet.cell(row=1, column=column, value=field.label_de if de else field.label_en)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            other = field.label_en if de else field.label_de
            hint = f"{'English' if de else 'Deutsch'}: {other}" + (f"\n{field.help_de}" if field.help_de else "")
            cell.comment = Comment(hint, "migrakg", width=320, height=110)
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = max(14, min(40, len(cell.value) + 4))
            if name in ranges:
                formula, choice = ranges[name]
                # OOXML keeps formulas without the leading "="
                validation = DataValidation(type="list", formula1=formula, allow_blank=True)
                validation.errorStyle = "stop" if choice.strict else "information"
                validation.showErrorMessage = True
                validation.errorTitle = choice.title[:32]
                validation.error = (
                    ("Bitte einen Wert aus der Liste wählen" if de else "Please choose a value from the list")
                    if choice.strict
                    else ("Nicht in der Liste – wird trotzdem gelesen" if de else "Not in the list — it is read all the same")
                )
                validation.promptTitle = choice.title[:32]
                validation.prompt = ("Aus der Liste wählen" if de else "Choose from the list") + (
                    ""
                    if choice.strict
                    else (" – oder eigene Werte, mit ; getrennt" if de else " — or your own values, separated by ;")
                )
                validation.showInputMessage = True
                validation.add(f"{letter}2:{letter}{ROWS + 1}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "B2"
    workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    workbook.save(path)
    return path
