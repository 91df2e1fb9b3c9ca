"""Fixtures of the browser tests beyond tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def merged_server(settings, kb_template, tmp_path_factory):
    """A server over a knowledge base where NARUD e.V. and an imported copy are joined by an accepted link:
    their pages have the section "Auch erfasst in / Also recorded in"."""
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app
    from tests.conftest import LiveServer
    from tests.web.test_links_merge import decide, kb_with_copy

    kb = kb_with_copy(settings, kb_template, tmp_path_factory.mktemp("merged"))
    decide(kb, "accept")
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=10), kb=kb)
    try:
        with LiveServer(app) as server:
            yield server
    finally:
        kb.close()
