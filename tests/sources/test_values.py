"""Cell values read, not refused: each reader with what it reads, the note it gives, and what it refuses."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from migrakg.sources import languages, mapping, sheet, tables, values
from migrakg.sources.values import Unreadable
from migrakg.vocabularies import load_vocabularies

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab():
    return load_vocabularies(ROOT / "vocab")


@pytest.fixture(scope="module")
def known(vocab):
    return frozenset(vocab.codes("language"))


@pytest.mark.parametrize("module", [values, languages, mapping, sheet, tables])
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Lichtenberg", "lichtenberg"),
        ("lichtenberg", "lichtenberg"),
        ("LICHTENBERG", "lichtenberg"),
        ("Bezirk Lichtenberg", "lichtenberg"),
        ("BA Pankow", "pankow"),
        ("Prenzlauer Berg", "pankow"),
        ("prenzlauer berg", "pankow"),
        ("Spandau-Staaken", "spandau"),
        ("Staaken", "spandau"),
        ("Neukoelln", "neukoelln"),
        ("Neukölln", "neukoelln"),
        ("Tempelhof-Schöneberg", "tempelhof-schoeneberg"),
        ("Friedrichshain-Kreuzberg", "friedrichshain-kreuzberg"),
        ("Kreuzberg", "friedrichshain-kreuzberg"),
        ("Wedding", "mitte"),
        ("Neu-Hohenschönhausen", "lichtenberg"),
        ("Stadtrandsiedlung Malchow", "pankow"),
        ("Malchow", "lichtenberg"),
        ("Französisch Buchholz", "pankow"),
        ("Märkisches Viertel", "reinickendorf"),
        ("03", "pankow"),
        ("11", "lichtenberg"),
    ],
)
def test_districts_in_any_case_or_spelling(text, slug):
    assert values.read_district(text).value == slug


def test_a_district_read_differently_says_so_and_one_written_as_is_does_not():
    assert values.read_district("Lichtenberg").note is None
    note = values.read_district("Prenzlauer Berg").note
    assert note is not None and "Pankow" in note.de and "Prenzlauer Berg" in note.de and "Pankow" in note.en


def test_several_districts_keep_her_order():
    assert values.read_district("Pankow, Lichtenberg").value == "pankow | lichtenberg"


@pytest.mark.parametrize("text", ["Xhain", "Potsdam", "Lichtenberg und Hamburg", "12345"])
def test_what_is_no_district_is_unreadable(text):
    with pytest.raises(Unreadable) as caught:
        values.read_district(text)
    assert text in caught.value.text.de and text in caught.value.text.en


@pytest.mark.parametrize(
    "text, code",
    [
        ("e.V.", "ev"),
        ("eV", "ev"),
        ("e. V.", "ev"),
        ("E.V.", "ev"),
        ("eingetragener Verein", "ev"),
        ("eingetragener Verein (e. V.)", "ev"),
        ("gGmbH", "ggmbh"),
        ("gemeinnützige GmbH", "ggmbh"),
        ("GmbH", "gmbh"),
        ("Initiative", "initiative"),
        ("Stiftung", "foundation"),
        ("KdöR", "public-law-body"),
        ("Bezirksamt", "authority"),
        ("informelles Netzwerk", "informal-network"),
    ],
)
def test_legal_forms_as_people_write_them(vocab, text, code):
    assert values.read_legal_form(text, vocab).value == code


def test_an_unknown_legal_form_is_a_warning_not_an_error(vocab):
    read = values.read_legal_form("UG (haftungsbeschränkt)", vocab)
    assert read.value == "" and read.warning is not None and "UG" in read.warning.de


def test_legal_form_from_the_name():
    assert values.legal_form_in_name("Verein Iranischer Frauen e.V.") == "ev"
    assert values.legal_form_in_name("Bildungswerk gGmbH") == "ggmbh"
    assert values.legal_form_in_name("Nachbarschaftstreff") == ""


LANGUAGES = [
    # German names
    ("Deutsch", "DEU"), ("Englisch", "ENG"), ("Arabisch", "ARA"), ("Persisch", "FAS"), ("Farsi", "FAS"), ("Dari", "PRS"),
    ("Kurdisch", "KUR"), ("Kurmandschi", "KUR"), ("Sorani", "KUR"), ("Türkisch", "TUR"), ("Russisch", "RUS"),
    ("Ukrainisch", "UKR"), ("Polnisch", "POL"), ("Vietnamesisch", "VIE"), ("Tigrinja", "TIR"), ("Amharisch", "AMH"),
    ("Französisch", "FRA"), ("Spanisch", "SPA"), ("Serbisch", "SRP"), ("Kroatisch", "HRV"), ("Bosnisch", "BOS"),
    ("Albanisch", "SQI"), ("Rumänisch", "RON"), ("Bulgarisch", "BUL"), ("Chinesisch", "ZHO"), ("Paschtu", "PUS"),
    # English names
    ("Arabic", "ARA"), ("Persian", "FAS"), ("Tigrinya", "TIR"), ("Vietnamese", "VIE"), ("Swahili", "SWA"), ("Somali", "SOM"),
    ("Urdu", "URD"), ("Hindi", "HIN"), ("Portuguese", "POR"), ("Italian", "ITA"), ("Mandarin", "ZHO"),
    # native names
    ("العربية", "ARA"), ("فارسی", "FAS"), ("Türkçe", "TUR"), ("русский", "RUS"), ("українська", "UKR"), ("polski", "POL"),
    ("Tiếng Việt", "VIE"), ("ትግርኛ", "TIR"), ("አማርኛ", "AMH"), ("Soomaali", "SOM"), ("français", "FRA"), ("español", "SPA"),
    ("српски", "SRP"), ("hrvatski", "HRV"), ("shqip", "SQI"), ("română", "RON"), ("中文", "ZHO"), ("Kiswahili", "SWA"),
    ("हिन्दी", "HIN"), ("اردو", "URD"), ("پښتو", "PUS"), ("Kurmancî", "KUR"),
    # codes
    ("DEU", "DEU"), ("ara", "ARA"), ("de", "DEU"), ("per", "FAS"),
]  # fmt: skip


@pytest.mark.parametrize("text, code", LANGUAGES)
def test_languages_by_german_english_or_native_name(known, text, code):
    assert values.read_language(text, known).value == code


def test_at_least_thirty_language_names_are_tested():
    assert len(LANGUAGES) >= 30


def test_every_iso_639_3_language_is_known_by_its_english_and_german_name():
    import gettext

    import pycountry

    german = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["de"])
    for record in list(pycountry.languages)[::97]:  # a spread sample of the ~7,900 languages
        found = languages.lookup(record.alpha_3)
        assert found is not None and found.iso == record.alpha_3
        assert languages.lookup(german.gettext(record.name)) is not None


def test_a_language_read_but_not_in_the_vocabulary_is_a_warning(known):
    read = values.read_language("Lingala", known)
    assert read.value == "" and read.warning is not None
    assert "lin" in read.warning.de and "Lingala" in read.warning.en


def test_what_is_no_language_is_unreadable(known):
    with pytest.raises(Unreadable):
        values.read_language("Klingonisch-Quatsch", known)


@pytest.mark.parametrize(
    "text, url",
    [
        ("www.narud.org", "https://www.narud.org"),
        ("narud.org", "https://narud.org"),
        ("narud.org/ueber-uns", "https://narud.org/ueber-uns"),
        ("https://www.narud.org/", "https://www.narud.org/"),
        ("HTTP://narud.org", "http://narud.org"),
        ("<www.narud.org>", "https://www.narud.org"),
    ],
)
def test_urls_without_scheme_are_read_as_https(text, url):
    assert values.read_url(text).value == url


@pytest.mark.parametrize("text", ["info@narud.org", "keine Webseite", "www", "http://"])
def test_what_is_no_url_is_unreadable(text):
    with pytest.raises(Unreadable):
        values.read_url(text)


@pytest.mark.parametrize(
    "text, tel",
    [
        ("030 / 123 45-67", "+49301234567"),
        ("+49 (0)30 1234567", "+49301234567"),
        ("+49 30 1234567", "+49301234567"),
        ("0049 30 1234567", "+49301234567"),
        ("0176 12345678", "+4917612345678"),
        ("(030) 123 456 7", "+49301234567"),
        ("030-123-4567", "+49301234567"),
        ("Tel.: 030 1234567", "+49301234567"),
        ("301234567", "+49301234567"),  # Excel dropped the leading 0
        ("1234567", "+49301234567"),  # a Berlin number without area code
    ],
)
def test_german_phone_formats(text, tel):
    assert values.read_phone(text).value == tel


def test_a_foreign_phone_number_is_a_warning():
    read = values.read_phone("+33 1 23 45 67 89")
    assert read.value == "" and read.warning is not None


@pytest.mark.parametrize("text", ["12", "keine", "+49 30"])
def test_what_is_no_phone_number_is_unreadable(text):
    with pytest.raises(Unreadable):
        values.read_phone(text)


@pytest.mark.parametrize(
    "text, parts",
    [
        ("Genter Str. 7, 13353 Berlin", ("Genter Str.", "7", "13353", "Berlin")),
        ("Genter Straße 7a 13353 Berlin", ("Genter Straße", "7a", "13353", "Berlin")),
        ("Frankfurter Allee 5-7, 10247 Berlin", ("Frankfurter Allee", "5-7", "10247", "Berlin")),
        ("13353 Berlin, Genter Str. 7", ("Genter Str.", "7", "13353", "Berlin")),
        ("Genter Str. 7\n13353 Berlin", ("Genter Str.", "7", "13353", "Berlin")),
        ("Hauptstr. 12", ("Hauptstr.", "12", "", "")),
        ("Am Nordbahnhof 3, 10115", ("Am Nordbahnhof", "3", "10115", "Berlin")),
    ],
)
def test_one_address_cell_is_split(text, parts):
    address, _note = values.read_address(text)
    assert (address.street, address.house_number, address.postcode, address.city) == parts


@pytest.mark.parametrize(
    "text, code", [("13353", "13353"), ("13353.0", "13353"), ("D-13353", "13353"), ("10115", "10115"), ("14199", "14199")]
)
def test_berlin_postcodes(text, code):
    assert values.read_postcode(text).value == code


@pytest.mark.parametrize("text", ["1335", "80331", "10114", "14200", "PLZ", "133531"])
def test_postcodes_outside_berlin_or_malformed_are_unreadable(text):
    with pytest.raises(Unreadable) as caught:
        values.read_postcode(text)
    assert "10115" in caught.value.text.de or "fünf Ziffern" in caught.value.text.de


def test_a_postcode_seen_only_in_another_district_is_a_warning():
    assert values.read_postcode("13353", ("lichtenberg",)).warning is not None  # OSM: 13353 is in Mitte
    assert values.read_postcode("13353", ("mitte",)).warning is None
    assert values.read_postcode("10405", ()).warning is None


@pytest.mark.parametrize(
    "text, year",
    [("1998", "1998"), ("1998.0", "1998"), ("seit 2005", "2005"), ("2005-03-01", "2005-03-01"), ("03.2005", "2005-03")],
)
def test_years(text, year):
    assert values.read_year(text).value == year


@pytest.mark.parametrize("text", ["früher", "3000", "98"])
def test_what_is_no_year_is_unreadable(text):
    with pytest.raises(Unreadable):
        values.read_year(text)


@pytest.mark.parametrize("text, value", [("ja", "yes"), ("Ja", "yes"), ("x", "yes"), ("nein", "no"), ("no", "no")])
def test_yes_no(text, value):
    assert values.read_bool(text).value == value


@pytest.mark.parametrize(
    "scheme, text, code",
    [
        ("target-group", "Frauen", "women"),
        ("target-group", "Senioren", "seniors"),
        ("target-group", "Senior:innen", "seniors"),
        ("target-group", "Flüchtlinge", "refugees"),
        ("target-group", "Geflüchtete", "refugees"),
        ("target-group", "women", "women"),
        ("offer-type", "Sprachcafé", "language-cafe"),
        ("offer-type", "Beratung", "counselling"),
        ("field", "Bildung", "education"),
    ],
)
def test_vocabulary_terms_by_label(vocab, scheme, text, code):
    assert values.read_concept(vocab, scheme, text).value == code


@pytest.mark.parametrize(
    "text, items",
    [
        ("Arabisch, Farsi", ["Arabisch", "Farsi"]),
        ("Arabisch; Farsi / Deutsch", ["Arabisch", "Farsi", "Deutsch"]),
        ("Kinder und Jugendliche", ["Kinder", "Jugendliche"]),
        ("Arabisch\nDeutsch", ["Arabisch", "Deutsch"]),
    ],
)
def test_list_cells_are_split(text, items):
    assert values.split_values(text) == items
