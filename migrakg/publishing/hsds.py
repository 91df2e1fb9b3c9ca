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
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from .. import formats
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
    "taxonomy": ("taxonomies.csv", "id:string/uuid!* name:string! description:string! uri:string/uri version:string"),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        "id:string/uuid!* code:string* name:string! description:string! parent_id:string/uuid taxonomy:string language:string taxonomy_id:string/uuid term_uri:string/uri",
    ),
    "attribute": (
        "attributes.csv",
        "id:string/uuid!* link_id:string/uuid! taxonomy_term_id:string/uuid! link_type:string link_entity:string! value:string",
    ),
    "schedule": (
        "schedules.csv",
        "id:string/uuid!* service_id:string/uuid location_id:string/uuid service_at_location_id:string/uuid valid_from:date valid_to:date dtstart:date timezone:number until:date count:number wkst:string=MO|TU|WE|TH|FR|SA|SU freq:string=WEEKLY|MONTHLY interval:number byday:string byweekno:string bymonthday:string byyearday:string description:string opens_at:time closes_at:time schedule_link:string/uri attending_type:string notes:string",
    ),
    "organization_identifier": (
        "organization_identifiers.csv",
        "id:string/uuid!* organization_id:string/uuid! identifier_scheme:string identifier_type:string! identifier:string!",
    ),
    "metadata": (
        "metadata.csv",
        "id:string/uuid!* resource_id:string/uuid! resource_type:string! last_action_date:date! last_action_type:string! field_name:string! previous_value:string! replacement_value:string! updated_by:string!",
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
    ("taxonomy_term", "taxonomy_id"): "taxonomy",
    ("attribute", "taxonomy_term_id"): "taxonomy_term",
    ("schedule", "location_id"): "location",
    ("schedule", "service_id"): "service",
    ("schedule", "service_at_location_id"): "service_at_location",
    ("organization_identifier", "organization_id"): "organization",
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
                "mediatype": formats.CSV.media_type,
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


STATUS = "https://w3id.org/migrakg/vocab/status/"
#: the record's derived status (vocab/status) → HSDS service status; HSDS has no "unknown", so an offer
#: whose latest evidence is old is "inactive" with an alert saying when it was last evidenced
HSDS_STATUS = {"current": "active", "ended": "defunct", "unknown": "inactive"}


def carriers_of(source: ReleaseSource, project: URIRef) -> list[URIRef]:
    """The organisations carrying *project* (prov:qualifiedAssociation in the role carrier), current
    ones first — whatever their status: a program of an ended project still had its carrier."""
    found = []
    for association in source.objects(project, PROV.qualifiedAssociation):
        agent = source.first(association, PROV.agent)
        role = source.first(association, PROV.hadRole)
        if isinstance(agent, URIRef) and role is not None and str(role).endswith("/role/carrier"):
            current = str(source.first(association, MKG.status) or "").endswith("/current")
            found.append((not current, str(agent), agent))
    return [agent for _, _, agent in sorted(found)]


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
        carriers = [c for c in carriers_of(source, project) if c in org_ids and org_ids[c] not in used_orgs]
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
        derived = str(source.first(offer, MKG.status) or STATUS + "unknown")[len(STATUS) :]
        ended = _text(source.first(project, SCHEMA.endDate)) if project is not None else ""
        if ended and ended < release_date.isoformat()[: len(ended)]:
            derived = "ended"  # the project it belongs to has ended
        status = HSDS_STATUS.get(derived, "inactive")
        evidenced = _text(source.first(offer, MKG.lastEvidenced))
        alert = (
            f"Status unbekannt: zuletzt belegt {evidenced or 'ohne Datum'} / status unknown: last evidenced {evidenced or 'undated'}"
            if derived == "unknown"
            else ""
        )
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
                "alert": alert,
                "last_modified": release_date.isoformat() + "T00:00:00Z",
            }
        )
        _contact_rows(source, tables, contact, service_id=service_id)
        # where the offer takes place: its channels' schema:serviceLocation (the row id stays {offer}#at-{place IRI})
        for place in (
            p
            for channel in source.objects(offer, SCHEMA.availableChannel)
            for p in source.objects(channel, SCHEMA.serviceLocation)
        ):
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
                targets.extend(("organization_id", org_ids[c]) for c in carriers_of(source, item) if c in org_ids)
            for key, target in targets:
                tables["funding"].append({"id": hsds_id(f"{funding}#{target}"), key: target, "source": text})
    _taxonomy_rows(source, tables, org_ids, service_of)
    for offer, service_id in service_of.items():
        tables["schedule"].extend(schedule_rows(source, offer, service_id))
    for org, org_id in org_ids.items():
        tables["organization_identifier"].append(
            {"id": hsds_id(f"{org}#identifier"), "organization_id": org_id, "identifier_scheme": "migrakg",
             "identifier_type": "migrakg IRI", "identifier": str(org)}
        )  # fmt: skip
    _metadata_rows(source, tables, org_ids)
    for rows in tables.values():
        rows.sort(key=lambda r: r["id"])
    return tables


#: the schemes whose concepts classify services and organisations in the export: scheme → (link_type, entity)
TAXONOMIES = {
    "offer-type": ("offer_type", "service", MKG.offerType),
    "target-group": ("target_group", "service", SCHEMA.audience),
    "field": ("field_of_activity", "organization", MKG.fieldOfActivity),
}
OPEN_ELIGIBILITY = "https://github.com/auntbertha/openeligibility"
#: mapping relations that classify (a related term does not)
CLASSIFYING = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)


def _taxonomy_rows(source: ReleaseSource, tables: dict, org_ids: dict[URIRef, str], service_of: dict[URIRef, str]) -> None:
    """taxonomy / taxonomy_term / attribute: our offer types, target groups and fields of activity as
    taxonomies, the Open Eligibility terms they map to (vocab/*.ttl) as a fourth, and an attribute row for
    every service and organisation classified by them."""
    schemes = {str(s).rsplit("/vocab/", 1)[-1]: s for s in source.instances(SKOS.ConceptScheme) if "/vocab/" in str(s)}
    oe_id = hsds_id(OPEN_ELIGIBILITY)
    tables["taxonomy"].append(
        {"id": oe_id, "name": "Open Eligibility", "uri": OPEN_ELIGIBILITY,
         "description": "Open Eligibility human services and human situations (CC BY-SA 3.0); migrakg's mappings in vocab/offer-type.ttl and vocab/target-group.ttl."}
    )  # fmt: skip
    terms: dict[str, str] = {}
    oe_terms: dict[str, str] = {}
    for scheme in TAXONOMIES:
        scheme_iri = schemes.get(scheme)
        if scheme_iri is None:
            continue
        taxonomy_id = hsds_id(str(scheme_iri))
        tables["taxonomy"].append(
            {"id": taxonomy_id, "name": source.label(scheme_iri), "uri": str(scheme_iri),
             "description": _text(source.first(scheme_iri, DCTERMS.description, "de")) or source.label(scheme_iri, "en")}
        )  # fmt: skip
        for concept in sorted({c for c in source.union.subjects(SKOS.inScheme, scheme_iri) if isinstance(c, URIRef)}, key=str):
            terms[str(concept)] = hsds_id(str(concept))
            broader = source.first(concept, SKOS.broader)
            tables["taxonomy_term"].append(
                {"id": terms[str(concept)], "code": f"{scheme}/{source.first(concept, SKOS.notation)}",
                 "name": source.label(concept), "description": _text(source.first(concept, SKOS.definition, "de")) or source.label(concept),
                 "parent_id": hsds_id(str(broader)) if broader is not None else "", "taxonomy": source.label(scheme_iri),
                 "language": "deu", "taxonomy_id": taxonomy_id, "term_uri": str(concept)}
            )  # fmt: skip
            for relation in CLASSIFYING:
                for target in source.objects(concept, relation):
                    if str(target).startswith(OPEN_ELIGIBILITY) and str(target) not in oe_terms:
                        oe_terms[str(target)] = hsds_id(str(target))
    for target, term_id in sorted(oe_terms.items()):
        slug = target.rsplit("#", 1)[-1]
        name = _text(source.first(URIRef(target), RDFS.label)) or slug.rsplit(":", 1)[-1]
        tables["taxonomy_term"].append(
            {"id": term_id, "code": slug, "name": name,
             "description": f"Open Eligibility: {slug}", "taxonomy": "Open Eligibility", "language": "eng",
             "taxonomy_id": oe_id, "term_uri": target}
        )  # fmt: skip
    for scheme, (link_type, entity, predicate) in TAXONOMIES.items():
        things = service_of if entity == "service" else org_ids
        for thing, thing_id in things.items():
            for concept in source.objects(thing, predicate):
                if str(concept) not in terms or f"/vocab/{scheme}/" not in str(concept):
                    continue
                linked = [terms[str(concept)]] + sorted(
                    oe_terms[str(t)] for r in CLASSIFYING for t in source.objects(concept, r) if str(t) in oe_terms
                )
                for term_id in linked:
                    tables["attribute"].append(
                        {"id": hsds_id(f"{thing}#attribute-{term_id}"), "link_id": thing_id, "taxonomy_term_id": term_id,
                         "link_type": link_type, "link_entity": entity}
                    )  # fmt: skip


#: German weekday words of the schedule texts → iCal day codes
WEEKDAYS = {
    "mo": "MO", "montag": "MO", "montags": "MO", "di": "TU", "dienstag": "TU", "dienstags": "TU",
    "mi": "WE", "mittwoch": "WE", "mittwochs": "WE", "do": "TH", "donnerstag": "TH", "donnerstags": "TH",
    "fr": "FR", "freitag": "FR", "freitags": "FR", "sa": "SA", "samstag": "SA", "samstags": "SA",
    "so": "SU", "sonntag": "SU", "sonntags": "SU",
}  # fmt: skip
_DAY_HOURS = re.compile(
    r"\b(?P<day>[A-Za-zäöü]+)\.?\s+(?:ab\s+)?(?P<open>\d{1,2})(?::(?P<om>\d{2}))?\s*(?:[–-]\s*(?P<close>\d{1,2})(?::(?P<cm>\d{2}))?)?\s*Uhr"
)


def weekly_hours(text: str) -> list[tuple[str, str, str]]:
    """Weekly opening hours in a schedule text, as (day, opens, closes); only "<weekday> H–H Uhr" is read,
    anything less regular stays text.

    >>> weekly_hours("dienstags 10–12 Uhr, donnerstags 14–16 Uhr; Termine nach Vereinbarung")
    [('TU', '10:00', '12:00'), ('TH', '14:00', '16:00')]
    >>> weekly_hours("jeden 2. Sonntag (Stand Oktober 2015)")
    []
    """
    found = []
    for match in _DAY_HOURS.finditer(text):
        day = WEEKDAYS.get(match["day"].lower())
        if day is None:
            continue
        opens = f"{int(match['open']):02d}:{match['om'] or '00'}"
        closes = f"{int(match['close']):02d}:{match['cm'] or '00'}" if match["close"] else ""
        found.append((day, opens, closes))
    return found


def schedule_rows(source: ReleaseSource, offer: URIRef, service_id: str) -> list[dict[str, str]]:
    """HSDS schedule rows of an offer: its schedule text always (description), and where the text states
    "<weekday> H–H Uhr" one weekly row per day. The notes say when a source last stated the hours — an old
    schedule is never presented as today's."""
    text = _text(source.first(offer, MKG.schedule))
    if not text:
        return []
    evidenced = _text(source.first(offer, MKG.lastEvidenced))
    status = _text(source.first(offer, MKG.status)).rsplit("/", 1)[-1]
    notes = f"Zeiten laut Quelle, zuletzt belegt {evidenced or 'ohne Datum'} (Status: {status}) / hours as the source states them, last evidenced {evidenced or 'undated'}"
    rows = [
        {"id": hsds_id(f"{offer}#schedule-{day}-{opens}"), "service_id": service_id, "freq": "WEEKLY", "wkst": "MO",
         "interval": "1", "byday": day, "opens_at": opens, "closes_at": closes, "description": text, "notes": notes}
        for day, opens, closes in weekly_hours(text)
    ]  # fmt: skip
    return rows or [{"id": hsds_id(f"{offer}#schedule"), "service_id": service_id, "description": text, "notes": notes}]


def _metadata_rows(source: ReleaseSource, tables: dict, org_ids: dict[URIRef, str]) -> None:
    """HSDS metadata (change records): the merges of data/retired-slugs.csv — an organisation's published
    IRI replaced by the kept record's, on the day it was retired."""
    for retired in source.instances(MKG.RetiredIdentifier):
        kept = source.first(retired, DCTERMS.isReplacedBy)
        day = _text(source.first(retired, DCTERMS.date))
        if kept not in org_ids or not re.match(r"^\d{4}-\d{2}-\d{2}$", day):
            continue
        tables["metadata"].append(
            {"id": hsds_id(f"{retired}#merged"), "resource_id": org_ids[kept], "resource_type": "organization",
             "last_action_date": day, "last_action_type": "merge", "field_name": "uri", "previous_value": str(retired),
             "replacement_value": str(kept), "updated_by": "migrakg (data/retired-slugs.csv)"}
        )  # fmt: skip


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
