"""Regression: no Content-Security-Policy, X-Content-Type-Options, Referrer-Policy or frame-ancestors on
any route; `server: uvicorn`; /api loaded swagger-ui from a CDN."""

from __future__ import annotations

import re

import httpx
import pytest

from migrakg.web.hardening import inline_hashes

ROUTES = ["/", "/id/organisation/narud-ev", "/search", "/sparql", "/catalog", "/health", "/api", "/no-such-page", "/reconcile"]


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_sends_the_security_headers(client, path):
    r = client.get(path, headers={"Accept": "text/html"})
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert r.headers["x-frame-options"] == "DENY"


def test_refusals_carry_the_headers_too(client):
    r = client.post("/sparql", content=b"x" * (2 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"


def test_no_server_banner(live_server):
    r = httpx.get(live_server.url + "/health")
    assert "server" not in r.headers


def test_pages_have_no_inline_script(client):
    """JSON-LD data blocks are not scripts; anything the browser would run comes from /static."""
    for path in ("/", "/id/organisation/narud-ev", "/search?q=Pankow", "/sparql", "/catalog", "/api"):
        html = client.get(path, headers={"Accept": "text/html"}).text
        assert inline_hashes(html)[0] == (), path
        assert not re.search(r"\son[a-z]+\s*=", html), path  # no event handler attributes either


def test_the_report_allows_exactly_its_own_inline_script(client):
    r = client.get("/report")
    csp = r.headers["content-security-policy"]
    scripts, styles = inline_hashes(r.text)
    assert scripts and all(h in csp for h in scripts + styles)
    assert "unsafe-inline" not in csp and not re.search(r'\sstyle="', r.text)  # no style attributes (font-style= is SVG)


def test_api_docs_are_served_from_the_package(client):
    page = client.get("/api")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from another host
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "SwaggerUIBundle" in client.get("/api/assets/swagger-ui-bundle.js").text
