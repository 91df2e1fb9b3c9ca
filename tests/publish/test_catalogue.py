"""The DCAT-AP.de 3.0 catalogue conforms to the official shapes (SEMIC DCAT-AP 3.0.0 + the German
files) with zero violations, and says what the portal needs: files, sizes, checksums, licence, place."""

from __future__ import annotations

import hashlib

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from migrakg.namespaces import DCAT
from migrakg.publishing.dcat import BERLIN_MUNICIPALITY, BERLIN_STATE, DCATDE, LICENSE, SPDX, THEME

SHAPES = (
    "dcat-ap-SHACL-3.0.0.ttl",
    "dcat-ap-SHACL-DE.ttl",
    "dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-controlledvocabularies.ttl",
    "dcat-ap-de-deprecated.ttl",
)


@pytest.fixture(scope="module")
def shapes(shared) -> Graph:
    graph = Graph()
    for name in SHAPES:
        graph.parse(shared / "standards" / "dcat-ap-de" / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def vocabularies(shared) -> Graph:
    return load_vocabularies(shared)


def load_vocabularies(shared) -> Graph:
    """The licence list and the W3C vocabularies the shapes need for class membership."""
    folder = shared / "standards" / "dcat-ap-de"
    graph = Graph()
    graph.parse(folder / "dcat-ap-de-licenses-open.rdf", format="xml")
    graph.parse(folder / "mirror-foaf_0_1.rdf", format="xml")
    graph.parse(folder / "mirror-vcard.ttl", format="turtle")
    graph.parse(folder / "mirror-org.ttl", format="turtle")
    return graph


def validate(data: Graph, shapes: Graph, vocabularies: Graph) -> list[tuple[str, str, str, str]]:
    combined = Graph()
    for triple in data:
        combined.add(triple)
    for triple in vocabularies:
        combined.add(triple)
    _conforms, report, _text = pyshacl.validate(
        combined, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return [
        (
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


@pytest.fixture(scope="module")
def catalogue(dist) -> Graph:
    return Graph().parse(dist / "catalog.ttl", format="turtle")


def test_catalogue_has_zero_violations_and_zero_warnings(catalogue, shapes, vocabularies):
    results = validate(catalogue, shapes, vocabularies)
    violations = [r for r in results if r[0] == "Violation"]
    assert violations == []
    # docs/publishing.md lists the warnings with their reason; today there are none
    assert [r for r in results if r[0] == "Warning"] == []


def test_the_shapes_do_catch_a_broken_catalogue(catalogue, shapes, vocabularies):
    broken = Graph()
    for s, p, o in catalogue:
        if p not in (DCTERMS.publisher, DCAT.accessURL):
            broken.add((s, p, o))
    violations = [r for r in validate(broken, shapes, vocabularies) if r[0] == "Violation"]
    assert any("publisher" in r[2] for r in violations)
    assert any("accessURL" in r[2] for r in violations)


def test_one_distribution_per_file_with_size_checksum_and_links(catalogue, release, dist):
    dataset = URIRef("https://w3id.org/migrakg/dataset/migrakg")
    distributions = list(catalogue.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(release.files) > 20
    for dist_iri in distributions:
        url = str(catalogue.value(dist_iri, DCAT.downloadURL))
        assert url.startswith("http://127.0.0.1:8000/dumps/")
        name = url.removeprefix("http://127.0.0.1:8000/dumps/")
        data = (dist / name).read_bytes()
        assert int(catalogue.value(dist_iri, DCAT.byteSize)) == len(data)
        checksum = catalogue.value(dist_iri, SPDX.checksum)
        assert str(catalogue.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert catalogue.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert catalogue.value(dist_iri, DCAT.accessURL) is not None
        assert str(catalogue.value(dist_iri, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
        assert str(catalogue.value(dist_iri, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        assert catalogue.value(dist_iri, DCTERMS.license) == LICENSE


def test_dataset_metadata_berlin_expects(catalogue):
    dataset = URIRef("https://w3id.org/migrakg/dataset/migrakg")
    spatial = set(catalogue.objects(dataset, DCTERMS.spatial))
    assert {BERLIN_STATE, BERLIN_MUNICIPALITY} <= spatial
    assert URIRef("https://w3id.org/migrakg/id/district/pankow") in spatial
    assert catalogue.value(dataset, DCAT.theme) == THEME
    assert catalogue.value(dataset, DCATDE.contributorID) is not None
    assert catalogue.value(dataset, DCATDE.politicalGeocodingLevelURI) is not None
    assert catalogue.value(dataset, DCTERMS.temporal) is not None
    assert catalogue.value(dataset, DCTERMS.modified) is not None
    contact = catalogue.value(dataset, DCAT.contactPoint)
    assert contact is not None and (contact, None, None) in catalogue
    for licence in catalogue.objects(None, DCTERMS.license):
        assert not str(licence).endswith("/"), "dcat-ap.de licence IRIs have no trailing slash"


def test_sparql_endpoint_is_a_data_service(catalogue):
    service = next(catalogue.subjects(RDF.type, DCAT.DataService))
    assert str(catalogue.value(service, DCAT.endpointURL)) == "http://127.0.0.1:8000/sparql"
    assert catalogue.value(service, DCAT.endpointDescription) is not None
    assert catalogue.value(service, DCAT.servesDataset) == URIRef("https://w3id.org/migrakg/dataset/migrakg")


def test_public_url_setting_moves_every_link(settings, tmp_path):
    from migrakg.publishing.release import publish

    release = publish(settings.with_(public_url="https://daten.example.berlin/migrakg/"), tmp_path / "d")
    text = (release.out_dir / "catalog.ttl").read_text(encoding="utf-8")
    assert "https://daten.example.berlin/migrakg/dumps/migrakg.ttl" in text
    assert "127.0.0.1" not in text
