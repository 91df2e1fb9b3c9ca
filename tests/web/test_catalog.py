"""/catalog by Accept, /dumps/{file} with Content-Length, ETag and ranges (only release files), /.well-known/void."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from rdflib import Graph

from migrakg.build import NQUADS


@pytest.fixture(scope="module")
def catalog_client(settings, built, kb_store, tmp_path_factory):
    """An app over the real data whose project folder has no dist/: the release is in build/dist/."""
    from fastapi.testclient import TestClient

    from migrakg.settings import Settings
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app

    root = tmp_path_factory.mktemp("root")
    build_dir = tmp_path_factory.mktemp("build")
    shutil.copy(settings.build_path / NQUADS, build_dir / NQUADS)
    own = Settings(root=root, build_dir=build_dir)
    from migrakg.publishing.release import publish

    publish(own, build_dir / "dist")
    app = create_app(own, kb_store, service=QueryService(kb_store, workers=1, timeout=10))
    with TestClient(app) as client:
        client.release_dir = build_dir / "dist"
        yield client


def test_browser_gets_the_catalogue_page(catalog_client):
    r = catalog_client.get("/catalog", headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "migrakg.nt.gz" in r.text and "/dumps/hsds/services.csv" in r.text and "SHA-256" in r.text
    assert 'lang="de"' in r.text or 'lang="en"' in r.text


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("*/*", "turtle"),
    ],
)
def test_catalogue_by_accept(catalog_client, accept, fmt):
    r = catalog_client.get("/catalog", headers={"Accept": accept})
    assert r.status_code == 200
    graph = Graph().parse(data=r.content, format=fmt)
    assert len(graph) > 300
    assert "Accept" in r.headers.get("vary", "")


def test_all_serialisations_say_the_same(catalog_client):
    graphs = [
        Graph().parse(data=catalog_client.get("/catalog", headers={"Accept": a}).content, format=f)
        for a, f in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"))
    ]
    assert set(graphs[0]) == set(graphs[1])


def test_unknown_format_is_406(catalog_client):
    assert catalog_client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406


def test_every_listed_file_downloads_with_length_and_etag(catalog_client):
    manifest = json.loads(catalog_client.get("/dumps/release.json").content)
    for entry in manifest["files"]:
        r = catalog_client.get(f"/dumps/{entry['name']}")
        assert r.status_code == 200, entry["name"]
        assert int(r.headers["content-length"]) == entry["size"] == len(r.content)
        assert hashlib.sha256(r.content).hexdigest() == entry["sha256"]
        assert r.headers["etag"].strip('"') == entry["sha256"][:32]
        assert r.headers["accept-ranges"] == "bytes"


def test_conditional_get_gives_304(catalog_client):
    etag = catalog_client.get("/dumps/migrakg.ttl").headers["etag"]
    r = catalog_client.get("/dumps/migrakg.ttl", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""


def test_range_requests(catalog_client):
    full = catalog_client.get("/dumps/migrakg.nt.gz").content
    size = len(full)
    r = catalog_client.get("/dumps/migrakg.nt.gz", headers={"Range": "bytes=10-19"})
    assert r.status_code == 206 and r.content == full[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{size}" and r.headers["content-length"] == "10"
    r = catalog_client.get("/dumps/migrakg.nt.gz", headers={"Range": "bytes=-5"})
    assert r.status_code == 206 and r.content == full[-5:]
    r = catalog_client.get("/dumps/migrakg.nt.gz", headers={"Range": f"bytes={size - 3}-"})
    assert r.status_code == 206 and r.content == full[-3:]
    r = catalog_client.get("/dumps/migrakg.nt.gz", headers={"Range": f"bytes={size}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{size}"
    r = catalog_client.get("/dumps/migrakg.nt.gz", headers={"Range": "bytes=0-1, 5-9"})
    assert r.status_code == 200 and r.content == full  # several ranges: the whole file


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../pyproject.toml",
        "/dumps/..%2f..%2fpyproject.toml",
        "/dumps/%2e%2e/%2e%2e/README.md",
        "/dumps/hsds/../../../../etc/passwd",
        "/dumps/build-info.json",
        "/dumps/",
        "/dumps/hsds",
        "/dumps//etc/passwd",
        "/dumps/migrakg.nq",
    ],
)
def test_only_release_files_are_served(catalog_client, path):
    r = catalog_client.get(path)
    assert r.status_code == 404
    assert b"root:" not in r.content and b"[project]" not in r.content


def test_void(catalog_client):
    r = catalog_client.get("/.well-known/void")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=r.content, format="turtle")
    assert any("sparqlEndpoint" in str(p) for p in graph.predicates())
    r = catalog_client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")


def test_a_new_build_is_served_once_published(settings, built, kb_store, tmp_path):
    """A request serves the release as `migrakg publish` wrote it; a newer build shows once published."""
    from migrakg.publishing.release import publish
    from migrakg.settings import Settings
    from migrakg.web.releases import current_release

    build_dir = tmp_path / "build"
    build_dir.mkdir()
    original = (settings.build_path / NQUADS).read_text(encoding="utf-8")
    (build_dir / NQUADS).write_text(original, encoding="utf-8")
    own = Settings(root=tmp_path, build_dir=build_dir)
    publish(own)
    first = current_release(own)
    extra = '<https://w3id.org/migrakg/id/organisation/x> <https://schema.org/name> "X"@de <https://w3id.org/migrakg/graph/organisations> .\n'
    (build_dir / NQUADS).write_text(original + extra, encoding="utf-8")
    assert current_release(own).manifest["triples"] == first.manifest["triples"]  # reading publishes nothing
    publish(own)
    assert current_release(own).manifest["triples"] == first.manifest["triples"] + 1


def test_no_build_and_no_data_is_a_clear_503(tmp_path):
    from fastapi.testclient import TestClient

    from migrakg.settings import Settings
    from migrakg.sparql.service import QueryService
    from migrakg.sparql.store import KnowledgeStore
    from migrakg.web.app import create_app

    store = KnowledgeStore.memory()
    app = create_app(
        Settings(root=tmp_path, build_dir=tmp_path / "build"), store, service=QueryService(store, workers=1, timeout=5)
    )
    with TestClient(app) as client:
        r = client.get("/catalog", headers={"Accept": "application/json"})
    assert r.status_code == 503 and "migrakg publish" in r.json()["message"]
