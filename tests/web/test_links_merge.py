"""Links that merge: a curated record and an imported copy joined by a reviewed owl:sameAs (accepted through
the knowledge base's write path) are one entry — search lists it once, as the canonical (curated) record,
and finds it by the copy's words; both pages name the other record; /reconcile answers with the canonical
record, also for preview and extend of the copy's id. A proposed (skos:closeMatch) or rejected link keeps
both entries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from migrakg.importing import run_import
from migrakg.kb import KnowledgeBase
from migrakg.kb.checks import OPERATOR
from migrakg.kb.ops import link_decision_proposal
from migrakg.sparql.service import QueryService
from migrakg.sparql.update import update_proposal
from migrakg.web.app import create_app

BASE = "https://w3id.org/migrakg/"
NARUD = f"{BASE}id/organisation/narud-ev"
COPY = f"{BASE}id/organisation/bezirksliste--narud"
WORD = "Zuckerbäckerei"  # a word only the imported copy has


def kb_with_copy(settings, kb_template, folder: Path) -> KnowledgeBase:
    """A knowledge base with data/ and an import "bezirksliste" holding a copy of NARUD e.V."""
    shutil.copytree(kb_template, folder / "kb")
    base = KnowledgeBase.open(folder / "kb", settings)
    sheet = folder / "bezirksliste.csv"
    sheet.write_text(
        "slug,name,description_de,districts,source_url,source_date\n"
        f"narud,NARUD Netzwerk e.V.,Verein mit einer {WORD},pankow,https://example.org/liste,2025-06\n",
        encoding="utf-8",
    )
    run_import(settings, sheet, kb=base, source="bezirksliste")
    return base


@pytest.fixture
def kb(settings, kb_template, tmp_path):
    base = kb_with_copy(settings, kb_template, tmp_path)
    yield base
    base.close()


@pytest.fixture
def client(kb, settings):
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=10), kb=kb)
    with TestClient(app) as c:
        yield c


def decide(kb: KnowledgeBase, decision: str) -> None:
    kb.commit(lambda store: link_decision_proposal(store, kb.base, NARUD, COPY, decision, OPERATOR))


def found(client, q: str) -> list[dict]:
    return client.get("/search.json", params={"q": q, "kind": "organisation"}).json()["results"]


def reconcile(client, query: str) -> list[dict]:
    queries = json.dumps({"q0": {"query": query, "type": "organisation"}})
    return client.get("/reconcile", params={"queries": queries}).json()["q0"]["result"]


def test_an_accepted_link_makes_one_entry(kb, client):
    before = {r["id"]: r["score"] for r in reconcile(client, "NARUD Netzwerk e.V.")}
    assert [r["iri"] for r in found(client, WORD)] == [COPY]
    assert {NARUD, COPY} <= {r["iri"] for r in found(client, "NARUD")}

    decide(kb, "accept")

    # search: once, as the curated record, found by the copy's words and its district
    for q in (WORD, "NARUD Netzwerk", "NARUD"):
        results = found(client, q)
        assert [r["iri"] for r in results if r["iri"] in (NARUD, COPY)] == [NARUD], q
    hit = found(client, WORD)[0]
    assert hit["also"] == [COPY] and "pankow" in hit["facets"]["district"] and hit["name"] == "NARUD e.V."
    page = client.get("/search", params={"q": WORD}, headers={"Accept": "text/html"}).text
    assert 'href="/id/organisation/narud-ev"' in page and "bezirksliste--narud" not in page
    filtered = client.get("/search.json", params={"q": "NARUD", "district": "pankow"}).json()["results"]
    assert NARUD in [r["iri"] for r in filtered]

    # both pages say where else the organisation is recorded, in either language
    curated = client.get("/id/organisation/narud-ev", params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert '<h2 id="also-h">Also recorded in</h2>' in curated
    assert 'href="/id/organisation/bezirksliste--narud">NARUD Netzwerk e.V.</a>' in curated
    assert '<code class="wrap">bezirksliste</code>' in curated
    copy = client.get("/id/organisation/bezirksliste--narud", params={"lang": "de"}, headers={"Accept": "text/html"}).text
    assert '<h2 id="also-h">Auch erfasst in</h2>' in copy
    assert 'href="/id/organisation/narud-ev">NARUD e.V.</a>' in copy and "Haupteintrag" in copy

    # /reconcile: the canonical record only, scored as its best member
    after = reconcile(client, "NARUD Netzwerk e.V.")
    ids = [r["id"] for r in after]
    assert ids[0] == "organisation/narud-ev" and "organisation/bezirksliste--narud" not in ids
    assert after[0]["score"] >= max(before.values())
    preview = client.get("/reconcile/preview", params={"id": "organisation/bezirksliste--narud"})
    assert preview.status_code == 200 and "/id/organisation/narud-ev" in preview.text
    extend = json.dumps({"ids": ["organisation/bezirksliste--narud"], "properties": [{"id": "founded"}]})
    suggested = [r["id"] for r in client.get("/reconcile/suggest/entity", params={"prefix": "NARUD"}).json()["result"]]
    assert "organisation/narud-ev" in suggested and "organisation/bezirksliste--narud" not in suggested
    rows = client.get("/reconcile", params={"extend": extend}).json()["rows"]
    assert rows["organisation/bezirksliste--narud"]["founded"] == [{"str": "2005"}]  # the curated record's founding year


@pytest.mark.parametrize("how", ["proposed", "rejected"])
def test_a_proposed_or_rejected_link_keeps_both_entries(kb, client, how):
    if how == "proposed":
        close = "http://www.w3.org/2004/02/skos/core#closeMatch"
        text = f"INSERT DATA {{ GRAPH <{BASE}graph/links> {{ <{NARUD}> <{close}> <{COPY}> }} }}"
        kb.commit(lambda store: update_proposal(store, text, OPERATOR, kb_base=kb.base))
    else:
        decide(kb, "accept")
        decide(kb, "reject")
    assert {NARUD, COPY} <= {r["iri"] for r in found(client, "NARUD")}
    assert [r["iri"] for r in found(client, WORD)] == [COPY] and found(client, WORD)[0]["also"] == []
    ids = [r["id"] for r in reconcile(client, "NARUD Netzwerk e.V.")]
    assert {"organisation/narud-ev", "organisation/bezirksliste--narud"} <= set(ids)
    suggested = [r["id"] for r in client.get("/reconcile/suggest/entity", params={"prefix": "NARUD"}).json()["result"]]
    assert {"organisation/narud-ev", "organisation/bezirksliste--narud"} <= set(suggested)
    page = client.get("/id/organisation/narud-ev", headers={"Accept": "text/html"}).text
    assert 'id="also-h"' not in page
