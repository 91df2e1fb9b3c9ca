"""`migrakg link`: against a file and a live SPARQL endpoint; links graph, review file, store."""

from __future__ import annotations

import csv

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, SKOS

from migrakg.cli import main
from migrakg.linking.io import SSSOM, run_link
from migrakg.linking.match import DEFAULT_THRESHOLD, PROBABLE_FLOOR

BASE = "https://w3id.org/migrakg/"
OSM = "data/osm/berlin-community-centres-2025-09.csv"


def test_links_against_the_osm_table(settings, built, shared, tmp_path):
    out, review = tmp_path / "links.ttl", tmp_path / "review.csv"
    result = run_link(
        settings, str(shared / OSM), threshold=DEFAULT_THRESHOLD, floor=PROBABLE_FLOOR, out=out, review=review, source="osm"
    )
    same = {(l.ours, l.theirs) for l in result.links if l.proposed}
    assert (f"{BASE}id/organisation/bgff-ev", f"{BASE}id/place/osm--1471943097") in same
    assert (f"{BASE}id/place/stadtteilzentrum-obstallee", f"{BASE}id/place/osm--8435917975") in same
    graph = Graph().parse(out)
    # proposed for review (a score alone never asserts owl:sameAs)
    assert (URIRef(f"{BASE}id/organisation/bgff-ev"), SKOS.closeMatch, URIRef(f"{BASE}id/place/osm--1471943097")) in graph
    assert not list(graph.triples((None, OWL.sameAs, None)))
    nodes = set(graph.subjects(SSSOM.confidence, None))
    assert nodes and all(str(n).startswith(f"{BASE}id/link/") for n in nodes)
    assert not any(t.__class__.__name__ == "BNode" for triple in graph for t in triple)
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    assert set(rows[0]) >= {"ours", "theirs", "names", "score", "evidence", "decision"}


def test_review_decisions_are_kept_and_respected(settings, built, shared, tmp_path):
    review = tmp_path / "review.csv"
    run_link(settings, str(shared / OSM), threshold=DEFAULT_THRESHOLD, floor=PROBABLE_FLOOR, review=review, source="osm")
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    bgff = next(r for r in rows if r["ours"].endswith("/bgff-ev"))
    bgff["decision"] = "reject"
    # a person also accepts a pair the matcher did not propose
    rows.append(
        {
            "ours": f"{BASE}id/organisation/gemeinwesenverein-heerstrasse-nord-ev",
            "theirs": f"{BASE}id/place/osm--8435917975",
            "names": "",
            "score": "",
            "link": "",
            "evidence": "",
            "decision": "ja",
        }
    )
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run_link(settings, str(shared / OSM), threshold=DEFAULT_THRESHOLD, floor=PROBABLE_FLOOR, review=review, source="osm")
    pairs = {(l.ours, l.theirs): l for l in result.links}
    assert (f"{BASE}id/organisation/bgff-ev", f"{BASE}id/place/osm--1471943097") not in pairs
    accepted = pairs[(f"{BASE}id/organisation/gemeinwesenverein-heerstrasse-nord-ev", f"{BASE}id/place/osm--8435917975")]
    # accepted by a person, but an organisation and a place are never the same thing: closeMatch, reviewed
    assert accepted.relation == "closeMatch" and accepted.method == "reviewed" and accepted.score < DEFAULT_THRESHOLD
    kept = {(r["ours"], r["theirs"]): r["decision"] for r in csv.DictReader(review.open(encoding="utf-8"))}
    assert kept[(f"{BASE}id/organisation/bgff-ev", f"{BASE}id/place/osm--1471943097")] == "rejected"


def test_links_go_into_the_store_and_survive_a_rebuild(settings, built, shared, tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    store_path = tmp_path / "store"
    assert (
        main(
            [
                "link",
                "--against",
                str(shared / OSM),
                "--source",
                "osm",
                "--store",
                str(store_path),
                "--out",
                str(tmp_path / "links.trig"),
            ]
        )
        == 0
    )
    from migrakg.kb import KnowledgeBase
    from migrakg.kb.curated import ensure_curated

    with KnowledgeBase.open(store_path, settings) as kb:
        links = ox.NamedNode(f"{BASE}graph/links")
        count = len(list(kb.store.quads_for_pattern(None, None, None, links)))
        assert count > 0 and kb.last_change(activity="links") is not None
        ensure_curated(kb, settings, force=True)  # what `migrakg build` does when data/ changed
        assert len(list(kb.store.quads_for_pattern(None, None, None, links))) == count
    assert f"<{BASE}graph/links>" in (tmp_path / "links.trig").read_text(encoding="utf-8")


def test_links_against_a_remote_sparql_endpoint(settings, live_server):
    result = run_link(settings, f"{live_server.url}/sparql", threshold=DEFAULT_THRESHOLD, floor=PROBABLE_FLOOR)
    same = {(l.ours, l.theirs) for l in result.links if l.proposed}
    narud = f"{BASE}id/organisation/narud-ev"
    assert (narud, narud) in same  # our own data behind another endpoint: everyone is found
    assert not any(l.proposed and l.ours != l.theirs for l in result.links)


def test_an_unreachable_endpoint_is_named_in_the_error(settings, built):
    import pytest

    from migrakg.errors import UsageError
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    with pytest.raises(UsageError) as refused:
        run_link(settings, url, threshold=DEFAULT_THRESHOLD, floor=PROBABLE_FLOOR)
    assert url in refused.value.text.en and "cannot be reached" in refused.value.text.en
    assert url in refused.value.text.de and "nicht erreichbar" in refused.value.text.de


def test_close_matches_are_skos(settings, built, tmp_path):
    import datetime as dt

    from migrakg.linking.io import links_graph
    from migrakg.linking.match import Link

    graph = links_graph(
        [Link("https://a/1", "https://b/1", "closeMatch", 0.7, ["e"], "automatic")], settings.iris, when=dt.date(2026, 1, 1)
    )
    assert (URIRef("https://a/1"), SKOS.closeMatch, URIRef("https://b/1")) in graph
