"""A Virtuoso instance of our own for the session (scripts/install-virtuoso.sh installs it; `make test`
runs that script): 127.0.0.1, free ports, a temporary folder, stopped at the end."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def own_virtuoso(tmp_path_factory):
    from migrakg.replica import Instance, Settings

    instance = Instance.create(tmp_path_factory.mktemp("virtuoso") / "replica", Settings.sized(300))
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()
