"""bench/synthetic.py: deterministic, labelled synthetic, and conforming to the shapes (at ~1 k triples)."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

ROOT = Path(__file__).resolve().parent.parent.parent


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


syn = load_generator()
SMALL = {"organisations": 10, "offers": 8, "places": 5, "projects": 2, "fundings": 3, "memberships": 10, "networks": 2}


def small_quads(seed: int = 7) -> str:
    buffer = io.StringIO()
    syn.write_records(syn.Plan(1, **SMALL), seed, buffer.write)
    return buffer.getvalue()


def as_ntriples(quads: str) -> str:
    """Drop the graph term (the last IRI of each line): the shapes see the union, as after a build."""
    return "".join(line.rsplit(" <", 1)[0] + " .\n" for line in quads.splitlines())


def test_deterministic_for_a_seed() -> None:
    assert small_quads(7) == small_quads(7)
    assert small_quads(7) != small_quads(8)


def test_file_is_deterministic(tmp_path: Path, built) -> None:
    build_nq = built.out_dir / "migrakg.nq"
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    for out in (a, b):
        assert syn.main(["--triples", "20000", "--out", str(out), "--build", str(build_nq)]) == 0
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").count("\n")
    assert 15_000 < lines < 25_000


def test_every_record_is_labelled_synthetic() -> None:
    ds = Dataset()
    ds.parse(data=small_quads(), format="nquads")
    triples = {(s, p, o) for s, p, o, _g in ds.quads((None, None, None, None))}
    subjects = {s for s, p, _o in triples if p == RDF.type}
    assert subjects
    pattern = re.compile(r"^https://w3id\.org/migrakg/(id/[a-z-]+/synthetic-[a-z0-9-]+(#contact|#address|#amount|#migrant-organisation|#at-synthetic-place-[0-9]+)?|graph/[a-z-]+)$")
    for s in subjects:
        assert pattern.match(str(s)), s
        assert (s, DCTERMS.source, URIRef(syn.SYNTHETIC_SOURCE)) in triples, s
        if not str(s).endswith("#migrant-organisation"):  # the evidence node's shape is closed: its record says it
            assert (s, RDFS.comment, Literal(syn.SYNTHETIC_NOTE)) in triples, s
    # every IRI the records point at is either synthetic or reference data (district, vocab, language, …)
    for _s, _p, o in triples:
        if isinstance(o, URIRef) and str(o).startswith("https://w3id.org/migrakg/id/"):
            assert "/synthetic-" in str(o) or "/id/district/" in str(o), o


def test_conforms_to_the_shapes(built) -> None:
    from migrakg.validate import load_shapes, validate_graph

    data = Graph()
    data.parse(data=as_ntriples(small_quads()), format="nt")
    assert 700 < len(data) < 2000
    data.parse(ROOT / "ontology" / "migrakg.ttl", format="turtle")
    for path in sorted((ROOT / "vocab").glob("*.ttl")):
        data.parse(path, format="turtle")
    # the districts are reference data copied from the build: give the shapes the same nodes
    districts = Graph()
    build_nq = built.out_dir / "migrakg.nq"
    for line in build_nq.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.endswith("<https://w3id.org/migrakg/graph/districts> .\n"):
            districts.parse(data=as_ntriples(line), format="nt")
    assert len(districts) > 100
    data += districts
    report = validate_graph(data, load_shapes(ROOT / "shapes"))
    assert report.conforms, report.render("text", "en")
    assert not report.warnings, report.render("text", "en")
