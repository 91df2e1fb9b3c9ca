"""Every dump parses and holds exactly the triples of the built dataset (the union of its graphs)."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import to_isomorphic

from migrakg.build import NQUADS


@pytest.fixture(scope="module")
def store_union(settings, built) -> Graph:
    """build/migrakg.nq read independently with rdflib: the union of all its graphs."""
    dataset = Dataset()
    dataset.parse(settings.build_path / NQUADS, format="nquads")
    union = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("migrakg.ttl", "turtle"),
        ("migrakg.nt.gz", "nt"),
        ("migrakg.jsonld", "json-ld"),
    ],
)
def test_dump_holds_the_same_triples_as_the_store(dist, store_union, name, fmt):
    data = (dist / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    graph = Graph().parse(data=data, format=fmt)
    assert len(graph) == len(store_union) > 3000
    assert set(graph) == set(store_union)  # no blank nodes, so equality is plain set equality
    assert to_isomorphic(graph) == to_isomorphic(store_union)


def test_nquads_dump_keeps_the_named_graphs(settings, dist):
    ours = Dataset()
    ours.parse(data=gzip.decompress((dist / "migrakg.nq.gz").read_bytes()), format="nquads")
    built = Dataset()
    built.parse(settings.build_path / NQUADS, format="nquads")
    assert set(ours.quads((None, None, None, None))) == set(built.quads((None, None, None, None)))


def test_ntriples_lines_are_sorted(dist):
    lines = gzip.decompress((dist / "migrakg.nt.gz").read_bytes()).decode("utf-8").splitlines()
    assert lines == sorted(lines)


def test_void_counts_the_triples(dist, release):
    from rdflib.namespace import RDF

    from migrakg.namespaces import VOID

    void = Graph().parse(dist / "void.ttl")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    assert int(void.value(dataset, VOID.triples)) == release.triples
    assert void.value(dataset, VOID.sparqlEndpoint) is not None
    assert len(list(void.objects(None, VOID.dataDump))) == 4
