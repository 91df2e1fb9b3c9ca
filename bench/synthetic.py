"""Synthetic benchmark data shaped like the migrakg build — SYNTHETIC, never real, never published.

    python bench/synthetic.py --triples 500000 --out bench/work/synthetic-500k.nq

Writes N-Quads with the build's named graphs: organisations (with contact points), offers, networks,
memberships (plus the org:memberOf / org:hasMember shortcuts), projects, carrier roles (plus the
mkg:hasCarrier shortcut), fundings, places (with addresses and the org:hasSite / org:siteOf pair), a
meta graph describing the synthetic graphs — and, copied unchanged from build/migrakg.nq, the real
`graph/ontology`, `graph/vocab` and `graph/districts` (reference data the example queries join on).

Every synthetic resource IRI is `https://w3id.org/migrakg/id/{kind}/synthetic-…`, and every synthetic
record (and its `#contact` / `#address` node) carries `dcterms:source <https://w3id.org/migrakg/synthetic>`
and `rdfs:comment "SYNTHETIC — generated for benchmarks, not real"`. The output is a pure function of
--seed and --triples (same arguments → byte-identical file). Lines are written directly (no rdflib
graph), so 5 M triples take well under a minute.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/migrakg/"
SYNTHETIC_SOURCE = BASE + "synthetic"
SYNTHETIC_NOTE = "SYNTHETIC — generated for benchmarks, not real"
BACKGROUND_GRAPHS = ("ontology", "vocab", "districts")

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
MKG = BASE + "ontology#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
LOCN = "http://www.w3.org/ns/locn#"
LEGAL = "http://www.w3.org/ns/legal#"
GEO = "http://www.opengis.net/ont/geosparql#"
LANG = "http://publications.europa.eu/resource/authority/language/"

DISTRICTS = ["mitte", "friedrichshain-kreuzberg", "pankow", "charlottenburg-wilmersdorf", "spandau",
             "steglitz-zehlendorf", "tempelhof-schoeneberg", "neukoelln", "treptow-koepenick",
             "marzahn-hellersdorf", "lichtenberg", "reinickendorf"]
FIELDS = ["anti-discrimination", "arts", "counselling", "culture", "democracy", "development-cooperation",
          "education", "empowerment", "family", "health", "integration", "language", "networking",
          "participation", "refugee-support", "seniors", "sports", "women", "work", "youth"]
LEGAL_FORMS = ["ev", "ev", "ev", "ev", "ggmbh", "gmbh", "foundation", "initiative", "informal-network",
               "church-body"]
REGISTERED = {"ev", "ggmbh", "gmbh"}
OFFER_TYPES = ["counselling", "counselling", "community-centre", "consultation-hour", "course",
               "cultural-activity", "event", "guidance", "language-cafe", "language-course", "meeting",
               "online-platform", "training", "workshop", "youth-work"]
TARGET_GROUPS = ["administration", "children", "families", "general-public", "integration-policy",
                 "migrant-organisations", "multipliers", "newcomers", "parents", "people-with-disabilities",
                 "refugees", "schools-and-kitas", "seniors", "women", "youth"]
LANGUAGES = ["DEU", "DEU", "ENG", "ARA", "ARA", "TUR", "RUS", "UKR", "POL", "FAS", "SPA", "FRA", "VIE", "KUR",
             "ITA", "POR"]
NETWORK_TYPES = ["working-group", "advisory-board", "network", "committee"]
MEMBER_ROLES = ["member", "member", "member", "member", "board-member", "chair", "deputy-chair",
                "founding-member", "mo-representative", "association-representative"]
# programmes whose money is not a named body's (mkg:programmeFunder): a synthetic funder may hold them
PROGRAMMES = ["fein", "fonds-gefluechtete-mo-spandau", "landesrahmenprogramm-integrationslotsen"]
STREETS = ["Hauptstraße", "Berliner Straße", "Schulstraße", "Gartenstraße", "Dorfstraße", "Bahnhofstraße",
           "Parkstraße", "Lindenstraße", "Kirchstraße", "Waldstraße", "Friedrichstraße", "Karl-Marx-Straße"]
WORDS = ["Brücke", "Zukunft", "Netz", "Stimme", "Dialog", "Begegnung", "Heimat", "Vielfalt", "Horizont",
         "Kompass", "Lotse", "Miteinander", "Aufbruch", "Perspektive", "Werkstatt", "Forum"]
OFFER_WORDS = ["Beratung", "Sprachcafé", "Sprechstunde", "Kurs", "Treffpunkt", "Workshop", "Elterncafé",
               "Hausaufgabenhilfe", "Lotsendienst", "Frauentreff"]
N_FIXED_NETWORK_MEMBERS = 20  # members of the stand-in for AK Lingua Pankow (bench/queries/02-…)


def iri(kind: str, slug: str) -> str:
    return f"<{BASE}id/{kind}/synthetic-{slug}>"


def vocab(scheme: str, concept: str) -> str:
    return f"<{BASE}vocab/{scheme}/{concept}>"


def district(slug: str) -> str:
    return f"<{BASE}id/district/{slug}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def u(text: str) -> str:
    return f"<{text}>"


class Plan:
    """How many resources of each kind, from the number of blocks (one block ≈ 10 organisations)."""

    def __init__(self, blocks: int, **sizes: int):
        self.blocks = blocks
        self.organisations = blocks * 10
        self.offers = blocks * 6
        self.places = blocks * 5
        self.projects = blocks
        self.fundings = blocks * 2
        self.memberships = blocks * 12
        self.networks = max(2, math.ceil(self.organisations / 50))
        for kind, n in sizes.items():  # tests use a plan smaller than one block
            assert hasattr(self, kind) and n >= 1, kind
            setattr(self, kind, n)


class Writer:
    """Writes quads for one record: the provenance every record carries is added by `record`."""

    def __init__(self, out: Callable[[str], object], graph: str):
        self.out = out
        self.graph = f"<{BASE}graph/{graph}>"
        self.count = 0

    def q(self, s: str, p: str, o: str, graph: str | None = None) -> None:
        self.out(f"{s} <{p}> {o} {graph or self.graph} .\n")
        self.count += 1

    def record(self, s: str, types: list[str], rng: random.Random) -> None:
        for t in types:
            self.q(s, RDF_TYPE, u(t))
        self.q(s, DCT + "source", u(SYNTHETIC_SOURCE))
        self.q(s, MKG + "sourceDate", lit(str(rng.randint(2015, 2025)), datatype=XSD + "gYear"))
        self.q(s, RDFS + "comment", lit(SYNTHETIC_NOTE))


def name(rng: random.Random, index: int, suffix: str) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {index} {suffix} (synthetisch)"


def contact(w: Writer, record: str, label: str, slug: str, rng: random.Random) -> None:
    node = record[:-1] + "#contact>"
    w.q(record, SCHEMA + "contactPoint", node)
    w.record(node, [VCARD + "Organization"], rng)
    w.q(node, VCARD + "fn", lit(label))
    w.q(node, VCARD + "hasEmail", f"<mailto:info@{slug}.example.org>")
    w.q(node, VCARD + "hasTelephone", f"<tel:+4930{rng.randint(1000000, 9999999)}>")


def organisation(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    slug = f"org-{i:07d}"
    s = iri("organisation", slug)
    public = i % 40 == 39
    form = "authority" if public else rng.choice(LEGAL_FORMS)
    types = [MKG + "Organisation", ORG + "Organization", SCHEMA + "Organization"]
    types += [MKG + "PublicBody"] if public else [SCHEMA + "NGO"]
    if form in REGISTERED:
        types.append(LEGAL + "LegalEntity")
    w.record(s, types, rng)
    label = name(rng, i, "e.V." if form == "ev" else "")
    label = " ".join(label.split())
    w.q(s, SKOS + "prefLabel", lit(label, "de"))
    w.q(s, SCHEMA + "name", lit(label, "de"))
    if rng.random() < 0.4:
        w.q(s, SKOS + "altLabel", lit(f"SYN-{i}", "de"))
    w.q(s, LEGAL + "companyType", vocab("legal-form", form))
    if not public and rng.random() < 0.6:
        w.q(s, MKG + "isMigrantOrganisation", lit("true", datatype=XSD + "boolean"))
        evidence = s[:-1] + "#migrant-organisation>"  # the flag's evidence, as the record builder writes it
        w.q(s, MKG + "migrantOrganisationEvidence", evidence)
        w.q(evidence, RDF_TYPE, u(MKG + "MigrantOrganisationEvidence"))
        w.q(evidence, MKG + "evidenceClass", lit("A"))
        w.q(evidence, DCT + "source", u(SYNTHETIC_SOURCE))
        w.q(evidence, MKG + "isMigrantOrganisation", lit("true", datatype=XSD + "boolean"))
    seat = rng.choice(DISTRICTS)
    w.q(s, MKG + "seatDistrict", district(seat))
    for d in sorted({seat, *rng.sample(DISTRICTS, rng.randint(0, 2))}):
        w.q(s, SCHEMA + "areaServed", district(d))
    for f in sorted(set(rng.sample(FIELDS, rng.randint(1, 3)))):
        w.q(s, MKG + "fieldOfActivity", vocab("field", f))
    w.q(s, SCHEMA + "foundingDate", lit(str(rng.randint(1970, 2024)), datatype=XSD + "gYear"))
    w.q(s, DCT + "description", lit(f"Synthetische Organisation Nr. {i} für Lasttests; keine echten Angaben.", "de"))
    w.q(s, DCT + "description", lit(f"Synthetic organisation no. {i} for load tests; nothing here is real.", "en"))
    w.q(s, SCHEMA + "url", f"<https://{slug}.example.org/>")
    contact(w, s, label, slug, rng)


def place(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    s = iri("place", f"place-{i:07d}")
    owner = iri("organisation", f"org-{(i * 2) % plan.organisations:07d}")
    w.record(s, [MKG + "Place", ORG + "Site", SCHEMA + "Place"], rng)
    label = f"Standort {i} (synthetisch)"
    w.q(s, SKOS + "prefLabel", lit(label, "de"))
    w.q(s, SCHEMA + "name", lit(label, "de"))
    w.q(s, MKG + "district", district(rng.choice(DISTRICTS)))
    lon, lat = 13.1 + rng.random() * 0.6, 52.35 + rng.random() * 0.3
    w.q(s, LOCN + "geometry", lit(f"POINT({lon:.5f} {lat:.5f})", datatype=GEO + "wktLiteral"))
    w.q(s, ORG + "siteOf", owner)
    w.q(owner, ORG + "hasSite", s)
    a = s[:-1] + "#address>"
    w.q(s, LOCN + "address", a)
    w.record(a, [LOCN + "Address"], rng)
    street, number, post = rng.choice(STREETS), str(rng.randint(1, 180)), str(rng.randint(10115, 14199))
    w.q(a, LOCN + "thoroughfare", lit(street))
    w.q(a, LOCN + "locatorDesignator", lit(number))
    w.q(a, LOCN + "postCode", lit(post))
    w.q(a, LOCN + "postName", lit("Berlin"))
    w.q(a, LOCN + "fullAddress", lit(f"{street} {number}, {post} Berlin"))


def offer(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    s = iri("offer", f"offer-{i:07d}")
    w.record(s, [MKG + "Offer", SCHEMA + "Service"], rng)
    kind = rng.choice(OFFER_TYPES)
    label = f"{rng.choice(OFFER_WORDS)} {i} (synthetisch)"
    w.q(s, SKOS + "prefLabel", lit(label, "de"))
    w.q(s, SCHEMA + "name", lit(label, "de"))
    for p in sorted({rng.randrange(plan.organisations) for _ in range(rng.choice((1, 1, 1, 2)))}):
        w.q(s, SCHEMA + "provider", iri("organisation", f"org-{p:07d}"))
    w.q(s, MKG + "offerType", vocab("offer-type", kind))
    for code in sorted(set(rng.sample(LANGUAGES, rng.randint(1, 4)))):
        w.q(s, DCT + "language", u(LANG + code))
    for g in sorted(set(rng.sample(TARGET_GROUPS, rng.randint(1, 2)))):
        w.q(s, SCHEMA + "audience", vocab("target-group", g))
    w.q(s, MKG + "fieldOfActivity", vocab("field", rng.choice(FIELDS)))
    for d in sorted(set(rng.sample(DISTRICTS, rng.randint(1, 2)))):
        w.q(s, SCHEMA + "areaServed", district(d))
    # where it takes place: a schema:ServiceChannel {offer}#at-{place} with the place as its schema:serviceLocation
    place = iri("place", f"place-{rng.randrange(plan.places):07d}")
    channel = f"<{s[1:-1]}#at-{place[1:-1].rsplit('/', 1)[-1]}>"
    w.q(s, SCHEMA + "availableChannel", channel)
    w.q(channel, RDF_TYPE, u(SCHEMA + "ServiceChannel"))
    w.q(channel, SCHEMA + "serviceLocation", place)
    w.q(channel, DCT + "source", u(SYNTHETIC_SOURCE))
    w.q(channel, RDFS + "comment", lit(SYNTHETIC_NOTE))
    if rng.random() < 0.2:
        w.q(s, MKG + "partOfProject", iri("project", f"project-{rng.randrange(plan.projects):07d}"))
    w.q(s, MKG + "schedule", lit(f"{rng.choice(['Mo', 'Di', 'Mi', 'Do', 'Fr'])} {rng.randint(9, 17)}–{rng.randint(18, 20)} Uhr"))
    w.q(s, DCT + "description", lit(f"Synthetisches Angebot Nr. {i}; keine echten Angaben.", "de"))


def network(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    slug = "ak-lingua-pankow" if i == 0 else f"network-{i:07d}"
    s = iri("network", slug)
    w.record(s, [MKG + "Network", ORG + "Organization", SCHEMA + "Organization"], rng)
    label = "AK Lingua Pankow (synthetisch)" if i == 0 else f"Netzwerk {rng.choice(WORDS)} {i} (synthetisch)"
    w.q(s, SKOS + "prefLabel", lit(label, "de"))
    w.q(s, SCHEMA + "name", lit(label, "de"))
    w.q(s, SKOS + "altLabel", lit(f"SYN-NET-{i}", "de"))
    w.q(s, MKG + "networkType", vocab("network-type", rng.choice(NETWORK_TYPES)))
    w.q(s, SCHEMA + "areaServed", district("pankow" if i == 0 else rng.choice(DISTRICTS)))
    w.q(s, SCHEMA + "foundingDate", lit(str(rng.randint(2000, 2024)), datatype=XSD + "gYear"))
    w.q(s, MKG + "coordinatedBy", iri("organisation", f"org-{rng.randrange(plan.organisations):07d}"))
    w.q(s, MKG + "accompaniedBy", iri("organisation", f"org-{rng.randrange(plan.organisations):07d}"))
    w.q(s, MKG + "fieldOfActivity", vocab("field", rng.choice(FIELDS)))
    w.q(s, DCT + "description", lit(f"Synthetisches Netzwerk Nr. {i}; keine echten Angaben.", "de"))


def membership_parts(i: int, plan: Plan, rng: random.Random) -> tuple[int, int, str]:
    """(network, member organisation, role) of membership *i*; the first ones fill network 0."""
    if i < N_FIXED_NETWORK_MEMBERS:
        return 0, (i * 7919) % plan.organisations, "member"
    return rng.randrange(1, plan.networks) if plan.networks > 1 else 0, rng.randrange(plan.organisations), rng.choice(MEMBER_ROLES)


def membership(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    net_i, org_i, role = membership_parts(i, plan, rng)
    net = iri("network", "ak-lingua-pankow" if net_i == 0 else f"network-{net_i:07d}")
    member = iri("organisation", f"org-{org_i:07d}")
    s = iri("membership", f"membership-{i:07d}")
    w.record(s, [ORG + "Membership"], rng)
    w.q(s, ORG + "member", member)
    w.q(s, ORG + "organization", net)
    w.q(s, ORG + "role", vocab("role", role))
    w.q(s, SCHEMA + "startDate", lit(str(rng.randint(2010, 2024)), datatype=XSD + "gYear"))
    w.q(member, ORG + "memberOf", net)
    w.q(net, ORG + "hasMember", member)


def project(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    s = iri("project", f"project-{i:07d}")
    w.record(s, [MKG + "Project", SCHEMA + "Project", PROV + "Activity"], rng)
    label = f"Projekt {rng.choice(WORDS)} {i} (synthetisch)"
    w.q(s, SKOS + "prefLabel", lit(label, "de"))
    w.q(s, SCHEMA + "name", lit(label, "de"))
    start = rng.randint(2012, 2024)
    w.q(s, SCHEMA + "startDate", lit(str(start), datatype=XSD + "gYear"))
    w.q(s, SCHEMA + "endDate", lit(str(start + rng.randint(1, 4)), datatype=XSD + "gYear"))
    for d in sorted(set(rng.sample(DISTRICTS, rng.randint(1, 2)))):
        w.q(s, SCHEMA + "areaServed", district(d))
    w.q(s, MKG + "goal", lit(f"Synthetisches Ziel {i}", "de"))
    w.q(s, SCHEMA + "audience", vocab("target-group", rng.choice(TARGET_GROUPS)))
    w.q(s, MKG + "fieldOfActivity", vocab("field", rng.choice(FIELDS)))
    w.q(s, MKG + "coordinates", iri("network", f"network-{rng.randrange(1, plan.networks):07d}" if plan.networks > 1 else "ak-lingua-pankow"))
    w.q(s, DCT + "description", lit(f"Synthetisches Projekt Nr. {i}; keine echten Angaben.", "de"))
    # the carrier roles of this project (one carrier, sometimes a tandem partner), in their own graph
    carriers = sorted({rng.randrange(plan.organisations) for _ in range(rng.choice((1, 1, 2)))})
    for n, org_i in enumerate(carriers):
        carrier = iri("organisation", f"org-{org_i:07d}")
        r = iri("carrier-role", f"project-{i:07d}--org-{org_i:07d}")
        cw = Writer(w.out, "carrier-roles")
        cw.record(r, [MKG + "CarrierRole", PROV + "Association"], rng)
        cw.q(r, MKG + "project", s)
        cw.q(r, MKG + "carrier", carrier)
        cw.q(r, MKG + "carrierRole", vocab("role", "carrier" if n == 0 else "tandem-partner"))
        cw.q(r, SCHEMA + "startDate", lit(str(start), datatype=XSD + "gYear"))
        cw.q(s, MKG + "hasCarrier", carrier)
        w.count += cw.count


def funding(w: Writer, i: int, plan: Plan, rng: random.Random) -> None:
    s = iri("funding", f"funding-{i:07d}")
    w.record(s, [MKG + "Funding", SCHEMA + "MonetaryGrant"], rng)
    w.q(s, SCHEMA + "funder", iri("organisation", f"org-{(rng.randrange(plan.organisations // 40 or 1) * 40 + 39) % plan.organisations:07d}"))
    if i % 2 == 0:
        w.q(s, SCHEMA + "fundedItem", iri("project", f"project-{(i // 2) % plan.projects:07d}"))
    else:
        w.q(s, SCHEMA + "fundedItem", iri("organisation", f"org-{rng.randrange(plan.organisations):07d}"))
    w.q(s, MKG + "programme", vocab("funding-programme", rng.choice(PROGRAMMES)))
    start = rng.randint(2015, 2025)
    w.q(s, SCHEMA + "startDate", lit(str(start), datatype=XSD + "gYear"))
    w.q(s, SCHEMA + "endDate", lit(str(start + rng.randint(0, 3)), datatype=XSD + "gYear"))
    amount = s[:-1] + "#amount>"  # the amount is a schema:MonetaryAmount node, as the build writes it
    w.q(s, SCHEMA + "amount", amount)
    w.q(amount, RDF_TYPE, u(SCHEMA + "MonetaryAmount"))
    w.q(amount, SCHEMA + "value", lit(f"{rng.randint(5, 500) * 1000}.00", datatype=XSD + "decimal"))
    w.q(amount, SCHEMA + "currency", lit("EUR"))
    w.q(amount, DCT + "source", u(SYNTHETIC_SOURCE))
    w.q(amount, RDFS + "comment", lit(SYNTHETIC_NOTE))
    w.q(s, DCT + "description", lit(f"Synthetische Förderung Nr. {i}; keine echten Angaben.", "de"))


KINDS: list[tuple[str, str, Callable[[Writer, int, Plan, random.Random], None], Callable[[Plan], int]]] = [
    ("organisations", "organisation", organisation, lambda p: p.organisations),
    ("places", "place", place, lambda p: p.places),
    ("offers", "offer", offer, lambda p: p.offers),
    ("networks", "network", network, lambda p: p.networks),
    ("memberships", "membership", membership, lambda p: p.memberships),
    ("projects", "project", project, lambda p: p.projects),
    ("fundings", "funding", funding, lambda p: p.fundings),
]


def write_records(plan: Plan, seed: int, out: Callable[[str], object]) -> int:
    """All synthetic records of *plan*; returns the number of quads written."""
    total = 0
    for graph, _kind, make, count in KINDS:
        rng = random.Random(f"{seed}:{graph}")  # one stream per kind: sizes do not shift other kinds
        w = Writer(out, graph)
        for i in range(count(plan)):
            make(w, i, plan, rng)
        total += w.count
    meta = Writer(out, "meta")
    for graph, *_ in KINDS + [("carrier-roles", "", None, None)]:  # type: ignore[list-item]
        g = f"<{BASE}graph/{graph}>"
        meta.q(g, RDF_TYPE, u(PROV + "Entity"))
        meta.q(g, DCT + "title", lit(f"SYNTHETIC {graph} (bench/synthetic.py, seed {seed})"))
        meta.q(g, DCT + "source", u(SYNTHETIC_SOURCE))
        meta.q(g, RDFS + "comment", lit(SYNTHETIC_NOTE))
    return total + meta.count


def background_lines(build_nq: Path) -> list[str]:
    """The real ontology, vocab and districts graphs, copied line by line from the build."""
    if not build_nq.exists():
        sys.exit(f"{build_nq} is missing: run `.venv/bin/migrakg build` first (the ontology, vocab and "
                 "district graphs are copied from it)")
    wanted = tuple(f"<{BASE}graph/{g}> .\n" for g in BACKGROUND_GRAPHS)
    with build_nq.open(encoding="utf-8") as handle:
        return [line for line in handle if line.endswith(wanted)]


def blocks_for(triples: int, background: int, seed: int) -> int:
    """Blocks needed for about *triples* quads in all (measured on a 20-block dry run)."""
    probe = Plan(20)
    per_block = write_records(probe, seed, lambda _line: None) / probe.blocks
    return max(2, round((triples - background) / per_block))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many quads to write in all")
    parser.add_argument("--out", type=Path, required=True, help="N-Quads file to write (under bench/work/)")
    parser.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    parser.add_argument("--build", type=Path, default=ROOT / "build" / "migrakg.nq",
                        help="the build to copy the ontology, vocab and district graphs from")
    args = parser.parse_args(argv)
    started = time.monotonic()
    background = background_lines(args.build)
    plan = Plan(blocks_for(args.triples, len(background), args.seed))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(args.out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", buffering=1 << 20) as handle:
        handle.writelines(background)
        written = write_records(plan, args.seed, handle.write)
    tmp.replace(args.out)
    total = written + len(background)
    print(f"{args.out}: {total} quads ({written} synthetic, {len(background)} ontology/vocab/districts), "
          f"{plan.organisations} organisations, {plan.offers} offers, {plan.networks} networks, "
          f"{plan.memberships} memberships, seed {args.seed}, {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
