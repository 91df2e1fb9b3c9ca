"""SHACL shapes tested as data: tests/shapes/valid/*.ttl must conform, tests/shapes/invalid/*.ttl must not.

Each fixture is validated on its own, with the ontology and the vocabularies added to the data graph
(as `migrakg build` does), without inference.

Header comments in a fixture (before the first non-comment line) state what is expected:

    # expect: <https://w3id.org/migrakg/shapes#Contact-email>
        invalid fixtures: this property shape reports a sh:Violation, and no other shape does
        (one broken rule per file).
    # expect-warning: <https://w3id.org/migrakg/shapes#Offer-languageMissing>
        valid fixtures: this property shape reports a sh:Warning; valid fixtures report no other warning.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHAPES_FILE = ROOT / "shapes" / "migrakg-shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "migrakg.ttl"
VOCAB_DIR = ROOT / "vocab"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))

MKGSH = Namespace("https://w3id.org/migrakg/shapes#")
EXPECT = re.compile(r"^#\s*(expect|expect-warning):\s*<([^>]+)>\s*$")


@functools.cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@functools.cache
def background_graph() -> Graph:
    """Ontology and vocabularies: what the build puts next to the records."""
    g = Graph().parse(ONTOLOGY_FILE, format="turtle")
    for path in sorted(VOCAB_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def expectations(path: Path) -> dict[str, set[URIRef]]:
    found: dict[str, set[URIRef]] = {"expect": set(), "expect-warning": set()}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = EXPECT.match(line)
        if m:
            found[m.group(1)].add(URIRef(m.group(2)))
    return found


def results(path: Path) -> list[tuple[URIRef, URIRef, str]]:
    """Validate one fixture; return (severity, source shape, message) for every result."""
    data = Graph()
    for triple in background_graph():
        data.add(triple)
    data.parse(path, format="turtle")
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=False
    )
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        messages = [str(m) for m in report.objects(r, SH.resultMessage)]
        out.append((report.value(r, SH.resultSeverity), report.value(r, SH.sourceShape), "; ".join(messages)))
    return out


def describe(found: list[tuple[URIRef, URIRef, str]]) -> str:
    return "\n".join(f"  {sev.split('#')[-1]} {shape}: {msg}" for sev, shape, msg in found) or "  (none)"


def test_there_are_fixtures():
    assert len(VALID) >= 6
    assert len(INVALID) >= 12


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_conforms(path: Path):
    found = results(path)
    violations = [r for r in found if r[0] == SH.Violation]
    assert not violations, f"{path.name} must conform but reports:\n{describe(violations)}"
    warnings = {shape for sev, shape, _ in found if sev == SH.Warning}
    expected = expectations(path)["expect-warning"]
    assert warnings == expected, f"{path.name}: expected warnings {sorted(expected)}, got:\n{describe(found)}"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_reports_the_expected_rule(path: Path):
    expected = expectations(path)["expect"]
    assert expected, f"{path.name} has no '# expect: <shape IRI>' header line"
    for shape in expected:
        assert (shape, RDF.type, SH.PropertyShape) in shapes_graph(), f"{path.name}: {shape} is not a property shape"
    found = results(path)
    violating = {shape for sev, shape, _ in found if sev == SH.Violation}
    assert expected & violating, f"{path.name}: expected a violation of {sorted(expected)}, got:\n{describe(found)}"
    assert violating <= expected, f"{path.name} must break only {sorted(expected)}, got:\n{describe(found)}"


def test_every_fixture_starts_with_a_comment_saying_it_is_synthetic():
    for path in VALID + INVALID:
        head = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
        assert any("synthetic" in line.lower() for line in head), path.name


def test_invalid_expectations_cover_key_rules():
    covered = set().union(*(expectations(p)["expect"] for p in INVALID))
    for rule in (
        "Contact-email",
        "Contact-phone",
        "Address-postCode",
        "Organisation-name",
        "Provenance-source",
        "Offer-offerType",
        "Offer-language",
        "Offer-provider",
        "Project-startDate",
        "Funding-amount",
        "Membership-member",
    ):
        assert MKGSH[rule] in covered, rule


# --- the regular expressions, checked directly ------------------------------------------------------


def pattern(shape: str) -> re.Pattern[str]:
    g = shapes_graph()
    value = g.value(MKGSH[shape], SH.pattern)
    assert value is not None, shape
    flags = re.IGNORECASE if "i" in str(g.value(MKGSH[shape], SH.flags) or "") else 0
    return re.compile(str(value), flags)


def test_postcode_pattern_accepts_exactly_10115_to_14199():
    postcode = pattern("Address-postCode")
    wrong = [n for n in range(100000) if bool(postcode.search(f"{n:05d}")) != (10115 <= n <= 14199)]
    assert wrong == []
    for text in ("1011", "101150", " 13597", "13597 ", "1359a"):
        assert not postcode.search(text), text


@pytest.mark.parametrize(
    "iri,ok",
    [
        ("mailto:info@example.org", True),
        ("mailto:beratung.spandau@verein-beispiel.de", True),
        ("mailto:Info@Example.DE", True),
        ("mailto:info.example.org", False),
        ("mailto:info@example", False),
        ("mailto:in fo@example.org", False),
        ("mailto:a@b@example.org", False),
        ("info@example.org", False),
    ],
)
def test_email_pattern(iri: str, ok: bool):
    assert bool(pattern("Contact-email").search(iri)) is ok


@pytest.mark.parametrize(
    "iri,ok",
    [
        ("tel:+49301234567", True),
        ("tel:+4917612345678", True),
        ("tel:030-1234567", False),
        ("tel:+49 30 1234567", False),
        ("tel:+4930", False),
        ("tel:+431234567", False),
    ],
)
def test_phone_pattern(iri: str, ok: bool):
    assert bool(pattern("Contact-phone").search(iri)) is ok
