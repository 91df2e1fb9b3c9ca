"""Cell values as coordinators write them → the template's values, with a "read as" note.

Each reader takes one cell's text and returns a `Read`: the value for the record builder's template
(data/README.md), a `note` when the text was not already written that way ("Lichtenberg" → `lichtenberg`,
"www.narud.org" → `https://www.narud.org`), and a `warning` when something was read but cannot be held
(a language not in the vocabulary, a foreign phone number). Only a text that cannot be read at all raises
`Unreadable`, whose message (German and English) says what was expected.

>>> read_district("Bezirk Lichtenberg").value
'lichtenberg'
>>> read_url("www.narud.org").value
'https://www.narud.org'
>>> read_phone("+49 (0)30 / 123 45-67").value
'+49301234567'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import Text
from ..linking.normalise import DISTRICT_BY_NOTATION, DISTRICTS, fold, split_address
from ..vocabularies import Vocabularies
from . import languages
from .berlin import BERLIN_POSTCODES, DISTRICT_INDEX, ORTSTEIL_INDEX, postcode_districts, words
from .schema import LIST_SEPARATOR


@dataclass(frozen=True)
class Read:
    """What a cell was read as. `value` is in the template's form ("" = nothing taken)."""

    value: str
    note: Text | None = None
    warning: Text | None = None


class Unreadable(Exception):
    """A cell that cannot be read; `text` says what was expected."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


def _read_as(original: str, value: str, shown: str | None = None) -> Text | None:
    """The note "read as …", or None when the cell already held the value."""
    if original.strip() == value:
        return None
    shown = shown or value
    return Text(f"„{original.strip()}“ gelesen als {shown}", f"'{original.strip()}' read as {shown}")


def split_values(text: str, *, slash: bool = True) -> list[str]:
    """A list cell → its items: separated by ; | , line breaks, " und " / " and " (and / unless slash=False)."""
    separators = r"[;|,\n]|\s+und\s+|\s+and\s+|\s+&\s+" + (r"|/" if slash else "")
    return [part.strip(" .") for part in re.split(separators, text or "") if part.strip(" .")]


# -- districts ------------------------------------------------------------------------------------

_DISTRICT_NOISE = re.compile(r"\b(bezirk|bezirksamt|ba|ortsteil|ot|berlin|stadtteil|kiez|district)\b")


def read_district(text: str) -> Read:
    """A Bezirk by its name in any case or spelling, its number, or one of its Ortsteile
    ("Prenzlauer Berg" → pankow, "Spandau-Staaken" → spandau). Several districts → "a | b"."""
    raw = text.strip()
    if raw.zfill(2) in DISTRICT_BY_NOTATION and raw.isdigit():
        slug = DISTRICT_BY_NOTATION[raw.zfill(2)]
        return Read(slug, _read_as(raw, slug, f"Bezirk {DISTRICTS[slug]}"))
    remaining = " " + " ".join(_DISTRICT_NOISE.sub(" ", words(raw)).split()) + " "
    hits: list[tuple[int, str]] = []  # (position in the text, district slug), to keep her order
    via: list[str] = []
    for index in (DISTRICT_INDEX, ORTSTEIL_INDEX):
        for folded, name, slug in index:
            position = remaining.find(folded)
            if position >= 0:
                remaining = remaining.replace(folded, " " * (len(folded) - 1) + " ")
                hits.append((position, slug))
                if index is ORTSTEIL_INDEX and fold(name) != slug:
                    via.append(name)
    found = list(dict.fromkeys(slug for _position, slug in sorted(hits)))
    if not found or remaining.strip():
        raise Unreadable(
            Text(
                f"„{raw}“ ist kein Berliner Bezirk und kein Ortsteil (z. B. Lichtenberg, Prenzlauer Berg, Spandau-Staaken)",
                f"'{raw}' is neither a Berlin district nor a locality (e.g. Lichtenberg, Prenzlauer Berg, Spandau-Staaken)",
            )
        )
    value = f" {LIST_SEPARATOR} ".join(found)
    names = ", ".join(DISTRICTS[s] for s in found)
    shown_de = f"Bezirk {names}" + (f" (Ortsteil {', '.join(via)})" if via else "")
    shown_en = f"district {names}" + (f" (locality {', '.join(via)})" if via else "")
    if raw == DISTRICTS.get(value, None) or raw == value:
        return Read(value)
    return Read(value, Text(f"„{raw}“ gelesen als {shown_de}", f"'{raw}' read as {shown_en}"))


# -- postcodes and addresses ----------------------------------------------------------------------


def read_postcode(text: str, districts: tuple[str, ...] = ()) -> Read:
    """A Berlin postcode (10115–14199; "13353.0", "D-13353" are read too). With *districts*, a postcode
    the partial table (sources/berlin.py) has seen only elsewhere gives a warning."""
    raw = text.strip()
    match = re.fullmatch(r"(?:D\s*-?\s*)?(\d{5})(?:\.0+)?(?:\s+berlin)?", raw, re.IGNORECASE)
    if not match:
        raise Unreadable(
            Text(
                f"„{raw}“ ist keine Postleitzahl (fünf Ziffern, z. B. 13353)",
                f"'{raw}' is not a postcode (five digits, e.g. 13353)",
            )
        )
    code = match.group(1)
    low, high = BERLIN_POSTCODES
    if not low <= int(code) <= high:
        raise Unreadable(
            Text(
                f"Postleitzahl {code} liegt nicht in Berlin (Berliner Postleitzahlen: {low}–{high})",
                f"postcode {code} is not in Berlin (Berlin postcodes: {low}–{high})",
            )
        )
    warning = None
    seen = postcode_districts().get(code)
    if districts and seen and not seen & set(districts):
        where = ", ".join(DISTRICTS[s] for s in sorted(seen))
        given = ", ".join(DISTRICTS.get(s, s) for s in districts)
        warning = Text(
            f"Postleitzahl {code} ist uns nur aus {where} bekannt, nicht aus {given} – bitte prüfen",
            f"postcode {code} is known to us only in {where}, not in {given} — please check",
        )
    return Read(code, _read_as(raw, code), warning)


@dataclass(frozen=True)
class Address:
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""


_POSTCODE_IN_TEXT = re.compile(r"(?:\bD\s*-\s*)?(?<![\d.])(\d{5})(?![\d])\s*([^\d,;]*)")


def read_address(text: str) -> tuple[Address, Text | None]:
    """One address cell → street, number, postcode, city: "Genter Str. 7, 13353 Berlin". The postcode is
    not checked here (see read_postcode)."""
    raw = " ".join(text.replace("\n", ", ").split())
    postcode = city = ""
    rest = raw
    match = _POSTCODE_IN_TEXT.search(raw)
    if match:
        postcode, city = match.group(1), match.group(2).strip(" ,")
        rest = (raw[: match.start()] + " " + raw[match.end() :]).strip(" ,")
    street_part = rest.split(",")[0].strip() if rest else ""
    street, number = split_address(street_part)
    if not street and not postcode:
        raise Unreadable(
            Text(
                f"„{raw}“ ist keine Adresse (z. B. Genter Str. 7, 13353 Berlin)",
                f"'{raw}' is not an address (e.g. Genter Str. 7, 13353 Berlin)",
            )
        )
    address = Address(street, number, postcode, city or ("Berlin" if postcode else ""))
    parts = [f"{street} {number}".strip(), f"{postcode} {address.city}".strip()]
    shown = "; ".join(p for p in parts if p)
    note = Text(
        f"Adresse gelesen als Straße „{street}“, Hausnummer „{number}“, PLZ {postcode or '–'}, Ort {address.city or '–'}",
        f"address read as street '{street}', number '{number}', postcode {postcode or '-'}, city {address.city or '-'}",
    )
    return address, (note if shown != raw else None)


# -- contact --------------------------------------------------------------------------------------


def read_url(text: str) -> Read:
    """A web address; without scheme ("www.narud.org") it is read as https."""
    raw = text.strip().strip("<>")
    if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+\.[^\s<>\"{}|\\^`]+", raw, re.IGNORECASE):
        scheme, rest = raw.split("://", 1)
        value = scheme.lower() + "://" + rest
        return Read(value, _read_as(raw, value))
    bare = re.sub(r"^(https?)//", "", raw, flags=re.IGNORECASE)
    if "@" not in bare and re.fullmatch(r"(?:[\w-]+\.)+[a-z]{2,}(?:[/?#]\S*)?", bare, re.IGNORECASE):
        value = "https://" + bare
        return Read(value, _read_as(raw, value))
    hint_de = " (das ist eine E-Mail-Adresse)" if "@" in raw else ""
    hint_en = " (that is an e-mail address)" if "@" in raw else ""
    raise Unreadable(
        Text(
            f"„{raw}“ ist keine Webadresse{hint_de} (z. B. www.narud.org)",
            f"'{raw}' is not a web address{hint_en} (e.g. www.narud.org)",
        )
    )


def read_email(text: str) -> Read:
    """An e-mail address ("mailto:" and " [at] " are read too)."""
    raw = text.strip()
    value = re.sub(r"^mailto:", "", raw, flags=re.IGNORECASE)
    value = re.sub(r"\s*[\[(]\s*at\s*[\])]\s*", "@", value, flags=re.IGNORECASE).strip()
    local, _, domain = value.partition("@")
    value = f"{local}@{domain.lower()}"
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        raise Unreadable(
            Text(
                f"„{raw}“ ist keine E-Mail-Adresse (z. B. info@verein.de)",
                f"'{raw}' is not an e-mail address (e.g. info@verein.de)",
            )
        )
    return Read(value, _read_as(raw, value))


def read_phone(text: str) -> Read:
    """A German phone number in any usual format → "+49…" ("030 / 123 45-67", "+49 (0)30 …", "0176 …").
    A Berlin number written without area code is read with 030; a foreign number is not taken (warning)."""
    raw = text.strip()
    match = re.match(r"^(?:(?:tel|telefon|fon|phone|mobil|handy)\.?\s*:?\s*)?(\+?[\d(][\d\s/()\-.+]*\d)", raw, re.IGNORECASE)
    if not match:
        raise Unreadable(
            Text(f"„{raw}“ ist keine Telefonnummer (z. B. 030 123 45 67)", f"'{raw}' is not a phone number (e.g. 030 123 45 67)")
        )
    digits = match.group(1).replace("(0)", "")
    compact = re.sub(r"[^\d+]", "", digits)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+49" + compact[1:]
    elif not compact.startswith("+"):
        # Excel drops the leading 0 of a number typed as a number; a short number is a Berlin one
        compact = "+49" + compact if len(compact) >= 9 else "+4930" + compact
    if not compact.startswith("+49"):
        return Read(
            "",
            warning=Text(
                f"„{raw}“ ist keine deutsche Nummer; nur deutsche Nummern werden als Telefon übernommen (als Bemerkung behalten)",
                f"'{raw}' is not a German number; only German numbers are taken as phone (kept as a note)",
            ),
        )
    if not re.fullmatch(r"\+49[1-9]\d{5,13}", compact):
        raise Unreadable(
            Text(
                f"„{raw}“ hat zu wenige oder zu viele Ziffern für eine Telefonnummer",
                f"'{raw}' has too few or too many digits for a phone number",
            )
        )
    return Read(compact, _read_as(raw, compact))


# -- organisation facts ---------------------------------------------------------------------------

LEGAL_FORM_WORDS: dict[str, str] = {
    "ev": "ev",
    "eingetragenerverein": "ev",
    "registeredassociation": "ev",
    "ggmbh": "ggmbh",
    "gemeinnuetzigegmbh": "ggmbh",
    "gemeinnuetzigegesellschaftmitbeschraenkterhaftung": "ggmbh",
    "gmbh": "gmbh",
    "gesellschaftmitbeschraenkterhaftung": "gmbh",
    "stiftung": "foundation",
    "foundation": "foundation",
    "gemeinnuetzigestiftung": "foundation",
    "stiftungbuergerlichenrechts": "foundation",
    "initiative": "initiative",
    "ini": "initiative",
    "buergerinitiative": "initiative",
    "nichteingetragenerverein": "initiative",
    "evig": "initiative",
    "netzwerk": "informal-network",
    "informellesnetzwerk": "informal-network",
    "kdoer": "public-law-body",
    "koerperschaftdesoeffentlichenrechts": "public-law-body",
    "kirchlichekoerperschaft": "church-body",
    "kirchengemeinde": "church-body",
    "behoerde": "authority",
    "bezirksamt": "authority",
    "senatsverwaltung": "authority",
    "amt": "authority",
}


def read_legal_form(text: str, vocab: Vocabularies | None = None) -> Read:
    """A legal form as people write it ("e.V.", "eV", "e. V.", "gGmbH", "gemeinnützige GmbH",
    "Initiative", "Stiftung") → vocab/legal-form code. An unknown form is a warning, not an error."""
    raw = text.strip()
    compact = re.sub(r"[^a-z]", "", fold(raw))
    code = LEGAL_FORM_WORDS.get(compact)
    if code is None and vocab is not None:
        code = _concept_code(vocab, "legal-form", raw)
    if code is None:
        return Read(
            "",
            warning=Text(
                f"Rechtsform „{raw}“ ist unbekannt und wird als Bemerkung übernommen (bekannt: e. V., gGmbH, GmbH, Stiftung, Initiative …)",
                f"legal form '{raw}' is unknown and is kept as a note (known: e. V., gGmbH, GmbH, Stiftung, Initiative …)",
            ),
        )
    return Read(code, _read_as(raw, code))


def legal_form_in_name(name: str) -> str:
    """The legal form a name ends with ("Verein Iranischer Frauen e.V." → "ev"), else ""."""
    tail = re.search(r"(\be\.?\s?V\.?|\bg?gmbh|\bStiftung)\s*$", name.strip(), re.IGNORECASE)
    return LEGAL_FORM_WORDS.get(re.sub(r"[^a-z]", "", fold(tail.group(1))), "") if tail else ""


def read_year(text: str) -> Read:
    """A founding year or date: "1998", "1998.0", "seit 2005", "2005-03-01", "03.2005"."""
    raw = text.strip()
    match = re.fullmatch(r"(?:seit|since|gegr(?:uendet|ündet)?\.?|ca\.?)?\s*(\d{4})(?:\.0+)?", raw, re.IGNORECASE)
    if match:
        value = match.group(1)
    elif re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", raw):
        value = raw
    elif m := re.fullmatch(r"(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})", raw):
        day, month, year = m.groups()
        value = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    else:
        raise Unreadable(Text(f"„{raw}“ ist kein Jahr (z. B. 1998)", f"'{raw}' is not a year (e.g. 1998)"))
    if not 1800 <= int(value[:4]) <= dt.date.today().year:
        raise Unreadable(Text(f"„{raw}“ ist kein mögliches Gründungsjahr", f"'{raw}' is not a possible founding year"))
    return Read(value, _read_as(raw, value))


def read_bool(text: str) -> Read:
    """ja / nein (and yes, x, 1, wahr …) → yes / no."""
    raw = text.strip()
    lowered = fold(raw).strip(" .")
    if lowered in ("ja", "yes", "j", "y", "x", "1", "wahr", "true", "✓"):
        return Read("yes", _read_as(raw, "yes", "ja/yes"))
    if lowered in ("nein", "no", "n", "0", "-", "falsch", "false"):
        return Read("no", _read_as(raw, "no", "nein/no"))
    raise Unreadable(Text(f"„{raw}“ ist weder ja noch nein", f"'{raw}' is neither yes nor no"))


# -- vocabularies ---------------------------------------------------------------------------------

#: everyday words for concepts whose labels people rarely write as such
CONCEPT_WORDS: dict[str, dict[str, str]] = {
    "target-group": {
        "fluechtling": "refugees",
        "gefluechtet": "refugees",
        "jugend": "youth",
        "jung": "youth",
        "senior": "seniors",
        "aeltere": "seniors",
        "neuzugewandert": "newcomers",
        "neuankoemmling": "newcomers",
        "zugewandert": "newcomers",
        "migrant": "newcomers",
        "alle": "general-public",
        "kita": "schools-and-kitas",
        "schule": "schools-and-kitas",
    },
}


def concept_key(text: str) -> str:
    """Folded words with gender forms and plural endings set aside: "Senior*innen" = "Senioren" = "senior"."""
    text = re.sub(r"[*:_/]?innen\b", "", fold(text))
    stems = []
    for word in re.sub(r"[^a-z0-9 ]+", " ", text).split():
        for ending in ("en", "e", "n", "s"):
            if len(word) > 4 and word.endswith(ending):
                word = word[: -len(ending)]
                break
        stems.append(word)
    return " ".join(stems)


#: id(vocabularies) → (the vocabularies, {scheme: {concept key: code}}); built once per loaded vocabulary
_CONCEPT_INDEX: dict[int, tuple[Vocabularies, dict[str, dict[str, str]]]] = {}


def _concept_index(vocab: Vocabularies, scheme: str) -> dict[str, str]:
    """concept key of every German and English label (and bracketed short form) of *scheme* → code."""
    cached = _CONCEPT_INDEX.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        cached = _CONCEPT_INDEX[id(vocab)] = (vocab, {})
    schemes = cached[1]
    if scheme not in schemes:
        index: dict[str, str] = {}
        for code, concept in vocab.codes(scheme).items():
            labels = [code.replace("-", " ")]
            for value in vocab.graph.objects(concept, None):
                if getattr(value, "language", None) in ("de", "en"):
                    labels.append(str(value))
                    labels.extend(re.findall(r"\(([^)]*)\)", str(value)))
                    labels.append(re.sub(r"\s*\([^)]*\)", "", str(value)))
            for label in labels:
                if label:
                    index.setdefault(concept_key(label), code)
        schemes[scheme] = index
    return schemes[scheme]


def _concept_code(vocab: Vocabularies, scheme: str, text: str) -> str | None:
    if text in vocab.codes(scheme):
        return text
    wanted = concept_key(text)
    return _concept_index(vocab, scheme).get(wanted) or CONCEPT_WORDS.get(scheme, {}).get(wanted)


def read_concept(vocab: Vocabularies, scheme: str, text: str) -> Read:
    """A concept of a vocabulary by its code or its German or English label (any case, gender form,
    singular or plural). An unknown one is a warning (kept as a note by the caller), not an error."""
    raw = text.strip()
    code = _concept_code(vocab, scheme, raw)
    if code is None:
        return Read(
            "",
            warning=Text(
                f"„{raw}“ ist kein Begriff des Vokabulars {scheme}; als Bemerkung übernommen",
                f"'{raw}' is not a term of the vocabulary {scheme}; kept as a note",
            ),
        )
    label = vocab.label(vocab.codes(scheme)[code], "de") or code
    return Read(code, None if raw in (code, label) else _read_as(raw, code, label))


def read_language(text: str, known: frozenset[str] | set[str]) -> Read:
    """A language by its German, English or native name or ISO 639 code → the project's code (*known*
    = the codes of vocab/language.ttl). A language read but not in the vocabulary is a warning."""
    raw = text.strip()
    if raw.upper() in known:
        return Read(raw.upper(), _read_as(raw, raw.upper()))
    found = languages.lookup(raw)
    if found is None:
        raise Unreadable(
            Text(
                f"„{raw}“ ist keine bekannte Sprache (Name auf Deutsch, Englisch oder in der Sprache selbst, z. B. Arabisch, Farsi, Türkçe)",
                f"'{raw}' is not a known language (name in German, English or the language itself, e.g. Arabic, Farsi, Türkçe)",
            )
        )
    code = found.eu_code(known)
    name_de = re.sub(r"\s*\(.*\)$", "", found.name_de).split(";")[0]
    if code is None:
        return Read(
            "",
            warning=Text(
                f"„{raw}“ ist {name_de} (ISO 639-3: {found.iso}); diese Sprache steht noch nicht im Sprachvokabular und wird als Bemerkung übernommen",
                f"'{raw}' is {found.name_en} (ISO 639-3: {found.iso}); this language is not in the language vocabulary yet and is kept as a note",
            ),
        )
    return Read(code, _read_as(raw, code, f"{name_de} ({code})"))
