"""Full-text and faceted search over organisations and offers, from an in-memory index.

The index is read from the store with SPARQL queries through the query service (texts, facet values,
vocabulary labels, the reviewed owl:sameAs that make several records one entry) and kept per store
generation. Text is folded the way the matcher folds it (`migrakg.folding`: case, accents, ä/ae, ö/oe, ü/ue, ß/ss — "strasse" finds "Straße", "Mueller" and
"Muller" find "Müller"). Every query term must be found (AND) in the record's name, alternative names,
description, or the labels — German, English and the others — of its facet values ("Arabisch",
"Arabic", "Beratung", "counselling", "Pankow"): at the start of a word (prefix), or, for terms of
four letters or more, inside a word, so that parts of compounds count ("beratung" finds
"Migrationsberatung", "cafe" finds "SprachCafé"). Gender forms are one word ("Lots*innen"), query
words are cut to their stem ("Integrationslotsen" → "integrationslots", "families" → "famil"), one-word
labels of the vocabularies stand for the words they start or end ("Kulturverein" is found by "culture"),
a migrant organisation is found by the labels of that target group, an organisation by its offers' texts.
Records whose names hold every term come first.

Facets (parameter → values are codes: the last segment of the concept or district IRI):
- district: schema:areaServed, mkg:seatDistrict, the mkg:district of org:hasSite places, and for an
  organisation also the schema:areaServed of the offers it provides (offers: also the district of
  each place they take place at: schema:availableChannel/schema:serviceLocation);
- language, audience, type (offer type): of the offer; an organisation has those of its offers;
- field: mkg:fieldOfActivity of the record; an organisation also those of its offers.
Several values of one facet are alternatives (OR); different facets must all hold (AND).
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from ..folding import fold, gender_joined, stem, without_marks
from ..linking.merge import SAME_AS_QUERY, canonical_map
from ..namespaces import PREFIXES

FACETS = ("district", "language", "field", "audience", "type")
KINDS = ("organisation", "offer")
PER_PAGE = 20
INFIX = 4  # terms this long also match inside a word ("beratung" in "migrationsberatung")
_WORD = re.compile(r"\w+")

P = {k: PREFIXES[k] for k in ("mkg", "schema", "skos", "dcterms", "org")}

US, RS = "\u001f", "\u001e"  # unit and record separators: one row per item carries all its texts / facet values

_TEXTS = f"""{{ ?s <{P["skos"]}prefLabel> ?text BIND("name" AS ?field) }} UNION {{ ?s <{P["schema"]}name> ?text BIND("name" AS ?field) }}
  UNION {{ ?s <{P["skos"]}altLabel> ?text BIND("alt" AS ?field) }} UNION {{ ?s <{P["dcterms"]}description> ?text BIND("description" AS ?field) }}"""

# an organisation's values that come from the offers it provides are marked "via-" (they filter the
# same; the ranking puts a record's own words first)
VIA = "via-"
_OFFER_FACETS = """{{ {o} <{schema}areaServed> ?v BIND("{via}district" AS ?facet) }}
     UNION {{ {o} <{dcterms}language> ?v BIND("{via}language" AS ?facet) }}
     UNION {{ {o} <{schema}audience> ?v BIND("{via}audience" AS ?facet) }}
     UNION {{ {o} <{mkg}offerType> ?v BIND("{via}type" AS ?facet) }}
     UNION {{ {o} <{mkg}fieldOfActivity> ?v BIND("{via}field" AS ?facet) }}"""

# what a record is, found by words: an organisation a source calls a migrant organisation is found by the
# labels of the target group that names such organisations (Migrant*innenorganisationen, Migrantenorganisationen,
# Migrantenselbstorganisationen, MSO, migrant organisations); no facet of its own
TAG = "tag"
_FACETS = {
    "organisation": f"""{{ ?s <{P["schema"]}areaServed> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P["mkg"]}seatDistrict> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P["org"]}hasSite> ?site . ?site <{P["mkg"]}district> ?v BIND("district" AS ?facet) }}
     UNION {{ ?s <{P["mkg"]}fieldOfActivity> ?v BIND("field" AS ?facet) }}
     UNION {{ ?o <{P["schema"]}provider> ?s . {_OFFER_FACETS.format(o="?o", via=VIA, **P)} }}
     UNION {{ ?s <{P["mkg"]}isMigrantOrganisation> true . ?v <{P["skos"]}notation> "migrant-organisations" ; a <{P["schema"]}Audience>
              BIND("{TAG}" AS ?facet) }}""",
    "offer": f"""{_OFFER_FACETS.format(o="?s", via="", **P)}
     UNION {{ ?s <{P["schema"]}availableChannel> ?channel . ?channel <{P["schema"]}serviceLocation> ?place .
              ?place <{P["mkg"]}district> ?v BIND("district" AS ?facet) }}""",
}
# the texts of the offers an organisation provides (names, descriptions) find it too, ranked after its own
_TEXTS_OF = {
    "organisation": f"""{_TEXTS} UNION {{ ?o <{P["schema"]}provider> ?s .
    {{ ?o <{P["skos"]}prefLabel>|<{P["schema"]}name>|<{P["skos"]}altLabel>|<{P["dcterms"]}description> ?text }} BIND("via" AS ?field) }}""",
    "offer": _TEXTS,
}
_CLASSES = {"organisation": P["mkg"] + "Organisation", "offer": P["mkg"] + "Offer"}


def text_query(kind: str) -> str:
    """One row per record of *kind*: its IRI and all its names, alternative names and descriptions (an
    organisation's also those of the offers it provides, marked "via")."""
    return (
        f'SELECT ?s (GROUP_CONCAT(CONCAT(?field, "\\u001F", LANG(?text), "\\u001F", STR(?text)); separator="\\u001E") AS ?texts) '
        f"WHERE {{ ?s a <{_CLASSES[kind]}> . {_TEXTS_OF[kind]} }} GROUP BY ?s"
    )


def facet_query(kind: str) -> str:
    """One row per record of *kind* that has facet values: its IRI and `facet US value-IRI` joined by RS."""
    return (
        f'SELECT ?s (GROUP_CONCAT(CONCAT(?facet, "\\u001F", STR(?v)); separator="\\u001E") AS ?facets) '
        f"WHERE {{ ?s a <{_CLASSES[kind]}> . {_FACETS[kind]} }} GROUP BY ?s"
    )


LABEL_QUERY = f"""SELECT ?s ?label ?which WHERE {{
  {{ ?s <{P["skos"]}inScheme> ?scheme }} UNION {{ ?s a <{P["mkg"]}District> }}
  {{ ?s <{P["skos"]}prefLabel> ?label BIND("pref" AS ?which) }} UNION {{ ?s <{P["skos"]}altLabel> ?label BIND("alt" AS ?which) }}
}}"""


def normalise(text: str) -> str:
    """Text as the index compares it: the one folding of migrakg (`migrakg.folding.fold`), shared with the
    matcher — 'SprachCafé Straße' → 'sprachcafe strasse', 'Müller' → 'mueller'."""
    return fold(text)


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


# little words people put between the ones they mean ("Beratung auf Arabisch", "counselling in Arabic"):
# left out of a query that has other words, as every word must be found
STOPWORDS = frozenset(
    "und oder in im am an auf fuer mit von vom zu zum zur der die das den dem des ein eine einen bei nach "
    "and or in on at for with from of to the a an by".split()
)


def query_terms(query: str, *, stems: bool = True) -> list[str]:
    """The words of a query that must be found: folded, gender forms joined, each once, without little words
    (unless the query has nothing else), each cut to its stem (`migrakg.folding.stem`: found at the start of
    a word, the stem finds every form of the word).

    >>> query_terms("Beratung auf Arabisch"), query_terms("counselling in Arabic"), query_terms("in")
    (['berat', 'arabisch'], ['counselling', 'arabic'], ['in'])
    >>> query_terms("Integrationslots*innen"), query_terms("Integrationslotsen"), query_terms("families")
    (['integrationslots'], ['integrationslots'], ['famil'])
    """
    terms = list(dict.fromkeys(tokens(gender_joined(query))))
    meant = [t for t in terms if t not in STOPWORDS]
    return list(dict.fromkeys(stem(t) if stems else t for t in meant or terms))


def index_words(text: str) -> set[str]:
    """The words a text is found by: each word folded (ü → ue), and also without its dots (ü → u), so
    that "Mueller", "Müller" and "Muller" all find "Müller"; gender forms also as one word
    ("Lots*innen": "lots", "innen" and "lotsinnen")."""
    joined = gender_joined(text)
    words = set(_WORD.findall(fold(text))) | set(_WORD.findall(without_marks(text)))
    if joined is not text:
        words |= set(_WORD.findall(fold(joined))) | set(_WORD.findall(without_marks(joined)))
    return words


class Synonyms:
    """Words of the vocabularies' labels that stand for a concept: a text word that starts or ends with
    one ("Kulturverein", "Stadtkultur" ← *Kultur*; "Stadtteilzentrums" ← *Stadtteilzentrum*) is found by
    all the concept's labels — every language and the alternative ones ("culture", "community centre").
    So an English query finds a German-only text, and the other way round. Only labels of one word of
    INFIX letters or more count (after folding and joining gender forms)."""

    def __init__(self, labels: dict[str, list[str]]):
        self.heads: dict[str, set[str]] = {}  # label word → the words of all labels of its concepts
        for every_label in labels.values():
            words = index_words(" ".join(every_label))
            for label in every_label:
                single = _WORD.findall(fold(gender_joined(label)))
                if len(single) == 1 and len(single[0]) >= INFIX:
                    self.heads.setdefault(single[0], set()).update(words)
        self.longest = max(map(len, self.heads), default=0)
        self._cache: dict[str, frozenset[str]] = {}
        self._splits: dict[str, list[tuple[str, set[str]]]] | None = None

    def of(self, word: str) -> frozenset[str]:
        found = self._cache.get(word)
        if found is None:
            words: set[str] = set()
            for length in range(INFIX, min(len(word), self.longest) + 1):
                words |= self.heads.get(word[:length], set()) | self.heads.get(word[-length:], set())
            found = self._cache[word] = frozenset(words)
        return found

    def spread(self, postings: dict[str, list[int]]) -> None:
        """Give the items of every word (*postings*: word → item numbers) also to its synonyms (`of`)."""
        added: dict[str, list[int]] = {}
        for word, ids in postings.items():
            for synonym in self.of(word):
                added.setdefault(synonym, []).extend(ids)
        for synonym, ids in added.items():
            postings.setdefault(synonym, []).extend(ids)

    def written_apart(self, text: str) -> set[str]:
        """The labels of concepts whose one-word label a text writes as two words ("neu zugewanderte
        Frauen" ← *Neuzugewanderte*): two neighbouring words joined that start with such a label."""
        if self._splits is None:  # head → (its start, the rest): ("neu", "zugewanderte") …
            self._splits = {}
            for head, words in self.heads.items():
                for cut in range(1, len(head)):
                    self._splits.setdefault(head[:cut], []).append((head[cut:], words))
        out: set[str] = set()
        found = _WORD.findall(fold(gender_joined(text)))
        for first, second in zip(found, found[1:], strict=False):
            for rest, words in self._splits.get(first, ()):
                if second.startswith(rest):
                    out |= words
        return out


def code_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class Item:
    iri: str
    kind: str
    names: dict[str, str] = field(default_factory=dict)  # lang ('' for none) → name
    alt_names: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    via_texts: list[str] = field(default_factory=list)  # names and descriptions of the offers it provides
    more_texts: list[str] = field(default_factory=list)  # descriptions of the records merged into it
    members: list[str] = field(default_factory=list)  # the other records joined to it by a reviewed owl:sameAs
    tags: set[str] = field(default_factory=set)  # IRIs of concepts saying what it is (a migrant organisation)
    facets: dict[str, set[str]] = field(default_factory=dict)  # facet → codes
    inherited: dict[str, set[str]] = field(default_factory=dict)  # facet → codes only its offers have

    def name(self, lang: str) -> str:
        return _pick(self.names, lang) or code_of(self.iri)

    def description(self, lang: str) -> str:
        return _pick(self.descriptions, lang)

    def text_lang(self, which: str, lang: str) -> str:
        """The language of the name or description ("names" / "descriptions") shown on a *lang* page:
        the page marks it when it is another one ('' when the text has no language tag)."""
        return _pick_lang(getattr(self, which), lang)


def _pick_lang(values: dict[str, str], lang: str) -> str:
    for wanted in (lang, "de", "en", ""):
        if values.get(wanted):
            return wanted
    return next(iter(values), "")


def _pick(values: dict[str, str], lang: str) -> str:
    return values.get(_pick_lang(values, lang), "")


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

    def __init__(
        self,
        items: list[Item],
        labels: dict[str, dict[str, str]],
        generation: int = 0,
        iris: dict[str, dict[str, str]] | None = None,
        alt_labels: dict[str, list[str]] | None = None,
    ):
        items.sort(key=lambda i: (normalise(i.name("de")), i.iri))
        self.items = items
        self.size = len(items)
        self.generation = generation
        self.labels = labels
        self.everything = (1 << self.size) - 1
        words: dict[str, list[int]] = {}  # every word that finds the item
        own_words: dict[str, list[int]] = {}  # … except those of values only its offers have
        name_words: dict[str, list[int]] = {}
        postings: dict[str, dict[str, list[int]]] = {f: {} for f in FACETS}
        kinds: dict[str, list[int]] = {k: [] for k in KINDS}
        self.iris: dict[str, dict[str, str]] = {f: dict((iris or {}).get(f, {})) for f in FACETS}  # facet → code → IRI
        label_words: dict[str, set[str]] = {}  # facet value IRI → the words of all its labels
        every_label = {iri: [*names.values(), *(alt_labels or {}).get(iri, [])] for iri, names in labels.items()}
        synonyms = Synonyms(every_label)

        def words_of(iri: str) -> set[str]:
            if iri not in label_words:
                label_words[iri] = index_words(" ".join(every_label.get(iri, [])))
            return label_words[iri]

        for i, item in enumerate(items):
            kinds.setdefault(item.kind, []).append(i)
            name_tokens = index_words(" ".join([*item.names.values(), *item.alt_names]))
            for word in name_tokens:
                name_words.setdefault(word, []).append(i)
            own = name_tokens | index_words(" ".join([*item.descriptions.values(), *item.more_texts]))
            for text in [*item.names.values(), *item.alt_names, *item.descriptions.values(), *item.more_texts]:
                own |= synonyms.written_apart(text)
            for tag in item.tags:
                own |= words_of(tag)
            found_by = own | index_words(" ".join(item.via_texts))
            for text in item.via_texts:
                found_by |= synonyms.written_apart(text)
            for facet, codes in item.facets.items():
                for code in codes:
                    values = words_of(self.iris[facet].get(code, ""))
                    found_by |= values
                    if code not in item.inherited.get(facet, ()):
                        own |= values
            for word in found_by | own:
                words.setdefault(word, []).append(i)
            for word in own:
                own_words.setdefault(word, []).append(i)
            for facet, codes in item.facets.items():
                for code in codes:
                    postings[facet].setdefault(code, []).append(i)
        synonyms.spread(words)
        synonyms.spread(own_words)
        self.texts = {
            "all": (sorted(words), words),
            "own": (sorted(own_words), own_words),
            "names": (sorted(name_words), name_words),
        }
        self.postings = {f: {code: self._bits(ids) for code, ids in values.items()} for f, values in postings.items()}
        self.kinds = {k: self._bits(ids) for k, ids in kinds.items()}
        self._term_cache: dict[tuple[str, str, bool], int] = {}
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
        same_as: list[tuple[str, str]] | None = None,
    ) -> SearchIndex:
        """From plain rows: text (iri, kind, name|alt|description|via, lang, text), facets (iri, facet|"tag", value IRI),
        labels (IRI, lang, label[, "alt"]) — alternative labels ("Lotsendienst") only find, they are not shown;
        *same_as*: pairs of records joined by a reviewed owl:sameAs — each set is one item, its canonical record
        (`migrakg.linking.merge`), found by the names, descriptions and values of every member."""
        canonical = canonical_map(same_as or [])
        items: dict[str, Item] = {}
        for s, kind, which, lang, text in text_rows:
            head = canonical.get(s, s)
            if head != s:  # a member's names are the canonical record's alternative names, its texts its own
                which = {"name": "alt", "description": "more"}.get(which, which)
                s = head
            item = items.get(s) or items.setdefault(s, Item(s, kind))
            if which == "more":
                item.more_texts.append(text)
            elif which == "name":
                item.names.setdefault(lang, text)
            elif which == "alt":
                if text not in item.alt_names:
                    item.alt_names.append(text)
            elif which == "via":
                item.via_texts.append(text)
            else:
                item.descriptions.setdefault(lang, text)
        facet_iris: dict[tuple[str, str], str] = {}
        codes: dict[str, str] = {}
        via: dict[str, dict[str, set[str]]] = {}  # item → facet → codes from its offers
        own: dict[str, dict[str, set[str]]] = {}  # item → facet → codes of its own
        for iri, head in canonical.items():
            if iri != head and head in items:
                items[head].members.append(iri)
        for s, facet, v in facet_rows:
            s = canonical.get(s, s)
            found = items.get(s)
            if found is None:
                continue
            item = found
            if facet == TAG:
                item.tags.add(v)
                continue
            inherited = facet.startswith(VIA)
            facet = facet.removeprefix(VIA)
            code = codes.get(v)
            if code is None:
                code = codes[v] = code_of(v)
                facet_iris[(facet, code)] = v
            item.facets.setdefault(facet, set()).add(code)
            facet_iris.setdefault((facet, code), v)
            (via if inherited else own).setdefault(s, {}).setdefault(facet, set()).add(code)
        for s, by_facet in via.items():
            for facet, from_offers in by_facet.items():
                items[s].inherited[facet] = from_offers - own.get(s, {}).get(facet, set())
        labels: dict[str, dict[str, str]] = {}
        alt_labels: dict[str, list[str]] = {}
        for v, lang, label, *label_kind in label_rows:
            if label_kind and label_kind[0] == "alt":
                alt_labels.setdefault(v, []).append(label)
            else:
                labels.setdefault(v, {}).setdefault(lang, label)
        iris: dict[str, dict[str, str]] = {}
        for (facet, code), iri in facet_iris.items():
            iris.setdefault(facet, {})[code] = iri
        for item in items.values():
            item.members.sort()
        return cls(list(items.values()), labels, generation, iris, alt_labels)

    # -- reading ------------------------------------------------------------------------------------
    def _term(self, term: str, text: str = "all", infix: bool = True) -> int:
        """Items with a word starting with *term* — or, for a term of INFIX letters or more, holding it
        anywhere (parts of compounds) — as a bitmap; *text* is "all" their words, their "own" (not those
        of their offers) or their "names". Recent terms are cached."""
        key = (term, text, infix)
        cached = self._term_cache.get(key)
        if cached is not None:
            return cached
        vocabulary, postings = self.texts[text]
        buffer = bytearray((self.size + 7) // 8)
        position = bisect.bisect_left(vocabulary, term)
        while position < len(vocabulary) and vocabulary[position].startswith(term):
            for i in postings[vocabulary[position]]:
                buffer[i >> 3] |= 1 << (i & 7)
            position += 1
        if infix and len(term) >= INFIX:
            for word in vocabulary:
                if term in word and not word.startswith(term):
                    for i in postings[word]:
                        buffer[i >> 3] |= 1 << (i & 7)
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
        terms = query_terms(query)
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
        chosen = self._ranked(hits, terms, start, per_page, query_terms(query, stems=False))
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

    def _ranked(self, hits: int, terms: list[str], start: int, count: int, words: list[str] | None = None) -> list[int]:
        """Positions *start* … *start+count-1* of *hits* in the order of relevance: records whose names
        hold every word as typed at the start of a word, then every stem (*terms*: "lotsen" → "lots"),
        then inside words, then records whose own texts and values hold them, then the rest (an organisation
        found through its offers); name order within each."""
        if not terms:
            return self._positions(hits, start, count)
        tiers = []
        rest = hits
        for wanted, text, infix in (
            (words or terms, "names", False),
            (terms, "names", False),
            (terms, "names", True),
            (terms, "own", True),
        ):
            tier = rest
            for term in wanted:
                tier &= self._term(term, text, infix)
            tiers.append(tier)
            rest &= ~tier
        tiers.append(rest)
        chosen: list[int] = []
        for tier in tiers:
            size = tier.bit_count()
            if start >= size:
                start -= size
                continue
            chosen += self._positions(tier, start, count - len(chosen))
            start = 0
            if len(chosen) == count:
                break
        return chosen

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
    per record), one for the vocabulary labels and one for the reviewed owl:sameAs — six SPARQL queries through the query service, run side
    by side on its workers."""
    from concurrent.futures import ThreadPoolExecutor

    queries = {("text", kind): text_query(kind) for kind in KINDS} | {("facet", kind): facet_query(kind) for kind in KINDS}
    queries[("label", "")] = LABEL_QUERY
    queries[("same", "")] = SAME_AS_QUERY
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
    label_rows: list[tuple[str, ...]] = [
        (v[1], label[2] or "", label[1], which[1] if which else "pref")
        for v, label, which in results[("label", "")]
        if v is not None and label is not None
    ]
    same_as = [(a[1], b[1]) for a, b in results[("same", "")] if a is not None and b is not None]
    return SearchIndex.from_rows(text_rows, facet_rows, label_rows, generation, same_as)


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
