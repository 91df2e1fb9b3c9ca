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
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..namespaces import PREFIXES

FACETS = ("district", "language", "field", "audience", "type")
KINDS = ("organisation", "offer")
PER_PAGE = 20
_WORD = re.compile(r"\w+")

P = {k: PREFIXES[k] for k in ("mkg", "schema", "skos", "dcterms", "org")}

US, RS = "\u001f", "\u001e"  # unit and record separators: one row per item carries all its texts / facet values

_TEXTS = f"""{{ ?s <{P["skos"]}prefLabel> ?text BIND("name" AS ?field) }} UNION {{ ?s <{P["schema"]}name> ?text BIND("name" AS ?field) }}
  UNION {{ ?s <{P["skos"]}altLabel> ?text BIND("alt" AS ?field) }} UNION {{ ?s <{P["dcterms"]}description> ?text BIND("description" AS ?field) }}"""

_OFFER_FACETS = """{{ {o} <{schema}areaServed> ?v BIND("district" AS ?facet) }}
     UNION {{ {o} <{dcterms}language> ?v BIND("language" AS ?facet) }}
     UNION {{ {o} <{schema}audience> ?v BIND("audience" AS ?facet) }}
     UNION {{ {o} <{mkg}offerType> ?v BIND("type" AS ?facet) }}
     UNION {{ {o} <{mkg}fieldOfActivity> ?v BIND("field" AS ?facet) }}"""

_FACETS = {
    "organisation": f"""{{ ?s <{P["schema"]}areaServed> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P["mkg"]}seatDistrict> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P["org"]}hasSite> ?site . ?site <{P["mkg"]}district> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P["mkg"]}fieldOfActivity> ?v BIND("field" AS ?facet) }}
     UNION {{ ?o <{P["schema"]}provider> ?s . {_OFFER_FACETS.format(o="?o", **P)} }}""",
    "offer": f"""{_OFFER_FACETS.format(o="?s", **P)}
     UNION {{ ?s <{P["schema"]}location> ?place . ?place <{P["mkg"]}district> ?v BIND("district" AS ?facet) }}""",
}
_CLASSES = {"organisation": P["mkg"] + "Organisation", "offer": P["mkg"] + "Offer"}


def text_query(kind: str) -> str:
    """One row per record of *kind*: its IRI and all its names, alternative names and descriptions."""
    return (
        f'SELECT ?s (GROUP_CONCAT(CONCAT(?field, "\\u001F", LANG(?text), "\\u001F", STR(?text)); separator="\\u001E") AS ?texts) '
        f"WHERE {{ ?s a <{_CLASSES[kind]}> . {_TEXTS} }} GROUP BY ?s"
    )


def facet_query(kind: str) -> str:
    """One row per record of *kind* that has facet values: its IRI and `facet US value-IRI` joined by RS."""
    return (
        f'SELECT ?s (GROUP_CONCAT(CONCAT(?facet, "\\u001F", STR(?v)); separator="\\u001E") AS ?facets) '
        f"WHERE {{ ?s a <{_CLASSES[kind]}> . {_FACETS[kind]} }} GROUP BY ?s"
    )


LABEL_QUERY = f"""SELECT ?s ?label WHERE {{
  {{ ?s <{P["skos"]}inScheme> ?scheme }} UNION {{ ?s a <{P["mkg"]}District> }}
  ?s <{P["skos"]}prefLabel> ?label
}}"""


@functools.cache
def _without_marks() -> dict[int, str | None]:
    """str.translate table deleting every combining mark (built once, on first use)."""
    table: dict[int, str | None] = {code: None for code in range(0x30000) if unicodedata.combining(chr(code))}
    # letters NFKD does not take apart
    table.update(
        {
            ord(a): b
            for a, b in zip("łŁøØđĐħĦıæÆœŒþÞ", ["l", "l", "o", "o", "d", "d", "h", "h", "i", "ae", "ae", "oe", "oe", "th", "th"])
        }
    )
    return table  # type: ignore[return-value]


def normalise(text: str) -> str:
    """Casefolded text without accents: 'SprachCafé Straße' → 'sprachcafe strasse'."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_without_marks()).casefold().replace("ß", "ss")


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
    """The search index of one store generation. Thread-safe for reading.

    Items are numbered in name order. Sets of items are bitmaps (Python ints): a facet value's items, a
    kind's items, a search result — so filters are `&`, counts are `bit_count()`, and a page of results
    is read off the lowest set bits. Words keep plain id lists (there are many words, most are rare)."""

    def __init__(self, items: list[Item], labels: dict[str, dict[str, str]], generation: int = 0):
        items.sort(key=lambda i: (normalise(i.name("de")), i.iri))
        self.items = items
        self.size = len(items)
        self.generation = generation
        self.labels = labels
        self.everything = (1 << self.size) - 1
        words: dict[str, list[int]] = {}
        name_words: dict[str, list[int]] = {}
        postings: dict[str, dict[str, list[int]]] = {f: {} for f in FACETS}
        kinds: dict[str, list[int]] = {k: [] for k in KINDS}
        for i, item in enumerate(items):
            kinds.setdefault(item.kind, []).append(i)
            name_tokens = set(tokens(" ".join([*item.names.values(), *item.alt_names])))
            for word in name_tokens:
                name_words.setdefault(word, []).append(i)
            for word in name_tokens | set(tokens(" ".join(item.descriptions.values()))):
                words.setdefault(word, []).append(i)
            for facet, codes in item.facets.items():
                for code in codes:
                    postings[facet].setdefault(code, []).append(i)
        self.words, self.name_words = words, name_words
        self.vocabulary = sorted(words)
        self.name_vocabulary = sorted(name_words)
        self.postings = {f: {code: self._bits(ids) for code, ids in values.items()} for f, values in postings.items()}
        self.kinds = {k: self._bits(ids) for k, ids in kinds.items()}
        self.iris: dict[str, dict[str, str]] = {f: {} for f in FACETS}  # facet → code → IRI
        self._term_cache: dict[tuple[str, bool], int] = {}
        self._cache_lock = threading.Lock()

    def _bits(self, ids: list[int] | set[int]) -> int:
        buffer = bytearray((self.size + 7) // 8)
        for i in ids:
            buffer[i >> 3] |= 1 << (i & 7)
        return int.from_bytes(buffer, "little")

    def _positions(self, bits: int, start: int, count: int) -> list[int]:
        """The positions of set bits number start … start+count-1 (lowest first)."""
        out: list[int] = []
        if count <= 0 or not bits:
            return out
        words = memoryview(bits.to_bytes(((self.size + 63) // 64) * 8 or 8, "little")).cast("Q")
        seen = 0
        for index, word in enumerate(words):
            if not word:
                continue
            n = word.bit_count()
            if seen + n <= start:
                seen += n
                continue
            while word:
                low = word & -word
                if seen >= start:
                    out.append(index * 64 + low.bit_length() - 1)
                    if len(out) == count:
                        return out
                seen += 1
                word ^= low
        return out

    @classmethod
    def from_rows(
        cls,
        text_rows: list[tuple[str, ...]],
        facet_rows: list[tuple[str, ...]],
        label_rows: list[tuple[str, ...]],
        generation: int = 0,
    ) -> SearchIndex:
        """From plain rows: text (iri, kind, name|alt|description, lang, text), facets (iri, facet, value IRI),
        labels (IRI, lang, label)."""
        items: dict[str, Item] = {}
        for s, kind, which, lang, text in text_rows:
            item = items.setdefault(s, Item(s, kind))
            if which == "name":
                item.names.setdefault(lang, text)
            elif which == "alt":
                if text not in item.alt_names:
                    item.alt_names.append(text)
            else:
                item.descriptions.setdefault(lang, text)
        facet_iris: dict[tuple[str, str], str] = {}
        codes: dict[str, str] = {}
        for s, facet, v in facet_rows:
            item = items.get(s)
            if item is None:
                continue
            code = codes.get(v)
            if code is None:
                code = codes[v] = code_of(v)
                facet_iris[(facet, code)] = v
            item.facets.setdefault(facet, set()).add(code)
            facet_iris.setdefault((facet, code), v)
        labels: dict[str, dict[str, str]] = {}
        for v, lang, label in label_rows:
            labels.setdefault(v, {}).setdefault(lang, label)
        index = cls(list(items.values()), labels, generation)
        for (facet, code), iri in facet_iris.items():
            index.iris[facet][code] = iri
        return index

    # -- reading ------------------------------------------------------------------------------------
    def _term(self, term: str, names_only: bool = False) -> int:
        """Items with a word starting with *term* (bitmap); recent terms are cached."""
        key = (term, names_only)
        cached = self._term_cache.get(key)
        if cached is not None:
            return cached
        vocabulary, postings = (self.name_vocabulary, self.name_words) if names_only else (self.vocabulary, self.words)
        buffer = bytearray((self.size + 7) // 8)
        position = bisect.bisect_left(vocabulary, term)
        while position < len(vocabulary) and vocabulary[position].startswith(term):
            for i in postings[vocabulary[position]]:
                buffer[i >> 3] |= 1 << (i & 7)
            position += 1
        bits = int.from_bytes(buffer, "little")
        with self._cache_lock:
            if len(self._term_cache) > 512:
                self._term_cache.clear()
            self._term_cache[key] = bits
        return bits

    def search(
        self,
        query: str = "",
        *,
        filters: dict[str, list[str]] | None = None,
        kind: str | None = None,
        page: int = 1,
        per_page: int = PER_PAGE,
        lang: str = "de",
    ) -> SearchResult:
        """Items matching every term of *query* (prefix, accent- and case-insensitive) and every facet filter."""
        filters = {f: [c for c in (filters or {}).get(f, []) if c] for f in FACETS}
        terms = list(dict.fromkeys(tokens(query)))
        hits = self.everything
        for term in terms:
            hits &= self._term(term)
        for facet in FACETS:
            if filters[facet]:
                alternatives = 0
                for code in filters[facet]:
                    alternatives |= self.postings[facet].get(code, 0)
                hits &= alternatives
        kind_counts = {k: (hits & bits).bit_count() for k, bits in self.kinds.items()}
        if kind in KINDS:
            hits &= self.kinds[kind]
        total = hits.bit_count()
        page = max(1, page)
        start = (page - 1) * per_page
        if terms:  # names that match every word first, then the rest; name order within each group
            names = hits
            for term in terms:
                names &= self._term(term, names_only=True)
            first = names.bit_count()
            chosen = self._positions(names, start, per_page)
            if len(chosen) < per_page:
                chosen += self._positions(hits & ~names, max(0, start - first), per_page - len(chosen))
        else:
            chosen = self._positions(hits, start, per_page)
        return SearchResult(
            query,
            {f: v for f, v in filters.items() if v},
            kind if kind in KINDS else None,
            page,
            per_page,
            total,
            [self.items[i] for i in chosen],
            self._facets(hits, filters, lang),
            kind_counts,
        )

    def _facets(self, hits: int, filters: dict[str, list[str]], lang: str) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            values = []
            selected_codes = filters.get(facet, [])
            for code in set(self.postings[facet]) | set(selected_codes):
                count = (hits & self.postings[facet].get(code, 0)).bit_count()
                selected = code in selected_codes
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
    """Read the index from the store: per kind one query for the texts and one for the facet values (one row
    per record), and one for the vocabulary labels — five SPARQL queries through the query service, run side
    by side on its workers."""
    from concurrent.futures import ThreadPoolExecutor

    queries = {("text", kind): text_query(kind) for kind in KINDS} | {("facet", kind): facet_query(kind) for kind in KINDS}
    queries[("label", "")] = LABEL_QUERY
    with ThreadPoolExecutor(max_workers=max(1, int(getattr(service, "workers", 2)))) as pool:
        futures = {key: pool.submit(select_all, service, query, timeout=timeout) for key, query in queries.items()}
        results = {key: future.result() for key, future in futures.items()}
    text_rows: list[tuple[str, ...]] = []
    facet_rows: list[tuple[str, ...]] = []
    for kind in KINDS:
        for s, texts in results[("text", kind)]:
            if s is None or texts is None:
                continue
            for part in texts[1].split(RS):
                fields = part.split(US, 2)
                if len(fields) == 3:
                    text_rows.append((s[1], kind, *fields))
        for s, facets in results[("facet", kind)]:
            if s is None or facets is None:
                continue
            for part in facets[1].split(RS):
                facet, _, value = part.partition(US)
                if value:
                    facet_rows.append((s[1], facet, value))
    label_rows = [(v[1], label[2] or "", label[1]) for v, label in results[("label", "")] if v is not None and label is not None]
    return SearchIndex.from_rows(text_rows, facet_rows, label_rows, generation)


def select_all(service: Any, query: str, *, timeout: float | None = None) -> list[list[Any]]:
    """All rows of a SELECT. Usually one query; when the result reaches the service's row limit it is read
    again in pages of that size, ordered by ?s so that the pages neither overlap nor leave gaps."""
    from ..sparql.service import QueryRequest

    def run(text: str) -> list[list[Any]]:
        request = QueryRequest(text)
        return (service.run(request, timeout=timeout) if timeout else service.run(request)).rows

    page = int(getattr(service, "limit", 100_000))
    rows = run(f"{query} LIMIT {page}")
    if len(rows) < page:
        return rows
    rows = []
    offset = 0
    while True:
        chunk = run(f"{query} ORDER BY ?s LIMIT {page} OFFSET {offset}")
        rows.extend(chunk)
        if len(chunk) < page:
            return rows
        offset += page


class IndexCache:
    """One index per store generation; built once even when several requests ask at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._warming: int | None = None

    def warm(self, service: Any, generation: int, *, timeout: float | None = None) -> None:
        """Start building the index for *generation* in the background (if it is not there or on its way)."""
        index = self._index
        if (index is not None and index.generation == generation) or self._warming == generation:
            return
        self._warming = generation

        def build() -> None:
            try:
                self.get(service, generation, timeout=timeout)
            except Exception:
                pass
            finally:
                self._warming = None

        threading.Thread(target=build, name="search-index", daemon=True).start()

    def get(self, service: Any, generation: int, *, timeout: float | None = None) -> SearchIndex:
        index = self._index
        if index is not None and index.generation == generation:
            return index
        with self._lock:
            if self._index is None or self._index.generation != generation:
                self._index = build_index(service, generation, timeout=timeout)
            return self._index
