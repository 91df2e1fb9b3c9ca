"""HEAD works wherever GET does: same status and headers, no body (link checkers, open-data portals)."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

PATHS = [
    "/",
    "/id/organisation/narud-ev",
    "/id/organisation/narud-ev.ttl",
    "/ontology",
    "/vocab/language",
    "/search?q=arabisch",
    "/catalog",
    "/.well-known/void",
    "/health",
    "/report",
    "/sparql?query=ASK%20%7B%7D",
    "/id/organisation/does-not-exist",
]


@pytest.mark.parametrize("path", PATHS)
def test_head_is_get_without_body(client, path):
    for encoding in ("identity", "gzip"):  # as sent and compressed: the same headers either way
        asked = {"Accept-Encoding": encoding}
        get = client.get(path, headers=asked)
        head = client.head(path, headers=asked)
        assert head.status_code == get.status_code
        assert head.content == b""
        assert head.headers.get("content-type") == get.headers.get("content-type")
        assert head.headers.get("content-encoding") == get.headers.get("content-encoding")
        assert head.headers.get("content-length") == get.headers.get("content-length")
        if encoding == "identity":
            assert head.headers.get("content-length") == str(len(get.content))
        assert head.headers.get("access-control-allow-origin") == "*"


def test_head_over_real_http_keeps_the_connection_usable(live_server):
    """uvicorn must not wait for a body after a HEAD answer: the next request on the same connection works."""
    parts = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        for path in ("/", "/id/organisation/narud-ev", "/dumps/SHA256SUMS"):
            connection.request("HEAD", path)
            head = connection.getresponse()
            assert head.status == 200 and head.read() == b""
            length = int(head.getheader("content-length"))
            connection.request("GET", path)
            get = connection.getresponse()
            assert get.status == 200 and len(get.read()) == length
    finally:
        connection.close()


def test_post_only_and_unknown_methods_still_refused(client):
    assert client.request("HEAD", "/update").status_code == 405
    assert client.request("PUT", "/id/organisation/narud-ev").status_code == 405
