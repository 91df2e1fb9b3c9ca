"""The core of the W3C Reconciliation API 0.2 (`/reconcile`, for OpenRefine): match names to our IRIs.

Candidates and scores come from `migrakg.linking.match` (the code of `migrakg link`); the candidate index is
built from the store through the query service and cached per store generation. Records joined by a
reviewed owl:sameAs answer as one, their canonical record (`migrakg.linking.merge`): a query matching
any of them gets the canonical id with the best member's score; preview and extend of a member's id
describe the canonical record. Entity ids are
`{kind}/{slug}` relative to the identifier space `{base}id/`; type ids are our ontology class IRIs.

>>> TYPES["organisation"].name_en
'organisation'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..terms import Select
from .io import entities_from
from .match import DEFAULT_THRESHOLD, Address, Candidate, Entity, Index
from .merge import SAME_AS_QUERY, canonical_map
from .normalise import district_slugs, fold


@dataclass(frozen=True)
class RType:
    kind: str
    name_de: str
    name_en: str

    def iri(self, base: str) -> str:
        return f"{base}ontology#{CLASS_NAMES[self.kind]}"


CLASS_NAMES = {"organisation": "Organisation", "offer": "Offer", "network": "Network", "project": "Project"}


TYPES: dict[str, RType] = {
    "organisation": RType("organisation", "Organisation", "organisation"),
    "offer": RType("offer", "Angebot", "offer"),
    "network": RType("network", "Netzwerk", "network"),
    "project": RType("project", "Projekt", "project"),
}


@dataclass(frozen=True)
class RProperty:
    id: str
    name_de: str
    name_en: str
    kinds: tuple[str, ...]
    query: str  # SELECT ?s ?value ?label with {ids} for a VALUES list


_P = """PREFIX mkg: <{base}ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX locn: <http://www.w3.org/ns/locn#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX legal: <http://www.w3.org/ns/legal#>
"""
PROPERTIES: tuple[RProperty, ...] = (
    RProperty(
        "district",
        "Bezirk",
        "district",
        ("organisation", "offer", "network", "project"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s mkg:seatDistrict|schema:areaServed ?value .
  OPTIONAL { ?value skos:prefLabel ?label FILTER(lang(?label) = "de") } }""",
    ),
    RProperty(
        "address",
        "Adresse",
        "address",
        ("organisation", "offer"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s org:hasSite|(schema:availableChannel/schema:serviceLocation) ?place .
  ?place locn:address/locn:fullAddress ?value . BIND(?value AS ?label) }""",
    ),
    RProperty(
        "postcode",
        "Postleitzahl",
        "postcode",
        ("organisation", "offer"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s org:hasSite|(schema:availableChannel/schema:serviceLocation) ?place .
  ?place locn:address/locn:postCode ?value . BIND(?value AS ?label) }""",
    ),
    RProperty(
        "languages",
        "Sprachen",
        "languages",
        ("organisation", "offer"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } { ?s dcterms:language ?value } UNION { ?offer schema:provider ?s ; dcterms:language ?value }
  OPTIONAL { ?value skos:prefLabel ?label FILTER(lang(?label) = "de") } }""",
    ),
    RProperty(
        "networks",
        "Netzwerke",
        "networks",
        ("organisation", "network"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?membership a org:Membership ; org:member ?s ; org:organization ?value .
  OPTIONAL { ?value skos:prefLabel ?label FILTER(lang(?label) = "de") } }""",
    ),
    RProperty(
        "website",
        "Website",
        "website",
        ("organisation", "offer", "network", "project"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s schema:url ?value . BIND(STR(?value) AS ?label) }""",
    ),
    RProperty(
        "email",
        "E-Mail",
        "e-mail",
        ("organisation", "offer", "project"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s schema:contactPoint/vcard:hasEmail ?m .
  BIND(REPLACE(STR(?m), "^mailto:", "") AS ?value) BIND(?value AS ?label) }""",
    ),
    RProperty(
        "legal-form",
        "Rechtsform",
        "legal form",
        ("organisation",),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s legal:companyType ?value .
  OPTIONAL { ?value skos:prefLabel ?label FILTER(lang(?label) = "de") } }""",
    ),
    RProperty(
        "founded",
        "Gründung",
        "founded",
        ("organisation", "network"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s schema:foundingDate ?value . BIND(STR(?value) AS ?label) }""",
    ),
    RProperty(
        "fields",
        "Handlungsfelder",
        "fields of activity",
        ("organisation", "offer", "network", "project"),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s mkg:fieldOfActivity ?value .
  OPTIONAL { ?value skos:prefLabel ?label FILTER(lang(?label) = "de") } }""",
    ),
    RProperty(
        "provider",
        "Träger",
        "provider",
        ("offer",),
        _P
        + """
SELECT ?s ?value ?label WHERE { VALUES ?s { {ids} } ?s schema:provider ?value .
  OPTIONAL { ?value skos:prefLabel ?label FILTER(lang(?label) = "de") } }""",
    ),
)
PROPERTY_BY_ID = {p.id: p for p in PROPERTIES}
MAX_BATCH = 500
MAX_EXTEND_IDS = 1000


class ReconcileError(ValueError):
    """A malformed reconciliation request (the adapter answers 400)."""


class Reconciler:
    """Answers reconciliation requests over one store; the candidate index is rebuilt when the store changes."""

    def __init__(self, select: Select, base: str, generation: Callable[[], int]):
        self.select = select
        self.base = base
        self.generation = generation
        self._lock = threading.Lock()
        self._cached: tuple[int, Index, dict[str, Entity], dict[str, str]] | None = None

    # -- the index ----------------------------------------------------------------------------
    def index(self) -> tuple[Index, dict[str, Entity]]:
        cached = self._current()
        return cached[1], cached[2]

    def _current(self) -> tuple[int, Index, dict[str, Entity], dict[str, str]]:
        generation = self.generation()
        with self._lock:
            if self._cached is None or self._cached[0] != generation:
                prefix = self.base + "id/"
                entities = entities_from(
                    self.select, self.base, kinds=tuple(TYPES), within=lambda s: s.startswith(prefix) and "#" not in s
                )
                _vars, rows = self.select(SAME_AS_QUERY)
                same = canonical_map((a[1], b[1]) for a, b in rows if a is not None and b is not None)
                self._cached = (generation, Index(entities), {e.id: e for e in entities}, same)
            return self._cached

    def canonical(self, iri: str) -> str:
        """The canonical record of *iri*'s set of records joined by a reviewed owl:sameAs (itself if none)."""
        return self._current()[3].get(iri, iri)

    def short_id(self, iri: str) -> str:
        return iri[len(self.base + "id/") :]

    def iri(self, short: str) -> str:
        if short.startswith(self.base + "id/"):
            return short
        return self.base + "id/" + short.lstrip("/")

    def type_ref(self, kind: str, lang: str = "en") -> dict[str, str]:
        t = TYPES[kind]
        return {"id": t.iri(self.base), "name": t.name_de if lang == "de" else t.name_en}

    def kinds_for(self, type_value: Any) -> tuple[str, ...] | None:
        if type_value in (None, "", []):
            return None
        values = type_value if isinstance(type_value, list) else [type_value]
        kinds = []
        for value in values:
            if not isinstance(value, str):
                raise ReconcileError(f"type must be a string or a list of strings, not {value!r}")
            for kind, t in TYPES.items():
                if value in (kind, t.iri(self.base), t.name_de, t.name_en, t.iri(self.base).rsplit("#", 1)[-1]):
                    kinds.append(kind)
        return tuple(kinds)

    # -- reconciliation -----------------------------------------------------------------------
    def reconcile(self, queries: Any, lang: str = "en") -> dict[str, Any]:
        """A batch `{key: {query, type, limit, properties}}` → `{key: {result: [...]}}`."""
        if not isinstance(queries, dict):
            raise ReconcileError("queries must be a JSON object {key: query}")
        if len(queries) > MAX_BATCH:
            raise ReconcileError(f"at most {MAX_BATCH} queries per batch")
        index, _entities = self.index()
        return {str(key): {"result": self._one(index, q, lang)} for key, q in queries.items()}

    def _merged(self, candidates: list[Candidate]) -> list[Candidate]:
        """One candidate per set of records joined by a reviewed owl:sameAs: its canonical record, with the
        score and evidence of its best-scoring member (the candidates come best first)."""
        _generation, _index, entities, same = self._current()
        out: list[Candidate] = []
        seen: set[str] = set()
        for cand in candidates:
            head = same.get(cand.ours.id, cand.ours.id)
            if head not in seen:
                seen.add(head)
                out.append(cand if head == cand.ours.id else replace(cand, ours=entities.get(head, cand.ours)))
        return out

    def _one(self, index: Index, q: Any, lang: str) -> list[dict[str, Any]]:
        if not isinstance(q, dict):
            raise ReconcileError("each query must be a JSON object")
        text = q.get("query", "")
        if not isinstance(text, str):
            raise ReconcileError("query must be a string")
        limit = q.get("limit", 5)
        if not isinstance(limit, (int, float)) or isinstance(limit, bool) or not 0 <= limit < float("inf"):
            raise ReconcileError("limit must be a non-negative number")  # NaN and Infinity (1e400) too
        theirs = self._entity(text, q.get("properties") or [])
        kinds = self.kinds_for(q.get("type"))
        if kinds == ():
            return []
        candidates = self._merged(index.match(theirs, kinds=kinds if kinds is not None else tuple(TYPES)))
        results = []
        for position, cand in enumerate(candidates[: int(limit) or 5]):
            runner_up = candidates[position + 1].score if position + 1 < len(candidates) else 0.0
            match = position == 0 and cand.score >= DEFAULT_THRESHOLD and cand.score - runner_up >= 0.05
            results.append(
                {
                    "id": self.short_id(cand.ours.id),
                    "name": cand.ours.label,
                    "description": self.describe(cand.ours, lang),
                    "score": round(cand.score * 100, 1),
                    "match": match,
                    "type": [self.type_ref(cand.ours.kind, lang)],
                    "features": [
                        {"id": "score", "value": round(cand.score, 4)},
                        {"id": "evidence_count", "value": len(cand.evidence)},
                    ],
                }
            )
        return results

    def _entity(self, text: str, properties: Any) -> Entity:
        if not isinstance(properties, list):
            raise ReconcileError("properties must be a list of {pid, v}")
        districts: list[str] = []
        postcodes: list[str] = []
        websites: list[str] = []
        emails: list[str] = []
        addresses: list[Address] = []
        for item in properties:
            if not isinstance(item, dict) or "pid" not in item or "v" not in item:
                raise ReconcileError("each property needs pid and v")
            values = item["v"] if isinstance(item["v"], list) else [item["v"]]
            texts = [str(v.get("id") or v.get("name") or "") if isinstance(v, dict) else str(v) for v in values]
            pid = str(item["pid"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()
            for value in texts:
                if pid in ("district", "bezirk", "seatdistrict", "areaserved"):
                    districts += district_slugs(value)
                elif pid in ("postcode", "plz", "postalcode", "zip", "zip_code"):
                    postcodes.append(value)
                elif pid in ("website", "url", "homepage"):
                    websites.append(value)
                elif pid in ("email", "e-mail", "mail"):
                    emails.append(value)
                elif pid in ("address", "street", "adresse", "strasse"):
                    from .normalise import split_address

                    street, number = split_address(value.split(",")[0])
                    addresses.append(Address(street, number))
        return Entity(
            "urn:reconcile:query",
            "",
            [text] if text else [],
            addresses,
            tuple(sorted(set(districts))),
            websites,
            emails,
            postcodes,
        )

    def describe(self, entity: Entity, lang: str) -> str:
        parts = []
        t = TYPES.get(entity.kind)
        if t:
            parts.append(t.name_de if lang == "de" else t.name_en)
        if entity.districts:
            from .normalise import DISTRICTS

            parts.append(", ".join(DISTRICTS.get(d, d) for d in entity.districts))
        if entity.addresses:
            a = entity.addresses[0]
            parts.append(" ".join(p for p in (a.street, a.number, a.postcode) if p))
        if len(entity.names) > 1:
            parts.append(("auch: " if lang == "de" else "also: ") + "; ".join(entity.names[1:3]))
        return " · ".join(parts)

    # -- suggest --------------------------------------------------------------------------------
    def suggest_entities(self, prefix: str, type_value: Any = None, lang: str = "en", limit: int = 10) -> dict[str, Any]:
        _generation, index, _entities, same = self._current()
        kinds = self.kinds_for(type_value) or tuple(TYPES)
        wanted = fold(prefix).strip()
        found: list[tuple[int, str, Entity]] = []
        if wanted:
            for entity in index.entities:
                if entity.kind not in kinds or same.get(entity.id, entity.id) != entity.id:  # merged: its canonical record
                    continue
                rank = None
                for name in entity.names:
                    folded = fold(name)
                    if folded.startswith(wanted):
                        rank = 0
                        break
                    if any(word.startswith(wanted) for word in re.split(r"[^a-z0-9]+", folded)):
                        rank = 1 if rank is None else rank
                if rank is not None:
                    found.append((rank, fold(entity.label), entity))
        found.sort(key=lambda f: (f[0], f[1]))
        return {
            "result": [
                {
                    "id": self.short_id(e.id),
                    "name": e.label,
                    "description": self.describe(e, lang),
                    "notable": [self.type_ref(e.kind, lang)],
                }
                for _r, _n, e in found[:limit]
            ]
        }

    def suggest_types(self, prefix: str, lang: str = "en") -> dict[str, Any]:
        wanted = fold(prefix)
        return {
            "result": [
                {**self.type_ref(k, lang), "description": f"{t.name_de} / {t.name_en}"}
                for k, t in TYPES.items()
                if wanted in fold(t.name_de) or wanted in fold(t.name_en) or not wanted
            ]
        }

    def suggest_properties(self, prefix: str, lang: str = "en") -> dict[str, Any]:
        wanted = fold(prefix)
        return {
            "result": [
                {"id": p.id, "name": p.name_de if lang == "de" else p.name_en}
                for p in PROPERTIES
                if not wanted or wanted in fold(p.id) or wanted in fold(p.name_de) or wanted in fold(p.name_en)
            ]
        }

    # -- preview and extension ------------------------------------------------------------------
    def preview(self, short: str, lang: str = "en") -> dict[str, Any] | None:
        """What the preview card shows (the adapter renders it, escaped); None for an unknown id."""
        _index, entities = self.index()
        entity = entities.get(self.canonical(self.iri(short)))  # a merged record: its canonical one
        if entity is None:
            return None
        return {
            "id": self.short_id(entity.id),
            "iri": entity.id,
            "name": entity.label,
            "names": entity.names[1:],
            "type": self.type_ref(entity.kind, lang)["name"],
            "description": self.describe(entity, lang),
            "websites": entity.websites,
        }

    def propose_properties(self, type_value: Any, lang: str = "en", limit: int | None = None) -> dict[str, Any]:
        kinds = self.kinds_for(type_value) or tuple(TYPES)
        props = [{"id": p.id, "name": p.name_de if lang == "de" else p.name_en} for p in PROPERTIES if set(p.kinds) & set(kinds)]
        if limit is not None:
            props = props[:limit]
        out: dict[str, Any] = {"properties": props}
        if isinstance(type_value, str) and type_value:
            out["type"] = type_value
        if limit is not None:
            out["limit"] = limit
        return out

    def extend(self, request: Any, lang: str = "en") -> dict[str, Any]:
        """`{ids: [...], properties: [{id}]}` → `{meta: [...], rows: {id: {pid: [values]}}}`."""
        if (
            not isinstance(request, dict)
            or not isinstance(request.get("ids"), list)
            or not isinstance(request.get("properties"), list)
        ):
            raise ReconcileError('extend needs {"ids": [...], "properties": [{"id": ...}]}')
        ids = [str(i) for i in request["ids"]][:MAX_EXTEND_IDS]
        wanted = []
        for item in request["properties"]:
            pid = item.get("id") if isinstance(item, dict) else None
            if pid not in PROPERTY_BY_ID:
                raise ReconcileError(f"unknown property {pid!r}; known: {', '.join(PROPERTY_BY_ID)}")
            wanted.append(PROPERTY_BY_ID[pid])
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {i: {p.id: [] for p in wanted} for i in ids}
        iris: dict[str, list[str]] = {}  # canonical IRI → the ids asked for (a merged record answers as its canonical one)
        for i in ids:
            if _safe_id(i):
                iris.setdefault(self.canonical(self.iri(i)), []).append(i)
        if iris:
            values = " ".join(f"<{iri}>" for iri in iris)
            for prop in wanted:
                _vars, result = self.select(prop.query.replace("{base}", self.base).replace("{ids}", values))
                seen: set[tuple[str, str]] = set()
                for s, value, label in result:
                    if s is None or value is None:
                        continue
                    for short in iris.get(s[1], []):
                        key = (short, value[1])
                        if key in seen:
                            continue
                        seen.add(key)
                        if value[0] == "uri" and value[1].startswith(self.base + "id/"):
                            rows[short][prop.id].append({"id": self.short_id(value[1]), "name": label[1] if label else value[1]})
                        else:
                            rows[short][prop.id].append({"str": label[1] if label else value[1]})
        meta = [{"id": p.id, "name": p.name_de if lang == "de" else p.name_en} for p in wanted]
        return {"meta": meta, "rows": rows}


def _safe_id(short: str) -> bool:
    """Only ids that can be put into a SPARQL IRI: `kind/slug`."""
    import re

    return bool(re.match(r"^[a-z-]+/[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$", short))


def manifest(base: str, root: str, lang: str = "en") -> dict[str, Any]:
    """The service manifest; *root* is the server's own address (no trailing slash)."""
    return {
        "versions": ["0.2"],
        "name": "migrakg – Migrantenorganisationen in Berlin" if lang == "de" else "migrakg – migrant organisations in Berlin",
        "identifierSpace": f"{base}id/",
        "schemaSpace": f"{base}ontology#",
        "view": {"url": f"{root}/id/{{{{id}}}}"},
        "defaultTypes": [
            {"id": TYPES[k].iri(base), "name": TYPES[k].name_de if lang == "de" else TYPES[k].name_en} for k in TYPES
        ],
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 140},
        "suggest": {
            "entity": {"service_url": root, "service_path": "/reconcile/suggest/entity"},
            "property": {"service_url": root, "service_path": "/reconcile/suggest/property"},
            "type": {"service_url": root, "service_path": "/reconcile/suggest/type"},
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/reconcile/propose_properties"},
            "property_settings": [],
        },
    }
