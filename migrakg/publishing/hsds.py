"""Open Referral HSDS 3.0 export: a tabular data package other service directories can take in.

Mapping (see docs/publishing.md): organisation → organization, project → program (its carrier is the
organization), offer → service (first provider by IRI is the organization), place → location +
address, offer × place → service_at_location, offer language → language, contact points → contact
and phone, funding → funding, offer district → service_area.
HSDS ids are UUIDv5 (URL namespace) of our IRIs, so they are stable across releases.

The table schemas are the HSDS 3.0 ones (Open Referral, CC BY-SA 4.0), written compactly below
for the tables we fill; a test checks them against the official datapackage.json. `validate_package`
checks a package against any datapackage.json (types, formats, required, unique, enum, keys).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..namespaces import LEGAL, LOCN, MKG, ORG, SCHEMA, VCARD
from .source import ReleaseSource
from .tables import csv_bytes

HSDS_VERSION = "3.0.0"

#: resource name → (file, fields). Field: name:type[/format][!required][*unique][=enum|values]
#: (an underscore in an enum value stands for a space: "temporarily closed")
SCHEMAS: dict[str, tuple[str, str]] = {
    "organization": (
        "organizations.csv",
        "id:string/uuid!* name:string! alternate_name:string description:string! email:string/email website:string/uri tax_status:string tax_id:string year_incorporated:number legal_status:string logo:string uri:string/uri parent_organization_id:string/uuid",
    ),
    "program": (
        "programs.csv",
        "id:string/uuid!* organization_id:string/uuid!* name:string! alternate_name:string description:string!",
    ),
    "service": (
        "services.csv",
        "id:string/uuid!* organization_id:string/uuid! program_id:string/uuid name:string! alternate_name:string description:string url:string/uri email:string/email status:string!=active|inactive|defunct|temporarily_closed interpretation_services:string application_process:string fees_description:string wait_time:string fees:string accreditations:string eligibility_description:string minimum_age:number maximum_age:number assured_date:date assurer_email:string/email licenses:string alert:string last_modified:datetime",
    ),
    "location": (
        "locations.csv",
        "id:string/uuid!* location_type:string!=physical|postal|virtual url:string/uri organization_id:string/uuid name:string alternate_name:string description:string transportation:string latitude:number longitude:number external_identifier:string external_identifier_type:string",
    ),
    "address": (
        "addresses.csv",
        "id:string/uuid!* location_id:string/uuid attention:string address_1:string! address_2:string city:string! region:string state_province:string! postal_code:string! country:string! address_type:string!=physical|postal|virtual",
    ),
    "service_at_location": (
        "service_at_location.csv",
        "id:string/uuid!* service_id:string/uuid! location_id:string/uuid! description:string",
    ),
    "language": (
        "languages.csv",
        "id:string/uuid!* service_id:string/uuid location_id:string/uuid phone_id:string/uuid name:string code:string note:string",
    ),
    "contact": (
        "contacts.csv",
        "id:string/uuid!* organization_id:string/uuid service_id:string/uuid service_at_location_id:string/uuid location_id:string/uuid name:string title:string department:string email:string/email",
    ),
    "phone": (
        "phones.csv",
        "id:string/uuid!* location_id:string/uuid service_id:string/uuid organization_id:string/uuid contact_id:string/uuid service_at_location_id:string/uuid number:string! extension:number type:string description:string",
    ),
    "funding": ("funding.csv", "id:string/uuid!* organization_id:string/uuid service_id:string/uuid source:string"),
    "service_area": (
        "service_areas.csv",
        "id:string/uuid!* service_id:string/uuid name:string description:string extent:string extent_type:string uri:string",
    ),
}
#: foreign keys of the tables above: (resource, field) → referenced resource (by id)
FOREIGN_KEYS: dict[tuple[str, str], str] = {
    ("program", "organization_id"): "organization",
    ("service", "organization_id"): "organization",
    ("service", "program_id"): "program",
    ("location", "organization_id"): "organization",
    ("address", "location_id"): "location",
    ("service_at_location", "service_id"): "service",
    ("service_at_location", "location_id"): "location",
    ("language", "service_id"): "service",
    ("language", "location_id"): "location",
    ("language", "phone_id"): "phone",
    ("contact", "organization_id"): "organization",
    ("contact", "service_id"): "service",
    ("contact", "service_at_location_id"): "service_at_location",
    ("contact", "location_id"): "location",
    ("phone", "location_id"): "location",
    ("phone", "service_id"): "service",
    ("phone", "organization_id"): "organization",
    ("phone", "contact_id"): "contact",
    ("phone", "service_at_location_id"): "service_at_location",
    ("funding", "organization_id"): "organization",
    ("funding", "service_id"): "service",
    ("service_area", "service_id"): "service",
}


def parse_fields(spec: str) -> list[dict]:
    fields = []
    for item in spec.split(" "):
        item, _, enum = item.partition("=")
        unique = item.endswith("*")
        item = item.rstrip("*")
        required = item.endswith("!")
        item = item.rstrip("!")
        name, _, kind = item.partition(":")
        kind, _, fmt = kind.partition("/")
        field: dict = {"name": name, "type": kind}
        if fmt:
            field["format"] = fmt
        constraints: dict = {"required": required, "unique": unique}
        if enum:
            constraints["enum"] = enum.replace("temporarily_closed", "temporarily closed").split("|")
        field["constraints"] = constraints
        fields.append(field)
    return fields


def hsds_id(key: str) -> str:
    """A stable HSDS id: UUIDv5 in the URL namespace of an IRI (or IRI-based key)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def datapackage(release_date: dt.date, base: str, license_url: str) -> dict:
    resources = []
    for name, (path, spec) in SCHEMAS.items():
        schema: dict = {"fields": parse_fields(spec), "primaryKey": "id"}
        keys = [
            {"fields": f, "reference": {"resource": r, "fields": "id"}} for (res, f), r in FOREIGN_KEYS.items() if res == name
        ]
        if keys:
            schema["foreignKeys"] = keys
        resources.append(
            {
                "name": name,
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "migrakg-hsds",
        "title": "migrakg — Migrant organisations and their offers in Berlin (HSDS 3.0)",
        "description": "Organisations, projects and offers of the migrakg knowledge base in the Open Referral "
        "Human Services Data Specification 3.0. Ids are UUIDv5 of the migrakg IRIs.",
        "version": release_date.isoformat(),
        "created": release_date.isoformat() + "T00:00:00Z",
        "homepage": base,
        "licenses": [{"name": "CC-BY-4.0", "path": license_url, "title": "Creative Commons Attribution 4.0"}],
        "sources": [
            {"title": "migrakg knowledge base", "path": base},
            {"title": "HSDS 3.0 table schemas: Open Referral (CC BY-SA 4.0)", "path": "https://docs.openreferral.org/"},
        ],
        "hsds_version": HSDS_VERSION,
        "resources": resources,
    }


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _strip(value: object, prefix: str) -> str:
    text = _text(value)
    return text[len(prefix) :] if text.startswith(prefix) else text


def export(source: ReleaseSource, release_date: dt.date) -> dict[str, list[dict[str, str]]]:
    """resource name → rows (dicts by field name)."""
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in SCHEMAS}
    org_ids: dict[URIRef, str] = {}
    for org in source.instances(MKG.Organisation):
        org_ids[org] = hsds_id(str(org))
    for org in source.instances(MKG.Organisation):
        name = source.label(org)
        description = source.first(org, DCTERMS.description, "de") or source.first(org, DCTERMS.description, "en")
        alt = [str(a) for a in source.objects(org, SKOS.altLabel)]
        parent = source.first(org, ORG.unitOf)
        founded = _text(source.first(org, SCHEMA.foundingDate))[:4]
        legal = source.first(org, LEGAL.companyType)
        contact = source.first(org, SCHEMA.contactPoint)
        email = _strip(source.first(contact, VCARD.hasEmail), "mailto:") if contact else ""
        tables["organization"].append(
            {
                "id": org_ids[org],
                "name": name,
                "alternate_name": " | ".join(alt),
                "description": _text(description)
                or f"{name} — Eintrag im migrakg-Wissensgraphen / entry in the migrakg knowledge base: {org}",
                "email": email,
                "website": _text(source.first(org, SCHEMA.url)),
                "year_incorporated": founded if founded.isdigit() else "",
                "legal_status": source.label(legal, "en") if legal is not None else "",
                "uri": str(org),
                "parent_organization_id": org_ids.get(parent, "") if parent is not None else "",
            }
        )
        _contact_rows(source, tables, contact, organization_id=org_ids[org])
    programs: dict[URIRef, str] = {}
    used_orgs: set[str] = set()
    for project in source.instances(MKG.Project):
        carriers = [c for c in source.objects(project, MKG.hasCarrier) if c in org_ids and org_ids[c] not in used_orgs]
        if not carriers:
            continue  # HSDS programs need an organization, and one program per organization
        used_orgs.add(org_ids[carriers[0]])
        programs[project] = hsds_id(str(project))
        name = source.label(project)
        description = source.first(project, DCTERMS.description, "de") or source.first(project, DCTERMS.description, "en")
        tables["program"].append(
            {
                "id": programs[project],
                "organization_id": org_ids[carriers[0]],
                "name": name,
                "alternate_name": " | ".join(str(a) for a in source.objects(project, SKOS.altLabel)),
                "description": _text(description) or f"{name} — {project}",
            }
        )
    locations: dict[URIRef, str] = {}
    for place in source.instances(MKG.Place):
        if str(place).endswith("/berlin"):
            continue  # the city itself, not a site
        locations[place] = hsds_id(str(place))
        owner = next((o for o in source.objects(place, ORG.siteOf) if o in org_ids), None)
        lat, lon = _point(source.first(place, LOCN.geometry))
        tables["location"].append(
            {
                "id": locations[place],
                "location_type": "physical",
                "organization_id": org_ids.get(owner, "") if owner is not None else "",
                "name": source.label(place),
                "latitude": lat,
                "longitude": lon,
                "external_identifier": str(place),
                "external_identifier_type": "migrakg IRI",
            }
        )
        address = source.first(place, LOCN.address)
        if address is not None:
            street = " ".join(
                x
                for x in (_text(source.first(address, LOCN.thoroughfare)), _text(source.first(address, LOCN.locatorDesignator)))
                if x
            )
            postcode = _text(source.first(address, LOCN.postCode))
            if street and postcode:
                tables["address"].append(
                    {
                        "id": hsds_id(str(address)),
                        "location_id": locations[place],
                        "address_1": street,
                        "city": _text(source.first(address, LOCN.postName)) or "Berlin",
                        "state_province": "Berlin",
                        "postal_code": postcode,
                        "country": "DE",
                        "address_type": "physical",
                    }
                )
    for offer in source.instances(MKG.Offer):
        providers = [p for p in source.objects(offer, SCHEMA.provider) if p in org_ids]
        if not providers:
            continue
        service_id = hsds_id(str(offer))
        project = source.first(offer, MKG.partOfProject)
        ended = _text(source.first(project, SCHEMA.endDate)) if project is not None else ""
        status = "inactive" if ended and ended < release_date.isoformat()[: len(ended)] else "active"
        contact = source.first(offer, SCHEMA.contactPoint)
        description = source.first(offer, DCTERMS.description, "de") or source.first(offer, DCTERMS.description, "en")
        schedule = source.first(offer, MKG.schedule)
        tables["service"].append(
            {
                "id": service_id,
                "organization_id": org_ids[providers[0]],
                "program_id": programs.get(project, "") if project is not None else "",
                "name": source.label(offer),
                "alternate_name": _text(source.first(offer, SCHEMA.name, "en")),
                "description": _text(description) + (f" ({schedule})" if schedule else ""),
                "url": _text(source.first(offer, SCHEMA.url)),
                "email": _strip(source.first(contact, VCARD.hasEmail), "mailto:") if contact else "",
                "status": status,
                "last_modified": release_date.isoformat() + "T00:00:00Z",
            }
        )
        _contact_rows(source, tables, contact, service_id=service_id)
        for place in source.objects(offer, SCHEMA.location):
            if place in locations:
                tables["service_at_location"].append(
                    {"id": hsds_id(f"{offer}#at-{place}"), "service_id": service_id, "location_id": locations[place]}
                )
        for language in source.objects(offer, DCTERMS.language):
            code = str(language).rsplit("/", 1)[-1]
            tables["language"].append(
                {
                    "id": hsds_id(f"{offer}#language-{code}"),
                    "service_id": service_id,
                    "name": source.label(language, "en"),
                    "code": code.lower(),
                }
            )
        for district in source.objects(offer, SCHEMA.areaServed):
            tables["service_area"].append(
                {
                    "id": hsds_id(f"{offer}#area-{district}"),
                    "service_id": service_id,
                    "name": source.label(district),
                    "description": "Berliner Bezirk / Berlin district",
                    "uri": str(district),
                }
            )
    service_of = {
        offer: hsds_id(str(offer))
        for offer in source.instances(MKG.Offer)
        if any(p in org_ids for p in source.objects(offer, SCHEMA.provider))
    }
    for funding in source.instances(MKG.Funding):
        funder = source.first(funding, SCHEMA.funder)
        programme = source.first(funding, MKG.programme)
        text = source.label(funder) if funder is not None else ""
        if programme is not None:
            text += f" — {source.label(programme)}"
        for item in source.objects(funding, SCHEMA.fundedItem):
            targets: list[tuple[str, str]] = []
            if item in org_ids:
                targets.append(("organization_id", org_ids[item]))
            elif item in service_of:
                targets.append(("service_id", service_of[item]))
            else:  # a project: the organisations carrying it receive the funding
                targets.extend(("organization_id", org_ids[c]) for c in source.objects(item, MKG.hasCarrier) if c in org_ids)
            for key, target in targets:
                tables["funding"].append({"id": hsds_id(f"{funding}#{target}"), key: target, "source": text})
    for rows in tables.values():
        rows.sort(key=lambda r: r["id"])
    return tables


def _contact_rows(source: ReleaseSource, tables: dict, contact, **owner: str) -> None:
    if contact is None:
        return
    contact_id = hsds_id(str(contact))
    email = _strip(source.first(contact, VCARD.hasEmail), "mailto:")
    name = _text(source.first(contact, VCARD.fn))
    if email or name:
        tables["contact"].append({"id": contact_id, "name": name, "email": email, **owner})
    for phone in source.objects(contact, VCARD.hasTelephone):
        tables["phone"].append(
            {
                "id": hsds_id(str(phone) + "#" + str(contact)),
                "number": _strip(phone, "tel:"),
                **({"contact_id": contact_id} if (email or name) else {}),
                **owner,
            }
        )


def _point(geometry: object) -> tuple[str, str]:
    match = re.match(r"\s*POINT\s*\(\s*([-\d.]+)\s+([-\d.]+)\s*\)", _text(geometry))
    return (match.group(2), match.group(1)) if match else ("", "")


def package_files(source: ReleaseSource, release_date: dt.date, base: str, license_url: str) -> dict[str, bytes]:
    """file name (inside hsds/) → bytes: datapackage.json and one CSV per resource (UTF-8, no BOM)."""
    package = datapackage(release_date, base, license_url)
    tables = export(source, release_date)
    files = {"datapackage.json": (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
    for resource in package["resources"]:
        header = [f["name"] for f in resource["schema"]["fields"]]
        body = [[row.get(h, "") for h in header] for row in tables[resource["name"]]]
        files[resource["path"]] = csv_bytes(header, body, bom=False)
    return files


# -- validation ----------------------------------------------------------------------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$")


def _check_value(value: str, field: dict) -> str | None:
    kind, fmt = field.get("type", "string"), field.get("format")
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return "not a number"
    elif kind == "integer" and not re.match(r"^-?\d+$", value):
        return "not an integer"
    elif kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "not a date (YYYY-MM-DD)"
    elif kind == "datetime" and not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", value):
        return "not a datetime (YYYY-MM-DDThh:mm:ssZ)"
    elif kind == "time" and not re.match(r"^\d{2}:\d{2}(:\d{2})?$", value):
        return "not a time"
    if fmt == "uuid" and not _UUID.match(value):
        return "not a UUID"
    if fmt == "email" and not _EMAIL.match(value):
        return "not an e-mail address"
    if fmt == "uri" and not _URI.match(value):
        return "not a URI"
    enum = field.get("constraints", {}).get("enum")
    if enum and value not in enum:
        return f"not one of {enum}"
    return None


def validate_package(folder: Path, schema_package: dict | None = None) -> list[str]:
    """Problems of the tabular data package in *folder* (empty list: valid).

    Checks each resource's CSV against its table schema — from *schema_package* (e.g. the official
    HSDS datapackage.json) where given, else from the package's own datapackage.json: header,
    required, unique, enum, type and format of every cell, primary keys and foreign keys."""
    import csv

    own = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r for r in (schema_package or own)["resources"]}
    problems: list[str] = []
    ids: dict[str, set[str]] = {}
    loaded: dict[str, list[dict[str, str]]] = {}
    for resource in own["resources"]:
        name = resource["name"]
        reference = schemas.get(name)
        if reference is None:
            problems.append(f"{name}: not a resource of the schema")
            continue
        path = folder / resource["path"]
        if resource["path"] != reference["path"]:
            problems.append(f"{name}: path {resource['path']} should be {reference['path']}")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            rows = list(reader)
        fields = reference["schema"]["fields"]
        expected = [f["name"] for f in fields]
        if header != expected:
            problems.append(f"{resource['path']}: header {header} differs from the schema's fields {expected}")
        for field in fields:
            constraints = field.get("constraints", {})
            seen: set[str] = set()
            for number, row in enumerate(rows, start=2):
                value = row.get(field["name"]) or ""
                if not value:
                    if constraints.get("required"):
                        problems.append(f"{resource['path']} row {number}: {field['name']} is required")
                    continue
                error = _check_value(value, field)
                if error:
                    problems.append(f"{resource['path']} row {number}: {field['name']} {value!r} {error}")
                if constraints.get("unique"):
                    if value in seen:
                        problems.append(f"{resource['path']} row {number}: {field['name']} {value!r} is not unique")
                    seen.add(value)
        ids[name] = {row.get("id", "") for row in rows}
        loaded[name] = rows
    for name, rows in loaded.items():
        for key in schemas[name]["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            for number, row in enumerate(rows, start=2):
                value = row.get(key["fields"]) or ""
                if value and target in ids and value not in ids[target]:
                    problems.append(f"{name} row {number}: {key['fields']} {value} has no {target}")
                elif value and target not in ids:
                    problems.append(f"{name} row {number}: {key['fields']} refers to {target}, which the package lacks")
    return problems
