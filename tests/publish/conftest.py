"""Fixtures for the release tests: one release of the real data, published once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def release(settings, built, tmp_path_factory):
    from migrakg.publishing.release import publish

    out = tmp_path_factory.mktemp("release") / "dist"
    return publish(settings, out)


@pytest.fixture(scope="session")
def dist(release):
    return release.out_dir


@pytest.fixture(scope="session")
def source(settings, built):
    """The built dataset, loaded as the release reads it."""
    from migrakg.build import NQUADS
    from migrakg.publishing.source import load_source

    return load_source(settings.build_path / NQUADS)
