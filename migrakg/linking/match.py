"""Entity resolution: which records of another dataset are ours (`migrakg link`, `/reconcile`).

Blocking (shared name tokens, abbreviations, initials, street, web/e-mail domain, plus a rapidfuzz
nearest-names pass) keeps the comparisons few; scoring combines name similarity (rapidfuzz) with
address, postcode, district and domain evidence. Every score comes with its evidence, so a person
can review it. Decisions (accept/reject) from a review file override the score.

>>> ours = [Entity("o:afebb", "organisation", ["Afrikanische Eltern Verein Berlin Brandenburg AfEBB e.V."], districts=("pankow",))]
>>> index = Index(ours)
>>> best = index.match(Entity("t:1", "organisation", ["AfEBB e.V."], districts=("pankow",)))[0]
>>> best.ours.id, best.score >= 0.9
('o:afebb', True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .normalise import (
    GENERIC_WORDS,
    Name,
    domain_of,
    normalise_name,
    normalise_postcode,
    normalise_street,
    split_house_number,
)

#: score at or above which a pair becomes owl:sameAs (default of `--threshold`)
DEFAULT_THRESHOLD = 0.85
#: score at or above which a pair below the threshold is kept as skos:closeMatch for review
PROBABLE_FLOOR = 0.6
#: a match that rests only on abbreviation ↔ initials never becomes sameAs on its own
INITIALS_CAP = 0.7
#: names that share only generic words ("Familienzentrum …") stay below the probable floor
GENERIC_CAP = 0.55

#: which of our kinds a record of another dataset may be compared with
COMPATIBLE: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation", "network"),
    "network": ("network", "organisation"),
    "place": ("place", "organisation"),
    "project": ("project",),
    "offer": ("offer",),
    "": ("organisation", "network", "place", "project", "offer"),
}


@dataclass(frozen=True)
class Address:
    street: str  # as written
    number: str = ""  # house number as written ("22 E")
    postcode: str = ""

    @property
    def street_key(self) -> str:
        return normalise_street(self.street)

    @property
    def number_parts(self) -> tuple[str, str]:
        return split_house_number(self.number)


@dataclass
class Entity:
    """A record to compare: ours (from the store) or theirs (a file, an endpoint, a reconciliation query)."""

    id: str
    kind: str  # organisation, network, place, project, offer, or "" when unknown
    names: list[str]
    addresses: list[Address] = field(default_factory=list)
    districts: tuple[str, ...] = ()  # district slugs (mitte, pankow …)
    websites: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)  # postcodes known without a street

    def __post_init__(self) -> None:
        expanded: list[str] = []
        for name in self.names:
            if name and name not in expanded:
                expanded.append(name)
            # a long form in brackets is a name of its own: "NARUD e.V. (Network African … Development)"
            if "(" in name and ")" in name:
                inner = name[name.index("(") + 1 : name.rindex(")")].strip()
                if len(inner.split()) >= 2 and inner not in expanded:
                    expanded.append(inner)
        self.names = expanded
        self.prepared: list[Name] = [normalise_name(n) for n in self.names]
        self.domains = {d for d in (domain_of(u) for u in self.websites) if d}
        self.mail_domains = {d for d in (domain_of(e) for e in self.emails) if d}

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.id

    def all_postcodes(self) -> set[str]:
        found = {normalise_postcode(a.postcode) for a in self.addresses} | {normalise_postcode(p) for p in self.postcodes}
        return {p for p in found if p}

    def block_keys(self) -> set[str]:
        keys: set[str] = set()
        for name in self.prepared:
            keys |= {"t:" + t for t in name.key_tokens}
            keys |= {"a:" + a for a in name.acronyms}
            if len(name.tokens) == 1:
                keys.add("a:" + name.tokens[0])
            if len(name.initials) >= 3:
                keys.add("a:" + name.initials)
        for address in self.addresses:
            if address.street_key:
                keys.add("s:" + address.street_key)
        keys |= {"d:" + d for d in self.domains | self.mail_domains}
        return keys


@dataclass
class Candidate:
    ours: Entity
    theirs: Entity
    score: float
    evidence: list[str]


# -- scoring -----------------------------------------------------------------------------------


def name_similarity(a: Name, b: Name) -> tuple[float, str, bool]:
    """(similarity 0–1, evidence, only_initials) for two prepared names."""
    if not a.text or not b.text:
        return 0.0, "", False
    if a.text == b.text:
        return 1.0, f"Name gleich / same name ('{a.text}')", False
    sort = fuzz.token_sort_ratio(a.text, b.text) / 100
    best, why = sort, f"token_sort_ratio {sort:.2f}"
    short, long_ = (a, b) if len(a.text) <= len(b.text) else (b, a)
    if len(short.key_tokens) >= 2:
        subset = fuzz.token_set_ratio(a.text, b.text) / 100
        # one name contained in the other ("Chance BJS" ⊃ "BJS" is handled by abbreviations below)
        coverage = len(short.key_tokens & long_.key_tokens) / max(1, len(short.key_tokens))
        if subset * 0.95 > best and coverage >= 0.99:
            best, why = (
                subset * 0.95,
                f"token_set_ratio {subset:.2f} (ein Name enthält den anderen / one name contains the other)",
            )
    shared_acronyms = set(a.acronyms) & set(b.acronyms)
    if shared_acronyms:
        acronym = sorted(shared_acronyms)[0]
        # the abbreviation is the name itself on one side ("BJS gGmbH" ~ "Chance BJS gGmbH"): strong;
        # an abbreviation shared by longer names ("AWO Landesverband" ~ "AWO Stadtteiltreff") says little
        if short.tokens == [acronym] and acronym not in GENERIC_WORDS:
            value = 0.95
        else:
            value = 0.5 + 0.4 * sort
        if value > best:
            best, why = value, f"gleiche Abkürzung / same abbreviation {acronym.upper()}"
    else:
        for x in a.acronyms:
            for y in b.acronyms:
                if min(len(x), len(y)) >= 4:
                    r = fuzz.ratio(x, y) / 100
                    if r >= 0.8 and 0.85 * r + 0.05 > best:
                        best, why = (
                            0.85 * r + 0.05,
                            f"ähnliche Abkürzung / similar abbreviation {x.upper()} ~ {y.upper()} (ratio {r:.2f})",
                        )
    shared = a.key_tokens & b.key_tokens
    related = shared or any(fuzz.ratio(x, y) >= 85 for x in a.key_tokens for y in b.key_tokens)
    if best > GENERIC_CAP and not related and not shared_acronyms and "abbreviation" not in why:
        # similar letters, but not one word in common ("Familienzentrum Stresow" ~ "Jugendzentrum Steig")
        best, why = GENERIC_CAP, f"kein gemeinsames Wort / no word in common (token_sort_ratio {sort:.2f})"
    if best > GENERIC_CAP and shared and shared <= GENERIC_WORDS and not shared_acronyms:
        # "Familienzentrum Stresow" ~ "Familienzentrum Rohrdamm": only the kind of place is the same
        best, why = GENERIC_CAP, f"nur allgemeine Wörter gemeinsam / only generic words shared ({', '.join(sorted(shared))})"
    only_initials = False
    if best < INITIALS_CAP:
        for short, full in ((a, b), (b, a)):
            acronyms = set(short.acronyms) | ({short.tokens[0]} if len(short.tokens) == 1 else set())
            if len(full.tokens) >= 3 and full.initials and full.initials in acronyms and len(full.initials) >= 3:
                best, why, only_initials = (
                    INITIALS_CAP,
                    f"Abkürzung = Anfangsbuchstaben / abbreviation = initials ({full.initials.upper()})",
                    True,
                )
    return best, why, only_initials


def address_evidence(ours: Entity, theirs: Entity) -> tuple[float, str]:
    """Bonus (or malus) from street and house number, and from postcode."""
    best: tuple[float, str] | None = None
    for a in ours.addresses:
        for b in theirs.addresses:
            if not a.street_key or not b.street_key:
                continue
            street_same = a.street_key == b.street_key or fuzz.ratio(a.street_key, b.street_key) >= 92
            if not street_same:
                candidate = (-0.05, f"andere Straße / other street ({a.street} ≠ {b.street})")
            else:
                (na, la), (nb, lb) = a.number_parts, b.number_parts
                if na and nb and na == nb and la == lb:
                    candidate = (0.15, f"gleiche Adresse / same address ({b.street} {b.number})")
                elif na and nb and na == nb:
                    candidate = (
                        0.1,
                        f"gleiche Straße und Hausnummer {na}, Buchstabe anders / same street and number {na}, letter differs ({a.number} ~ {b.number}): teilweise / partial",
                    )
                elif na and nb:
                    candidate = (0.02, f"gleiche Straße, andere Hausnummer / same street, other number ({a.number} ≠ {b.number})")
                else:
                    candidate = (0.05, f"gleiche Straße / same street ({b.street})")
            if best is None or candidate[0] > best[0]:
                best = candidate
    bonus, why = best if best else (0.0, "")
    pa, pb = ours.all_postcodes(), theirs.all_postcodes()
    if pa and pb:
        if pa & pb:
            bonus += 0.03
            why = (why + "; " if why else "") + f"gleiche PLZ / same postcode {sorted(pa & pb)[0]}"
        else:
            bonus -= 0.03
            why = (why + "; " if why else "") + f"andere PLZ / other postcode ({sorted(pa)[0]} ≠ {sorted(pb)[0]})"
    return bonus, why


def score_pair(ours: Entity, theirs: Entity) -> tuple[float, list[str]]:
    """Score 0–1 for 'these are the same' and the evidence, in German / English."""
    name_score, name_why, only_initials = 0.0, "", False
    for a in ours.prepared:
        for b in theirs.prepared:
            value, why, initials = name_similarity(a, b)
            if value > name_score:
                name_score, name_why, only_initials = value, f"{why}: '{a.original}' ~ '{b.original}'", initials
    evidence = [name_why] if name_why else []
    score = name_score
    bonus, why = address_evidence(ours, theirs)
    if why:
        evidence.append(why)
    score += bonus
    if ours.districts and theirs.districts:
        shared = set(ours.districts) & set(theirs.districts)
        if shared:
            score += 0.03
            evidence.append(f"gleicher Bezirk / same district {sorted(shared)[0]}")
        else:
            score -= 0.1
            evidence.append(f"anderer Bezirk / other district ({', '.join(ours.districts)} ≠ {', '.join(theirs.districts)})")
    if ours.domains and theirs.domains:
        if ours.domains & theirs.domains:
            score += 0.2
            evidence.append(f"gleiche Website / same web domain {sorted(ours.domains & theirs.domains)[0]}")
        else:
            score -= 0.05
            evidence.append("andere Website / other web domain")
    if ours.mail_domains and theirs.mail_domains and ours.mail_domains & theirs.mail_domains:
        shared_mail = sorted(ours.mail_domains & theirs.mail_domains)[0]
        if shared_mail not in GENERIC_MAIL:
            score += 0.15
            evidence.append(f"gleiche E-Mail-Domain / same e-mail domain {shared_mail}")
    if name_score < 0.5:
        score = min(score, PROBABLE_FLOOR - 0.01 + (0.2 if bonus >= 0.1 and name_score >= 0.4 else 0))
    if only_initials:
        score = min(score, INITIALS_CAP)
    return max(0.0, min(1.0, round(score, 4))), evidence


GENERIC_MAIL = {
    "gmail.com",
    "gmx.de",
    "web.de",
    "yahoo.de",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "t-online.de",
    "posteo.de",
    "example.com",
}


# -- index --------------------------------------------------------------------------------------


class Index:
    """Our entities with blocking keys; `match` scores the candidates of one record of theirs."""

    def __init__(self, entities: Iterable[Entity]):
        self.entities = list(entities)
        self.keys: dict[str, set[int]] = {}
        self.name_texts: list[str] = []
        self.name_owner: list[int] = []
        self.acronym_texts: list[str] = []
        self.acronym_owner: list[int] = []
        for i, entity in enumerate(self.entities):
            for key in entity.block_keys():
                self.keys.setdefault(key, set()).add(i)
            for name in entity.prepared:
                if name.text:
                    self.name_texts.append(name.text)
                    self.name_owner.append(i)
                for acronym in name.acronyms:
                    self.acronym_texts.append(acronym)
                    self.acronym_owner.append(i)

    def candidates(self, theirs: Entity, kinds: tuple[str, ...] | None = None) -> set[int]:
        found: set[int] = set()
        for key in theirs.block_keys():
            found |= self.keys.get(key, set())
        for name in theirs.prepared:
            if not name.text:
                continue
            for _text, _score, pos in process.extract(
                name.text, self.name_texts, scorer=fuzz.token_sort_ratio, limit=5, score_cutoff=60
            ):
                found.add(self.name_owner[pos])
            # misspelt abbreviations ("AffBB" for "AfEBB") are found among our abbreviations
            for acronym in name.acronyms:
                for _text, _score, pos in process.extract(
                    acronym, self.acronym_texts, scorer=fuzz.ratio, limit=3, score_cutoff=75
                ):
                    found.add(self.acronym_owner[pos])
        allowed = kinds if kinds is not None else COMPATIBLE.get(theirs.kind, COMPATIBLE[""])
        return {i for i in found if self.entities[i].kind in allowed}

    def match(self, theirs: Entity, *, kinds: tuple[str, ...] | None = None, floor: float = 0.0) -> list[Candidate]:
        """Candidates for *theirs*, best first; on equal scores a record of the same kind first (a place
        named like its organisation is the place), then by IRI, so results are stable."""
        out = []
        for i in self.candidates(theirs, kinds):
            score, evidence = score_pair(self.entities[i], theirs)
            if score >= floor:
                out.append(Candidate(self.entities[i], theirs, score, evidence))
        out.sort(key=lambda c: (-c.score, c.ours.kind != theirs.kind, c.ours.id))
        return out


# -- decisions ----------------------------------------------------------------------------------


@dataclass
class Link:
    ours: str
    theirs: str
    relation: str  # "sameAs" (only after a person's review, same kind) | "closeMatch" (a candidate)
    score: float
    evidence: list[str]
    method: str  # "automatic" | "reviewed"
    ours_name: str = ""
    theirs_name: str = ""
    best: bool = False  # the best candidate at or above the threshold: proposed as the same, for review

    @property
    def proposed(self) -> bool:
        """Taken as the same organisation: accepted by a person, or proposed by the score (for review)."""
        return self.relation == "sameAs" or self.best

    @property
    def id(self) -> str:
        """Stable per pair (not per relation): a reviewed link keeps its IRI."""
        return hashlib.sha256(f"{self.ours} {self.theirs}".encode()).hexdigest()[:16]


def accepted_relation(ours: Entity, theirs: Entity) -> str:
    """What an accepted pair becomes: owl:sameAs for two records of the same kind (or of an unknown kind
    on their side), never across kinds — a place and the organisation at it stay skos:closeMatch."""
    return "sameAs" if not theirs.kind or not ours.kind or ours.kind == theirs.kind else "closeMatch"


def _link(ours: Entity, theirs: Entity, score: float, evidence: list[str], *, reviewed: bool = False, best: bool = False) -> Link:
    """The one construction of a link: a person's accepted pair (`reviewed`: sameAs within a kind), else a
    closeMatch candidate (`best`: proposed as the same, for review)."""
    relation = accepted_relation(ours, theirs) if reviewed else "closeMatch"
    method = "reviewed" if reviewed else "automatic"
    return Link(ours.id, theirs.id, relation, score, evidence, method, ours.label, theirs.label, best=best)


def decide(
    index: Index,
    theirs: Iterable[Entity],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    floor: float = PROBABLE_FLOOR,
    decisions: dict[tuple[str, str], str] | None = None,
) -> list[Link]:
    """Links for every record of theirs: the best candidate at or above *threshold* is proposed (closeMatch,
    `best`), the other candidates at or above *floor* are closeMatch for review. Only a person's decision
    makes sameAs: accepted → sameAs whatever the score (same kind only), rejected → never linked."""
    decisions = decisions or {}
    links: list[Link] = []
    by_theirs: dict[str, list[tuple[str, str]]] = {}
    for (o, t), d in decisions.items():
        by_theirs.setdefault(t, []).append((o, d))
    ours_by_id = {e.id: e for e in index.entities}
    for entity in theirs:
        candidates = index.match(entity, floor=0.0)
        seen: set[str] = set()
        same_done = False
        for cand in candidates:
            decision = decisions.get((cand.ours.id, entity.id), "")
            seen.add(cand.ours.id)
            if decision == "rejected":
                continue
            if decision == "accepted":
                links.append(_link(cand.ours, entity, cand.score, cand.evidence, reviewed=True))
            elif cand.score >= threshold and not same_done:
                # a score alone never makes owl:sameAs: the best candidate is proposed, a person decides
                same_done = True
                links.append(_link(cand.ours, entity, cand.score, cand.evidence, best=True))
            elif cand.score >= floor:
                links.append(_link(cand.ours, entity, cand.score, cand.evidence))
        for ours_id, decision in by_theirs.get(entity.id, []):
            if decision == "accepted" and ours_id not in seen and ours_id in ours_by_id:
                score, evidence = score_pair(ours_by_id[ours_id], entity)
                links.append(_link(ours_by_id[ours_id], entity, score, evidence, reviewed=True))
    links.sort(key=lambda l: (l.theirs, -l.score, l.ours))
    return links


# -- evaluation ---------------------------------------------------------------------------------


@dataclass
class Quality:
    threshold: float
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(links: list[Link], gold: set[tuple[str, str]], threshold: float) -> Quality:
    """Precision/recall/F1 of the sameAs links against the true pairs (ours, theirs)."""
    predicted = {(l.ours, l.theirs) for l in links if l.proposed}
    tp = len(predicted & gold)
    return Quality(threshold, tp, len(predicted - gold), len(gold - predicted))
