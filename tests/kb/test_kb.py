"""The knowledge base's parts: change log (torn tail, replay), tokens (hashed, revocable), backup and
restore, revert, the change feed and record history."""

from __future__ import annotations

import json
import re
import shutil
import stat

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from migrakg.errors import UsageError
from migrakg.kb import KnowledgeBase, StoreBusy
from migrakg.kb.backup import backup, restore
from migrakg.kb.checks import OPERATOR
from migrakg.kb.log import LogDamaged
from migrakg.kb.ops import revert_proposal
from migrakg.kb.tokens import TokenStore
from migrakg.sparql.service import QueryService
from migrakg.sparql.update import update_proposal
from migrakg.web.app import create_app

BASE = "https://w3id.org/migrakg/"
NARUD = f"{BASE}id/organisation/narud-ev"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


@pytest.fixture
def kb(settings, kb_template, tmp_path):
    shutil.copytree(kb_template, tmp_path / "kb")
    base = KnowledgeBase.open(tmp_path / "kb", settings)
    yield base
    base.close()


def edit(kb: KnowledgeBase, label: str, graph: str = "import/edits"):
    text = f'INSERT DATA {{ GRAPH <{BASE}graph/{graph}> {{ <{NARUD}> <{ALT}> "{label}"@de }} }}'
    return kb.commit(lambda store: update_proposal(store, text, OPERATOR, kb_base=kb.base))


def has_label(kb: KnowledgeBase, label: str) -> bool:
    return (
        ox.Quad(
            ox.NamedNode(NARUD), ox.NamedNode(ALT), ox.Literal(label, language="de"), ox.NamedNode(f"{BASE}graph/import/edits")
        )
        in kb.store
    )


def test_a_cut_short_last_line_is_dropped_and_the_rest_replayed(kb, settings):
    edit(kb, "eins")
    edit(kb, "zwei")
    root = kb.root
    kb.close()
    with (root / "changes.log").open("ab") as handle:  # a crash while appending the third change
        handle.write(b'0123 {"seq": 4, "half')
    (root / "applied").write_text("1\n")  # and the store's checkpoint behind the log
    with KnowledgeBase.open(root, settings) as again:
        assert has_label(again, "eins") and has_label(again, "zwei")
        assert again.verify() == (0, 0) and again.changes[-1].seq == 3
    assert (root / "changes.log").read_bytes().endswith(b"\n")


def test_a_damaged_line_inside_the_log_is_refused(kb, settings):
    edit(kb, "eins")
    edit(kb, "zwei")
    root = kb.root
    kb.close()
    lines = (root / "changes.log").read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"eins", b"drei")
    (root / "changes.log").write_bytes(b"".join(lines))
    with pytest.raises(LogDamaged) as caught:
        KnowledgeBase.open(root, settings)
    assert "line 2" in str(caught.value) and "migrakg restore" in str(caught.value)


def test_revert_undoes_a_change_and_is_a_change_itself(kb):
    change = edit(kb, "weg damit")
    assert has_label(kb, "weg damit")
    undo = kb.commit(lambda _s: revert_proposal(kb, change.id, OPERATOR))
    assert not has_label(kb, "weg damit") and undo.extra["reverts"] == change.id
    kb.commit(lambda _s: revert_proposal(kb, undo.id, OPERATOR))
    assert has_label(kb, "weg damit")
    with pytest.raises(Exception, match="no change"):
        revert_proposal(kb, "999", OPERATOR)


def test_tokens_are_stored_hashed_owner_only_and_revocable(tmp_path):
    tokens = TokenStore(tmp_path)
    secret = tokens.add("lichtenberg", ["lichtenberg"])
    text = (tmp_path / "tokens.json").read_text()
    assert secret not in text and "lichtenberg" in text
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
    assert tokens.find(secret).writer().may("lichtenberg") and not tokens.find(secret).writer().may("pankow")
    assert tokens.find(secret + "x") is None
    with pytest.raises(UsageError):
        tokens.add("lichtenberg", ["lichtenberg"])
    tokens.revoke("lichtenberg")
    assert tokens.find(secret) is None


def test_backup_and_restore_round_trip(kb, settings, tmp_path):
    edit(kb, "vor der Sicherung")
    TokenStore(kb.root).add("pankow", ["pankow"])
    info = backup(kb, tmp_path / "backup")
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {
        "kb.nq",
        "changes.log",
        "tokens.json",
        "backup.json",
        "SHA256SUMS",
    }
    expected = set(kb.store)
    edit(kb, "nach der Sicherung")
    root = kb.root
    with pytest.raises(StoreBusy):  # the store is open: restore refuses
        restore(root, settings, tmp_path / "backup")
    kb.close()
    answer = restore(root, settings, tmp_path / "backup")
    assert answer["change"] == info["change"]
    with KnowledgeBase.open(root, settings) as back:
        assert set(back.store) == expected and back.verify() == (0, 0)
        assert has_label(back, "vor der Sicherung") and not has_label(back, "nach der Sicherung")
    assert TokenStore(root).tokens()[0].name == "pankow"
    (tmp_path / "backup" / "kb.nq").write_text("")  # a damaged backup is refused, nothing replaced
    with pytest.raises(UsageError, match="SHA256SUMS"):
        restore(root, settings, tmp_path / "backup")


@pytest.fixture
def client(kb, settings):
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=10), kb=kb)
    with TestClient(app) as c:
        yield c


def test_the_change_feed_pages_and_follows(kb, client):
    for n in range(5):
        edit(kb, f"feed {n}")
    first = client.get("/changes", params={"limit": 2}).json()
    assert [c["id"] for c in first["changes"]] == ["6", "5"] and first["latest"] == 6
    assert first["changes"][0]["agent"] == {"type": "prov:Agent", "name": "command line", "role": "operator"}
    assert "prov" in first["@context"]
    second = client.get(first["next"].split("testserver")[-1]).json()
    assert [c["id"] for c in second["changes"]] == ["4", "3"]
    since = client.get("/changes", params={"since": "4"}).json()
    assert [c["id"] for c in since["changes"]] == ["6", "5"]
    one = client.get("/changes/6").json()
    assert any("feed 4" in line for line in one["delta"]["add"])
    activity = client.get("/changes", params={"limit": 1}, headers={"Accept": "application/activity+json"})
    assert activity.headers["content-type"].startswith("application/activity+json")
    page = activity.json()
    assert page["type"] == "OrderedCollectionPage" and page["orderedItems"][0]["object"] == [NARUD]
    atom = client.get("/changes", params={"limit": 1}, headers={"Accept": "application/atom+xml"})
    assert atom.text.startswith("<?xml") and "<entry>" in atom.text
    assert client.get("/changes", params={"since": "gestern"}).status_code == 400
    assert client.get("/changes/999").status_code == 404


def test_a_record_page_shows_its_sources_and_last_changes(kb, client):
    edit(kb, "Narud aus dem Import")
    page = client.get("/id/organisation/narud-ev", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    assert "Sources and last changes" in page
    assert '<code class="wrap">edits</code>' in page
    assert "operator (command on the server)" in page and 'href="/changes/2"' in page
    german = client.get("/id/organisation/narud-ev", headers={"Accept": "text/html", "Accept-Language": "de"}).text
    history = german.split('id="hist-h"')[1].split("</section>")[0]
    # people read field names in the page's language, never CURIEs or English roles
    assert "Quellen und letzte Änderungen" in german and "Betrieb (Befehl auf dem Server)" in history
    assert "Projektdaten" in history and "Name" in history
    assert not re.search(r"\b(skos|dcterms|schema|mkg|rdf|rdfs|org|vcard):[A-Za-z]", history), history
    assert "command line" not in history
    sources = re.findall(r"<tr><td>(.*?)</td>", history)
    assert len(sources) == len(set(sources))  # one row per source


def test_the_write_api_is_in_the_openapi_schema(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/update", "/import", "/links/decision", "/changes"} <= set(paths)
    assert "multipart/form-data" in json.dumps(paths["/import"])
    assert not any(p.startswith("/kb/") for p in paths)


def test_publish_a_district_release_and_refuse_what_cannot_be_public(kb, settings, tmp_path, capsys):
    from migrakg.cli import main
    from migrakg.importing import run_import

    sheet = tmp_path / "lichtenberg.csv"
    sheet.write_text(
        "slug,name,districts,source_url,source_date\nverein-licht,Verein Licht,lichtenberg,https://example.org/l,2025\n",
        encoding="utf-8",
    )
    run_import(settings, sheet, kb=kb, source="lichtenberg")
    root = str(kb.root)
    kb.close()
    out = tmp_path / "dist"
    assert main(["publish", "--quiet", "--store", root, "--source", "lichtenberg", "--out", str(out)]) == 0
    manifest = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert manifest["records"]["organisation"] == 1  # only the district's own records (with the terms they use)
    assert main(["publish", "--quiet", "--store", root, "--source", "nirgendwo", "--out", str(tmp_path / "x")]) == 2
    assert "lichtenberg" in capsys.readouterr().err  # the message names the sources there are
    local = ["publish", "--quiet", "--store", root, "--out", str(tmp_path / "y"), "--public-url", "http://127.0.0.1:8000"]
    assert main([*local, "--owner-org", "bezirksamt"]) == 2
    assert "127.0.0.1" in capsys.readouterr().err
    public = ["publish", "--quiet", "--store", root, "--out", str(tmp_path / "z"), "--public-url", "https://daten.example.berlin"]
    assert main(public) == 2
    assert "owner_org" in capsys.readouterr().err
    assert main([*public, "--owner-org", "bezirksamt-lichtenberg", "--source", "lichtenberg"]) == 0
    record = json.loads((tmp_path / "z" / "datenregister.json").read_text(encoding="utf-8"))
    assert record["owner_org"] == "bezirksamt-lichtenberg"
