"""Helpers for the report tests: IRIs, and counts taken straight from the store (quads_for_pattern, no SPARQL)."""

from __future__ import annotations

import pyoxigraph as ox

MKG = "https://w3id.org/migrakg/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
LEGAL = "http://www.w3.org/ns/legal#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BASE = "https://w3id.org/migrakg/"
PANKOW = BASE + "id/district/pankow"


class Direct:
    """Counts taken directly from the store's quads (no SPARQL engine involved)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def subjects(self, predicate: str, obj: str) -> set[str]:
        return {q.subject.value for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj), None)}

    def objects(self, subject: str, predicate: str) -> set[str]:
        return {q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None)}

    def instances(self, cls: str) -> set[str]:
        return self.subjects(RDF_TYPE, cls)

    def districts_of(self, record: str) -> set[str]:
        return self.objects(record, MKG + "seatDistrict") | self.objects(record, SCHEMA + "areaServed")

    def organisations(self, district: str | None = None) -> set[str]:
        orgs = self.instances(MKG + "Organisation")
        return orgs if district is None else {o for o in orgs if district in self.districts_of(o)}

    def offers(self, district: str | None = None) -> set[str]:
        offers = self.instances(MKG + "Offer")
        return offers if district is None else {o for o in offers if district in self.objects(o, SCHEMA + "areaServed")}
