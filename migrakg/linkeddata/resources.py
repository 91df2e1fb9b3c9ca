"""Describing one resource: what `/id/{kind}/{slug}`, `/ontology` and `/vocab/…` serve.

The description of a record is every triple with its IRI as subject (in any graph) plus those of its
`#contact`, `#address`, `#amount`, `#period`, `#start` and `#end` sub-nodes and an offer's `#at-{place}` channels
(its `schema:availableChannel`s) — nothing else. The ontology is described with all its `#Term`s,
a SKOS scheme with all its concepts. The RDF formats are exactly that description, read from the store
with one CONSTRUCT through the query service; pages additionally read the records that point at the
resource (memberships, offers, fundings …) and the labels of everything they link to, but none of that
is ever added to the RDF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import MigrakgError, Text
from ..names import standard_label
from ..namespaces import KINDS, PREFIXES, Iris, is_slug
from ..sparql.service import QueryRequest
from ..terms import XSD_STRING, Term

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_PREDICATES = (
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["schema"] + "name",
    PREFIXES["rdfs"] + "label",
    PREFIXES["dcterms"] + "title",
    PREFIXES["vcard"] + "fn",
)
#: facts read about every linked resource (for labels, kinds and periods on the page)
LINKED_PREDICATES = LABEL_PREDICATES + (
    RDF_TYPE,
    PREFIXES["skos"] + "notation",
    PREFIXES["schema"] + "startDate",
    PREFIXES["schema"] + "endDate",
    PREFIXES["skos"] + "inScheme",
)


class ResourceNotFound(MigrakgError):
    status = 404
    exit_code = 1

    def __init__(self, iri: str):
        super().__init__(Text(f"Zu {iri} gibt es hier keine Daten.", f"There is no data about {iri} here."))


@dataclass(frozen=True)
class Target:
    """What a request names: the IRI and how to describe it (record | ontology | scheme)."""

    iri: str
    mode: str = "record"
    kind: str = ""  # organisation, …, concept, scheme, ontology
    scheme: str = ""


def record_target(iris: Iris, kind: str, slug: str) -> Target:
    """`/id/{kind}/{slug}` → Target. Raises ResourceNotFound for an unknown kind or a malformed slug."""
    iri = str(iris.id(kind, slug))
    if kind not in KINDS or not is_slug(slug):
        raise ResourceNotFound(iri)
    return Target(iri, "record", kind)


def replacement(service: Any, iri: str, base: str) -> str | None:
    """The local path of the record that replaced a retired IRI (a `mkg:RetiredIdentifier`: replaced and
    nameless, data/retired-slugs.csv), or None for every other IRI — a merged network keeps its own page."""
    query = (
        f"SELECT ?new WHERE {{ <{iri}> <{PREFIXES['dcterms']}isReplacedBy> ?new "
        f"FILTER NOT EXISTS {{ <{iri}> <{PREFIXES['skos']}prefLabel>|<{PREFIXES['schema']}name> ?name }} }} LIMIT 1"
    )
    _, rows = service.select(query)
    if not rows or rows[0][0] is None:
        return None
    return local_path(rows[0][0].value, base)


def ontology_target(iris: Iris) -> Target:
    return Target(iris.base + "ontology", "ontology", "ontology")


def scheme_target(iris: Iris, scheme: str) -> Target:
    if not is_slug(scheme):
        raise ResourceNotFound(str(iris.vocab(scheme)))
    return Target(str(iris.vocab(scheme)), "scheme", "scheme", scheme)


def concept_target(service: Any, iris: Iris, scheme: str, code: str) -> Target:
    """`/vocab/{scheme}/{code}`: the concept `{base}vocab/{scheme}/{code}`, or — for schemes that gather external
    IRIs, like the EU language table — the concept of that scheme whose skos:notation is *code*."""
    own = str(iris.vocab(scheme, code))
    if not is_slug(scheme) or not code or any(c in code for c in '<>"{}|\\^` '):
        raise ResourceNotFound(own)
    if service.ask(f"ASK {{ <{own}> ?p ?o }}"):
        return Target(own, "record", "concept", scheme)
    _, rows = service.select(
        f"SELECT ?c WHERE {{ ?c <{PREFIXES['skos']}inScheme> <{iris.vocab(scheme)}> ; <{PREFIXES['skos']}notation> ?n "
        f"FILTER(STR(?n) = {json.dumps(code)}) }} LIMIT 1"
    )
    if rows and rows[0][0] is not None:
        return Target(rows[0][0].value, "record", "concept", scheme)
    raise ResourceNotFound(own)


#: the nodes of a record that are part of its description: contact, address, amount, period and its ends, the
#: evidence of the migrant-organisation flag and its names in time (at most three, sources/records.py)
SUB_NODES = ("contact", "address", "amount", "period", "start", "end", "migrant-organisation", "name-1", "name-2", "name-3")


#: an offer's places are its `#at-{place}` channels (schema:ServiceChannel, one per place): sub-nodes too
CHANNEL = PREFIXES["schema"] + "availableChannel"
SERVICE_LOCATION = PREFIXES["schema"] + "serviceLocation"


def _sub_nodes(iri: str) -> str:
    return " ".join(f"<{iri}#{name}>" for name in SUB_NODES)


def _subjects_pattern(target: Target) -> str:
    iri = target.iri
    if target.mode == "ontology":
        return f"{{ BIND(<{iri}> AS ?s) }} UNION {{ ?s <{PREFIXES['rdfs']}isDefinedBy> <{iri}> }}"
    if target.mode == "scheme":
        return f"{{ BIND(<{iri}> AS ?s) }} UNION {{ ?s <{PREFIXES['skos']}inScheme> <{iri}> }}"
    # VALUES in a sub-select: as a bare UNION branch Virtuoso 7.2 finds nothing
    return (
        f"{{ SELECT ?s WHERE {{ VALUES ?s {{ <{iri}> {_sub_nodes(iri)} }} }} }} "
        f"UNION {{ <{iri}> <{CHANNEL}> ?s FILTER(isIRI(?s) && STRSTARTS(STR(?s), {json.dumps(iri + '#')})) }}"
    )


def describe_query(target: Target) -> str:
    """The CONSTRUCT that reads exactly the description of *target* (over the union of all graphs)."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {_subjects_pattern(target)} }} }} ?s ?p ?o }}"


def rdf_description(service: Any, target: Target, media: str) -> bytes:
    """The description serialised as *media* (a graph media type). Raises ResourceNotFound when it is empty."""
    result = service.run(QueryRequest(describe_query(target), media))
    if result.count == 0:
        raise ResourceNotFound(target.iri)
    return result.body


# --- the view a page renders ---------------------------------------------------------------------------


@dataclass
class Node:
    """One subject with its values: predicate IRI → objects (term tuples)."""

    iri: str
    props: dict[str, list[Term]] = field(default_factory=dict)

    def get(self, predicate: str) -> list[Term]:
        return self.props.get(expand(predicate), [])

    def first(self, predicate: str) -> Term | None:
        values = self.get(predicate)
        return values[0] if values else None

    def iris(self, predicate: str) -> list[str]:
        return [v.value for v in self.get(predicate) if v.is_iri]

    def literal(self, predicate: str, lang: str) -> str:
        """The value in *lang*, else German, else English, else any; '' if none."""
        return pick_literal(self.get(predicate), lang)

    def types(self) -> list[str]:
        return self.iris("rdf:type")

    def has_type(self, curie: str) -> bool:
        return expand(curie) in self.types()


#: relations without a name of their own: (the two records they join), named "member – network (role)"
RELATION_ENDS = {"org:Membership": ("org:member", "org:organization"), "mkg:CarrierRole": ("mkg:carrier", "mkg:project")}


def expand(curie: str) -> str:
    if "://" in curie:
        return curie
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def pick_literal(values: list[Term], lang: str) -> str:
    literals = [v for v in values if v.is_literal]
    for wanted in (lang, "de", "en", None):
        for v in literals:
            if v.lang == wanted:
                return v.value
    return literals[0].value if literals else ""


@dataclass
class View:
    """A resource as a page shows it: its own nodes, the records pointing at it, and labels of all it links to."""

    target: Target
    nodes: dict[str, Node]
    linked: dict[str, Node]
    inbound: list[tuple[str, str]]  # (subject, predicate) of triples pointing at the resource
    base: str
    inbound_total: int = 0  # records pointing at the resource, when more than INBOUND_LIMIT were left out

    @property
    def main(self) -> Node:
        return self.nodes[self.target.iri]

    def node(self, iri: str) -> Node:
        return self.nodes.get(iri) or self.linked.get(iri) or Node(iri)

    def places(self, iri: str | None = None) -> list[str]:
        """Where an offer takes place: the schema:serviceLocation of each of its schema:availableChannel nodes."""
        node = self.node(iri or self.target.iri)
        return sorted(
            {p for channel in node.iris("schema:availableChannel") for p in self.node(channel).iris("schema:serviceLocation")}
        )

    def label(self, iri: str, lang: str) -> str:
        node = self.node(iri)
        for predicate in LABEL_PREDICATES:
            text = pick_literal(node.props.get(predicate, []), lang)
            if text:
                return text
        notation = node.first("skos:notation")
        if notation:
            return notation.value
        if node.has_type("mkg:Funding"):
            return self.funding_label(node, lang)
        for kind, (one, other) in RELATION_ENDS.items():  # a relation is named by who it joins, and the role
            if node.has_type(kind) and node.iris(one) and node.iris(other):
                role = node.iris("org:role") or node.iris("mkg:carrierRole")
                joined = f"{self.label(node.iris(one)[0], lang)} – {self.label(node.iris(other)[0], lang)}"
                return f"{joined} ({self.label(role[0], lang)})" if role else joined
        return standard_label(iri, lang) or local_name(iri)

    def funding_label(self, node: Node, lang: str) -> str:
        """A grant has no name of its own: people know it by its programme and what it funds
        ("Migrationsberatung für erwachsene Zuwanderer (MBE) – Welcome-Center Pankow"), never by its slug."""
        programme = node.iris("mkg:programme")
        funded = node.iris("schema:fundedItem")
        first = self.label(programme[0], lang) if programme else ("Förderung" if lang == "de" else "Grant")
        return f"{first} – {self.label(funded[0], lang)}" if funded else first

    def other_labels(self, iri: str) -> list[tuple[str, str]]:
        """Labels in languages other than German and English (e.g. a language's own name): [(lang, text)]."""
        node = self.node(iri)
        out = []
        for predicate in LABEL_PREDICATES:
            for v in node.props.get(predicate, []):
                if v.is_literal and v.lang and v.lang not in ("de", "en") and (v.lang, v.value) not in out:
                    out.append((v.lang, v.value))
        return out

    def inbound_by(self, predicate: str, rdf_type: str | None = None) -> list[Node]:
        """Records pointing at the resource with *predicate* (optionally of *rdf_type*), sorted by label."""
        pred = expand(predicate)
        subjects = sorted({s for s, p in self.inbound if p == pred})
        nodes = [self.node(s) for s in subjects]
        if rdf_type:
            nodes = [n for n in nodes if n.has_type(rdf_type)]
        return nodes

    def inbound_subjects(self) -> list[str]:
        return sorted({s for s, _ in self.inbound})

    def inbound_groups(self) -> list[tuple[str, list[str]]]:
        """Everything pointing at the resource, grouped by predicate: [(predicate, [subjects])]."""
        groups: dict[str, set[str]] = {}
        for s, p in self.inbound:
            groups.setdefault(p, set()).add(s)
        return [(p, sorted(groups[p])) for p in sorted(groups)]

    def href(self, iri: str) -> str | None:
        """Local address for an IRI this server answers for, else None."""
        return local_path(iri, self.base)


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip("/"):
            return iri.rstrip("/").rsplit(sep, 1)[1]
    return iri


def local_path(iri: str, base: str) -> str | None:
    if iri.startswith(base):
        rest = iri[len(base) :]
        if rest.startswith(("id/", "vocab/", "ontology")):
            return "/" + rest
    if iri.startswith(PREFIXES["lang"]):
        return "/vocab/language/" + iri[len(PREFIXES["lang"]) :]
    return None


#: at most this many records pointing at a resource are read for its page (a district or a language may
#: have thousands); the page then says how many there are in all and points to search and SPARQL.
INBOUND_LIMIT = 300


#: kinds whose pages show the records pointing at them only as links (label and type are enough)
SUMMARY_KINDS = ("district", "concept")


def _view_query(target: Target, base: str) -> str:
    """The subjects a page reads in full: the resource and its sub-nodes, the instance records it points at
    and their `#address` nodes (records pointing at it come from `_inbound_query`)."""
    iri = target.iri
    ids = json.dumps(base + "id/")
    if target.mode != "record":
        return f"SELECT DISTINCT ?s WHERE {{ {_subjects_pattern(target)} }}"
    return (
        "SELECT DISTINCT ?s WHERE { "  # VALUES in a sub-select: as a bare UNION branch Virtuoso 7.2 finds nothing
        f"{{ SELECT ?s WHERE {{ VALUES ?s {{ <{iri}> {_sub_nodes(iri)} }} }} }} "
        f"UNION {{ <{iri}> ?out ?s FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ids})) }} "
        f'UNION {{ <{iri}> ?out ?r FILTER(isIRI(?r) && STRSTARTS(STR(?r), {ids}) && !CONTAINS(STR(?r), "#")) '
        'BIND(IRI(CONCAT(STR(?r), "#address")) AS ?s) } '
        "FILTER(BOUND(?s)) }"
    )


def _inbound_query(iri: str, limit: int) -> str:
    return f"SELECT DISTINCT ?s ?in WHERE {{ ?s ?in <{iri}> FILTER(isIRI(?s) && !STRSTARTS(STR(?s), {json.dumps(iri + '#')})) }} LIMIT {limit}"


def view(service: Any, target: Target, base: str) -> View:
    """Read what the page of *target* shows. Raises ResourceNotFound when the resource has no description."""
    _, subjects = service.select(_view_query(target, base))
    full = [row[0].value for row in subjects if row[0] is not None and row[0].is_iri]
    if target.mode == "record":
        # the places of an offer's channels and their addresses (for the list of places and the map)
        _, places = service.select(f"SELECT DISTINCT ?p WHERE {{ <{target.iri}> <{CHANNEL}> ?c . ?c <{SERVICE_LOCATION}> ?p }}")
        found = [row[0].value for row in places if row[0] is not None and row[0].is_iri]
        full += sorted({i for p in found for i in (p, p + "#address")} - set(full))
    inbound: list[tuple[str, str]] = []
    inbound_total = 0
    if target.mode == "record":
        _, back = service.select(_inbound_query(target.iri, INBOUND_LIMIT))
        # an offer points at its places through its `#at-{place}` channels: the page names the offer itself
        inbound = sorted(
            {(_channel_owner(row[0].value), row[1].value) for row in back if row[0] is not None and row[1] is not None}
        )
        if len(back) >= INBOUND_LIMIT:
            _, count = service.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?in <{target.iri}> FILTER(isIRI(?s)) }}")
            inbound_total = int(count[0][0].value)
        if target.kind not in SUMMARY_KINDS:
            full += sorted({s for s, _ in inbound} - set(full))
    nodes: dict[str, Node] = {}
    for s, p, o in _statements(service, full):
        if s is None or p is None or o is None:
            continue
        nodes.setdefault(s.value, Node(s.value)).props.setdefault(p.value, []).append(o)
    if target.iri not in nodes:
        raise ResourceNotFound(target.iri)
    for node in nodes.values():
        for values in node.props.values():
            values.sort(key=lambda v: (v.lang or "", v.value))
    wanted = sorted(
        (
            {v.value for n in nodes.values() for vs in n.props.values() for v in vs if v.is_iri}
            | {p for n in nodes.values() for p in n.props}
            | {s for s, _ in inbound}
            | {p for _, p in inbound}
        )
        - set(nodes)
    )
    linked = _linked(service, wanted)
    return View(target, nodes, linked, inbound, base, inbound_total)


def _channel_owner(iri: str) -> str:
    """The offer of a channel node (``{offer}#at-{place}``); any other IRI as it is."""
    record, _, fragment = iri.partition("#")
    return record if fragment.startswith("at-") else iri


def _statements(service: Any, subjects: list[str]) -> list[list[Any]]:
    """Every triple of the given subjects (looked up by subject: fast at any store size)."""
    rows: list[list[Any]] = []
    for start in range(0, len(subjects), 500):
        chunk = " ".join(f"<{i}>" for i in subjects[start : start + 500] if _safe_iri(i))
        if chunk:
            rows += service.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o }}")[1]
    return rows


def _linked(service: Any, iris: list[str]) -> dict[str, Node]:
    linked: dict[str, Node] = {}
    predicates = ", ".join(f"<{p}>" for p in LINKED_PREDICATES)
    for start in range(0, len(iris), 500):
        chunk = " ".join(f"<{i}>" for i in iris[start : start + 500] if _safe_iri(i))
        if not chunk:
            continue
        # one VALUES and a FILTER: two VALUES blocks make the engine join their cross product first
        _, rows = service.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o FILTER(?p IN ({predicates})) }}")
        for s, p, o in rows:
            linked.setdefault(s.value, Node(s.value)).props.setdefault(p.value, []).append(o)
    return linked


def _safe_iri(iri: str) -> bool:
    return not any(c in iri for c in '<>"{}|\\^` \n')


# --- schema.org JSON-LD for search engines -----------------------------------------------------------

SCHEMA_TYPES = {
    "organisation": "Organization",
    "network": "Organization",
    "offer": "Service",
    "project": "Project",
    "funding": "MonetaryGrant",
    "district": "AdministrativeArea",
    "place": "Place",
    "membership": "OrganizationRole",
    "carrier-role": "Role",
    "concept": "DefinedTerm",
    "scheme": "DefinedTermSet",
    "ontology": "Dataset",
}


def _lit(term: Term) -> Any:
    value, lang, datatype = term.value, term.lang, term.datatype
    if lang:
        return {"@value": value, "@language": lang}
    if (
        datatype
        and datatype not in (XSD_STRING,)
        and not datatype.startswith(PREFIXES["xsd"] + "date")
        and not datatype.startswith(PREFIXES["xsd"] + "gYear")
    ):
        return {"@value": value, "@type": datatype}
    return value


def schema_org(v: View, lang: str) -> dict[str, Any]:
    """A small schema.org description of the resource (JSON-LD with an inline context: nothing to fetch)."""
    main = v.main
    kind = v.target.kind
    out: dict[str, Any] = {
        "@context": {"@vocab": PREFIXES["schema"]},
        "@id": v.target.iri,
        "@type": SCHEMA_TYPES.get(kind, "Thing"),
    }
    if kind == "organisation":
        out["@type"] = "GovernmentOrganization" if main.has_type("mkg:PublicBody") else "NGO"
    names = main.get("schema:name") or main.get("skos:prefLabel") or main.get("dcterms:title") or main.get("rdfs:label")
    if names:
        out["name"] = [_lit(t) for t in names]
    else:
        out["name"] = v.label(v.target.iri, lang)
    alt = main.get("skos:altLabel")
    if alt:
        out["alternateName"] = [_lit(t) for t in alt]
    descriptions = main.get("dcterms:description") or main.get("skos:definition") or main.get("rdfs:comment")
    if descriptions:
        out["description"] = [_lit(t) for t in descriptions]
    url = [u for u in main.iris("schema:url") if _web(u)]
    if url:
        out["url"] = url[0]

    def refs(predicate: str) -> list[dict[str, str]]:
        return [{"@id": i, "name": v.label(i, lang)} for i in main.iris(predicate)]

    for predicate, key in (
        ("schema:areaServed", "areaServed"),
        ("schema:provider", "provider"),
        ("schema:funder", "funder"),
        ("schema:fundedItem", "fundedItem"),
        ("org:memberOf", "memberOf"),
        ("schema:containedInPlace", "containedInPlace"),
    ):
        if main.get(predicate):
            out[key] = refs(predicate)
    if main.get("schema:audience"):
        out["audience"] = [
            {"@type": "Audience", "@id": i, "audienceType": v.label(i, lang)} for i in main.iris("schema:audience")
        ]
    if main.get("mkg:offerType"):
        out["serviceType"] = [v.label(i, lang) for i in main.iris("mkg:offerType")]
    languages = [{"@type": "Language", "@id": i, "name": v.label(i, lang)} for i in main.iris("dcterms:language")]
    channels = [
        {
            "@type": "ServiceChannel",
            "@id": channel,
            "serviceLocation": [
                {"@type": "Place", "@id": p, "name": v.label(p, lang)} for p in v.node(channel).iris("schema:serviceLocation")
            ],
        }
        for channel in main.iris("schema:availableChannel")
    ]
    if not channels and languages:
        channels = [{"@type": "ServiceChannel"}]
    for channel in channels:
        if languages:
            channel["availableLanguage"] = languages
    if channels:
        out["availableChannel"] = channels if len(channels) > 1 else channels[0]
    for predicate, key in (
        ("schema:foundingDate", "foundingDate"),
        ("schema:startDate", "startDate"),
        ("schema:endDate", "endDate"),
    ):
        value = main.first(predicate)
        if value:
            out[key] = value.value
    sources = [u for u in main.iris("dcterms:source") if _web(u)]
    if sources:
        out["isBasedOn"] = sources
    date = main.first("mkg:sourceDate")
    if date:
        out["sdDatePublished"] = date.value
    if kind == "concept":
        notation = main.first("skos:notation")
        if notation:
            out["termCode"] = notation.value
        schemes = main.iris("skos:inScheme")
        if schemes:
            out["inDefinedTermSet"] = {"@id": schemes[0]}
    return out


def _web(iri: str) -> bool:
    return iri.startswith(("http://", "https://"))


def json_for_script(data: Any) -> str:
    """JSON safe inside <script>: `<`, `>` and `&` written as \\u escapes, so no literal can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --- figures for the landing page ---------------------------------------------------------------------


def district_figures(service: Any, timeout: float | None = None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Per district: organisations (seat, area served, sites, offers), offers and networks; plus totals per kind.
    *timeout*: the queries' time limit, if not the service's (on millions of triples they take seconds)."""
    p = {k: PREFIXES[k] for k in ("mkg", "schema", "org", "skos")}
    _, rows = service.select(
        f"""
SELECT ?d ?notation ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  ?d a <{p["mkg"]}District> ; <{p["skos"]}notation> ?notation .
  {{ ?x a <{p["mkg"]}Organisation> .
     {{ ?x <{p["schema"]}areaServed> ?d }} UNION {{ ?x <{p["mkg"]}seatDistrict> ?d }}
     UNION {{ ?x <{p["org"]}hasSite>/<{p["mkg"]}district> ?d }}
     UNION {{ ?o <{p["schema"]}provider> ?x ; <{p["schema"]}areaServed> ?d }}
     BIND("organisation" AS ?kind) }}
  UNION {{ ?x a <{p["mkg"]}Offer> ; <{p["schema"]}areaServed> ?d BIND("offer" AS ?kind) }}
  UNION {{ ?x a <{p["mkg"]}Network> ; <{p["schema"]}areaServed> ?d BIND("network" AS ?kind) }}
}} GROUP BY ?d ?notation ?kind""",
        timeout=timeout,
    )
    per: dict[str, dict[str, Any]] = {}
    for d, notation, kind, n in rows:
        entry = per.setdefault(d.value, {"iri": d.value, "notation": notation.value, "organisation": 0, "offer": 0, "network": 0})
        entry[kind.value] = int(n.value)
    _, rows = service.select(
        f"""
SELECT ?d ?notation WHERE {{ ?d a <{p["mkg"]}District> ; <{p["skos"]}notation> ?notation }}""",
        timeout=timeout,
    )
    for d, notation in rows:
        per.setdefault(d.value, {"iri": d.value, "notation": notation.value, "organisation": 0, "offer": 0, "network": 0})
    _, rows = service.select(
        f"""
SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  VALUES ?t {{ <{p["mkg"]}Organisation> <{p["mkg"]}Offer> <{p["mkg"]}Network> <{p["mkg"]}Project> <{p["mkg"]}Funding> }}
  ?x a ?t }} GROUP BY ?t""",
        timeout=timeout,
    )
    totals = {local_name(t.value).lower(): int(n.value) for t, n in rows}
    return sorted(per.values(), key=lambda e: e["notation"]), totals


def records_of_type(service: Any, class_iri: str, lang: str, limit: int = 50) -> list[tuple[str, str]]:
    """(IRI, label) of up to *limit* records of a class, sorted by label — the landing page's entry lists."""
    label = " ".join(f"<{p}>" for p in LABEL_PREDICATES[:2])
    _, rows = service.select(
        f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ ?s a <{class_iri}> OPTIONAL {{ VALUES ?p {{ {label} }} ?s ?p ?l "
        f'FILTER(LANGMATCHES(LANG(?l), {json.dumps(lang)}) || LANG(?l) = "") }} }} GROUP BY ?s LIMIT {int(limit) * 4}'
    )
    out = [(s.value, label_.value if label_ else local_name(s.value)) for s, label_ in rows]
    out.sort(key=lambda e: e[1].casefold())
    return out[:limit]


def site_json_ld(site_url: str, lang: str, totals: dict[str, int]) -> dict[str, Any]:
    """schema.org for the landing page: the web site with its search, and the dataset it serves."""
    root = site_url.rstrip("/")
    return {
        "@context": {"@vocab": PREFIXES["schema"]},
        "@type": "WebSite",
        "@id": root + "/",
        "url": root + "/",
        "name": "migrakg",
        "inLanguage": ["de", "en"],
        "description": {
            "de": "Offener Wissensgraph der Migrant:innenorganisationen in Berlin",
            "en": "Open knowledge base of migrant organisations in Berlin",
        }[lang if lang in ("de", "en") else "de"],
        "potentialAction": {
            "@type": "SearchAction",
            "target": root + "/search?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
        "about": {
            "@type": "Dataset",
            "name": "migrakg",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "variableMeasured": [{"@type": "PropertyValue", "name": k, "value": v} for k, v in sorted(totals.items())],
        },
    }


def results_json_ld(site_url: str, items: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    """schema.org ItemList for a page of search results: (IRI, kind, name, local path) each."""
    root = site_url.rstrip("/")
    return {
        "@context": {"@vocab": PREFIXES["schema"]},
        "@type": "ItemList",
        "numberOfItems": len(items),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "url": root + path if path else iri,
                "item": {"@id": iri, "@type": SCHEMA_TYPES.get(kind, "Thing"), "name": name},
            }
            for n, (iri, kind, name, path) in enumerate(items, 1)
        ],
    }


# --- records joined by a reviewed owl:sameAs ----------------------------------------------------------


def also_recorded(service: Any, iri: str, base: str, lang: str) -> list[dict[str, Any]]:
    """The other records a reviewed owl:sameAs joins *iri* to (`migrakg.linking.merge`), for the page's
    section "Auch erfasst in / Also recorded in": each with its name, link, sources (the named graphs its
    statements are in: `data` for the curated records, an import's name) and whether it is the canonical
    record (the one search and /reconcile show). Empty when the record is joined to none."""
    from ..kb.history import record_parts
    from ..linking.merge import SAME_AS_QUERY, canonical_map, members

    if not _safe_iri(iri):
        return []
    _, rows = service.select(SAME_AS_QUERY)
    canonical = canonical_map((a.value, b.value) for a, b in rows if a is not None and b is not None)
    head = canonical.get(iri)
    if head is None:
        return []
    others = [other for other in members(canonical)[head] if other != iri]
    names = _linked(service, others)
    out = []
    for other in others:
        sources = [source for _graph, source, _fields in record_parts(service.select, other, base) if source != "links"]
        node = names.get(other, Node(other))
        label = next((pick_literal(node.props.get(p, []), lang) for p in LABEL_PREDICATES if node.props.get(p)), "")
        out.append(
            {
                "iri": other,
                "href": local_path(other, base),
                "name": label or local_name(other),
                "sources": sources,
                "canonical": other == head,
            }
        )
    return out
