"""The fields of a coordinator's sheet: what each column can mean, with the names people give it.

One table for the header recogniser (sources/mapping.py), the flat-sheet reader (sources/sheet.py) and
the downloadable template (sources/template.py). `synonyms` are compared folded (case, umlauts,
punctuation and "+"/"/" do not matter); `content` names the value reader that recognises the column by
its cells when the header is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label_de: str  # header in the German template
    label_en: str  # header in the English template
    synonyms: tuple[str, ...] = ()
    content: str = ""  # value kind recognisable from cells: url, email, phone, postcode, language, district, address, year, bool
    multi: bool = False  # several values in one cell, or several columns may map to it
    sheets: tuple[str, ...] = ("organisations", "offers")  # the kinds of sheet it occurs in
    help_de: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every header this field is known by: the template's German and English headers and the synonyms."""
        return (self.label_de, self.label_en, *self.synonyms)


FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        "Name der Organisation",
        "Organisation name",
        ("Name der Organisation", "Organisation", "Organisationsname", "Name", "Verein", "Einrichtung", "Organization",
         "Organisation name", "Organization name", "Institution", "Name des Vereins", "Migrant*innenorganisation (Name)",
         "Akteur", "Akteur*in"),
        sheets=("organisations",),
        help_de="Pflicht. Der Name, wie die Organisation ihn schreibt, z. B. „Verein Iranischer Frauen e.V.“.",
    ),
    Field("alt_names", "Weitere Namen", "Other names", ("Kurzname", "Abkürzung", "Alternativer Name", "Auch bekannt als",
          "Short name", "Acronym", "Other names", "Weitere Namen"), multi=True, sheets=("organisations",),
          help_de="Abkürzungen oder frühere Namen, mit ; getrennt."),
    Field("legal_form", "Rechtsform", "Legal form", ("Rechtsform", "Legal form", "Organisationsform", "Form"),
          sheets=("organisations",), help_de="z. B. e. V., gGmbH, Stiftung, Initiative."),
    Field("carrier", "Träger", "Carrier", ("Träger", "Trägerorganisation", "Träger*in", "Trägerverein", "Carrier",
          "Carrier organisation"), sheets=("organisations",),
          help_de="Wenn die Organisation zu einem Träger gehört: dessen Name (steht er ebenfalls in der Liste, wird er verknüpft)."),
    Field("address", "Adresse", "Address", ("Adresse", "Anschrift", "Address", "Postanschrift", "Standort", "Ort/Adresse",
          "Straße, PLZ, Ort"), content="address", help_de="Straße, Hausnummer, PLZ und Ort in einer Zelle, z. B. „Genter Str. 7, 13353 Berlin“ – oder die folgenden Spalten einzeln."),
    Field("street", "Straße + Hausnr.", "Street and number", ("Straße + Hausnr.", "Straße und Hausnummer", "Straße/Hausnr.",
          "Straße, Hausnummer", "Straße", "Strasse", "Street", "Street address", "Street and number")),
    Field("house_number", "Hausnummer", "House number", ("Hausnummer", "Hausnr.", "Haus-Nr.", "House number", "No.")),
    Field("postcode", "PLZ", "Postcode", ("PLZ", "Postleitzahl", "Postcode", "Post code", "ZIP", "ZIP code", "Postal code"),
          content="postcode", help_de="Berliner Postleitzahl (10115–14199)."),
    Field("city", "Ort", "City", ("Ort", "Stadt", "City", "Town")),
    Field("district", "Bezirk", "District", ("Bezirk", "Ortsteil", "Ortsteil/Bezirk", "Bezirk/Ortsteil", "Stadtteil", "Kiez",
          "District", "Borough", "Bezirk (Sitz)"), content="district", multi=True,
          help_de="Bezirk oder Ortsteil, z. B. Lichtenberg oder Prenzlauer Berg; mehrere mit ; getrennt."),
    Field("website", "Webseite", "Website", ("Webseite", "Website", "Homepage", "Internet", "Internetseite", "Internetadresse",
          "URL", "Web", "Link"), content="url", help_de="z. B. www.verein.de"),
    Field("email", "E-Mail", "E-mail", ("E-Mail", "Email", "Mail", "E-Mail-Adresse", "Mailadresse", "E-mail address"),
          content="email", help_de="Nur eine allgemeine Adresse der Organisation (info@…), keine persönliche."),
    Field("phone", "Telefon", "Phone", ("Telefon", "Tel", "Tel.", "Telefonnummer", "Phone", "Fon", "Telephone",
          "Phone number"), content="phone", help_de="z. B. 030 123 45 67"),
    Field("person", "Ansprechpartner*in", "Contact person", ("Ansprechpartner", "Ansprechpartnerin", "Ansprechpartner*in",
          "Ansprechpartner/in", "Ansprechperson", "Kontaktperson", "Kontakt Person", "Contact person", "Vorname",
          "Nachname", "Name Ansprechpartner", "Vor- und Nachname"), multi=True,
          help_de="Wird NICHT übernommen: migrakg speichert keine Daten von Privatpersonen."),
    Field("languages", "Sprachen", "Languages", ("Sprachen", "Sprache", "Languages", "Language", "Angebotssprachen",
          "Beratungssprachen", "Sprachkenntnisse", "in welchen Sprachen"), content="language", multi=True,
          help_de="Sprachen der Angebote, mit ; getrennt, z. B. Arabisch; Farsi; Deutsch."),
    Field("offers", "Angebote", "Offers", ("Angebote", "Angebot", "Offers", "Services", "Leistungen", "Aktivitäten",
          "Angebote/Aktivitäten", "Was wird angeboten"), multi=True, sheets=("organisations",),
          help_de="Die Angebote der Organisation, mit ; getrennt, z. B. Sprachcafé; Sozialberatung."),
    Field("target_groups", "Zielgruppen", "Target groups", ("Zielgruppen", "Zielgruppe", "Target groups", "Target group",
          "Audience", "Für wen"), multi=True, help_de="z. B. Frauen; Familien; Geflüchtete."),
    Field("fields", "Themen", "Fields", ("Themen", "Thema", "Arbeitsfelder", "Handlungsfelder", "Tätigkeitsfelder",
          "Schwerpunkte", "Fields", "Topics", "Bereich", "Arbeitsbereich"), multi=True, sheets=("organisations",)),
    Field("network", "Netzwerk / Gremium", "Network / committee", ("Netzwerk / Gremium", "Netzwerk", "Netzwerke", "Gremium",
          "Gremien", "Mitglied in", "Mitgliedschaften", "Network", "Networks", "Member of", "Arbeitskreis"), multi=True,
          sheets=("organisations",), help_de="Netzwerke und Gremien, in denen die Organisation mitarbeitet, mit ; getrennt."),
    Field("founded", "Gründungsjahr", "Year founded", ("Gründungsjahr", "Gegründet", "Gründung", "Founded", "Year founded",
          "Seit"), content="year", sheets=("organisations",)),
    Field("migrant_organisation", "Migrant*innenorganisation (ja/nein)", "Migrant organisation (yes/no)", ("MSO", "MO",
          "Migrantenorganisation", "Migrant*innenorganisation", "Migrantinnenorganisation", "Migrant organisation",
          "Migrant*innenorganisation (ja/nein)", "MSO ja/nein"), content="bool", sheets=("organisations",)),
    Field("description", "Beschreibung", "Description", ("Beschreibung", "Kurzbeschreibung", "Description", "Über uns",
          "Selbstbeschreibung", "Profil")),
    Field("offer_name", "Angebot", "Offer", ("Angebot", "Name des Angebots", "Angebotsname", "Titel", "Offer", "Offer name",
          "Service", "Kurs", "Veranstaltung"), sheets=("offers",)),
    Field("provider", "Organisation", "Organisation", ("Organisation", "Anbieter", "Anbieterin", "Träger", "Verein",
          "Name der Organisation", "Provider", "Organization", "Organisation name"), sheets=("offers",)),
    Field("offer_type", "Art des Angebots", "Kind of offer", ("Art", "Angebotsart", "Art des Angebots", "Typ", "Type",
          "Format", "Kind of offer"), sheets=("offers",)),
    Field("schedule", "Zeiten", "Times", ("Zeiten", "Termine", "Wann", "Öffnungszeiten", "Sprechzeiten", "Schedule",
          "Opening hours", "Times"), sheets=("offers",)),
    Field("source_url", "Quelle", "Source", ("Quelle", "Quellen", "Source", "Quelle (Link)", "Fundstelle", "Nachweis",
          "Source URL")),
    Field("source_date", "Stand", "As of", ("Stand", "Stand vom", "Datum", "Quelldatum", "Source date", "Abgerufen am",
          "As of", "Date")),
    Field("note", "Bemerkung", "Note", ("Bemerkung", "Bemerkungen", "Notiz", "Notizen", "Kommentar", "Anmerkung", "Anmerkungen",
          "Note", "Notes", "Comment", "Comments"), multi=True),
    Field("row_number", "Nr.", "No.", ("Nr", "Nr.", "lfd. Nr.", "Lfd. Nr.", "laufende Nummer", "ID", "#", "Nummer"), multi=True),
)  # fmt: skip

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
#: fields that are read but never taken (private persons, row numbers)
NOT_TAKEN = {"person", "row_number"}


def fields_for(sheet: str) -> tuple[Field, ...]:
    """The fields a sheet of this kind ("organisations" or "offers") may have."""
    return tuple(f for f in FIELDS if sheet in f.sheets)
