"""The CSV source format: which files, which columns, what each column becomes in RDF.

This table is the single description of the spreadsheet format (data/README.md documents it for
people; a test checks that both agree). Column value types:

- ``slug``: the record's own identifier; ``text``/``text@de``/``text@en``: literals;
  ``names``: list of alternative names; ``ref``: slugs of other records (`targets` = allowed kinds);
  ``vocab``: codes of a SKOS scheme (`targets` = scheme); ``language``: EU language codes;
  ``date``: YYYY / YYYY-MM / YYYY-MM-DD; ``url``; ``email``; ``phone``; ``bool`` (yes/no);
  ``decimal``; ``integer``; ``wikidata`` (Q-number); ``special``: handled by the record builder.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ..namespaces import LEGAL, LOCN, MKG, ORG, SCHEMA, VCARD


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    predicate: URIRef | None = None
    multi: bool = False
    required: bool = False
    targets: tuple[str, ...] = ()
    #: the node the value is attached to: "record", "contact" ({record}#contact), "address" ({record}#address)
    #: or "channel" (one ``schema:ServiceChannel`` {record}#at-{slug} per value, linked by ``schema:availableChannel``)
    node: str = "record"


@dataclass(frozen=True)
class SourceKind:
    file: str  # file name in data/
    kind: str  # IRI kind
    columns: tuple[Column, ...]
    #: columns whose values make the slug when the file has no slug column
    slug_from: tuple[str, ...] = ()
    label: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _provenance() -> tuple[Column, ...]:
    return (
        Column("source_url", "url", DCTERMS.source, required=True),
        Column("source_date", "date", MKG.sourceDate),
        Column("more_sources", "url", DCTERMS.source, multi=True),
        Column("note", "text@en", RDFS.comment),  # editorial notes are written in English (data/README.md)
    )


def _contact() -> tuple[Column, ...]:
    return (
        Column("website", "url", SCHEMA.url),
        Column("email", "email", VCARD.hasEmail, node="contact"),
        Column("phone", "phone", VCARD.hasTelephone, node="contact"),
    )


DISTRICTS = SourceKind(
    "districts.csv",
    "district",
    (
        Column("slug", "slug", required=True),
        Column("notation", "text", SKOS.notation, required=True),
        Column("name_de", "text@de", SKOS.prefLabel, required=True),
        Column("name_en", "text@en", SKOS.prefLabel),
        Column("wikidata", "wikidata", SKOS.exactMatch),
        Column("population", "integer", MKG.population),
        Column("population_migration_background", "integer", MKG.populationWithMigrationBackground),
        Column("population_date", "date", MKG.populationDate),
        *_provenance(),
    ),
    label="district",
)

ORGANISATIONS = SourceKind(
    "organisations.csv",
    "organisation",
    (
        Column("slug", "slug", required=True),
        Column("name", "text@de", SKOS.prefLabel, required=True),
        Column("name_language", "special", None),
        Column("alt_names", "names", SKOS.altLabel, multi=True),
        Column("legal_form", "vocab", LEGAL.companyType, targets=("legal-form",)),
        Column("kind_of_body", "special", None),
        Column("public_body", "bool", None),
        Column("migrant_organisation", "bool", MKG.isMigrantOrganisation),
        Column("migrant_organisation_evidence", "special", None),  # A | B → {record}#migrant-organisation
        Column("migrant_organisation_source", "special", None),  # the page that carries the flag
        Column("unit_of", "ref", ORG.unitOf, targets=("organisation",)),
        Column("seat_district", "ref", MKG.seatDistrict, targets=("district",)),
        Column("districts", "ref", SCHEMA.areaServed, multi=True, targets=("district",)),
        Column("fields", "vocab", MKG.fieldOfActivity, multi=True, targets=("field",)),
        Column("founded", "date", SCHEMA.foundingDate),
        Column("description_de", "text@de", DCTERMS.description),
        Column("description_en", "text@en", DCTERMS.description),
        *_contact(),
        Column("languages", "language", DCTERMS.language, multi=True),
        Column("communities", "text@en", MKG.community, multi=True),
        Column("names_in_time", "special", None),  # Name [start..end] | … → {record}#name-n
        Column("inferred", "special", None),
        *_provenance(),
    ),
    label="organisation",
)

PLACES = SourceKind(
    "places.csv",
    "place",
    (
        Column("slug", "slug", required=True),
        Column("name", "text@de", SCHEMA.name, required=True),
        Column("organisation", "ref", ORG.siteOf, multi=True, targets=("organisation",)),
        Column("street", "text", LOCN.thoroughfare, node="address"),
        Column("house_number", "text", LOCN.locatorDesignator, node="address"),
        Column("postcode", "text", LOCN.postCode, node="address"),
        Column("city", "text", LOCN.postName, node="address"),
        Column("district", "ref", MKG.district, targets=("district",)),
        Column("lat", "special", LOCN.geometry),
        Column("lon", "special", LOCN.geometry),
        *_provenance(),
    ),
    label="place",
)

NETWORKS = SourceKind(
    "networks.csv",
    "network",
    (
        Column("slug", "slug", required=True),
        Column("name", "text@de", SKOS.prefLabel, required=True),
        Column("name_language", "special", None),
        Column("alt_names", "names", SKOS.altLabel, multi=True),
        Column("network_type", "vocab", MKG.networkType, targets=("network-type",)),
        Column("districts", "ref", SCHEMA.areaServed, multi=True, targets=("district",)),
        Column("founded", "date", SCHEMA.foundingDate),
        Column("coordinated_by", "ref", MKG.coordinatedBy, multi=True, targets=("organisation", "project")),
        Column("accompanied_by", "ref", MKG.accompaniedBy, multi=True, targets=("organisation",)),
        Column("fields", "vocab", MKG.fieldOfActivity, multi=True, targets=("field",)),
        Column("description_de", "text@de", DCTERMS.description),
        Column("description_en", "text@en", DCTERMS.description),
        Column("website", "url", SCHEMA.url),
        Column("email", "email", VCARD.hasEmail, node="contact"),
        Column("phone", "phone", VCARD.hasTelephone, node="contact"),
        Column("end", "date", SCHEMA.dissolutionDate),
        Column("merged_into", "ref", MKG.mergedInto, targets=("network",)),
        Column("names_in_time", "special", None),
        *_provenance(),
    ),
    label="network",
)

MEMBERSHIPS = SourceKind(
    "memberships.csv",
    "membership",
    (
        Column("network", "ref", ORG.organization, required=True, targets=("network",)),
        Column("member", "ref", ORG.member, required=True, targets=("organisation", "network")),
        Column("role", "vocab", ORG.role, required=True, targets=("role",)),
        Column("start", "date", SCHEMA.startDate),
        Column("end", "date", SCHEMA.endDate),
        Column("stage", "vocab", MKG.stage, targets=("stage",)),
        *_provenance(),
    ),
    slug_from=("network", "member", "role"),
    label="membership",
)

PROJECTS = SourceKind(
    "projects.csv",
    "project",
    (
        Column("slug", "slug", required=True),
        Column("name", "text@de", SCHEMA.name, required=True),
        Column("alt_names", "names", SKOS.altLabel, multi=True),
        Column("districts", "ref", SCHEMA.areaServed, multi=True, targets=("district",)),
        Column("start", "date", SCHEMA.startDate),
        Column("end", "date", SCHEMA.endDate),
        Column("goals_de", "text@de", MKG.goal, multi=True),
        Column("goals_en", "text@en", MKG.goal, multi=True),
        Column("activities_de", "text@de", MKG.activity, multi=True),
        Column("activities_en", "text@en", MKG.activity, multi=True),
        Column("target_groups", "vocab", SCHEMA.audience, multi=True, targets=("target-group",)),
        Column("fields", "vocab", MKG.fieldOfActivity, multi=True, targets=("field",)),
        Column("coordinates", "ref", MKG.coordinates, multi=True, targets=("network",)),
        Column("accompanied_by", "ref", MKG.accompaniedBy, multi=True, targets=("organisation",)),
        Column("description_de", "text@de", DCTERMS.description),
        Column("description_en", "text@en", DCTERMS.description),
        *_contact(),
        *_provenance(),
    ),
    label="project",
)

CARRIER_ROLES = SourceKind(
    "carrier-roles.csv",
    "carrier-role",
    (
        Column("project", "ref", MKG.project, required=True, targets=("project",)),
        Column("carrier", "ref", MKG.carrier, required=True, targets=("organisation",)),
        Column("role", "vocab", MKG.carrierRole, required=True, targets=("role",)),
        Column("start", "date", SCHEMA.startDate),
        Column("end", "date", SCHEMA.endDate),
        Column("inferred", "special", None),
        *_provenance(),
    ),
    slug_from=("project", "carrier"),
    label="carrier role",
)

FUNDINGS = SourceKind(
    "fundings.csv",
    "funding",
    (
        Column("slug", "slug", required=True),
        Column("funder", "ref", SCHEMA.funder, required=True, targets=("organisation",)),
        Column("allocated_by", "ref", MKG.allocatedBy, targets=("organisation",)),
        Column("funded", "ref", SCHEMA.fundedItem, multi=True, required=True, targets=("project", "offer", "organisation")),
        Column("programme", "vocab", MKG.programme, targets=("funding-programme",)),
        Column("start", "date", SCHEMA.startDate),
        Column("end", "date", SCHEMA.endDate),
        Column("amount", "special", None),  # → schema:amount <#amount> a schema:MonetaryAmount (value, EUR)
        Column("stage", "vocab", MKG.stage, targets=("stage",)),
        Column("description_de", "text@de", DCTERMS.description),
        Column("description_en", "text@en", DCTERMS.description),
        Column("inferred", "special", None),
        *_provenance(),
    ),
    label="funding",
)

OFFERS = SourceKind(
    "offers.csv",
    "offer",
    (
        Column("slug", "slug", required=True),
        Column("name", "text@de", SCHEMA.name, required=True),
        Column("name_en", "text@en", SCHEMA.name),
        Column("provider", "ref", SCHEMA.provider, multi=True, required=True, targets=("organisation",)),
        Column("offer_type", "vocab", MKG.offerType, required=True, targets=("offer-type",)),
        Column("languages", "language", DCTERMS.language, multi=True),
        Column("target_groups", "vocab", SCHEMA.audience, multi=True, targets=("target-group",)),
        Column("fields", "vocab", MKG.fieldOfActivity, multi=True, targets=("field",)),
        Column("districts", "ref", SCHEMA.areaServed, multi=True, targets=("district",)),
        # where the offer takes place: <offer> schema:availableChannel <offer#at-{place}> a schema:ServiceChannel;
        # schema:serviceLocation <place> (schema.org gives a Service no schema:location)
        Column("place", "ref", SCHEMA.serviceLocation, multi=True, targets=("place",), node="channel"),
        Column("project", "ref", MKG.partOfProject, targets=("project",)),
        Column("schedule", "text@de", MKG.schedule),
        Column("start", "special", None),  # the period: time:hasTime (a Service has no schema:startDate)
        Column("end", "special", None),
        Column("description_de", "text@de", DCTERMS.description),
        Column("description_en", "text@en", DCTERMS.description),
        *_contact(),
        Column("inferred", "special", None),
        *_provenance(),
    ),
    label="offer",
)

RETIRED = SourceKind(
    "retired-slugs.csv",
    "retired",
    (
        Column("kind", "special", None, required=True),
        Column("slug", "special", None, required=True),
        Column("replaced_by", "special", None, required=True),
        Column("retired", "special", None),
        *_provenance(),
    ),
    slug_from=("kind", "slug"),
    label="retired slug",
)

#: in reading order: a file may refer to records of any file (references are resolved after reading all)
SOURCE_KINDS: tuple[SourceKind, ...] = (
    DISTRICTS,
    ORGANISATIONS,
    PLACES,
    NETWORKS,
    MEMBERSHIPS,
    PROJECTS,
    CARRIER_ROLES,
    FUNDINGS,
    OFFERS,
    RETIRED,
)

LIST_SEPARATOR = "|"


def kind_for_file(name: str) -> SourceKind | None:
    for spec in SOURCE_KINDS:
        if spec.file == name:
            return spec
    return None


def kind_for_columns(columns: list[str]) -> SourceKind | None:
    """Guess the kind of a CSV by its header (for `migrakg import` of a file with another name)."""
    best = None
    best_score = 0
    for spec in SOURCE_KINDS:
        required = {c.name for c in spec.columns if c.required}
        if not required <= set(columns):
            continue
        score = len(set(columns) & set(spec.column_names))
        if score > best_score:
            best, best_score = spec, score
    return best
