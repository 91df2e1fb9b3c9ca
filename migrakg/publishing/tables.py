"""Flat CSV tables for spreadsheet users: one row per thing, its IRI in the first column.

UTF-8 with byte-order mark (so Excel shows umlauts right), comma-separated, CRLF line ends,
rows sorted by IRI. Several values in one cell are joined by ` | ` (as in data/*.csv).
References to other things are IRIs; e-mail and phone are given without `mailto:`/`tel:`.
The columns are documented in TABLES (printed into docs/publishing.md) — one source of truth.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..csvcells import csv_row
from ..namespaces import LEGAL, MKG, ORG, SCHEMA, VCARD
from .source import ReleaseSource

SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[URIRef, ...]  # predicates from the row's thing; empty: the thing's IRI
    help: str
    lang: str | None = None  # only literals in this language
    strip: str = ""  # prefix to strip from IRI values (mailto:, tel:)
    flag: URIRef | None = None  # "yes" if the thing has rdf:type flag


@dataclass(frozen=True)
class Table:
    file: str
    cls: URIRef
    title_de: str
    title_en: str
    columns: tuple[Column, ...]


IRI = Column("iri", (), "IRI of the thing (dereferenceable; stable)")
SOURCES = Column("sources", (DCTERMS.source,), "pages the facts come from")
SOURCE_DATE = Column("source_date", (MKG.sourceDate,), "date or year the source states")
EMAIL = Column("email", (SCHEMA.contactPoint, VCARD.hasEmail), "functional e-mail address", strip="mailto:")
PHONE = Column("phone", (SCHEMA.contactPoint, VCARD.hasTelephone), "functional phone number (+49…)", strip="tel:")
WEBSITE = Column("website", (SCHEMA.url,), "web site")
DESC_DE = Column("description_de", (DCTERMS.description,), "description (German)", lang="de")
DESC_EN = Column("description_en", (DCTERMS.description,), "description (English)", lang="en")
NAME = Column("name", (SCHEMA.name,), "name as written by the source", lang="de")
ALT = Column("alt_names", (SKOS.altLabel,), "other names seen in sources")
DISTRICTS = Column("districts", (SCHEMA.areaServed,), "districts where active (IRIs)")
FIELDS = Column("fields", (MKG.fieldOfActivity,), "fields of activity (vocab/field IRIs)")
START = Column("start", (SCHEMA.startDate,), "start date")
END = Column("end", (SCHEMA.endDate,), "end date")

TABLES: tuple[Table, ...] = (
    Table(
        "organisations.csv",
        MKG.Organisation,
        "Organisationen",
        "Organisations",
        (
            IRI,
            NAME,
            ALT,
            Column("public_body", (), "yes for public bodies (authorities)", flag=MKG.PublicBody),
            Column("migrant_organisation", (MKG.isMigrantOrganisation,), "true/false where a source says so"),
            Column("legal_form", (LEGAL.companyType,), "legal form (vocab/legal-form IRI)"),
            Column("unit_of", (ORG.unitOf,), "parent organisation (IRI)"),
            Column("seat_district", (MKG.seatDistrict,), "district of the seat (IRI)"),
            DISTRICTS,
            FIELDS,
            Column("founded", (SCHEMA.foundingDate,), "founding year or date"),
            DESC_DE,
            DESC_EN,
            WEBSITE,
            EMAIL,
            PHONE,
            Column("sites", (ORG.hasSite,), "places (IRIs)"),
            Column("networks", (ORG.memberOf,), "networks it is a member of (IRIs)"),
            SOURCES,
            SOURCE_DATE,
        ),
    ),
    Table(
        "offers.csv",
        MKG.Offer,
        "Angebote",
        "Offers",
        (
            IRI,
            NAME,
            Column("name_en", (SCHEMA.name,), "name in English", lang="en"),
            Column("providers", (SCHEMA.provider,), "organisations offering it (IRIs)"),
            Column("offer_type", (MKG.offerType,), "kind of offer (vocab/offer-type IRI)"),
            Column("languages", (DCTERMS.language,), "languages (EU language authority IRIs)"),
            Column("target_groups", (SCHEMA.audience,), "target groups (vocab/target-group IRIs)"),
            FIELDS,
            DISTRICTS,
            Column("places", (SCHEMA.availableChannel, SCHEMA.serviceLocation), "places (IRIs)"),
            Column("project", (MKG.partOfProject,), "project it belongs to (IRI)"),
            Column("schedule", (MKG.schedule,), "opening hours as text"),
            DESC_DE,
            DESC_EN,
            WEBSITE,
            EMAIL,
            PHONE,
            SOURCES,
            SOURCE_DATE,
        ),
    ),
    Table(
        "networks.csv",
        MKG.Network,
        "Netzwerke und Gremien",
        "Networks and committees",
        (
            IRI,
            Column("name", (SCHEMA.name,), "name as written by the source"),
            ALT,
            Column("network_type", (MKG.networkType,), "kind (vocab/network-type IRI)"),
            DISTRICTS,
            Column("founded", (SCHEMA.foundingDate,), "founding year or date"),
            Column("coordinated_by", (MKG.coordinatedBy,), "coordinating organisation or project (IRI)"),
            Column("accompanied_by", (MKG.accompaniedBy,), "accompanying organisation (IRI)"),
            FIELDS,
            DESC_DE,
            DESC_EN,
            WEBSITE,
            Column("members", (ORG.hasMember,), "members (IRIs)"),
            SOURCES,
            SOURCE_DATE,
        ),
    ),
    Table(
        "memberships.csv",
        ORG.Membership,
        "Mitgliedschaften",
        "Memberships",
        (
            IRI,
            Column("network", (ORG.organization,), "network (IRI)"),
            Column("member", (ORG.member,), "member organisation or network (IRI)"),
            Column("role", (ORG.role,), "role (vocab/role IRI)"),
            START,
            END,
            SOURCES,
            SOURCE_DATE,
        ),
    ),
    Table(
        "projects.csv",
        MKG.Project,
        "Projekte",
        "Projects",
        (
            IRI,
            Column("name", (SCHEMA.name,), "name as written by the source"),
            ALT,
            START,
            END,
            DISTRICTS,
            Column("goals_de", (MKG.goal,), "goals (German)", lang="de"),
            Column("goals_en", (MKG.goal,), "goals (English)", lang="en"),
            Column("activities_de", (MKG.activity,), "activities (German)", lang="de"),
            Column("activities_en", (MKG.activity,), "activities (English)", lang="en"),
            Column("target_groups", (SCHEMA.audience,), "target groups (vocab/target-group IRIs)"),
            FIELDS,
            Column("coordinates", (MKG.coordinates,), "networks it coordinates (IRIs)"),
            Column("accompanied_by", (MKG.accompaniedBy,), "accompanying organisations (IRIs)"),
            Column("carriers", (MKG.hasCarrier,), "carrying organisations, Träger (IRIs)"),
            DESC_DE,
            DESC_EN,
            WEBSITE,
            EMAIL,
            PHONE,
            SOURCES,
            SOURCE_DATE,
        ),
    ),
    Table(
        "funding.csv",
        MKG.Funding,
        "Förderungen",
        "Funding",
        (
            IRI,
            Column("funder", (SCHEMA.funder,), "funding body (IRI)"),
            Column("funded", (SCHEMA.fundedItem,), "funded projects, offers or organisations (IRIs)"),
            Column("programme", (MKG.programme,), "funding programme (vocab/funding-programme IRI)"),
            START,
            END,
            Column("amount", (SCHEMA.amount, SCHEMA.value), "amount where a source states it"),
            Column("currency", (SCHEMA.amount, SCHEMA.currency), "currency of the amount"),
            DESC_DE,
            DESC_EN,
            SOURCES,
            SOURCE_DATE,
        ),
    ),
)


def cell(source: ReleaseSource, thing: URIRef, column: Column) -> str:
    if column.flag is not None:
        return "yes" if (thing, RDF.type, column.flag) in source.union else ""
    if not column.path:
        return str(thing)
    nodes: list = [thing]
    for predicate in column.path:
        nodes = [o for n in nodes for o in source.objects(n, predicate)]
    values = set()
    for value in nodes:
        if column.lang is not None and not (isinstance(value, Literal) and value.language == column.lang):
            continue
        text = str(value)
        if column.strip and text.startswith(column.strip):
            text = text[len(column.strip) :]
        values.add(text)
    return SEPARATOR.join(sorted(values))


def rows(source: ReleaseSource, table: Table) -> list[list[str]]:
    return [[cell(source, thing, c) for c in table.columns] for thing in source.instances(table.cls)]


def csv_bytes(header: list[str], body: list[list[str]], *, bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row(header))
    writer.writerows(csv_row(row) for row in body)  # no cell may start a spreadsheet formula
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def write_tables_one(source: ReleaseSource, table: Table) -> tuple[bytes, int]:
    """(CSV bytes, row count) of one table."""
    body = rows(source, table)
    return csv_bytes([c.name for c in table.columns], body), len(body)
