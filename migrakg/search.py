"""Full-text and faceted search over organisations and offers, from an in-memory index.

The index is read from the store with three SPARQL queries through the query service (texts, facet
values, vocabulary labels) and kept per store generation. Text is normalised (NFKD, combining marks
removed, casefolded — so "sprachcafe" finds "SprachCafé" and "strasse" finds "Straße"); every query
term must match the start of a word of the name, an alternative name or a description (AND, prefix).

Facets (parameter → values are codes: the last segment of the concept or district IRI):
- district: schema:areaServed, mkg:seatDistrict, the mkg:district of org:hasSite places, and for an
  organisation also the schema:areaServed of the offers it provides (offers: also their schema:location's district);
- language, audience, type (offer type): of the offer; an organisation has those of its offers;
- field: mkg:fieldOfActivity of the record; an organisation also those of its offers.
Several values of one facet are alternatives (OR); different facets must all hold (AND).
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .namespaces import PREFIXES

FACETS = ("district", "language", "field", "audience", "type")
KINDS = ("organisation", "offer")
PER_PAGE = 20
_WORD = re.compile(r"\w+")

P = {k: PREFIXES[k] for k in ("mkg", "schema", "skos", "dcterms", "org")}

TEXT_QUERY = f"""SELECT ?s ?kind ?p ?text WHERE {{
  {{ ?s a <{P['mkg']}Organisation> BIND("organisation" AS ?kind) }} UNION {{ ?s a <{P['mkg']}Offer> BIND("offer" AS ?kind) }}
  VALUES ?p {{ <{P['skos']}prefLabel> <{P['schema']}name> <{P['skos']}altLabel> <{P['dcterms']}description> }}
  ?s ?p ?text
}}"""

FACET_QUERY = f"""SELECT DISTINCT ?s ?facet ?v WHERE {{
  {{ ?s a <{P['mkg']}Organisation> .
     {{ ?s <{P['schema']}areaServed> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P['mkg']}seatDistrict> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P['org']}hasSite> ?site . ?site <{P['mkg']}district> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P['mkg']}fieldOfActivity> ?v BIND("field" AS ?facet) }}
     UNION {{ ?o <{P['schema']}provider> ?s .
              {{ ?o <{P['schema']}areaServed> ?v BIND("district" AS ?facet) }}
              UNION {{ ?o <{P['dcterms']}language> ?v BIND("language" AS ?facet) }}
              UNION {{ ?o <{P['schema']}audience> ?v BIND("audience" AS ?facet) }}
              UNION {{ ?o <{P['mkg']}offerType> ?v BIND("type" AS ?facet) }}
              UNION {{ ?o <{P['mkg']}fieldOfActivity> ?v BIND("field" AS ?facet) }} }} }}
  UNION
  {{ ?s a <{P['mkg']}Offer> .
     {{ ?s <{P['schema']}areaServed> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P['schema']}location> ?place . ?place <{P['mkg']}district> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P['dcterms']}language> ?v BIND("language" AS ?facet) }}
     UNION {{ ?s <{P['schema']}audience> ?v BIND("audience" AS ?facet) }}
     UNION {{ ?s <{P['mkg']}offerType> ?v BIND("type" AS ?facet) }}
     UNION {{ ?s <{P['mkg']}fieldOfActivity> ?v BIND("field" AS ?facet) }} }}
}}"""

LABEL_QUERY = f"""SELECT ?v ?label WHERE {{
  {{ ?v <{P['skos']}inScheme> ?scheme }} UNION {{ ?v a <{P['mkg']}District> }}
  ?v <{P['skos']}prefLabel> ?label
}}"""


def normalise(text: str) -> str:
    """Casefolded text without accents: 'SprachCafé Straße' → 'sprachcafe strasse'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("ß", "ss")


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def code_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class Item:
    iri: str
    kind: str
    names: dict[str, str] = field(default_factory=dict)  # lang ('' for none) → name
    alt_names: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    facets: dict[str, set[str]] = field(default_factory=dict)  # facet → codes

    def name(self, lang: str) -> str:
        return _pick(self.names, lang) or code_of(self.iri)

    def description(self, lang: str) -> str:
        return _pick(self.descriptions, lang)


def _pick(values: dict[str, str], lang: str) -> str:
    for wanted in (lang, "de", "en", ""):
        if values.get(wanted):
            return values[wanted]
    return next(iter(values.values()), "")


@dataclass(frozen=True)
class FacetValue:
    facet: str
    code: str
    iri: str
    label: str
    other_labels: tuple[tuple[str, str], ...]
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: str
    filters: dict[str, list[str]]
    kind: str | None
    page: int
    per_page: int
    total: int
    items: list[Item]
    facets: dict[str, list[FacetValue]]
    kind_counts: dict[str, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchIndex:
    """The search index of one store generation. Thread-safe for reading."""

    def __init__(self, items: list[Item], labels: dict[str, dict[str, str]], generation: int = 0):
        items.sort(key=lambda i: (normalise(i.name("de")), i.iri))
        self.items = items
        self.generation = generation
        self.labels = labels
        self.all_ids = range(len(items))
        self.words: dict[str, set[int]] = {}
        self.name_words: dict[str, set[int]] = {}
        self.postings: dict[str, dict[str, set[int]]] = {f: {} for f in FACETS}
        self.iris: dict[str, dict[str, str]] = {f: {} for f in FACETS}  # facet → code → IRI
        self.kinds: dict[str, set[int]] = {k: set() for k in KINDS}
        for i, item in enumerate(items):
            self.kinds.setdefault(item.kind, set()).add(i)
            name_text = " ".join([*item.names.values(), *item.alt_names])
            for word in tokens(name_text):
                self.name_words.setdefault(word, set()).add(i)
                self.words.setdefault(word, set()).add(i)
            for word in tokens(" ".join(item.descriptions.values())):
                self.words.setdefault(word, set()).add(i)
            for facet, codes in item.facets.items():
                for code in codes:
                    self.postings[facet].setdefault(code, set()).add(i)
        self.vocabulary = sorted(self.words)
        self.name_vocabulary = sorted(self.name_words)
        self.total_postings = sum(len(ids) for f in self.postings.values() for ids in f.values())

    @classmethod
    def from_rows(cls, text_rows: list[list[Any]], facet_rows: list[list[Any]], label_rows: list[list[Any]],
                  generation: int = 0) -> "SearchIndex":
        items: dict[str, Item] = {}
        name_preds = (P["skos"] + "prefLabel", P["schema"] + "name")
        for s, kind, p, text in text_rows:
            if s is None or text is None:
                continue
            item = items.setdefault(s[1], Item(s[1], kind[1]))
            lang = text[2] or ""
            if p[1] in name_preds:
                item.names.setdefault(lang, text[1])
            elif p[1] == P["skos"] + "altLabel":
                if text[1] not in item.alt_names:
                    item.alt_names.append(text[1])
            else:
                item.descriptions.setdefault(lang, text[1])
        facet_iris: dict[tuple[str, str], str] = {}
        for s, facet, v in facet_rows:
            if s is None or v is None or s[1] not in items:
                continue
            code = code_of(v[1])
            items[s[1]].facets.setdefault(facet[1], set()).add(code)
            facet_iris[(facet[1], code)] = v[1]
        labels: dict[str, dict[str, str]] = {}
        for v, label in label_rows:
            labels.setdefault(v[1], {}).setdefault(label[2] or "", label[1])
        index = cls(list(items.values()), labels, generation)
        for (facet, code), iri in facet_iris.items():
            index.iris[facet][code] = iri
        return index

    # -- reading ------------------------------------------------------------------------------------
    def _prefix(self, term: str, vocabulary: list[str], postings: dict[str, set[int]]) -> set[int]:
        start = bisect.bisect_left(vocabulary, term)
        found: set[int] = set()
        for word in vocabulary[start:]:
            if not word.startswith(term):
                break
            found |= postings[word]
        return found

    def search(self, query: str = "", *, filters: dict[str, list[str]] | None = None, kind: str | None = None,
               page: int = 1, per_page: int = PER_PAGE, lang: str = "de") -> SearchResult:
        """Items matching every term of *query* (prefix, accent- and case-insensitive) and every facet filter."""
        filters = {f: [c for c in (filters or {}).get(f, []) if c] for f in FACETS}
        terms = tokens(query)
        ids: set[int] | None = None  # None = all items
        for term in terms:
            found = self._prefix(term, self.vocabulary, self.words)
            ids = found if ids is None else ids & found
        for facet in FACETS:
            if filters[facet]:
                found = set().union(*(self.postings[facet].get(code, set()) for code in filters[facet]))
                ids = found if ids is None else ids & found
        kind_counts = self._kind_counts(ids)
        if kind in KINDS:
            ids = set(self.kinds[kind]) if ids is None else ids & self.kinds[kind]
        total = len(self.items) if ids is None else len(ids)
        page = max(1, page)
        start = (page - 1) * per_page
        if ids is None:
            chosen = list(range(start, min(start + per_page, total)))
        else:
            # names first, then descriptions; within each, alphabetical (ids are in name order)
            name_hits: set[int] = set(ids)
            for term in terms:
                name_hits &= self._prefix(term, self.name_vocabulary, self.name_words)
            ordered = sorted(name_hits) + sorted(ids - name_hits) if terms else sorted(ids)
            chosen = ordered[start:start + per_page]
        return SearchResult(query, {f: v for f, v in filters.items() if v}, kind if kind in KINDS else None, page,
                            per_page, total, [self.items[i] for i in chosen], self._facets(ids, filters, lang), kind_counts)

    def _kind_counts(self, ids: set[int] | None) -> dict[str, int]:
        if ids is None:
            return {k: len(v) for k, v in self.kinds.items()}
        return {k: len(ids & v) for k, v in self.kinds.items()}

    def _facets(self, ids: set[int] | None, filters: dict[str, list[str]], lang: str) -> dict[str, list[FacetValue]]:
        counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
        if ids is None:
            for facet in FACETS:
                counts[facet] = Counter({code: len(s) for code, s in self.postings[facet].items()})
        elif len(ids) * 6 < self.total_postings:
            for i in ids:
                for facet, codes in self.items[i].facets.items():
                    counts[facet].update(codes)
        else:
            for facet in FACETS:
                counts[facet] = Counter({code: len(ids & s) for code, s in self.postings[facet].items()})
        out: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            values = []
            for code in set(counts[facet]) | set(filters.get(facet, [])):
                count = counts[facet].get(code, 0)
                selected = code in filters.get(facet, [])
                if not count and not selected:
                    continue
                iri = self.iris[facet].get(code, "")
                names = self.labels.get(iri, {})
                label = _pick(names, lang) or code
                others = tuple(sorted((l, t) for l, t in names.items() if l not in ("de", "en", "")))
                values.append(FacetValue(facet, code, iri, label, others, count, selected))
            values.sort(key=lambda v: (-v.count, normalise(v.label)))
            out[facet] = values
        return out


def build_index(service: Any, generation: int = 0, *, timeout: float | None = None) -> SearchIndex:
    """Read the index from the store (three queries, paged to stay within the service's result limit)."""
    text_rows = select_all(service, TEXT_QUERY, timeout=timeout)
    facet_rows = select_all(service, FACET_QUERY, timeout=timeout)
    label_rows = select_all(service, LABEL_QUERY, timeout=timeout)
    return SearchIndex.from_rows(text_rows, facet_rows, label_rows, generation)


def select_all(service: Any, query: str, *, timeout: float | None = None) -> list[list[Any]]:
    """All rows of a SELECT, read in pages of the service's result limit (the store does not change meanwhile:
    the index belongs to one generation, and a page's evaluation order is deterministic for it)."""
    from .query import QueryRequest

    page = int(getattr(service, "limit", 100_000))
    rows: list[list[Any]] = []
    offset = 0
    while True:
        text = f"{query} LIMIT {page} OFFSET {offset}"
        result = service.run(QueryRequest(text), timeout=timeout) if timeout else service.run(QueryRequest(text))
        rows.extend(result.rows)
        if len(result.rows) < page:
            return rows
        offset += page


class IndexCache:
    """One index per store generation; built once even when several requests ask at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None

    def get(self, service: Any, generation: int, *, timeout: float | None = None) -> SearchIndex:
        index = self._index
        if index is not None and index.generation == generation:
            return index
        with self._lock:
            if self._index is None or self._index.generation != generation:
                self._index = build_index(service, generation, timeout=timeout)
            return self._index
