"""Name and address normalisation, scoring with evidence, and review decisions (migrakg.linking.match)."""

from __future__ import annotations

import pytest

from migrakg.linking.match import DEFAULT_THRESHOLD, Address, Entity, Index, decide, score_pair
from migrakg.linking.normalise import (
    district_slugs,
    domain_of,
    normalise_name,
    normalise_postcode,
    normalise_street,
    split_address,
    split_house_number,
)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Lab Circus Berlin eV", "Circus Lab Berlin e.V."),  # word order, legal form spelling
        ("MigrArte Perú e.V. i.G.", "MigrArte Peru e.V."),  # accents, "in Gründung"
        ("Sources d´Espoir e.V.", "Sources d'Espoir e.V."),  # apostrophes
        ("Gemeinwesenverein Heerstraße Nord e.V.", "Gemeinwesenverein Heerstrasse-Nord eV"),  # ß, dash
    ],
)
def test_spelling_variants_normalise_alike(a, b):
    assert sorted(normalise_name(a).tokens) == sorted(normalise_name(b).tokens)


def test_legal_forms_and_abbreviations():
    name = normalise_name("Afrikanische Eltern Verein Berlin Brandenburg AfEBB e.V.")
    assert name.legal_form == "ev" and name.acronyms == ("afebb",)
    assert normalise_name("BJS gGmbH").legal_form == "ggmbh"
    assert normalise_name("Eltern von besonderen Kindern (EvbK)").acronyms == ("evbk",)
    assert normalise_name("Verein Partnerschaft Deutschland Africa e.V. -VPDA e.V.").text.endswith("vpda")


def test_addresses():
    assert split_address("Obstallee 22D") == ("Obstallee", "22D")
    assert split_house_number("22 E") == ("22", "e") and split_house_number("22D") == ("22", "d")
    assert normalise_street("Genter Str.") == normalise_street("Genter Straße")
    assert normalise_postcode("13597.0") == "13597"
    assert domain_of("https://www.narud.org/?p=4994") == domain_of("info@narud.org") == "narud.org"
    assert district_slugs("Mitte (seat); Spandau (project)") == ("mitte", "spandau")


def org(id_: str, *names: str, **kw) -> Entity:
    return Entity(id_, kw.pop("kind", "organisation"), list(names), **kw)


def test_house_number_letter_is_partial_evidence():
    ours = org("o", "Stadtteilzentrum Obstallee", kind="place", addresses=[Address("Obstallee", "22 E")])
    theirs = org("t", "Stadtteilzentrum Obstallee", kind="place", addresses=[Address("Obstallee", "22D", "13593")])
    score, evidence = score_pair(ours, theirs)
    assert score >= DEFAULT_THRESHOLD
    assert any("partial" in e and "22" in e for e in evidence)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (("GIZ gGmbH", "GIZ"), ("Gesellschaft für interkulturelle Zusammenarbeit e.V.",)),
        (("DAF e.V.",), ("Deutsch-Arabische Freundschaft und Familienbegegnung",)),
        (("OASE Berlin e.V.",), ("Kinder- & Jugendzentrum Die OASE",)),
        (("Familienzentrum Stresow",), ("Familienzentrum Rohrdamm",)),
        (("AWO Landesverband",), ("AWO Stadtteiltreff „Haus der Begegnung” Mahlsdorf Süd",)),
    ],
)
def test_hard_negatives_are_never_sameas(ours, theirs):
    score, evidence = score_pair(org("o", *ours), org("t", *theirs))
    assert score < DEFAULT_THRESHOLD, evidence


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (("Afrikanische Eltern Verein Berlin Brandenburg AfEBB e.V.",), "AfEBB e.V."),
        (("BJS gGmbH",), "Chance BJS gGmbH"),
        (("Circus Lab Berlin e.V.",), "Lab Circus Berlin eV"),
        (("NARUD e.V.",), "NARUD e.V. (Network African Rural and Urban Development)"),
    ],
)
def test_true_variants_score_high(ours, theirs):
    score, evidence = score_pair(org("o", *ours), org("t", theirs))
    assert score >= DEFAULT_THRESHOLD, evidence
    assert evidence


def test_similar_abbreviation_is_probable_not_certain():
    score, evidence = score_pair(org("o", "Afrikanische Eltern Verein Berlin Brandenburg AfEBB e.V."), org("t", "AffBB eV"))
    assert 0.6 <= score < DEFAULT_THRESHOLD and "AFFBB" in evidence[0]


def test_other_district_lowers_the_score_but_web_domain_raises_it():
    base, _ = score_pair(org("o", "Karussell e.V.", districts=("pankow",)), org("t", "Karussell e.V.", districts=("pankow",)))
    other, why = score_pair(
        org("o", "Karussell e.V.", districts=("pankow",)), org("t", "Karussell e.V.", districts=("neukoelln",))
    )
    assert other < base and any("other district" in e for e in why)
    web, why = score_pair(
        org("o", "Karussell", websites=["https://karussell.example.org"]),
        org("t", "Karussell Pankow e.V.", websites=["http://www.karussell.example.org/kontakt"]),
    )
    assert any("web domain" in e for e in why)


def test_review_decisions_win():
    ours = [org("o:gfiz", "Gesellschaft für interkulturelle Zusammenarbeit e.V."), org("o:giz", "GIZ gGmbH")]
    theirs = [org("t:1", "GIZ"), org("t:2", "Gesellschaft für interkulturelle Zusammenarbeit")]
    index = Index(ours)
    links = {(l.ours, l.theirs): l for l in decide(index, theirs)}
    assert links[("o:giz", "t:1")].relation == "sameAs"
    assert links[("o:gfiz", "t:2")].relation == "sameAs"
    assert ("o:gfiz", "t:1") in links and links[("o:gfiz", "t:1")].relation == "closeMatch"  # initials: for review
    decided = decide(index, theirs, decisions={("o:gfiz", "t:1"): "rejected", ("o:giz", "t:2"): "accepted"})
    pairs = {(l.ours, l.theirs): l for l in decided}
    assert ("o:gfiz", "t:1") not in pairs  # a rejected pair never comes back
    assert pairs[("o:giz", "t:2")].relation == "sameAs" and pairs[("o:giz", "t:2")].method == "reviewed"
