"""The matcher wrote owl:sameAs on a score alone and allowed a place ↔ organisation pair: a score now only
proposes (skos:closeMatch, `best`), sameAs needs a person's decision, and never joins two kinds."""

from __future__ import annotations

import datetime as dt

from rdflib import URIRef
from rdflib.namespace import OWL, SKOS

from migrakg.linking.io import links_graph
from migrakg.linking.match import Entity, Index, decide
from migrakg.namespaces import Iris


def entity(id_: str, name: str, kind: str) -> Entity:
    return Entity(id=id_, kind=kind, names=[name])


def test_a_score_alone_is_never_same_as():
    ours = [entity("o:1", "Verein Iranischer Frauen e.V.", "organisation")]
    theirs = [entity("t:1", "Verein Iranischer Frauen e.V.", "organisation")]
    links = decide(Index(ours), theirs)
    assert len(links) == 1 and links[0].best and links[0].relation == "closeMatch" and links[0].score == 1.0
    graph = links_graph(links, Iris("https://w3id.org/migrakg/"), when=dt.date(2026, 11, 30))
    assert (URIRef("o:1"), SKOS.closeMatch, URIRef("t:1")) in graph
    assert not list(graph.triples((None, OWL.sameAs, None)))


def test_an_accepted_pair_of_two_kinds_stays_close_match():
    ours = [entity("o:1", "Stadtteilzentrum Staaken", "organisation")]
    theirs = [entity("t:1", "Stadtteilzentrum Staaken", "place")]
    accepted = decide(Index(ours), theirs, decisions={("o:1", "t:1"): "accepted"})
    assert [(l.relation, l.method) for l in accepted] == [("closeMatch", "reviewed")]


def test_an_accepted_pair_of_one_kind_is_same_as():
    ours = [entity("o:1", "Karussell e.V.", "organisation")]
    theirs = [entity("t:1", "Karussell Pankow", "organisation")]
    accepted = decide(Index(ours), theirs, decisions={("o:1", "t:1"): "accepted"})
    assert [(l.relation, l.method) for l in accepted] == [("sameAs", "reviewed")]
