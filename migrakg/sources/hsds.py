"""Open Referral HSDS 3.0 (tabular package or JSON) → rows of our templates.

Mapping (docs/importing.md has the table):
- organization → organisation (name, alternate_name, description@en, website/uri, email, year_incorporated)
- location (+ address) → place (name, street/number, Berlin postcode, city, coordinates), site of its organisation
- service → offer (name, provider, offer type from the name, description@en, url, email); languages (ISO 639-1
  `ur` → EU `URD`) from `language`; places through `service_at_location`
- contact → only the functional e-mail address, on the service or organisation (never a person's name)
- phone → German numbers only (our shapes require +49); others are listed as not taken
- funding → HSDS names no funder organisation (our `mkg:Funding` requires one), so `funding.source` is kept as an
  editorial note (`rdfs:comment`) on the funded offer or organisation

Values our model cannot hold (a non-Berlin postcode, coordinates outside ±90/±180, a foreign phone number)
are listed as notes of the import, not taken. Everything else is validated as strictly as our own files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, SourceError, Text
from ..linking.normalise import is_berlin_postcode, split_address
from .records import Row, SourceFile
from .schema import OFFERS, ORGANISATIONS, PLACES, SourceKind

#: ISO 639-1 → EU language authority codes (those in vocab/language.ttl, and a few more for messages)
ISO_639_1 = {
    "de": "DEU",
    "en": "ENG",
    "fr": "FRA",
    "es": "SPA",
    "it": "ITA",
    "pl": "POL",
    "pt": "POR",
    "ar": "ARA",
    "tr": "TUR",
    "ku": "KUR",
    "fa": "FAS",
    "ps": "PUS",
    "ru": "RUS",
    "uk": "UKR",
    "sr": "SRP",
    "hr": "HRV",
    "bs": "BOS",
    "sq": "SQI",
    "ro": "RON",
    "bg": "BUL",
    "vi": "VIE",
    "zh": "ZHO",
    "sw": "SWA",
    "ti": "TIR",
    "am": "AMH",
    "so": "SOM",
    "hi": "HIN",
    "ur": "URD",
    "el": "ELL",
    "nl": "NLD",
    "cs": "CES",
    "hu": "HUN",
    "sk": "SLK",
    "ja": "JPN",
    "ko": "KOR",
    "he": "HEB",
    "bn": "BEN",
    "pa": "PAN",
    "ta": "TAM",
}
#: words in a service name → offer-type code (first hit wins); fallback "guidance"
OFFER_TYPE_WORDS = (
    ("counsel", "counselling"),
    ("beratung", "counselling"),
    ("advice", "counselling"),
    ("sprachcaf", "language-cafe"),
    ("language caf", "language-cafe"),
    ("sprachkurs", "language-course"),
    ("language course", "language-course"),
    ("course", "course"),
    ("kurs", "course"),
    ("workshop", "workshop"),
    ("training", "training"),
    ("schulung", "training"),
    ("meeting", "meeting"),
    ("treff", "meeting"),
    ("sprechstunde", "consultation-hour"),
    ("event", "event"),
    ("veranstaltung", "event"),
    ("youth", "youth-work"),
    ("jugend", "youth-work"),
    ("community centre", "community-centre"),
    ("stadtteilzentrum", "community-centre"),
    ("culture", "cultural-activity"),
    ("kultur", "cultural-activity"),
    ("online", "online-platform"),
)
TABLES = ("organization", "service", "location", "address", "service_at_location", "language", "contact", "phone", "funding")
FILES = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "service_at_location": "service_at_location.csv",
    "language": "languages.csv",
    "contact": "contacts.csv",
    "phone": "phones.csv",
    "funding": "funding.csv",
}


@dataclass
class Table:
    display: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)


@dataclass
class Package:
    tables: dict[str, Table]
    sha256: str
    display: str
    homepage: str = ""


def _read_csv(path: Path, display: str) -> Table:
    try:
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        rows = [(i, {k.strip(): (v or "").strip() for k, v in row.items() if k}) for i, row in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError([Problem(Location(display), Text(f"nicht lesbar: {exc}", f"cannot be read: {exc}"))]) from None
    return Table(display, rows)


def read_package(folder: Path) -> Package:
    """A folder with datapackage.json and the HSDS CSV files. Raises SourceError when unreadable."""
    meta_path = folder / "datapackage.json"
    digest = hashlib.sha256()
    homepage = ""
    paths = dict(FILES)
    if meta_path.exists():
        raw = meta_path.read_bytes()
        digest.update(raw)
        try:
            meta = json.loads(raw)
            homepage = meta.get("homepage", "") if isinstance(meta, dict) else ""
            for resource in meta.get("resources", []):
                if resource.get("name") in paths and isinstance(resource.get("path"), str):
                    paths[resource["name"]] = resource["path"]
        except (ValueError, AttributeError) as exc:
            raise SourceError(
                [
                    Problem(
                        Location(f"{folder.name}/datapackage.json"), Text(f"kein gültiges JSON: {exc}", f"not valid JSON: {exc}")
                    )
                ]
            ) from None
    tables: dict[str, Table] = {}
    for name in TABLES:
        path = folder / paths[name]
        display = f"{folder.name}/{paths[name]}"
        if path.exists():
            digest.update(path.read_bytes())
            tables[name] = _read_csv(path, display)
        else:
            tables[name] = Table(display)
    if not tables["organization"].rows and not tables["service"].rows:
        raise SourceError(
            [
                Problem(
                    Location(folder.name),
                    Text(
                        "kein HSDS-Paket: organizations.csv / services.csv fehlen oder sind leer",
                        "not an HSDS package: organizations.csv / services.csv are missing or empty",
                    ),
                )
            ]
        )
    return Package(tables, digest.hexdigest(), folder.name, homepage)


def read_json(path: Path) -> Package:
    """HSDS 3.0 JSON: one organization, a list of them, or a page `{"contents": [...]}` with nested
    services, locations, phones, contacts, funding, languages, service_at_locations."""
    raw = path.read_bytes()
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise SourceError([Problem(Location(path.name), Text(f"kein gültiges JSON: {exc}", f"not valid JSON: {exc}"))]) from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    items = data if isinstance(data, list) else [data]
    tables = {name: Table(f"{path.name}#{name}") for name in TABLES}

    def add(table: str, obj: dict, **extra: str) -> None:
        values = {k: _scalar(v) for k, v in obj.items() if not isinstance(v, (list, dict))}
        values.update({k: v for k, v in extra.items() if v and not values.get(k)})
        tables[table].rows.append((len(tables[table].rows) + 1, values))

    for item in items:
        if not isinstance(item, dict):
            continue
        is_service = "organization_id" in item and "services" not in item and item.get("name") and "legal_status" not in item
        if is_service:
            _add_service(add, item, item.get("organization_id", ""))
            continue
        add("organization", item)
        org_id = str(item.get("id", ""))
        for service in item.get("services", []) or []:
            _add_service(add, service, org_id)
        for location in item.get("locations", []) or []:
            _add_location(add, location, org_id)
        for key, table in (("phones", "phone"), ("contacts", "contact"), ("funding", "funding")):
            for sub in item.get(key, []) or []:
                add(table, sub, organization_id=org_id)
    return Package(tables, hashlib.sha256(raw).hexdigest(), path.name)


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _add_location(add, location: dict, org_id: str) -> None:  # type: ignore[no-untyped-def]
    add("location", location, organization_id=org_id)
    loc_id = _scalar(location.get("id"))
    for address in location.get("addresses", []) or []:
        add("address", address, location_id=loc_id)
    for key, table in (("phones", "phone"), ("languages", "language")):
        for sub in location.get(key, []) or []:
            add(table, sub, location_id=loc_id)


def _add_service(add, service: dict, org_id: str) -> None:  # type: ignore[no-untyped-def]
    add("service", service, organization_id=org_id)
    service_id = _scalar(service.get("id"))
    for key, table in (("languages", "language"), ("phones", "phone"), ("contacts", "contact"), ("funding", "funding")):
        for sub in service.get(key, []) or []:
            add(table, sub, service_id=service_id)
    for sal in service.get("service_at_locations", []) or []:
        location = sal.get("location") if isinstance(sal.get("location"), dict) else None
        if location:
            _add_location(add, location, org_id)
        add(
            "service_at_location",
            sal,
            service_id=service_id,
            location_id=_scalar(location.get("id")) if location else _scalar(sal.get("location_id")),
        )


def _http(value: str) -> str:
    return value if re.match(r"^https?://\S+$", value or "") else ""


def _german_phone(value: str) -> str:
    compact = re.sub(r"[\s/()\-.\"']", "", value or "")
    return value.strip().strip('"') if compact.startswith(("+49", "0049")) or re.match(r"^0[1-9]", compact) else ""


def offer_type_for(name: str, description: str = "") -> str:
    text = f"{name} {description}".lower()
    for word, code in OFFER_TYPE_WORDS:
        if word in text:
            return code
    return "guidance"


def to_templates(package: Package, fallback_source: str) -> tuple[list[SourceFile], list[str]]:
    """Rows of our organisation, place and offer templates; notes name what was not taken."""
    t = package.tables
    notes: list[str] = []
    orgs = {r["id"]: (n, r) for n, r in t["organization"].rows if r.get("id")}
    locations = {r["id"]: (n, r) for n, r in t["location"].rows if r.get("id")}
    services = {r["id"]: (n, r) for n, r in t["service"].rows if r.get("id")}
    extra: dict[str, dict[str, list[str]]] = {}  # record id → column → values

    def put(record: str, column: str, value: str) -> None:
        if value:
            values = extra.setdefault(record, {}).setdefault(column, [])
            if value not in values:
                values.append(value)

    for n, r in t["contact"].rows:
        target = r.get("service_id") if r.get("service_id") in services else r.get("organization_id")
        if target in services or target in orgs:
            put(target, "email", r.get("email", ""))
            if r.get("name"):
                notes.append(
                    f"{t['contact'].display} row {n}: Name der Kontaktperson nicht übernommen (keine Personendaten) / contact person's name not taken (no personal data)"
                )
    for n, r in t["phone"].rows:
        target = next((r.get(k) for k in ("service_id", "organization_id") if r.get(k) in services or r.get(k) in orgs), "")
        if not target:
            continue
        phone = _german_phone(r.get("number", ""))
        if phone:
            put(target, "phone", phone)
        else:
            notes.append(
                f"{t['phone'].display} row {n}: Telefonnummer {r.get('number', '')} ist keine deutsche Nummer, nicht übernommen / not a German number, not taken"
            )
    for _n, r in t["funding"].rows:
        target = r.get("service_id") if r.get("service_id") in services else r.get("organization_id")
        if (target in services or target in orgs) and r.get("source"):
            put(target, "note", f"Finanzierung laut Quelle / funding as stated by the source: {r['source']}")
    languages: dict[str, list[tuple[int, str]]] = {}
    for n, r in t["language"].rows:
        code = (r.get("code") or "").strip().lower()
        eu = ISO_639_1.get(code[:2], code.upper()) if code else ""
        if r.get("service_id") and eu:
            languages.setdefault(r["service_id"], []).append((n, eu))
    places_of: dict[str, list[str]] = {}
    for _n, r in t["service_at_location"].rows:
        if r.get("service_id") in services and r.get("location_id") in locations:
            places_of.setdefault(r["service_id"], []).append(r["location_id"])
    addresses: dict[str, dict[str, str]] = {}
    for _n, r in t["address"].rows:
        if r.get("location_id") and r.get("location_id") not in addresses:
            addresses[r["location_id"]] = r

    def provenance(record_id: str, *urls: str) -> dict[str, str]:
        source = next((u for u in map(_http, urls) if u), "") or fallback_source
        note = " | ".join(extra.get(record_id, {}).get("note", []))
        return {"source_url": source, "note": note}

    org_file = SourceFile(
        ORGANISATIONS, Path(t["organization"].display), t["organization"].display, "organisations", package.sha256
    )
    for oid, (n, r) in orgs.items():
        values = {
            "slug": oid.lower(),
            "name": r.get("name", ""),
            "alt_names": r.get("alternate_name", ""),
            "description_en": r.get("description", ""),
            "website": _http(r.get("website", "")) or _http(r.get("uri", "")),
            "email": r.get("email", "") or _first(extra, oid, "email"),
            "phone": _first(extra, oid, "phone"),
            "founded": r.get("year_incorporated", ""),
        }
        if r.get("parent_organization_id") in orgs:
            values["unit_of"] = r["parent_organization_id"].lower()
        values.update(provenance(oid, r.get("uri", ""), r.get("website", ""), package.homepage))
        org_file.rows.append(Row(ORGANISATIONS, org_file.display, n, values))
    place_file = SourceFile(PLACES, Path(t["location"].display), t["location"].display, "places", package.sha256)
    for lid, (n, r) in locations.items():
        address = addresses.get(lid, {})
        street, number = split_address(address.get("address_1", ""))
        postcode = (address.get("postal_code") or "").strip()
        if postcode and not is_berlin_postcode(postcode):
            notes.append(
                f"{t['location'].display} row {n}: Postleitzahl {postcode} liegt nicht in Berlin, nicht übernommen / postcode {postcode} is not in Berlin, not taken"
            )
            postcode = ""
        lat, lon = r.get("latitude", ""), r.get("longitude", "")
        if lat or lon:
            try:
                if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
                    raise ValueError
            except ValueError:
                notes.append(
                    f"{t['location'].display} row {n}: Koordinaten {lat}, {lon} ungültig, nicht übernommen / coordinates {lat}, {lon} invalid, not taken"
                )
                lat = lon = ""
        values = {
            "slug": lid.lower(),
            "name": r.get("name", ""),
            "organisation": r["organization_id"].lower() if r.get("organization_id") in orgs else "",
            "street": street,
            "house_number": number if re.match(r"^\d", number) else "",
            "postcode": postcode,
            "city": address.get("city", ""),
            "lat": lat,
            "lon": lon,
        }
        values.update(provenance(lid, r.get("url", ""), package.homepage))
        place_file.rows.append(Row(PLACES, place_file.display, n, values))
    offer_file = SourceFile(OFFERS, Path(t["service"].display), t["service"].display, "offers", package.sha256)
    for sid, (n, r) in services.items():
        values = {
            "slug": sid.lower(),
            "name": r.get("name", ""),
            "provider": r.get("organization_id", "").lower(),
            "offer_type": offer_type_for(r.get("name", ""), r.get("alternate_name", "")),
            "languages": " | ".join(dict.fromkeys(code for _n, code in languages.get(sid, []))),
            "place": " | ".join(l.lower() for l in places_of.get(sid, [])),
            "description_en": r.get("description", ""),
            "website": _http(r.get("url", "")),
            "email": r.get("email", "") or _first(extra, sid, "email"),
            "phone": _first(extra, sid, "phone"),
        }
        values.update(provenance(sid, r.get("url", ""), package.homepage))
        if re.match(r"^\d{4}-\d{2}-\d{2}", r.get("last_modified", "")):
            values["source_date"] = r["last_modified"][:10]
        offer_file.rows.append(Row(OFFERS, offer_file.display, n, values))
    files = [f for f in (org_file, place_file, offer_file) if f.rows]
    return files, notes


def _first(extra: dict[str, dict[str, list[str]]], record: str, column: str) -> str:
    values = extra.get(record, {}).get(column, [])
    return values[0] if values else ""


def kinds_used() -> tuple[SourceKind, ...]:
    return (ORGANISATIONS, PLACES, OFFERS)
