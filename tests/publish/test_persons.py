"""What must stay out of the CC BY release. No private person: anything typed as a person is left out
of every file unless flagged as a public contact. No OpenStreetMap (ODbL) data: it is published apart.
The real data holds neither, so these tests use synthetic builds."""

from __future__ import annotations

import gzip

from rdflib import Graph

from migrakg.build import NQUADS

PRIVATE = "https://w3id.org/migrakg/id/person-role/jane-private"
PUBLIC = "https://w3id.org/migrakg/id/person-role/integrationsbeauftragte"
ORG = "https://w3id.org/migrakg/id/organisation/narud-ev"
G = "<https://w3id.org/migrakg/graph/persons>"

SYNTHETIC = f"""<{PRIVATE}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> {G} .
<{PRIVATE}> <http://xmlns.com/foaf/0.1/name> "Jane Private" {G} .
<{PRIVATE}> <https://schema.org/contactPoint> <{PRIVATE}#contact> {G} .
<{PRIVATE}#contact> <http://www.w3.org/2006/vcard/ns#hasEmail> <mailto:jane@example.org> {G} .
<{ORG}> <https://schema.org/employee> <{PRIVATE}> {G} .
<{PUBLIC}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> {G} .
<{PUBLIC}> <https://w3id.org/migrakg/ontology#isPublicContact> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> {G} .
<{PUBLIC}> <https://schema.org/name> "Integrationsbeauftragte (Funktion)" {G} .
"""


def test_private_persons_are_left_out_of_every_file(settings, built, tmp_path):
    from migrakg.publishing.release import publish

    nq = tmp_path / "with-persons.nq"
    nq.write_text((settings.build_path / NQUADS).read_text(encoding="utf-8") + SYNTHETIC, encoding="utf-8")
    release = publish(settings, tmp_path / "dist", source_path=nq)
    assert release.excluded == [PRIVATE]
    for path in (tmp_path / "dist").rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        text = data.decode("utf-8")
        assert "jane" not in text.lower(), path.name
    dump = Graph().parse(data=gzip.decompress((tmp_path / "dist" / "migrakg.nt.gz").read_bytes()), format="nt")
    assert any(str(s) == PUBLIC for s in dump.subjects()), "a person flagged public stays"
    assert "(1 Einträge ausgelassen)" in (tmp_path / "dist" / "RELEASE.md").read_text(encoding="utf-8")


def test_the_real_data_holds_no_persons(release):
    assert release.excluded == []


OSM_GRAPH = "<https://w3id.org/migrakg/graph/import/osm>"
OSM_PLACE = "https://w3id.org/migrakg/id/place/osm-123456"
OSM = f"""<{OSM_PLACE}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/migrakg/ontology#Place> {OSM_GRAPH} .
<{OSM_PLACE}> <https://schema.org/name> "Stadtteilzentrum aus OSM" {OSM_GRAPH} .
"""


def test_openstreetmap_data_is_published_apart_under_the_odbl(settings, built, tmp_path, shared):
    """ODbL data never enters the CC BY dumps: it gets its own file and dataset, licensed ODbL."""
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    from migrakg.namespaces import DCAT
    from migrakg.publishing.dcat import LICENSE, ODBL
    from migrakg.publishing.release import publish

    nq = tmp_path / "with-osm.nq"
    nq.write_text((settings.build_path / NQUADS).read_text(encoding="utf-8") + OSM, encoding="utf-8")
    out = publish(settings, tmp_path / "dist", source_path=nq).out_dir
    assert OSM_PLACE not in (out / "migrakg.ttl").read_text(encoding="utf-8")
    assert OSM_PLACE not in gzip.decompress((out / "migrakg.nq.gz").read_bytes()).decode("utf-8")
    assert "osm-123456" not in (out / "hsds" / "locations.csv").read_text(encoding="utf-8") + (
        out / "datenregister.json"
    ).read_text(encoding="utf-8").replace("migrakg-osm", "")
    osm = Graph().parse(data=gzip.decompress((out / "migrakg-osm.nt.gz").read_bytes()), format="nt")
    assert len(osm) == 2
    catalogue = Graph().parse(out / "catalog.ttl")
    osm_dataset = URIRef("https://w3id.org/migrakg/dataset/migrakg-osm")
    [distribution] = list(catalogue.objects(osm_dataset, DCAT.distribution))
    assert catalogue.value(distribution, DCTERMS.license) == ODBL
    core = URIRef("https://w3id.org/migrakg/dataset/migrakg")
    assert {catalogue.value(d, DCTERMS.license) for d in catalogue.objects(core, DCAT.distribution)} == {LICENSE}
    from tests.publish.test_catalogue import SHAPES, load_vocabularies, validate

    shapes = Graph()
    for name in SHAPES:
        shapes.parse(shared / "standards" / "dcat-ap-de" / name, format="turtle")
    assert [r for r in validate(catalogue, shapes, load_vocabularies(shared)) if r[0] == "Violation"] == []
