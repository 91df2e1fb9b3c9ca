"""Berlin's districts (Bezirke), their localities (Ortsteile) and what is known about postcodes.

Ortsteile: the 96 localities of the twelve Bezirke as listed by the Amt für Statistik Berlin-Brandenburg
(Verzeichnis der Ortsteile, also https://de.wikipedia.org/wiki/Liste_der_Bezirke_und_Ortsteile_Berlins,
seen 2026-11-30). A coordinator who writes "Prenzlauer Berg" means the Bezirk Pankow.

Postcodes: no open table maps every Berlin postcode to its Bezirk (postcodes cross district borders).
So a postcode is checked against Berlin's range (10115–14199) and, where the table below knows it, for
plausibility: POSTCODE_DISTRICTS is derived from the OpenStreetMap community centres in
shared data (open-lifeworlds data product "berlin-points-of-interest-2025-09", © OpenStreetMap
contributors, ODbL 1.0; the Bezirk from each centre's 8-digit LOR planning area). A postcode the table
knows only in other districts gives a warning, never an error. Regenerate with
`scripts/postcode_districts.py`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..linking.normalise import DISTRICTS, fold

ORTSTEILE: dict[str, tuple[str, ...]] = {
    "mitte": ("Mitte", "Moabit", "Hansaviertel", "Tiergarten", "Wedding", "Gesundbrunnen"),
    "friedrichshain-kreuzberg": ("Friedrichshain", "Kreuzberg"),
    "pankow": (
        "Prenzlauer Berg",
        "Weißensee",
        "Blankenburg",
        "Heinersdorf",
        "Karow",
        "Stadtrandsiedlung Malchow",
        "Pankow",
        "Blankenfelde",
        "Buch",
        "Französisch Buchholz",
        "Niederschönhausen",
        "Rosenthal",
        "Wilhelmsruh",
    ),
    "charlottenburg-wilmersdorf": (
        "Charlottenburg",
        "Wilmersdorf",
        "Schmargendorf",
        "Grunewald",
        "Westend",
        "Charlottenburg-Nord",
        "Halensee",
    ),
    "spandau": (
        "Spandau",
        "Haselhorst",
        "Siemensstadt",
        "Staaken",
        "Gatow",
        "Kladow",
        "Hakenfelde",
        "Falkenhagener Feld",
        "Wilhelmstadt",
    ),
    "steglitz-zehlendorf": ("Steglitz", "Lichterfelde", "Lankwitz", "Zehlendorf", "Dahlem", "Nikolassee", "Wannsee"),
    "tempelhof-schoeneberg": ("Schöneberg", "Friedenau", "Tempelhof", "Mariendorf", "Marienfelde", "Lichtenrade"),
    "neukoelln": ("Neukölln", "Britz", "Buckow", "Rudow", "Gropiusstadt"),
    "treptow-koepenick": (
        "Alt-Treptow",
        "Plänterwald",
        "Baumschulenweg",
        "Johannisthal",
        "Niederschöneweide",
        "Altglienicke",
        "Adlershof",
        "Bohnsdorf",
        "Oberschöneweide",
        "Köpenick",
        "Friedrichshagen",
        "Rahnsdorf",
        "Grünau",
        "Müggelheim",
        "Schmöckwitz",
    ),
    "marzahn-hellersdorf": ("Marzahn", "Biesdorf", "Kaulsdorf", "Mahlsdorf", "Hellersdorf"),
    "lichtenberg": (
        "Friedrichsfelde",
        "Karlshorst",
        "Lichtenberg",
        "Falkenberg",
        "Malchow",
        "Wartenberg",
        "Neu-Hohenschönhausen",
        "Alt-Hohenschönhausen",
        "Fennpfuhl",
        "Rummelsburg",
    ),
    "reinickendorf": (
        "Reinickendorf",
        "Tegel",
        "Konradshöhe",
        "Heiligensee",
        "Frohnau",
        "Hermsdorf",
        "Waidmannslust",
        "Lübars",
        "Wittenau",
        "Märkisches Viertel",
        "Borsigwalde",
    ),
}

BERLIN_POSTCODES = (10115, 14199)
POSTCODE_TABLE = Path(__file__).with_name("postcode_districts.csv")


def words(text: str) -> str:
    """Folded, punctuation as single spaces, padded: " prenzlauer berg " (for whole-word search)."""
    import re

    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split()) + " "


def _ortsteil_index() -> list[tuple[str, str, str]]:
    """(folded words, Ortsteil as written, district slug), longest first so "Stadtrandsiedlung Malchow"
    is found before "Malchow"."""
    entries = [(words(name), name, slug) for slug, names in ORTSTEILE.items() for name in names]
    return sorted(entries, key=lambda e: len(e[0]), reverse=True)


ORTSTEIL_INDEX = _ortsteil_index()
DISTRICT_INDEX = sorted(((words(name), name, slug) for slug, name in DISTRICTS.items()), key=lambda e: len(e[0]), reverse=True)


@lru_cache(maxsize=1)
def postcode_districts() -> dict[str, frozenset[str]]:
    """postcode → district slugs where the OSM table saw it (partial; see the module docstring)."""
    import csv

    table: dict[str, set[str]] = {}
    with POSTCODE_TABLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            table.setdefault(row["postcode"], set()).add(row["district"])
    return {code: frozenset(slugs) for code, slugs in table.items()}
