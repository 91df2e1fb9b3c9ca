"""Regression: a plain GET /catalog or /dumps/… re-published build/dist/ when it was missing or stale —
17 files written by an anonymous request. A release is now made by `migrakg publish` only."""

from __future__ import annotations

import shutil

import pytest

from migrakg.build import NQUADS


@pytest.fixture()
def unpublished(settings, built, kb_store, tmp_path):
    """An app over a project folder with a build but no release."""
    from fastapi.testclient import TestClient

    from migrakg.settings import Settings
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app

    (tmp_path / "build").mkdir()
    shutil.copy(settings.build_path / NQUADS, tmp_path / "build" / NQUADS)
    own = Settings(root=tmp_path, build_dir=tmp_path / "build")
    with TestClient(create_app(own, kb_store, service=QueryService(kb_store, workers=1, timeout=10))) as client:
        yield client, tmp_path


def files(folder):  # type: ignore[no-untyped-def]
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


@pytest.mark.parametrize("path", ["/catalog", "/dumps/migrakg.ttl", "/dumps/SHA256SUMS", "/.well-known/void"])
def test_a_get_without_a_release_writes_nothing_and_says_what_to_run(unpublished, path):
    client, folder = unpublished
    before = files(folder)
    r = client.get(path, headers={"Accept": "application/json"})
    assert r.status_code == 503
    assert "migrakg publish" in r.json()["message_en"] and "migrakg publish" in r.json()["message_de"]
    assert files(folder) == before


def test_after_publish_the_same_get_serves_the_release(unpublished, settings):
    from migrakg.publishing.release import publish
    from migrakg.settings import Settings

    client, folder = unpublished
    publish(Settings(root=folder, build_dir=folder / "build"))
    assert client.get("/catalog", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/dumps/SHA256SUMS").status_code == 200
