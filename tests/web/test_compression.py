"""gzip for text answers (pages, SPARQL results, JSON), never for the dumps (served byte for byte, ranges
intact); Cache-Control on static files."""

from __future__ import annotations

import gzip
import hashlib
import json

from tests.web.test_catalog import catalog_client  # noqa: F401 — the app that publishes on demand

GZIP = {"Accept-Encoding": "gzip"}


def raw(client, path: str, headers: dict[str, str]):
    """The answer as it travels (not decoded), with its headers."""
    with client.stream("GET", path, headers=headers) as r:
        return r, b"".join(r.iter_raw())


def test_pages_and_results_are_gzipped_for_clients_that_accept_it(client):
    for path, accept in (
        ("/", "text/html"),
        ("/search.json?q=beratung", "application/json"),
        ("/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20200", "application/sparql-results+json"),
    ):
        r, body = raw(client, path, {**GZIP, "Accept": accept})
        assert r.status_code == 200, path
        assert r.headers["content-encoding"] == "gzip", path
        assert "accept-encoding" in r.headers["vary"].lower(), path
        plain = gzip.decompress(body)
        assert len(body) < len(plain), path
        if "json" in accept:
            json.loads(plain)
    r, body = raw(client, "/", {"Accept": "text/html", "Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers and body.startswith(b"<!DOCTYPE html>")


def test_dumps_are_served_as_they_are_with_ranges(catalog_client):  # noqa: F811
    manifest = json.loads(catalog_client.get("/dumps/release.json").content)
    plain_files = [e for e in manifest["files"] if not e["name"].endswith(".gz")]
    assert plain_files
    for entry in plain_files[:3] + [e for e in manifest["files"] if e["name"].endswith(".gz")][:1]:
        r, body = raw(catalog_client, f"/dumps/{entry['name']}", GZIP)
        assert r.status_code == 200 and "content-encoding" not in r.headers, entry["name"]
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["name"]
        assert int(r.headers["content-length"]) == len(body) == entry["size"], entry["name"]
    name = plain_files[0]["name"]
    r, body = raw(catalog_client, f"/dumps/{name}", {**GZIP, "Range": "bytes=0-9"})
    assert r.status_code == 206 and "content-encoding" not in r.headers and len(body) == 10


def test_static_files_carry_cache_control(client):
    for name in ("style.css", "sparql.js", "search.js", "favicon.svg"):
        r = client.get(f"/static/{name}", headers=GZIP)
        assert r.status_code == 200
        assert r.headers["cache-control"] == "public, max-age=86400", name
        assert r.headers.get("etag") and r.headers.get("last-modified"), name
