"""Report fixtures: the actor analysis of the real data, for all of Berlin and for Pankow, built through
the query workers."""

from __future__ import annotations

import pytest
from reportdata import Direct


@pytest.fixture(scope="session")
def direct(kb_store) -> Direct:
    return Direct(kb_store.store)


@pytest.fixture(scope="session")
def berlin(service, settings):
    from migrakg.reporting import build_report

    return build_report(service.select, root=settings.root, base=settings.base_iri, lang="de")


@pytest.fixture(scope="session")
def pankow(service, settings):
    from migrakg.reporting import build_report

    return build_report(service.select, root=settings.root, base=settings.base_iri, lang="en", districts=("pankow",))
