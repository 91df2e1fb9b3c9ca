"""One flat sheet as coordinators keep it → organisations, places, offers, networks and memberships.

One row per organisation (name, address, district, website, languages, offers, target groups, network …)
becomes rows of the record builder's templates (sources/schema.py); a workbook may also have a sheet of
offers that names its organisations. Slugs come from the names ("Verein Iranischer Frauen e.V." →
`verein-iranischer-frauen-ev`), never from the file name, so a corrected file updates the same records.
Names refer to rows of the same file and, through a resolver, to records the knowledge base has.

Every cell is read by sources/values.py: what was read differently from how it was written is a note,
what was read but cannot be held is a warning (and kept in the record's note), and only what cannot be
read is an error — each located by her Excel row number and her column header. All errors of all sheets
are raised together as one SourceError.

A sheet without a source column takes the list itself as the source: `{base}source/upload/{source}/{date}`
(or the page the caller gives, e.g. the district project's list) with the upload date as source date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, SourceError, Text
from ..linking.normalise import fold, normalise_name
from ..namespaces import DEFAULT_BASE
from ..vocabularies import Vocabularies
from . import schema, values
from .fields import FIELD_BY_NAME
from .hsds import offer_type_for
from .mapping import Mapping, MappingMemory, classify_sheet, propose
from .records import Row, SourceFile
from .tables import Table, read_tables, sha256

#: (kind, name) → the IRI (or slug) of a record the knowledge base already has, or None
Resolver = Callable[[str, str], "str | None"]
SLUG_LENGTH = 60
#: template column ← field, for the messages' "her header"
ORG_COLUMNS = {
    "name": "name", "alt_names": "alt_names", "legal_form": "legal_form", "unit_of": "carrier", "seat_district": "district",
    "districts": "district", "fields": "fields", "founded": "founded", "description_de": "description", "website": "website",
    "email": "email", "phone": "phone", "migrant_organisation": "migrant_organisation", "source_url": "source_url",
    "source_date": "source_date", "note": "note",
}  # fmt: skip
#: place column ← the fields her value may have come from, first found wins (an address cell holds them all)
PLACE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "street": ("street", "address"),
    "house_number": ("house_number", "street", "address"),
    "postcode": ("postcode", "address"),
    "city": ("city", "address"),
    "district": ("district",),
}
OFFER_COLUMNS = {
    "name": "offers", "provider": "name", "offer_type": "offers", "languages": "languages", "target_groups": "target_groups",
    "districts": "district", "website": "website", "email": "email", "phone": "phone", "schedule": "schedule",
    "description_de": "description", "source_url": "source_url", "source_date": "source_date", "note": "note",
}  # fmt: skip


def slugify(name: str) -> str:
    """A record slug from a name: lowercase ASCII, dots dropped ("e.V." → "ev"), at most 60 characters.

    >>> slugify("Verein Iranischer Frauen e.V.")
    'verein-iranischer-frauen-ev'
    >>> slugify("Kulturverein Hohenschönhausen e. V.")
    'kulturverein-hohenschoenhausen-ev'
    """
    text = fold(re.sub(r"['’´`]", "", name))
    text = re.sub(r"\b(e|i)\.\s*(v|g)\.", r"\1\2", text)  # "e. V." → "ev", "i. G." → "ig"
    text = text.replace(".", "")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


def name_key(name: str) -> str:
    """Names that mean the same organisation: case, punctuation and legal form set aside."""
    return normalise_name(name).text


def slug_of(found: str | None, kind: str) -> str | None:
    """A resolver's answer as a slug: `…/id/network/ak-lingua-pankow` (any base) → `ak-lingua-pankow`.

    >>> slug_of("https://example.org/kb/id/network/ak-lingua-pankow", "network")
    'ak-lingua-pankow'
    """
    if found and f"/id/{kind}/" in found:
        return found.rsplit(f"/id/{kind}/", 1)[1].split("#")[0]
    return found or None


def slug_resolver(kb_slugs: dict[str, set[str]]) -> Resolver:
    """A resolver over the knowledge base's slugs: "AK Lingua Pankow" → ak-lingua-pankow, "NARUD" → narud-ev."""
    index: dict[tuple[str, str], str] = {}
    for kind, slugs in kb_slugs.items():
        for slug in slugs:
            index.setdefault((kind, name_key(slug.replace("-", " "))), slug)

    def resolve(kind: str, name: str) -> str | None:
        return index.get((kind, name_key(name)))

    return resolve


@dataclass
class SheetReading:
    """What was read: template files for the record builder, the mappings used, notes and warnings."""

    files: list[SourceFile]
    mappings: dict[str, Mapping]  # sheet title → mapping
    notes: list[Problem] = field(default_factory=list)  # "read as …"
    warnings: list[Problem] = field(default_factory=list)  # read, but not (all) taken

    def names(self, kind: str) -> dict[str, str]:
        """slug → name of the records of *kind* read from the file (for previews by name)."""
        return {
            row.slug or row.values.get("slug", ""): row.values.get("name", "")
            for f in self.files
            if f.spec.kind == kind
            for row in f.rows
        }


@dataclass
class _Cell:
    """A cell's place: for messages."""

    where: str
    row: int
    header: str

    def location(self) -> Location:
        return Location(self.where, self.row, self.header)


class _Reader:
    def __init__(self, vocab: Vocabularies, source: str, provenance_url: str, today: dt.date, resolve: Resolver):
        self.vocab = vocab
        self.languages = frozenset(vocab.codes("language"))
        self.source = source
        self.provenance_url = provenance_url
        self.today = today
        self.resolve = lambda kind, name: slug_of(resolve(kind, name), kind)
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rows: dict[str, dict[str, Row]] = {k: {} for k in ("organisation", "place", "network", "membership", "offer")}
        self.org_by_name: dict[str, str] = {}  # name key → slug of an organisation of this file
        self.own_rows: dict[str, Row] = {}  # slug → the row of her sheet that made the organisation
        self.network_by_name: dict[str, str] = {}
        self.kept: list[str] = []  # texts read but not held, for the current record's note

    # -- cells ---------------------------------------------------------------------------------
    def read(self, cell: _Cell, reader: Callable[[str], values.Read], text: str) -> str:
        """One value through a reader; note, warning or error recorded at *cell*."""
        try:
            result = reader(text)
        except values.Unreadable as exc:
            self.problems.append(Problem(cell.location(), exc.text))
            return ""
        if result.note is not None:
            self.notes.append(Problem(cell.location(), result.note))
        if result.warning is not None:
            self.warnings.append(Problem(cell.location(), result.warning))
            self.kept.append(f"{cell.header}: {text.strip()}")
        return result.value

    def read_list(self, cell: _Cell, reader: Callable[[str], values.Read], text: str, *, slash: bool = True) -> list[str]:
        found: list[str] = []
        for item in values.split_values(text, slash=slash):
            for value in schema_list(self.read(cell, reader, item)):
                if value not in found:
                    found.append(value)
        return found

    # -- one organisation row ------------------------------------------------------------------
    def organisation(self, where: str, number: int, cells: dict[str, list[tuple[str, str]]]) -> None:
        """*cells*: field → [(her header, text)] of one row."""
        self.kept = []

        first = _first_cell(where, number, cells)

        def every(name: str) -> list[tuple[_Cell, str]]:
            return [(_Cell(where, number, h), t) for h, t in cells.get(name, []) if t]

        name_cell, name = first("name")
        if not name:
            self.problems.append(
                Problem(name_cell.location(), Text("der Name der Organisation fehlt", "the organisation's name is missing"))
            )
            return
        slug = slugify(name)
        if not slug:
            self.problems.append(
                Problem(
                    name_cell.location(),
                    Text(f"aus „{name}“ lässt sich keine Kennung bilden", f"no identifier can be made from '{name}'"),
                )
            )
            return
        if slug in self.own_rows:
            earlier = self.own_rows[slug]
            self.problems.append(
                Problem(
                    name_cell.location(),
                    Text(
                        f"„{name}“ steht schon in Zeile {earlier.number}; bitte die Zeilen zusammenführen",
                        f"'{name}' is already in row {earlier.number}; please merge the rows",
                    ),
                )
            )
            return
        headers = {col: h for col, f in ORG_COLUMNS.items() for h, _t in cells.get(f, [])[:1]}
        org: dict[str, str] = {"slug": slug, "name": name}
        self.org_by_name[name_key(name)] = slug

        legal_cell, legal = first("legal_form")
        if legal:
            org["legal_form"] = self.read(legal_cell, lambda t: values.read_legal_form(t, self.vocab), legal)
        elif code := values.legal_form_in_name(name):
            org["legal_form"] = code
        alt = [t for _c, text in every("alt_names") for t in values.split_values(text, slash=False)]
        if alt:
            org["alt_names"] = " | ".join(alt)

        districts: list[str] = []
        for cell, text in every("district"):
            districts += [d for d in self.read_list(cell, values.read_district, text) if d not in districts]
        if districts:
            org["seat_district"], org["districts"] = districts[0], " | ".join(districts)
        for key, name_ in (("website", "website"), ("email", "email"), ("phone", "phone")):
            cell, text = first(name_)
            if text:
                reader = {"website": values.read_url, "email": values.read_email, "phone": values.read_phone}[key]
                items = values.split_values(text, slash=False) if key != "phone" else [text]
                org[key] = self.read(cell, reader, items[0]) if items else ""
                self.kept += [f"{cell.header}: {extra}" for extra in items[1:]]
        cell, text = first("founded")
        if text:
            org["founded"] = self.read(cell, values.read_year, text)
        cell, text = first("migrant_organisation")
        if text:
            org["migrant_organisation"] = self.read(cell, values.read_bool, text)
        fields = [f for cell, text in every("fields") for f in self.read_list(cell, self.concept("field"), text)]
        if fields:
            org["fields"] = " | ".join(dict.fromkeys(fields))
        description = "\n".join(text for _c, text in every("description"))
        if description:
            org["description_de"] = description
        self.provenance(org, first)
        carrier_cell, carrier = first("carrier")
        if carrier:
            org["unit_of"] = self.organisation_ref(carrier_cell, carrier, org)

        place = self.place(slug, name, org, districts, first, cells)
        languages = [c for cell, text in every("languages") for c in self.read_list(cell, self.language, text)]
        groups = [g for cell, text in every("target_groups") for g in self.read_list(cell, self.concept("target-group"), text)]
        offers = [(cell, o) for cell, text in every("offers") for o in values.split_values(text, slash=False)]
        if not offers and (languages or groups):
            lang_cell = (every("languages") or every("target_groups"))[0][0]
            offers = [(lang_cell, f"Angebote von {name}")]
            self.notes.append(
                Problem(
                    lang_cell.location(),
                    Text(
                        f"Sprachen und Zielgruppen gehören zu Angeboten: übernommen als Angebot „Angebote von {name}“",
                        f"languages and target groups belong to offers: taken as the offer 'Angebote von {name}'",
                    ),
                )
            )
        for cell, offer_name in offers:
            self.offer(
                cell, number, slug, offer_name,
                {"languages": " | ".join(dict.fromkeys(languages)), "target_groups": " | ".join(dict.fromkeys(groups)),
                 "districts": org.get("districts", ""), "place": place},
                org, {**{c: h for c, h in headers.items()}, **_offer_headers(cells, cell.header)},
            )  # fmt: skip
        for cell, text in every("network"):
            for network in values.split_values(text, slash=False):
                self.membership(cell, number, slug, network, org)
        notes = [text for _c, text in every("note")] + self.kept
        if notes:
            org["note"] = "\n".join(notes)
        self.add("organisation", where, number, org, headers)
        self.own_rows[slug] = self.rows["organisation"][slug]

    def concept(self, scheme: str) -> Callable[[str], values.Read]:
        return lambda text: values.read_concept(self.vocab, scheme, text)

    def language(self, text: str) -> values.Read:
        return values.read_language(text, self.languages)

    def provenance(self, record: dict[str, str], first) -> None:
        cell, text = first("source_url")
        urls = [self.read(cell, values.read_url, u) for u in values.split_values(text, slash=False)] if text else []
        urls = [u for u in urls if u]
        record["source_url"] = urls[0] if urls else self.provenance_url
        if len(urls) > 1:
            record["more_sources"] = " | ".join(urls[1:])
        cell, text = first("source_date")
        record["source_date"] = self.read(cell, values.read_year, text) if text else self.today.isoformat()

    def place(
        self, slug: str, name: str, org: dict[str, str], districts: list[str], first, cells: dict[str, list[tuple[str, str]]]
    ) -> str:
        """The organisation's address as a place; returns the place slug or ""."""
        address = values.Address()
        cell, text = first("address")
        if text:
            try:
                address, note = values.read_address(text)
                if note:
                    self.notes.append(Problem(cell.location(), note))
            except values.Unreadable as exc:
                self.problems.append(Problem(cell.location(), exc.text))
        street_cell, street = first("street")
        if street:
            number_cell, number = first("house_number")
            if number:
                address = values.Address(street, number, address.postcode, address.city)
            else:
                parts = values.split_address(street)
                address = values.Address(parts[0], parts[1], address.postcode, address.city)
        postcode_cell, postcode = first("postcode")
        postcode = postcode or address.postcode
        if postcode:
            cell = postcode_cell if first("postcode")[1] else cell
            postcode = self.read(cell, lambda t: values.read_postcode(t, tuple(districts)), postcode)
        city = first("city")[1] or address.city or ("Berlin" if postcode else "")
        if not (address.street or postcode):
            return ""
        place = {
            "slug": slug, "name": name, "organisation": slug, "street": address.street, "house_number": address.house_number,
            "postcode": postcode, "city": city, "district": districts[0] if districts else "",
            "source_url": org["source_url"], "source_date": org.get("source_date", ""), "more_sources": org.get("more_sources", ""),
        }  # fmt: skip
        place_headers = {
            column: next((cells[f][0][0] for f in fields if cells.get(f)), FIELD_BY_NAME[fields[0]].label_de)
            for column, fields in PLACE_COLUMNS.items()
        }
        self.add("place", cell.where, cell.row, place, place_headers)
        return slug

    def organisation_ref(self, cell: _Cell, name: str, record: dict[str, str]) -> str:
        """The slug of the organisation *name*: of this file, of the knowledge base, or a new record."""
        key = name_key(name)
        if key in self.org_by_name:
            return self.org_by_name[key]
        known = self.resolve("organisation", name)
        if known:
            return known
        slug = slugify(name)
        if slug not in self.rows["organisation"]:
            self.add("organisation", cell.where, cell.row, {"slug": slug, "name": name, "source_url": record["source_url"],
                     "source_date": record.get("source_date", "")}, {"name": cell.header})  # fmt: skip
            self.org_by_name[key] = slug
            self.notes.append(
                Problem(
                    cell.location(), Text(f"„{name}“ als neue Organisation angelegt", f"'{name}' added as a new organisation")
                )
            )
        return slug

    def membership(self, cell: _Cell, number: int, member: str, network: str, record: dict[str, str]) -> None:
        key = name_key(network)
        slug = self.network_by_name.get(key) or self.resolve("network", network)
        if not slug:
            slug = slugify(network)
            self.network_by_name[key] = slug
            network_type = ""
            for word in fold(network).replace("/", " ").split():
                network_type = values.read_concept(self.vocab, "network-type", word).value or network_type
                if network_type:
                    break
            if network.lower().startswith("ak "):
                network_type = "working-group"
            row = {"slug": slug, "name": network, "network_type": network_type, "districts": record.get("districts", ""),
                   "source_url": record["source_url"], "source_date": record.get("source_date", "")}  # fmt: skip
            self.add("network", cell.where, cell.row, row, {"name": cell.header})
            self.notes.append(
                Problem(cell.location(), Text(f"„{network}“ als neues Netzwerk angelegt", f"'{network}' added as a new network"))
            )
        membership = {"network": slug, "member": member, "role": "member", "source_url": record["source_url"],
                      "source_date": record.get("source_date", "")}  # fmt: skip
        self.add("membership", cell.where, number, membership, {"network": cell.header, "member": cell.header})

    def offer(self, cell: _Cell, number: int, provider: str, name: str, extra: dict[str, str], record: dict[str, str], headers: dict[str, str]) -> str:  # fmt: skip
        slug = f"{provider}-{slugify(name)}"[: SLUG_LENGTH * 2].strip("-")
        offer_type = values.read_concept(self.vocab, "offer-type", name).value or offer_type_for(name)
        row = {"slug": slug, "name": name, "provider": provider, "offer_type": offer_type, **extra,
               "source_url": record["source_url"], "source_date": record.get("source_date", "")}  # fmt: skip
        row = {k: v for k, v in row.items() if v}
        self.add("offer", cell.where, number, row, headers)
        return slug

    def add(self, kind: str, where: str, number: int, values_: dict[str, str], headers: dict[str, str]) -> None:
        spec = SPECS[kind]
        slug = values_.get("slug") or "--".join(values_.get(c, "") for c in spec.slug_from)
        values_ = {k: v for k, v in values_.items() if v}
        self.rows[kind][slug] = Row(spec, where, number, values_, headers=headers)

    # -- a sheet of offers ---------------------------------------------------------------------
    def offer_row(self, where: str, number: int, cells: dict[str, list[tuple[str, str]]]) -> None:
        first = _first_cell(where, number, cells)
        self.kept = []
        name_cell, name = first("offer_name")
        provider_cell, provider = first("provider")
        if not name:
            self.problems.append(
                Problem(name_cell.location(), Text("der Name des Angebots fehlt", "the offer's name is missing"))
            )
            return
        if not provider:
            self.problems.append(
                Problem(
                    provider_cell.location(), Text("die Organisation des Angebots fehlt", "the offer's organisation is missing")
                )
            )
            return
        provider_slug = self.org_by_name.get(name_key(provider)) or self.resolve("organisation", provider)
        if not provider_slug:
            self.problems.append(
                Problem(
                    provider_cell.location(),
                    Text(
                        f"Organisation „{provider}“ steht weder in der Liste noch in der Wissensbasis",
                        f"organisation '{provider}' is neither in the list nor in the knowledge base",
                    ),
                )
            )
            return
        record: dict[str, str] = {}
        self.provenance(record, first)
        extra: dict[str, str] = {}
        type_cell, type_text = first("offer_type")
        offer_type = self.read(type_cell, self.concept("offer-type"), type_text) if type_text else ""
        for key, field_name, reader in (("languages", "languages", self.language), ("target_groups", "target_groups", self.concept("target-group")), ("districts", "district", values.read_district)):  # fmt: skip
            found = [v for h, t in cells.get(field_name, []) if t for v in self.read_list(_Cell(where, number, h), reader, t)]
            extra[key] = " | ".join(dict.fromkeys(found))
        for key, reader in (("website", values.read_url), ("email", values.read_email), ("phone", values.read_phone)):
            cell, text = first(key)
            extra[key] = self.read(cell, reader, text) if text else ""
        extra["schedule"] = first("schedule")[1]
        extra["description_de"] = first("description")[1]
        notes = [t for _h, t in cells.get("note", []) if t] + self.kept
        extra["note"] = "\n".join(notes)
        headers = {c: h for c, f in OFFER_COLUMNS.items() for h, _t in cells.get(f, [])[:1]}
        headers.update({"name": name_cell.header, "provider": provider_cell.header, "offer_type": type_cell.header})
        slug = self.offer(name_cell, number, provider_slug, name, extra, record, headers)
        if offer_type:
            self.rows["offer"][slug].values["offer_type"] = offer_type


SPECS = {s.kind: s for s in schema.SOURCE_KINDS}


def _first_cell(where: str, number: int, cells: dict[str, list[tuple[str, str]]]) -> Callable[[str], tuple[_Cell, str]]:
    """For one row: field → (the cell of its first filled column, its text); an empty field names the first
    column mapped to it (or the field's template header), so a message about it still names a column."""

    def first(name: str) -> tuple[_Cell, str]:
        for header, text in cells.get(name, []):
            if text:
                return _Cell(where, number, header), text
        return _Cell(where, number, cells[name][0][0] if cells.get(name) else FIELD_BY_NAME[name].label_de), ""

    return first


def schema_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(schema.LIST_SEPARATOR) if v.strip()]


def _offer_headers(cells: dict[str, list[tuple[str, str]]], offer_header: str) -> dict[str, str]:
    headers = {c: h for c, f in OFFER_COLUMNS.items() for h, _t in cells.get(f, [])[:1]}
    headers["name"] = offer_header
    return headers


def _cells(mapping: Mapping, row: list[str]) -> dict[str, list[tuple[str, str]]]:
    cells: dict[str, list[tuple[str, str]]] = {}
    for column in mapping.columns:
        if column.field:
            text = row[column.position] if column.position < len(row) else ""
            cells.setdefault(column.field, []).append((column.header, text.strip()))
    return cells


def read_sheet(
    path: Path,
    *,
    source: str,
    vocab: Vocabularies,
    display: str | None = None,
    known: Resolver | None = None,
    mappings: dict[str, Mapping] | None = None,
    memory: MappingMemory | None = None,
    provenance_url: str | None = None,
    today: dt.date | None = None,
) -> SheetReading:
    """Read her file (.xlsx with any number of sheets, or .csv) into template rows.

    *mappings* (sheet title → Mapping) are her confirmed or corrected mappings; without one a sheet's
    mapping is recalled from *memory* or proposed. *known* resolves names to the knowledge base's slugs.
    Raises SourceError with every problem, each naming her Excel row and her column header."""
    display = display or path.name
    today = today or dt.date.today()
    provenance_url = provenance_url or f"{DEFAULT_BASE}source/upload/{source}/{today.isoformat()}"
    reader = _Reader(vocab, source, provenance_url, today, known or (lambda kind, name: None))
    sheets = choose_mappings(read_tables(path, display), source=source, mappings=mappings, memory=memory)
    chosen = {table.title: mapping for table, mapping in sheets}
    if not sheets:
        raise SourceError([Problem(Location(display), Text("die Datei enthält keine Tabelle mit Organisationen oder Angeboten", "the file holds no table of organisations or offers"))])  # fmt: skip
    many = len(sheets) > 1
    for table, mapping in sheets:  # names first: a row may name an organisation of a later row
        for column in mapping.column_for("name") if mapping.sheet == "organisations" else []:
            for _number, row in table.data():
                name = row[column.position] if column.position < len(row) else ""
                if name.strip() and slugify(name):
                    reader.org_by_name.setdefault(name_key(name), slugify(name))
    for table, mapping in sorted(sheets, key=lambda s: s[1].sheet != "organisations"):
        where = f"{display} › {table.title}" if many else display
        for note in table.notes:
            reader.notes.append(Problem(Location(where), note))
        if not mapping.column_for("name" if mapping.sheet == "organisations" else "offer_name"):
            wanted = "Name der Organisation" if mapping.sheet == "organisations" else "Angebot"
            reader.problems.append(
                Problem(
                    Location(where, table.header_index + 1),
                    Text(
                        f"keine Spalte mit dem Namen erkannt (z. B. „{wanted}“); erkannte Spalten: {', '.join(mapping.fields()) or '–'}",
                        f"no column with the name recognised (e.g. '{wanted}'); recognised columns: {', '.join(mapping.fields()) or '-'}",
                    ),
                )
            )
            continue
        for column in mapping.columns:
            if column.field == "person":
                reader.warnings.append(
                    Problem(
                        Location(where, table.header_index + 1, column.header),
                        Text(
                            "Namen von Personen werden nicht übernommen (migrakg speichert keine Privatpersonen)",
                            "names of persons are not taken (migrakg keeps no private persons)",
                        ),
                    )
                )
        for number, row in table.data():
            cells = _cells(mapping, row)
            if mapping.sheet == "organisations":
                reader.organisation(where, number, cells)
            else:
                reader.offer_row(where, number, cells)
    if reader.problems:
        raise SourceError(reader.problems)
    digest = sha256(path)
    files = [
        SourceFile(SPECS[kind], path, display, path.stem, digest, list(rows.values()))
        for kind, rows in reader.rows.items()
        if rows
    ]
    return SheetReading(files, chosen, reader.notes, reader.warnings)


def choose_mappings(
    tables: list[Table], *, source: str, mappings: dict[str, Mapping] | None = None, memory: MappingMemory | None = None
) -> list[tuple[Table, Mapping]]:
    """The sheets that hold records, each with its mapping: the one given in *mappings* (sheet title →
    Mapping), else the one *memory* recalls for *source*, else a proposal. Sheets without records
    (instructions, notes) are left out when the workbook has more than one sheet."""
    sheets: list[tuple[Table, Mapping]] = []
    for table in tables:
        headers = table.headers
        given = (mappings or {}).get(table.title, None)
        sheet_kind = given.sheet if given else classify_sheet(table.title, headers)
        if sheet_kind is None:
            if len(tables) > 1:
                continue  # an instruction or notes sheet
            sheet_kind = "organisations"
        mapping = (
            given
            or (memory.recall(source, headers) if memory else None)
            or propose(headers, [c for _n, c in table.data()], sheet_kind)
        )
        sheets.append((table, mapping))
    return sheets


@dataclass
class SheetMapping:
    """One sheet of her file as the workbench shows it: its mapping and a few values of each column."""

    title: str
    header_row: int  # the Excel row number of the header
    rows: int  # filled rows below the header
    mapping: Mapping
    samples: list[list[str]]  # per column (by position): the first filled cells


def sheet_mappings(
    path: Path,
    *,
    source: str,
    display: str | None = None,
    mappings: dict[str, Mapping] | None = None,
    memory: MappingMemory | None = None,
    samples: int = 3,
) -> list[SheetMapping]:
    """The mapping each sheet of *path* would be read with (given, remembered or proposed), with sample
    values per column — what a person checks before the file is read. Raises SourceError for a file that
    cannot be read as tables at all."""
    out = []
    for table, mapping in choose_mappings(
        read_tables(path, display or path.name), source=source, mappings=mappings, memory=memory
    ):
        data = table.data()
        values_ = [
            list(dict.fromkeys(row[c.position] for _n, row in data if c.position < len(row) and row[c.position]))[:samples]
            for c in mapping.columns
        ]
        out.append(SheetMapping(table.title, table.header_index + 1, len(data), mapping, values_))
    return out


def corrected(mapping: Mapping, fields: dict[str, str | None]) -> Mapping:
    """A copy of *mapping* with her corrections (header → field name, or None: not taken). Raises KeyError
    for an unknown header or field."""
    copy = Mapping.from_json(mapping.to_json())
    for header, field_name in fields.items():
        column = next((c for c in copy.columns if c.header == header), None)
        if column is None:
            raise KeyError(header)
        if column.field != field_name:
            copy.set(header, field_name)
    return copy


def is_flat_sheet(path: Path) -> bool:
    """True when a .csv/.xlsx is not in one of the templates of data/README.md (so it is read here)."""
    try:
        tables = read_tables(path, path.name)
    except SourceError:
        return False  # the template reader reports why it cannot be read
    if len(tables) != 1:
        return len([t for t in tables if t.rows]) > 1 or not tables
    return schema.kind_for_columns(tables[0].headers) is None or tables[0].header_index != 0


def import_files(
    path: Path,
    display: str,
    *,
    source: str,
    vocab: Vocabularies,
    kb_slugs: dict[str, set[str]],
    lang: str,
    mappings: dict[str, Mapping] | None = None,
    memory: MappingMemory | None = None,
) -> tuple[list[SourceFile], list[str]]:
    """For `migrakg import`: her file → template files + the warnings (in *lang*) to list as notes.
    Raises SourceError."""
    reading = import_reading(path, display, source=source, vocab=vocab, kb_slugs=kb_slugs, mappings=mappings, memory=memory)
    return reading.files, [w.render(lang) for w in reading.warnings]


def import_reading(
    path: Path,
    display: str,
    *,
    source: str,
    vocab: Vocabularies,
    kb_slugs: dict[str, set[str]],
    mappings: dict[str, Mapping] | None = None,
    memory: MappingMemory | None = None,
) -> SheetReading:
    """Her file read for an import (names resolved against *kb_slugs*): files, mappings, notes, warnings.
    Raises SourceError."""
    return read_sheet(
        path, source=source, vocab=vocab, display=display, known=slug_resolver(kb_slugs), mappings=mappings, memory=memory
    )
