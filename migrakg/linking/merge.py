"""Links that merge: records joined by a reviewed `owl:sameAs` are one entry for search and `/reconcile`,
shown as their *canonical* record; every member's page names the others.

Only `owl:sameAs` merges, and in migrakg only a person's review makes it (`POST /links/decision`,
`migrakg link --review`); a candidate (`skos:closeMatch`, proposed or not) never does. Only records of the
same kind are joined (an organisation and its `owl:sameAs` to Wikidata are not two records of ours).

**The canonical record** of a set: the curated one — from `data/`, its IRI without an import's
`{source}--` prefix — over any copy an import brought; among several of one sort the first IRI in
alphabetical order (stable whoever decides when).

>>> sets = canonical_map([("B/imp--narud", "B/narud"), ("B/narud", "B/imp--narud"), ("B/x--a", "B/y--a")])
>>> sets["B/imp--narud"], sets["B/narud"], sets["B/y--a"]
('B/narud', 'B/narud', 'B/x--a')
"""

from __future__ import annotations

from collections.abc import Iterable

from ..namespaces import PREFIXES

OWL_SAME_AS = PREFIXES["owl"] + "sameAs"
#: the classes whose records merge (one kind each: a record only merges with one of its own kind)
MERGING_CLASSES = tuple(PREFIXES["mkg"] + name for name in ("Organisation", "Offer", "Network", "Project"))

SAME_AS_QUERY = (
    f"SELECT DISTINCT ?a ?b WHERE {{ ?a <{OWL_SAME_AS}> ?b . ?a a ?t . ?b a ?t "
    f"FILTER(?a != ?b && ?t IN ({', '.join(f'<{c}>' for c in MERGING_CLASSES)})) }}"
)


def curated_first(iri: str) -> tuple[bool, str]:
    """Sort key of the canonical rule: a record of data/ (no `{source}--` in its slug) before an imported one,
    then by IRI."""
    return ("--" in iri.rstrip("/").rsplit("/", 1)[-1], iri)


def canonical_map(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Every record of a set joined by *pairs* (`owl:sameAs`, either direction, transitively) → the
    canonical record of its set (which maps to itself). Records in no pair are not in the map."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb, key=curated_first)] = min(ra, rb, key=curated_first)
    return {x: root(x) for x in parent}


def members(canonical: dict[str, str]) -> dict[str, list[str]]:
    """Canonical record → every record of its set (itself first, then the others in the canonical order)."""
    out: dict[str, list[str]] = {}
    for iri, head in canonical.items():
        out.setdefault(head, []).append(iri)
    return {head: sorted(group, key=lambda i: (i != head, *curated_first(i))) for head, group in out.items()}
