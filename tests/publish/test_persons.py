"""No private person reaches a release: anything typed as a person is left out of every file unless
it is flagged as a public contact. The real data holds none, so this uses a synthetic build."""

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
    from migrakg.publish import publish

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
