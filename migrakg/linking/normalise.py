"""Normalising names and addresses for matching (`migrakg link`, `/reconcile`).

Names: legal-form suffixes (e.V., eV, gGmbH, i.G. …) are set aside, umlauts and accents folded,
punctuation dropped, and abbreviations — in brackets ("Eltern von besonderen Kindern (EvbK)") or as
separate all-capital tokens ("… AfEBB e.V.") — kept as extra keys. Addresses: street names lose
"Straße"/"Str." differences, house numbers are split into number and letter ("22 E" → 22, "e").

>>> normalise_name("Afrikanische Eltern Verein Berlin Brandenburg AfEBB e.V.").acronyms
('afebb',)
>>> normalise_name("Lab Circus Berlin eV").text
'lab circus berlin'
>>> split_house_number("22 E")
('22', 'e')
>>> normalise_street("Schönfließer Str.")
'schoenfliesserstrasse'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from ..folding import fold  # the one folding, shared with the search

#: legal-form and status suffixes, in normalised (lowercase, no dots) spelling
LEGAL_FORMS = (
    "e v i g",
    "ev i g",
    "e v ig",
    "ev ig",
    "i g",
    "ig",
    "e v",
    "ev",
    "eingetragener verein",
    "ggmbh",
    "gmbh",
    "g gmbh",
    "gug",
    "ug",
    "gag",
    "ag",
    "mbh",
    "stiftung",
    "foundation",
    "kg",
    "gbr",
)
_LEGAL_TOKENS = {"ev", "ggmbh", "gmbh", "ig", "mbh", "ug", "gug", "gbr", "ag", "gag"}
#: words too common in this domain to tell organisations apart (not used as blocking keys)
STOPWORDS = {
    "und",
    "fuer",
    "der",
    "die",
    "das",
    "des",
    "dem",
    "den",
    "in",
    "im",
    "am",
    "an",
    "von",
    "zu",
    "zur",
    "zum",
    "e",
    "v",
    "and",
    "of",
    "the",
    "for",
    "et",
    "de",
    "la",
    "le",
    "en",
    "el",
    "y",
    "i",
    "g",
    "berlin",
    "verein",
    "ev",
    "ggmbh",
    "gmbh",
    "ig",
    "mbh",
}


@dataclass(frozen=True)
class Name:
    """A name prepared for comparison."""

    original: str
    text: str  # folded, punctuation and legal form removed, spaces single
    legal_form: str  # "ev", "ggmbh" … or ""
    acronyms: tuple[str, ...]  # abbreviations found in brackets or as capitalised tokens

    @property
    def tokens(self) -> list[str]:
        return self.text.split()

    @property
    def key_tokens(self) -> set[str]:
        """Tokens worth blocking on: not stop words, at least 3 characters."""
        return {t for t in self.tokens if t not in STOPWORDS and len(t) >= 3}

    @property
    def initials(self) -> str:
        """First letters of the significant words: "Verein Partnerschaft Deutschland Africa" → "vpda"."""
        return "".join(t[0] for t in self.tokens if t not in STOPWORDS - {"berlin", "verein"} and t)


def _legal_form(lowered: str) -> tuple[str, str]:
    """Split a trailing (or embedded, before a dash) legal form off a folded, dot-free name."""
    found = ""
    changed = True
    text = lowered
    while changed:
        changed = False
        for form in sorted(LEGAL_FORMS, key=len, reverse=True):
            if text == form:
                continue
            if text.endswith(" " + form):
                text = text[: -len(form) - 1].rstrip()
                found = found or form.replace(" ", "")
                changed = True
                break
    return text, found


_ACRONYM_RE = re.compile(r"\b([A-ZÄÖÜ][A-Za-zÄÖÜäöü]*[A-ZÄÖÜ][A-Za-zÄÖÜäöü]*)\b")


def normalise_name(name: str) -> Name:
    """Prepare *name* for matching; never raises."""
    original = name.strip()
    acronyms: list[str] = []
    # abbreviations in brackets: "Eltern von besonderen Kindern (EvbK)"; "(Kulturhäppchen)" too
    bracketed = re.findall(r"[(\[]([^)\]]{2,40})[)\]]", original)
    for part in bracketed:
        if len(part.split()) == 1:
            acronyms.append(fold(part))
    without_brackets = re.sub(r"[(\[][^)\]]*[)\]]", " ", original)
    # capitalised tokens like AfEBB, GePGeMi, VPDA, BGFF (not the legal forms e.V./gGmbH)
    for match in _ACRONYM_RE.finditer(without_brackets):
        token = match.group(1)
        folded = fold(token)
        if folded in _LEGAL_TOKENS or len(folded) < 2:
            continue
        upper = sum(1 for c in token if c.isupper())
        if upper >= 2 and len(token) <= 10:
            acronyms.append(folded)
    text = fold(without_brackets)
    text = text.replace("&", " und ").replace("+", " und ")
    text = re.sub(r"\be\.\s*v\.?", " ev ", text)
    text = re.sub(r"\bi\.\s*g\.?", " ig ", text)
    text = re.sub(r"[^\w\s]", " ", text)  # punctuation, dashes, slashes, apostrophes
    text = re.sub(r"_", " ", text)
    text = " ".join(text.split())
    text, legal = _legal_form(text)
    # a legal form inside the name ("Verein … e.V. -VPDA e.V."): drop it there too
    tokens = [t for t in text.split() if t not in _LEGAL_TOKENS]
    if legal == "" and len(tokens) < len(text.split()):
        legal = next(t for t in text.split() if t in _LEGAL_TOKENS)
    if not tokens:  # the name is only a legal form; keep it
        tokens = text.split()
    seen: list[str] = []
    for a in acronyms:
        if a not in seen:
            seen.append(a)
    return Name(original, " ".join(tokens), legal, tuple(seen))


_STREET_SUFFIXES = (
    ("strasse", "strasse"),
    ("str", "strasse"),
    ("allee", "allee"),
    ("platz", "platz"),
    ("damm", "damm"),
    ("weg", "weg"),
    ("ufer", "ufer"),
    ("ring", "ring"),
    ("chaussee", "chaussee"),
)


def normalise_street(street: str) -> str:
    """ "Schönfließer Str." and "Schönfließer Straße" → "schoenfliesserstrasse"; spaces and dashes dropped."""
    text = fold(street)
    text = re.sub(r"[^a-z0-9]", "", text)
    if text.endswith("str"):
        text = text[:-3] + "strasse"
    return text


_HOUSE_RE = re.compile(r"^\s*(\d+)\s*([a-zA-Z]?)\b")


def split_house_number(value: str) -> tuple[str, str]:
    """ "22 E" → ("22", "e"); "24a-26" → ("24", "a"); "" → ("", "")."""
    match = _HOUSE_RE.match(value or "")
    if not match:
        return "", ""
    return match.group(1), match.group(2).lower()


_ADDRESS_RE = re.compile(r"^(?P<street>.*?[^\d\s])\s*(?P<number>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)\s*$")


def split_address(text: str) -> tuple[str, str]:
    """ "Obstallee 22D" → ("Obstallee", "22D"); a text without a number → (text, "")."""
    match = _ADDRESS_RE.match((text or "").strip())
    if not match:
        return (text or "").strip(), ""
    return match.group("street").strip(" ,"), match.group("number").strip()


def normalise_postcode(value: str) -> str:
    """ "13597.0" (spreadsheet float) → "13597"; anything not five digits → ""."""
    match = re.match(r"^\s*(\d{5})(?:\.0+)?\s*$", value or "")
    return match.group(1) if match else ""


def domain_of(value: str) -> str:
    """Registrable part of a web address or e-mail address: "https://www.narud.org/x" → "narud.org"."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if value.startswith("mailto:"):
        value = value[7:]
    if "@" in value and "://" not in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlparse(value if "://" in value else "http://" + value).hostname or ""
    host = host.strip(".")
    if host.startswith("www."):
        host = host[4:]
    return host


#: the twelve Bezirke: slug → name (as in data/districts.csv), and the official numbers
DISTRICTS: dict[str, str] = {
    "mitte": "Mitte",
    "friedrichshain-kreuzberg": "Friedrichshain-Kreuzberg",
    "pankow": "Pankow",
    "charlottenburg-wilmersdorf": "Charlottenburg-Wilmersdorf",
    "spandau": "Spandau",
    "steglitz-zehlendorf": "Steglitz-Zehlendorf",
    "tempelhof-schoeneberg": "Tempelhof-Schöneberg",
    "neukoelln": "Neukölln",
    "treptow-koepenick": "Treptow-Köpenick",
    "marzahn-hellersdorf": "Marzahn-Hellersdorf",
    "lichtenberg": "Lichtenberg",
    "reinickendorf": "Reinickendorf",
}
DISTRICT_BY_NOTATION: dict[str, str] = {f"{i:02d}": slug for i, slug in enumerate(DISTRICTS, start=1)}


def is_berlin_postcode(value: str) -> bool:
    return bool(value) and value.isdigit() and len(value) == 5 and 10115 <= int(value) <= 14199


def district_slugs(value: str) -> tuple[str, ...]:
    """District slugs named in a text or IRI: ".../id/district/pankow" → ("pankow",);
    "Mitte (seat); Spandau (project)" → ("mitte", "spandau"); "03" → ("pankow",)."""
    value = (value or "").strip()
    if not value:
        return ()
    if "/district/" in value:
        slug = value.rsplit("/district/", 1)[1].split("#")[0]
        return (slug,) if slug in DISTRICTS else ()
    if value in DISTRICT_BY_NOTATION:
        return (DISTRICT_BY_NOTATION[value],)
    folded = " " + re.sub(r"[^a-z]+", " ", fold(value)) + " "
    found = []
    # longest names first, so "Mitte" inside another name is not found twice
    for slug in sorted(DISTRICTS, key=len, reverse=True):
        words = " " + " ".join(slug.split("-")) + " "
        if words in folded:
            found.append(slug)
            folded = folded.replace(words, " ")
    return tuple(sorted(found))


#: words that say what kind of place or body something is, not which one: sharing only these is no evidence
GENERIC_WORDS = {
    "familienzentrum",
    "stadtteilzentrum",
    "jugendzentrum",
    "nachbarschaftszentrum",
    "kulturzentrum",
    "zentrum",
    "nachbarschaftshaus",
    "stadtteiltreff",
    "nachbarschaftstreff",
    "treff",
    "treffpunkt",
    "haus",
    "club",
    "jugendclub",
    "jugendfreizeiteinrichtung",
    "begegnungsstaette",
    "kinder",
    "jugend",
    "familien",
    "gesellschaft",
    "bezirksamt",
    "integration",
    "interkulturelle",
    "interkulturelles",
    "kiez",
    "kiezoase",
    "eltern",
    "arbeitskreis",
    "netzwerk",
    "beirat",
    "stadtteil",
    "nachbarschafts",
    "deutsch",
    "deutsche",
    "internationaler",
    "evangelisches",
    "evangelischer",
    "katholische",
    "awo",
    "drk",
    "caritas",
    "diakonie",
    "spandau",
    "pankow",
    "mitte",
    "neukoelln",
    "kreuzberg",
}
