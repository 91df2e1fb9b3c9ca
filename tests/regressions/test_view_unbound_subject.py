"""Bug: a page's view query built `{record}#contact` + '#address', which is no IRI; the subject stayed
unbound and joined every triple of the store, so one page read the whole knowledge base."""

from __future__ import annotations

from migrakg.linkeddata import resources
from migrakg.namespaces import Iris


def test_view_reads_only_its_neighbourhood(service):
    iris = Iris()
    view = resources.view(service, resources.record_target(iris, "organisation", "narud-ev"), iris.base)
    assert "https://w3id.org/migrakg/id/organisation/narud-ev#contact" in view.nodes
    assert len(view.nodes) < 20
    assert all(s.startswith(iris.base + "id/") for s in view.nodes)
    project = resources.view(service, resources.record_target(iris, "project", "migraktiv-spandau"), iris.base)
    assert len(project.nodes) < 40
