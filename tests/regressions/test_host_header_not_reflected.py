"""Regression: with no public URL set, the Host header was reflected into the reconcile manifest, the
service description and the pages' JSON-LD — a forged Host made them point at another site."""

from __future__ import annotations

import pytest

EVIL = "evil.example"


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/reconcile", "application/json"),
        ("/sparql", "text/turtle"),
        ("/", "text/html"),
        ("/search?q=Pankow", "text/html"),
    ],
)
def test_a_forged_host_is_not_reflected(client, path, accept):
    r = client.get(path, headers={"Host": EVIL, "Accept": accept})
    assert r.status_code == 200
    assert EVIL not in r.text


def test_a_trusted_host_and_the_public_url_are_used(client, settings, kb_store, service):
    from fastapi.testclient import TestClient

    from migrakg.web.app import create_app

    local = client.get("/reconcile", headers={"Host": "localhost:8000"}).json()
    assert "http://localhost:8000/" in str(local)
    public = TestClient(create_app(settings.with_(public_url="https://migrakg.example.org"), kb_store, service=service))
    assert "https://migrakg.example.org/" in str(public.get("/reconcile", headers={"Host": EVIL}).json())
