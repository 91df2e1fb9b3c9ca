"""Her columns, understood: a proposed mapping from a sheet's headers to the fields of sources/fields.py.

A header is recognised by its name (German and English synonyms; case, umlauts, punctuation, "+" and "/"
do not matter: "Straße + Hausnr." = "strasse hausnr") and, when the name says nothing, by its cells (a
column of web addresses, e-mail addresses, postcodes, phone numbers, language or district names). Each
column gets a field (or none), a confidence between 0 and 1 and the evidence for it. The mapping is a
plain data object (`to_json` / `from_json`); a person confirms or corrects it (`Mapping.set`), and
`MappingMemory` remembers it per source, so next month's file with the same headers maps straight away.

>>> propose(["Name der Organisation", "Straße + Hausnr.", "PLZ"], []).fields()
{'Name der Organisation': 'name', 'Straße + Hausnr.': 'street', 'PLZ': 'postcode'}
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import Text
from ..linking.normalise import fold
from . import values
from .fields import FIELD_BY_NAME, Field, fields_for

SAMPLE = 50  # cells looked at per column when reading by content


def header_key(header: str) -> str:
    """ "Straße + Hausnr." → "strasse hausnr"; "E-Mail" → "e mail"; "Ansprechpartner*in" → "ansprechpartner"."""
    text = re.sub(r"[*:_/]?in(nen)?\b", "", fold(header)) if re.search(r"[*:_/]in(nen)?\b", fold(header)) else fold(header)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass
class Column:
    """One column of her sheet and what it is taken as."""

    header: str
    position: int  # 0-based
    field: str | None  # a Field name, or None: not taken
    confidence: float = 0.0
    evidence: list[dict[str, str]] = dataclasses.field(default_factory=list)  # Texts as {"de": …, "en": …}

    def say(self, text: Text) -> None:
        self.evidence.append({"de": text.de, "en": text.en})


@dataclass
class Mapping:
    """The columns of one sheet: a proposal, or what a person confirmed."""

    sheet: str  # "organisations" or "offers"
    columns: list[Column]
    confirmed: bool = False

    def fields(self) -> dict[str, str]:
        """header → field for the columns that are taken."""
        return {c.header: c.field for c in self.columns if c.field}

    def column_for(self, name: str) -> list[Column]:
        return [c for c in self.columns if c.field == name]

    def set(self, header: str, field_name: str | None) -> None:
        """Her correction: the column *header* is *field_name* (None: not taken). Raises KeyError for an
        unknown header or field."""
        if field_name is not None and field_name not in FIELD_BY_NAME:
            raise KeyError(field_name)
        column = next((c for c in self.columns if c.header == header), None)
        if column is None:
            raise KeyError(header)
        if field_name is not None and not FIELD_BY_NAME[field_name].multi:
            for other in self.columns:
                if other is not column and other.field == field_name:
                    other.field = None
        column.field = field_name
        column.confidence = 1.0
        column.evidence = []
        column.say(Text("von Hand festgelegt", "set by hand"))

    def signature(self) -> str:
        return header_signature([c.header for c in self.columns])

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        data = json.loads(text)
        return cls(data["sheet"], [Column(**c) for c in data["columns"]], data.get("confirmed", False))


def header_signature(headers: list[str]) -> str:
    """The same headers (in any case and spelling of punctuation) give the same signature."""
    keys = "\n".join(header_key(h) for h in headers)
    return hashlib.sha256(keys.encode("utf-8")).hexdigest()[:16]


def _name_match(header: str, candidates: tuple[Field, ...]) -> tuple[Field, float, Text] | None:
    key = header_key(header)
    if not key:
        return None
    best: tuple[Field, float, Text] | None = None
    for candidate in candidates:
        for synonym in candidate.names:
            skey = header_key(synonym)
            if key == skey:
                return candidate, 1.0, Text(f"Spaltenname „{header}“ ist bekannt", f"known column name '{header}'")
            if best is None or best[1] < 0.8:
                words = key.split()
                if len(skey) >= 3 and (key.startswith(skey + " ") or skey in words) and len(words) <= 4:
                    best = (candidate, 0.8, Text(f"Spaltenname enthält „{synonym}“", f"column name contains '{synonym}'"))
    if best is None:
        from rapidfuzz import fuzz, process

        choices = {header_key(s): c for c in candidates for s in c.names}
        hit = process.extractOne(key, list(choices), scorer=fuzz.ratio, score_cutoff=85)
        if hit is not None:
            best = (choices[hit[0]], 0.7, Text(f"Spaltenname ähnelt „{hit[0]}“", f"column name resembles '{hit[0]}'"))
    return best


def _looks_like(kind: str, cell: str) -> bool:
    try:
        if kind == "url":
            return "@" not in cell and " " not in cell.strip() and bool(values.read_url(cell).value)
        if kind == "email":
            return "@" in cell and bool(values.read_email(cell).value)
        if kind == "postcode":
            return bool(re.fullmatch(r"\s*\d{5}(\.0+)?\s*", cell)) and bool(values.read_postcode(cell).value)
        if kind == "phone":
            digits = re.sub(r"\D", "", cell)
            return (
                len(digits) >= 6
                and bool(re.match(r"^\s*(\+|0|tel)", cell, re.IGNORECASE))
                and values.read_phone(cell) is not None
            )
        if kind == "language":
            items = values.split_values(cell)
            return bool(items) and all(values.languages.lookup(i) is not None for i in items)
        if kind == "district":
            return all(values.read_district(i) for i in values.split_values(cell))
        if kind == "address":
            address, _note = values.read_address(cell)
            return bool(address.street and address.postcode)
        if kind == "year":
            return bool(re.fullmatch(r"\s*(1[89]|20)\d\d(\.0+)?\s*", cell))
        if kind == "bool":
            return bool(values.read_bool(cell))
    except values.Unreadable:
        return False
    return False


CONTENT_KINDS = ("email", "url", "postcode", "phone", "address", "year", "language", "district", "bool")
_CONTENT_NAMES = {
    "email": ("E-Mail-Adressen", "e-mail addresses"),
    "url": ("Webadressen", "web addresses"),
    "postcode": ("Postleitzahlen", "postcodes"),
    "phone": ("Telefonnummern", "phone numbers"),
    "address": ("Adressen", "addresses"),
    "year": ("Jahreszahlen", "years"),
    "language": ("Sprachen", "languages"),
    "district": ("Bezirke oder Ortsteile", "districts or localities"),
    "bool": ("ja/nein", "yes/no"),
}


def _content_match(cells: list[str], candidates: tuple[Field, ...]) -> tuple[Field, float, Text] | None:
    sample = [c for c in cells if c.strip()][:SAMPLE]
    if not sample:
        return None
    by_content = {f.content: f for f in candidates if f.content}
    for kind in CONTENT_KINDS:
        if kind not in by_content:
            continue
        hits = sum(1 for cell in sample if _looks_like(kind, cell))
        share = hits / len(sample)
        if share >= 0.8:
            de, en = _CONTENT_NAMES[kind]
            return (
                by_content[kind],
                round(0.5 + 0.4 * share, 2),
                Text(f"{hits} von {len(sample)} Werten sind {de}", f"{hits} of {len(sample)} values are {en}"),
            )
    return None


def classify_sheet(name: str, headers: list[str]) -> str | None:
    """ "organisations", "offers" or None (a sheet that holds no records, e.g. "Anleitung")."""
    keys = {header_key(h) for h in headers if h.strip()}
    sheet = fold(name)
    offer_headers = {header_key(s) for s in FIELD_BY_NAME["offer_name"].names + FIELD_BY_NAME["offer_type"].names}
    if re.search(r"angebot|offer|service|kurs", sheet) and keys & (offer_headers | {header_key("Angebote")}):
        return "offers"
    if keys & {header_key(s) for s in FIELD_BY_NAME["name"].names}:
        return "organisations"
    if keys & offer_headers and keys & {header_key(s) for s in FIELD_BY_NAME["provider"].names}:
        return "offers"
    return None


def propose(headers: list[str], rows: list[list[str]], sheet: str = "organisations") -> Mapping:
    """A proposed mapping for a sheet with these *headers* and data *rows* (cells as text)."""
    candidates = fields_for(sheet)
    if sheet == "offers":  # in an offers sheet "Angebot" names the offer, not a list of offers
        candidates = tuple(f for f in candidates if f.name != "offers")
    columns: list[Column] = []
    for position, header in enumerate(headers):
        column = Column(header, position, None)
        cells = [row[position] if position < len(row) else "" for row in rows]
        by_name = _name_match(header, candidates)
        by_content = _content_match(cells, candidates)
        if by_name is not None:
            found, confidence, why = by_name
            column.field, column.confidence = found.name, confidence
            column.say(why)
            if by_content is not None and by_content[0] is found:
                column.confidence = min(1.0, confidence + 0.1)
                column.say(by_content[2])
        elif by_content is not None:
            found, confidence, why = by_content
            column.field, column.confidence = found.name, confidence
            column.say(why)
        else:
            column.say(
                Text("weder Name noch Inhalt erkannt; wird nicht übernommen", "neither name nor content recognised; not taken")
            )
        columns.append(column)
    _one_column_per_field(columns)
    return Mapping(sheet, columns)


def _one_column_per_field(columns: list[Column]) -> None:
    """A single-valued field keeps its most certain column; the others are not taken (and say why)."""
    for column in sorted(columns, key=lambda c: -c.confidence):
        if column.field is None or FIELD_BY_NAME[column.field].multi:
            continue
        rivals = [c for c in columns if c is not column and c.field == column.field and c.confidence <= column.confidence]
        for rival in rivals:
            label = FIELD_BY_NAME[column.field].label_de
            rival.say(
                Text(
                    f"ebenfalls „{label}“, aber Spalte „{column.header}“ ist sicherer; wird nicht übernommen",
                    f"also '{FIELD_BY_NAME[column.field].label_en}', but column '{column.header}' is more certain; not taken",
                )
            )
            rival.field = None


class MappingMemory:
    """Confirmed mappings, one JSON file per source in *folder*: {header signature: mapping}."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, source: str) -> Path:
        if not re.fullmatch(r"[a-z0-9-]+", source):
            raise ValueError(f"source name {source!r} is not a slug")
        return self.folder / f"{source}.json"

    def _load(self, source: str) -> dict[str, dict]:
        path = self._path(source)
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def remember(self, source: str, mapping: Mapping) -> None:
        """Keep *mapping* (marked confirmed) for *source*; written atomically."""
        stored = self._load(source)
        mapping.confirmed = True
        stored[mapping.signature()] = json.loads(mapping.to_json())
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(source)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(stored, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)

    def recall(self, source: str, headers: list[str]) -> Mapping | None:
        """The confirmed mapping of *source* for these headers, or None."""
        data = self._load(source).get(header_signature(headers))
        if data is None:
            return None
        mapping = Mapping.from_json(json.dumps(data))
        for column, header in zip(mapping.columns, headers):
            column.header = header  # the same headers, perhaps spelt a little differently this month
            column.evidence = [{"de": "wie beim letzten Mal bestätigt", "en": "as confirmed last time"}]
        return mapping
