"""The replica follows the change log: a committed change appears in Virtuoso, a replica restarted from
nothing catches up, and its position survives a restart of the server."""

from __future__ import annotations

import json
import shutil
import time
import urllib.parse
import urllib.request

import pytest

from migrakg.kb import KnowledgeBase
from migrakg.kb.checks import OPERATOR
from migrakg.replica import Follower, Instance, Settings
from migrakg.sparql.update import update_proposal

BASE = "https://w3id.org/migrakg/"
NARUD = f"{BASE}id/organisation/narud-ev"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


def ask(instance: Instance, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(instance.endpoint, data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


def count(instance: Instance) -> int:
    return int(ask(instance, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"])


def labels(instance: Instance) -> set[str]:
    return {row["o"]["value"] for row in ask(instance, f"SELECT ?o {{ <{NARUD}> <{ALT}> ?o }}")}


def edit(kb: KnowledgeBase, text: str):
    return kb.commit(lambda store: update_proposal(store, text, OPERATOR, kb_base=kb.base))


def wait_for(condition, seconds: float = 1.0) -> bool:
    """Poll *condition* until it holds or *seconds* have passed (the bound the replica promises)."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


@pytest.fixture
def kb(settings, kb_template, tmp_path):
    """A knowledge base of this test's own (a copy of the session's)."""
    with KnowledgeBase.open(shutil.copytree(kb_template, tmp_path / "kb"), settings) as base:
        yield base


def test_a_committed_change_reaches_the_replica_within_a_second(kb, own_virtuoso):
    virtuoso = own_virtuoso
    follower = Follower(virtuoso, kb.root)
    follower.catch_up()  # bulk load (or catch up from the last test's position)
    assert count(virtuoso) == len(kb.store)
    follower.start()
    kb.listeners.append(follower.wake)  # (serve uses `committed`, which also waits)
    try:
        edit(kb, f'INSERT DATA {{ GRAPH <{BASE}graph/import/edits> {{ <{NARUD}> <{ALT}> "Grüße, $U{{x}} \\"eins\\""@de }} }}')
        assert wait_for(lambda: 'Grüße, $U{x} "eins"' in labels(virtuoso))
        edit(kb, f'DELETE DATA {{ GRAPH <{BASE}graph/import/edits> {{ <{NARUD}> <{ALT}> "Grüße, $U{{x}} \\"eins\\""@de }} }}')
        assert wait_for(lambda: 'Grüße, $U{x} "eins"' not in labels(virtuoso))
        assert wait_for(lambda: follower.status.position == kb.generation)
        assert follower.status.as_json()["lag"] == 0 and follower.status.error is None
    finally:
        follower.stop()
    assert count(virtuoso) == len(kb.store)


def test_a_replica_restarted_from_nothing_catches_up(kb, tmp_path):
    edit(kb, f'INSERT DATA {{ GRAPH <{BASE}graph/import/edits> {{ <{NARUD}> <{ALT}> "zwei"@de }} }}')
    fresh = Instance.create(tmp_path / "replica", Settings.sized(200))
    try:
        fresh.start()
        follower = Follower(fresh, kb.root)
        follower.catch_up()
        assert fresh.record()[1] == kb.generation and count(fresh) == len(kb.store)
        edit(kb, f'INSERT DATA {{ GRAPH <{BASE}graph/import/edits> {{ <{NARUD}> <{ALT}> "drei"@de }} }}')
        fresh.stop()  # a restart keeps the position (Virtuoso's registry) …
        fresh.start()
        assert fresh.record()[1] == kb.generation - 1
        assert Follower(fresh, kb.root).catch_up() == 1  # … and only the missed change is applied
        assert {"zwei", "drei"} <= labels(fresh) and count(fresh) == len(kb.store)
        fresh.stop()
        shutil.rmtree(fresh.folder / "db")  # the database gone: from nothing again
        (fresh.folder / "db").mkdir()
        fresh.prepared = False
        fresh.start()
        assert fresh.record()[1] == 0
        Follower(fresh, kb.root).catch_up()
        assert fresh.record()[1] == kb.generation and count(fresh) == len(kb.store)
    finally:
        fresh.stop()


def test_the_front_reads_its_own_writes_from_the_replica_and_health_shows_the_lag(settings, kb, own_virtuoso):
    """As `serve --replica` runs it: writes go to the knowledge base, queries to the replica, which the
    server keeps level; a write returns once the replica holds it. The replica still holds the first test's
    knowledge base — a copy of the same one that went on differently (like a log restored to an earlier
    point): its position names a change this log does not have, so it is loaded afresh."""
    from fastapi.testclient import TestClient

    from migrakg.replica.follow import kb_snapshot
    from migrakg.sparql.remote import RemoteQueryService
    from migrakg.web.app import create_app

    follower = Follower(own_virtuoso, kb.root, snapshot=kb_snapshot(kb))
    follower.catch_up()
    follower.start()
    kb.listeners.append(follower.committed)
    service = RemoteQueryService(own_virtuoso.endpoint, timeout=10, dialect="virtuoso", follower=follower)
    app = create_app(settings, kb.readers, service=service, kb=kb)
    query = f"SELECT ?o WHERE {{ <{NARUD}> <{ALT}> ?o }}"
    try:
        with TestClient(app) as client:
            edit(kb, f'INSERT DATA {{ GRAPH <{BASE}graph/import/edits> {{ <{NARUD}> <{ALT}> "vier"@de }} }}')
            answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
            assert "vier" in {b["o"]["value"] for b in answer.json()["results"]["bindings"]}
            health = client.get("/health").json()["replica"]
            assert health["position"] == health["head"] == kb.generation and health["lag"] == 0
            assert client.get("/id/organisation/narud-ev", headers={"Accept": "text/html"}).status_code == 200
    finally:
        follower.stop()
