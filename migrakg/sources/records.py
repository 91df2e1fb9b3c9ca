"""The generic record builder: rows of any reader (CSV, XLSX, HSDS, OSM) → RDF records, one named graph
per source file.

Building is two-pass: first every file's rows and slugs, then the triples, so records may refer to
records of any file. Every problem of every file is collected and raised together as one SourceError.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..errors import Location, Problem, Text
from ..namespaces import DEFAULT_BASE, GEO, LEGAL, LOCN, MKG, ORG, SCHEMA, VCARD, WD, Iris, is_slug
from ..vocabularies import Vocabularies
from .periods import DATE_RE, date_literal, reference_date, status_code, time_triples
from .schema import LIST_SEPARATOR, SOURCE_KINDS, Column, SourceKind

Triple = tuple[URIRef, URIRef, URIRef | Literal]
IRIS = Iris(DEFAULT_BASE)
#: a name with the period it was used: "Oase Pankow [..2011]", "GIZ e.V. [2013..2016]"
NAME_IN_TIME = re.compile(r"^(.+?)\s*\[\s*([^.\]\s]*)\s*\.\.\s*([^.\]\s]*)\s*\]$")
MAX_NAMES_IN_TIME = 3
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
REGISTERED_FORMS = {"ev", "ggmbh", "gmbh", "foundation", "public-law-body", "church-body"}
BERLIN = IRIS.id("place", "berlin")


@dataclass(frozen=True)
class RecordRef:
    """Where a record came from: for messages that name file, row and slug."""

    kind: str
    slug: str
    file: str
    row: int
    #: template column → the column's header in the person's own sheet (sources/sheet.py), for messages
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, column: str | None) -> str | None:
        return self.headers.get(column, column) if column else column


@dataclass
class Row:
    spec: SourceKind
    file: str  # as shown to people, e.g. data/organisations.csv
    number: int  # spreadsheet row number: header is row 1
    values: dict[str, str]
    slug: str = ""
    accepted: bool = False  # set when its slug is valid and unique
    #: template column → the header in the person's own sheet (sources/sheet.py), so messages name her column
    headers: dict[str, str] = field(default_factory=dict)

    def location(self, column: str | None = None) -> Location:
        return Location(self.file, self.number, self.headers.get(column, column) if column else None, self.slug or None)


@dataclass
class SourceFile:
    spec: SourceKind
    path: Path
    display: str
    graph_name: str
    sha256: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Records:
    """The result of reading: triples per named graph, and where each record came from."""

    graphs: dict[str, list[Triple]]
    index: dict[URIRef, RecordRef]
    files: list[SourceFile]

    def column_for(self, kind: str, predicate: URIRef, node: str = "record") -> str | None:
        for spec in SOURCE_KINDS:
            if spec.kind != kind:
                continue
            for col in spec.columns:
                if col.predicate == predicate and col.node == node:
                    return col.name
        return None


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def phone_iri(value: str) -> URIRef:
    """'030 40 75 75 51' → tel:+493040757551; what cannot be read stays recognisably wrong for the shapes."""
    compact = re.sub(r"[\s/()\-.]", "", value)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+49" + compact[1:]
    return URIRef("tel:" + quote(compact, safe="+"))


def email_iri(value: str) -> URIRef:
    return URIRef("mailto:" + quote(value.strip(), safe="@.+-_~!$&'*=?^`{|}"))


def url_term(value: str) -> URIRef | Literal:
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        return URIRef(value)
    return Literal(value)  # the shapes report it as "not a web address"


class Builder:
    """Turns the rows of all files into triples; collects problems."""

    def __init__(self, files: list[SourceFile], vocab: Vocabularies, *, as_of: dt.date | None = None):
        self.files = files
        self.vocab = vocab
        self.as_of = as_of or reference_date()  # statuses of time-bound facts are computed for this day
        self.problems: list[Problem] = []
        self.slugs: dict[str, dict[str, Row]] = {}
        self.index: dict[URIRef, RecordRef] = {}
        self.graphs: dict[str, list[Triple]] = {}
        #: rows of retired-slugs.csv: published IRIs of merged records (never reused, answered with a redirect)
        self.retired: list[Row] = []

    # pass 1 -------------------------------------------------------------
    def collect_slugs(self) -> None:
        for source in self.files:
            for row in source.rows:
                spec = row.spec
                if spec.slug_from:
                    parts = [row.values.get(c, "") for c in spec.slug_from]
                    if not all(parts):
                        missing = [c for c, p in zip(spec.slug_from, parts) if not p]
                        for col in missing:
                            self.problems.append(
                                Problem(row.location(col), Text("Pflichtfeld ist leer", "required field is empty"))
                            )
                        continue
                    row.slug = "--".join(parts)
                else:
                    row.slug = row.values.get("slug", "")
                    if not row.slug:
                        self.problems.append(
                            Problem(row.location("slug"), Text("die Zeile hat keinen slug", "the row has no slug"))
                        )
                        continue
                if spec.kind != "retired" and not is_slug(row.slug):
                    self.problems.append(
                        Problem(
                            row.location("slug"),
                            Text(
                                f"„{row.slug}“ ist kein gültiger slug (nur a–z, 0–9 und Bindestriche, z. B. narud-ev)",
                                f"'{row.slug}' is not a valid slug (only a-z, 0-9 and hyphens, e.g. narud-ev)",
                            ),
                        )
                    )
                    continue
                if spec.kind == "retired":
                    row.slug = f"{row.values['kind']}/{row.values['slug']}"
                    self.retired.append(row)
                    row.accepted = True
                    continue
                known = self.slugs.setdefault(spec.kind, {})
                if row.slug in known:
                    first = known[row.slug]
                    self.problems.append(
                        Problem(
                            row.location("slug"),
                            Text(
                                f"slug „{row.slug}“ ist doppelt (schon in {first.file} Zeile {first.number})",
                                f"duplicate slug '{row.slug}' (already in {first.file} row {first.number})",
                            ),
                        )
                    )
                    continue
                known[row.slug] = row
                row.accepted = True
                self.index[IRIS.id(spec.kind, row.slug)] = RecordRef(spec.kind, row.slug, row.file, row.number, row.headers)

    # pass 2 -------------------------------------------------------------
    def build(self) -> None:
        for source in self.files:
            triples = self.graphs.setdefault(source.graph_name, [])
            for row in source.rows:
                if row.accepted:
                    triples.extend(self.retired_record(row) if row.spec.kind == "retired" else self.record(row))
            if source.spec.kind == "district":
                triples.extend(district_scheme_triples())

    def resolve(self, row: Row, col: Column, slug: str) -> URIRef | None:
        found = [kind for kind in col.targets if slug in self.slugs.get(kind, {})]
        if len(found) == 1:
            return IRIS.id(found[0], slug)
        if len(found) > 1:
            self.problems.append(
                Problem(
                    row.location(col.name),
                    Text(
                        f"„{slug}“ ist mehrdeutig: es gibt es als {' und '.join(found)}",
                        f"'{slug}' is ambiguous: it exists as {' and '.join(found)}",
                    ),
                )
            )
            return None
        if col.targets == ("district",):
            known = ", ".join(sorted(self.slugs.get("district", {})))
            self.problems.append(
                Problem(
                    row.location(col.name),
                    Text(
                        f"unbekannter Bezirk „{slug}“; bekannt sind: {known}",
                        f"unknown district '{slug}'; known districts: {known}",
                    ),
                )
            )
        else:
            kinds = " / ".join(col.targets)
            self.problems.append(
                Problem(
                    row.location(col.name),
                    Text(
                        f"Verweis auf „{slug}“ führt ins Leere: kein Datensatz ({kinds}) mit diesem slug",
                        f"dangling reference '{slug}': no {kinds} record has this slug",
                    ),
                )
            )
        return None

    def value_terms(self, row: Row, col: Column, raw: str) -> list[URIRef | Literal]:
        values = split_list(raw) if col.multi or col.type in ("names",) else [raw]
        terms: list[URIRef | Literal] = []
        for value in values:
            term = self.value_term(row, col, value)
            if term is not None:
                terms.append(term)
        return terms

    def value_term(self, row: Row, col: Column, value: str) -> URIRef | Literal | None:
        kind = col.type
        if kind == "text":
            return Literal(value)
        if kind == "text@de" and col.name == "name":
            return Literal(value, lang=self.name_language(row))
        if kind in ("text@de", "names"):
            return Literal(value, lang="de")
        if kind == "text@en":
            return Literal(value, lang="en")
        if kind == "ref":
            return self.resolve(row, col, value)
        if kind == "vocab":
            scheme = col.targets[0]
            codes = self.vocab.codes(scheme)
            if value in codes:
                return codes[value]
            self.problems.append(
                Problem(
                    row.location(col.name),
                    Text(
                        f"„{value}“ ist kein Code des Vokabulars {scheme}; erlaubt: {', '.join(sorted(codes))}",
                        f"'{value}' is not a code of the vocabulary {scheme}; allowed: {', '.join(sorted(codes))}",
                    ),
                )
            )
            return None
        if kind == "language":
            codes = self.vocab.codes("language")
            code = value.upper()
            if code in codes:
                return codes[code]
            self.problems.append(
                Problem(
                    row.location(col.name),
                    Text(
                        f"„{value}“ ist kein bekannter Sprachcode (EU-Sprachtabelle, z. B. DEU, ARA, POL); bekannt: {', '.join(sorted(codes))}",
                        f"'{value}' is not a known language code (EU language authority, e.g. DEU, ARA, POL); known: {', '.join(sorted(codes))}",
                    ),
                )
            )
            return None
        if kind == "date":
            return date_literal(value)
        if kind == "url":
            return url_term(value)
        if kind == "email":
            return email_iri(value)
        if kind == "phone":
            return phone_iri(value)
        if kind == "bool":
            lowered = value.lower()
            if lowered in ("yes", "ja", "true", "1", "y", "j"):
                return Literal(True)
            if lowered in ("no", "nein", "false", "0", "n"):
                return Literal(False)
            self.problems.append(
                Problem(row.location(col.name), Text(f"„{value}“ ist weder yes noch no", f"'{value}' is neither yes nor no"))
            )
            return None
        if kind == "decimal":
            try:
                number = Decimal(value.replace(" ", ""))
                if not number.is_finite():
                    raise InvalidOperation
                return Literal(str(number), datatype=XSD.decimal)
            except InvalidOperation:
                return Literal(value)  # the shapes report a wrong number
        if kind == "integer":
            cleaned = value.replace(" ", "").replace("_", "")
            if re.match(r"^-?\d+$", cleaned):
                return Literal(int(cleaned))
            return Literal(value)
        if kind == "wikidata":
            if re.match(r"^Q\d+$", value):
                return WD[value]
            self.problems.append(
                Problem(
                    row.location(col.name),
                    Text(
                        f"„{value}“ ist keine Wikidata-Kennung (Q gefolgt von Ziffern)",
                        f"'{value}' is not a Wikidata id (Q followed by digits)",
                    ),
                )
            )
            return None
        raise AssertionError(f"unhandled column type {kind}")

    def record(self, row: Row) -> list[Triple]:
        spec = row.spec
        subject = IRIS.id(spec.kind, row.slug)
        contact = URIRef(f"{subject}#contact")
        address = URIRef(f"{subject}#address")
        nodes = {"record": subject, "contact": contact, "address": address}
        out: list[Triple] = []
        used_nodes: set[str] = set()
        for col in spec.columns:
            raw = row.values.get(col.name, "")
            if not raw:
                if col.required:
                    self.problems.append(Problem(row.location(col.name), Text("Pflichtfeld ist leer", "required field is empty")))
                continue
            if col.predicate is None or col.type in ("slug", "special"):
                continue
            for term in self.value_terms(row, col, raw):
                if col.node == "channel":
                    out.extend(channel_triples(subject, col.predicate, term))
                    continue
                out.append((nodes[col.node], col.predicate, term))
                used_nodes.add(col.node)
        for column in ("start", "end"):
            value = row.values.get(column, "")
            if value and spec.column_names.count(column) and spec.column(column).type == "special" and not DATE_RE.match(value):
                self.problems.append(
                    Problem(
                        row.location(column),
                        Text(
                            f"„{value}“ ist kein Datum der Form JJJJ, JJJJ-MM oder JJJJ-MM-TT",
                            f"'{value}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD",
                        ),
                    )
                )
        out.extend(self.kind_triples(row, subject))
        out.extend(time_triples(spec.kind, subject, row.values, self.as_of, self.status(row)))
        provenance = [(p, o) for s, p, o in out if s == subject and p in (DCTERMS.source, MKG.sourceDate)]
        if "contact" in used_nodes:
            out.append((contact, RDF.type, VCARD.Organization))
            out.append((subject, SCHEMA.contactPoint, contact))
            name = row.values.get("name", "")
            if name:
                out.append((contact, VCARD.fn, Literal(name)))
            out.extend((contact, p, o) for p, o in provenance)
        for channel in sorted({o for s, p, o in out if s == subject and p == SCHEMA.availableChannel and isinstance(o, URIRef)}):
            out.extend((channel, p, o) for p, o in provenance)
        if "address" in used_nodes:
            out.append((address, RDF.type, LOCN.Address))
            out.append((subject, LOCN.address, address))
            out.append((address, LOCN.fullAddress, Literal(full_address(row.values))))
            out.extend((address, p, o) for p, o in provenance)
        return out

    def kind_triples(self, row: Row, s: URIRef) -> list[Triple]:
        kind = row.spec.kind
        v = row.values
        t: list[Triple] = []
        name = v.get("name", "")
        t += self.inferred_triples(row, s)
        if kind == "organisation":
            t += [(s, RDF.type, MKG.Organisation), (s, RDF.type, ORG.Organization), (s, RDF.type, SCHEMA.Organization)]
            if name:
                t.append((s, SCHEMA.name, Literal(name, lang=self.name_language(row, report=False))))
            body = self.kind_of_body(row)
            if v.get("public_body", "").lower() in ("yes", "ja", "true", "1", "y", "j"):
                t += [(s, RDF.type, MKG.PublicBody), (s, RDF.type, SCHEMA.GovernmentOrganization)]
                # a unit (Stabsstelle) or a post (Integrationsbeauftragte) is part of an authority, not one itself
                if body == "unit":
                    t.append((s, RDF.type, ORG.OrganizationalUnit))
                elif body == "post":
                    t.append((s, RDF.type, ORG.Post))
                else:
                    t.append((s, RDF.type, ORG.FormalOrganization))
            else:
                t.append((s, RDF.type, SCHEMA.NGO))
            if v.get("legal_form") in REGISTERED_FORMS:
                t.append((s, RDF.type, LEGAL.LegalEntity))
            if v.get("unit_of"):
                parent = self.slugs.get("organisation", {}).get(v["unit_of"])
                if parent:
                    t.append((IRIS.id("organisation", v["unit_of"]), ORG.hasUnit, s))
            t += self.migrant_organisation_evidence(row, s)
            t += self.names_in_time(row, s)
        elif kind == "network":
            t += [(s, RDF.type, MKG.Network), (s, RDF.type, ORG.Organization), (s, RDF.type, SCHEMA.Organization)]
            if name:
                t.append((s, SCHEMA.name, Literal(name, lang=self.name_language(row, report=False))))
            if v.get("merged_into") in self.slugs.get("network", {}):
                # mkg:mergedInto ⊑ dcterms:isReplacedBy: written out for readers without inference
                t.append((s, DCTERMS.isReplacedBy, IRIS.id("network", v["merged_into"])))
            t += self.names_in_time(row, s)
        elif kind == "project":
            t += [(s, RDF.type, MKG.Project), (s, RDF.type, PROV.Activity)]
            if name:
                t.append((s, SKOS.prefLabel, Literal(name, lang="de")))
        elif kind == "offer":
            t += [(s, RDF.type, MKG.Offer), (s, RDF.type, SCHEMA.Service)]
            if name:
                t.append((s, SKOS.prefLabel, Literal(name, lang="de")))
            if v.get("name_en"):
                t.append((s, SKOS.prefLabel, Literal(v["name_en"], lang="en")))
        elif kind == "place":
            t += [(s, RDF.type, MKG.Place), (s, RDF.type, ORG.Site), (s, RDF.type, SCHEMA.Place)]
            if name:
                t.append((s, SKOS.prefLabel, Literal(name, lang="de")))
            for org_slug in split_list(v.get("organisation", "")):
                if org_slug in self.slugs.get("organisation", {}):
                    t.append((IRIS.id("organisation", org_slug), ORG.hasSite, s))
            lat, lon = v.get("lat", ""), v.get("lon", "")
            if lat or lon:
                try:
                    flat, flon = float(lat), float(lon)
                    if not (-90 <= flat <= 90 and -180 <= flon <= 180):
                        raise ValueError
                    t.append((s, LOCN.geometry, Literal(f"POINT({flon} {flat})", datatype=GEO.wktLiteral)))
                except ValueError:
                    self.problems.append(
                        Problem(
                            row.location("lat"),
                            Text(
                                f"Koordinaten „{lat}“, „{lon}“ sind keine Dezimalgrad (z. B. 52.5 und 13.2)",
                                f"coordinates '{lat}', '{lon}' are not decimal degrees (e.g. 52.5 and 13.2)",
                            ),
                        )
                    )
        elif kind == "membership":
            t += [(s, RDF.type, ORG.Membership)]
            network = IRIS.id("network", v["network"])
            member = self.ref_of(v["member"], ("organisation", "network"))
            # the shortcut links say "is a member now": only for current memberships (the qualified
            # org:Membership keeps role, period and status for every other one)
            if member is not None and v["network"] in self.slugs.get("network", {}) and self.is_current(row):
                t += [(member, ORG.memberOf, network), (network, ORG.hasMember, member)]
        elif kind == "carrier-role":
            t += [(s, RDF.type, MKG.CarrierRole), (s, RDF.type, PROV.Association)]
            if v["project"] in self.slugs.get("project", {}) and v["carrier"] in self.slugs.get("organisation", {}):
                project, carrier = IRIS.id("project", v["project"]), IRIS.id("organisation", v["carrier"])
                # PROV's qualified form: the project (an activity) is associated with its carrier in this role
                t += [(project, PROV.qualifiedAssociation, s), (s, PROV.agent, carrier)]
                role = self.vocab.codes("role").get(v.get("role", ""))
                if role is not None:
                    t.append((s, PROV.hadRole, role))
                if self.is_current(row):
                    t.append((project, MKG.hasCarrier, carrier))
        elif kind == "funding":
            t += [(s, RDF.type, MKG.Funding), (s, RDF.type, SCHEMA.MonetaryGrant)]
            if v.get("amount"):
                # schema:currency belongs to a MonetaryAmount, not to the grant: the amount is a node of its own
                amount = URIRef(f"{s}#amount")
                value = self.value_term(row, Column("amount", "decimal", SCHEMA.value), v["amount"])
                t += [
                    (s, SCHEMA.amount, amount),
                    (amount, RDF.type, SCHEMA.MonetaryAmount),
                    (amount, SCHEMA.currency, Literal("EUR")),
                ]
                if value is not None:
                    t.append((amount, SCHEMA.value, value))
        elif kind == "district":
            t += [
                (s, RDF.type, MKG.District),
                (s, RDF.type, SCHEMA.AdministrativeArea),
                (s, RDF.type, SKOS.Concept),
                (s, SKOS.inScheme, IRIS.vocab("district")),
                (s, SKOS.topConceptOf, IRIS.vocab("district")),
                (s, SCHEMA.containedInPlace, BERLIN),
                (s, SCHEMA.name, Literal(v.get("name_de", ""), lang="de")),
            ]
        return t

    def migrant_organisation_evidence(self, row: Row, s: URIRef) -> list[Triple]:
        """The flag's evidence as a statement of its own: `<record> mkg:migrantOrganisationEvidence
        <record#migrant-organisation>` with the evidence class (A explicit, B organiser of readings the
        source attributes to migrant organisations) and the page that carries it."""
        v = row.values
        evidence, source = v.get("migrant_organisation_evidence", "").strip().upper(), v.get("migrant_organisation_source", "")
        if not evidence and not source:
            return []
        if evidence not in ("A", "B"):
            self.problems.append(
                Problem(
                    row.location("migrant_organisation_evidence"),
                    Text(
                        f"Beweisklasse „{evidence}“: erlaubt sind A (Quelle sagt es ausdrücklich) oder B (Veranstalterin einer Reihe, die die Quelle Migrant:innenorganisationen zuschreibt)",
                        f"evidence class '{evidence}': allowed are A (the source says so explicitly) or B (organiser of a series the source attributes to migrant organisations)",
                    ),
                )
            )
            return []
        if not v.get("migrant_organisation"):
            self.problems.append(
                Problem(
                    row.location("migrant_organisation"),
                    Text(
                        "eine Beweisklasse ohne Angabe yes/no in „migrant_organisation“",
                        "an evidence class without yes/no in 'migrant_organisation'",
                    ),
                )
            )
            return []
        node = URIRef(f"{s}#migrant-organisation")
        out: list[Triple] = [
            (s, MKG.migrantOrganisationEvidence, node),
            (node, RDF.type, MKG.MigrantOrganisationEvidence),
            (node, MKG.evidenceClass, Literal(evidence)),
        ]
        flag = self.value_term(row, Column("migrant_organisation", "bool"), v["migrant_organisation"])
        if flag is not None:
            out.append((node, MKG.isMigrantOrganisation, flag))
        out.append((node, DCTERMS.source, url_term(source or v.get("source_url", ""))))
        return out

    def names_in_time(self, row: Row, s: URIRef) -> list[Triple]:
        """Column names_in_time: `Name [2013..2016] | Name [..2011]` → `<record> mkg:nameInTime <record#name-n>`,
        each a mkg:NameInTime with its label (in the record's name language) and the period the source states."""
        out: list[Triple] = []
        for number, entry in enumerate(split_list(row.values.get("names_in_time", "")), start=1):
            match = NAME_IN_TIME.match(entry)
            dates = [d for d in (match.group(2), match.group(3)) if d] if match else []
            if match is None or not all(DATE_RE.match(d) for d in dates) or number > MAX_NAMES_IN_TIME:
                self.problems.append(
                    Problem(
                        row.location("names_in_time"),
                        Text(
                            f"„{entry}“: Namen im Zeitraum als „Name [JJJJ..JJJJ]“ schreiben (eine Seite darf fehlen: „[..2011]“), höchstens {MAX_NAMES_IN_TIME}",
                            f"'{entry}': write names in time as 'Name [YYYY..YYYY]' (one side may be empty: '[..2011]'), at most {MAX_NAMES_IN_TIME}",
                        ),
                    )
                )
                continue
            node = URIRef(f"{s}#name-{number}")
            out += [
                (s, MKG.nameInTime, node),
                (node, RDF.type, MKG.NameInTime),
                (node, RDFS.label, Literal(match.group(1).strip(), lang=self.name_language(row, report=False))),
            ]
            if match.group(2):
                out.append((node, SCHEMA.startDate, date_literal(match.group(2))))
            if match.group(3):
                out.append((node, SCHEMA.endDate, date_literal(match.group(3))))
        return out

    def retired_record(self, row: Row) -> list[Triple]:
        """A row of retired-slugs.csv: the published IRI of a merged record keeps answering — with
        `dcterms:isReplacedBy` the kept record — and its slug is never given to a record again."""
        v = row.values
        kind, slug, new = v.get("kind", ""), v.get("slug", ""), v.get("replaced_by", "")
        if kind not in self.slugs or not is_slug(slug):
            self.problems.append(
                Problem(
                    row.location("kind"),
                    Text(
                        f"unbekannte Art „{kind}“ oder ungültiger slug „{slug}“",
                        f"unknown kind '{kind}' or invalid slug '{slug}'",
                    ),
                )
            )
            return []
        if slug in self.slugs[kind]:
            self.problems.append(
                Problem(
                    row.location("slug"),
                    Text(
                        f"slug „{slug}“ ist stillgelegt und darf nicht wieder vergeben werden ({kind})",
                        f"slug '{slug}' is retired and must never be reused ({kind})",
                    ),
                )
            )
            return []
        if new not in self.slugs[kind]:
            self.problems.append(
                Problem(
                    row.location("replaced_by"),
                    Text(f"„{new}“: kein Datensatz ({kind}) mit diesem slug", f"'{new}': no {kind} record has this slug"),
                )
            )
            return []
        old = IRIS.id(kind, slug)
        out: list[Triple] = [(old, RDF.type, MKG.RetiredIdentifier), (old, DCTERMS.isReplacedBy, IRIS.id(kind, new))]
        if v.get("source_url"):
            out.append((old, DCTERMS.source, url_term(v["source_url"])))
        if v.get("retired"):
            out.append((old, DCTERMS.date, date_literal(v["retired"])))
        if v.get("note"):
            out.append((old, RDFS.comment, Literal(v["note"], lang="en")))
        return out

    def name_language(self, row: Row, *, report: bool = True) -> str:
        """The language of the record's name (column name_language, BCP 47: de, en, es, pl, vi …); German
        where the column is empty. A name is tagged with its own language, not the page's."""
        tag = row.values.get("name_language", "").strip()
        if not tag:
            return "de"
        if LANGUAGE_TAG.match(tag):
            return tag.lower()
        if report:
            self.problems.append(
                Problem(
                    row.location("name_language"),
                    Text(
                        f"„{tag}“ ist kein Sprachkürzel (BCP 47, z. B. de, en, es, pl, vi)",
                        f"'{tag}' is not a language tag (BCP 47, e.g. de, en, es, pl, vi)",
                    ),
                )
            )
        return "de"

    def kind_of_body(self, row: Row) -> str:
        """'' | unit | post (column kind_of_body of an authority's part: a Stabsstelle, a Beauftragte)."""
        value = row.values.get("kind_of_body", "").strip().lower()
        if value in ("", "unit", "post"):
            return value
        self.problems.append(
            Problem(
                row.location("kind_of_body"),
                Text(
                    f"„{value}“ ist weder unit (Organisationseinheit, z. B. Stabsstelle) noch post (Amt, z. B. Beauftragte)",
                    f"'{value}' is neither unit (organisational unit, e.g. a Stabsstelle) nor post (an office, e.g. a commissioner)",
                ),
            )
        )
        return ""

    def inferred_triples(self, row: Row, s: URIRef) -> list[Triple]:
        """Column inferred: the columns whose values were inferred (e.g. a field of activity read from the
        name), not stated by the source → `<record> mkg:inferred <property>` for each, so pages, SPARQL and
        exports can tell sourced values from inferred ones."""
        out: list[Triple] = []
        for name in split_list(row.values.get("inferred", "")):
            column = next((c for c in row.spec.columns if c.name == name and c.predicate is not None), None)
            if column is None or column.predicate is None:
                known = ", ".join(c.name for c in row.spec.columns if c.predicate is not None)
                self.problems.append(
                    Problem(
                        row.location("inferred"),
                        Text(
                            f"„{name}“ ist keine Spalte mit Wert; möglich: {known}",
                            f"'{name}' is not a value column; possible: {known}",
                        ),
                    )
                )
                continue
            out.append((s, MKG.inferred, SCHEMA.availableChannel if column.node == "channel" else column.predicate))
        return out

    def time_values(self, row: Row) -> dict[str, str]:
        """start / end / source_date a time-bound row's status is judged by: a carrier role without an end
        of its own ends with its project (a Träger cannot outlast the project it carries). Only the status
        uses this; the period states what the source states."""
        values = row.values
        if row.spec.kind == "carrier-role" and not values.get("end"):
            project = self.slugs.get("project", {}).get(values.get("project", ""))
            if project is not None and project.values.get("end"):
                return {**values, "end": project.values["end"]}
        return values

    def status(self, row: Row) -> str:
        v = self.time_values(row)
        status = status_code(v.get("start", ""), v.get("end", ""), v.get("source_date", ""), self.as_of)
        # a nomination, or a grant decided but not approved, is never in force on its source's word alone
        if status == "current" and v.get("stage"):
            return "unknown"
        return status

    def is_current(self, row: Row) -> bool:
        return self.status(row) == "current"

    def ref_of(self, slug: str, kinds: tuple[str, ...]) -> URIRef | None:
        found = [k for k in kinds if slug in self.slugs.get(k, {})]
        return IRIS.id(found[0], slug) if len(found) == 1 else None


def channel_iri(record: URIRef | str, place: URIRef | str) -> URIRef:
    """The channel node of an offer at one place: ``{offer}#at-{place slug}`` (stable across builds, no blank node).

    >>> channel_iri("https://w3id.org/migrakg/id/offer/sprachcafe", "https://w3id.org/migrakg/id/place/rathaus")
    rdflib.term.URIRef('https://w3id.org/migrakg/id/offer/sprachcafe#at-rathaus')
    """
    return URIRef(f"{record}#at-{str(place).rstrip('/').rsplit('/', 1)[-1]}")


def channel_triples(record: URIRef, predicate: URIRef, place: URIRef | Literal) -> list[Triple]:
    """Where an offer takes place, as schema.org has it: a ``schema:ServiceChannel`` with the place as its
    ``schema:serviceLocation`` (schema.org gives a Service no ``schema:location``)."""
    channel = channel_iri(record, place)
    return [(record, SCHEMA.availableChannel, channel), (channel, RDF.type, SCHEMA.ServiceChannel), (channel, predicate, place)]


def full_address(values: dict[str, str]) -> str:
    street = " ".join(p for p in (values.get("street", ""), values.get("house_number", "")) if p)
    town = " ".join(p for p in (values.get("postcode", ""), values.get("city", "")) if p)
    return ", ".join(p for p in (street, town) if p)


def district_scheme_triples() -> list[Triple]:
    scheme = IRIS.vocab("district")
    return [
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, SKOS.prefLabel, Literal("Berliner Bezirke", lang="de")),
        (scheme, SKOS.prefLabel, Literal("Districts of Berlin", lang="en")),
        (scheme, DCTERMS.title, Literal("Berliner Bezirke", lang="de")),
        (scheme, DCTERMS.title, Literal("Districts of Berlin", lang="en")),
        (BERLIN, RDF.type, SCHEMA.City),
        (BERLIN, RDF.type, SCHEMA.AdministrativeArea),
        (BERLIN, SCHEMA.name, Literal("Berlin", lang="de")),
        (BERLIN, SKOS.prefLabel, Literal("Berlin", lang="de")),
        (BERLIN, SKOS.prefLabel, Literal("Berlin", lang="en")),
        (BERLIN, SKOS.exactMatch, WD.Q64),
        (BERLIN, SKOS.exactMatch, URIRef("http://dcat-ap.de/def/politicalGeocoding/stateKey/11")),
        (BERLIN, SKOS.exactMatch, URIRef("http://dcat-ap.de/def/politicalGeocoding/municipalityKey/11000000")),
        (BERLIN, DCTERMS.source, URIRef("https://www.wikidata.org/wiki/Q64")),
    ]
