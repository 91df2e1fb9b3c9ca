"""Ontology, vocabularies and shapes agree with each other and with docs/data-model.md and docs/vocabularies.md."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pycountry
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "migrakg.ttl"
EXTERNAL_LABELS_FILE = ROOT / "ontology" / "external-labels.ttl"
SHAPES_FILE = ROOT / "shapes" / "migrakg-shapes.ttl"
VOCAB_DIR = ROOT / "vocab"
DATA_MODEL = ROOT / "docs" / "data-model.md"
VOCABULARIES_DOC = ROOT / "docs" / "vocabularies.md"

MKG = Namespace("https://w3id.org/migrakg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/migrakg/ontology")
VOCAB_BASE = "https://w3id.org/migrakg/vocab/"
LANG_BASE = "http://publications.europa.eu/resource/authority/language/"
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
LEGAL = Namespace("http://www.w3.org/ns/legal#")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
SCHEMES = [
    "legal-form",
    "field",
    "target-group",
    "offer-type",
    "network-type",
    "role",
    "funding-programme",
    "language",
    "status",
    "stage",
]


@functools.cache
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@functools.cache
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@functools.cache
def vocab(scheme: str) -> Graph:
    return Graph().parse(VOCAB_DIR / f"{scheme}.ttl", format="turtle")


def all_vocab() -> Graph:
    g = Graph()
    for scheme in SCHEMES:
        for triple in vocab(scheme):
            g.add(triple)
    return g


def languages_of(g: Graph, subject, predicate) -> list[str]:
    return [o.language for o in g.objects(subject, predicate) if isinstance(o, Literal)]


def declared_terms() -> set[URIRef]:
    g = ontology()
    return {s for t in TERM_TYPES for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}


# --- ontology ----------------------------------------------------------------------------------------


def test_ontology_header():
    g = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {"de", "en"} <= set(languages_of(g, ONTOLOGY_IRI, predicate)), predicate
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert (ONTOLOGY_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g


def test_ontology_defines_only_mkg_terms():
    assert declared_terms()
    for term in declared_terms():
        assert term.startswith(str(MKG)), term


@pytest.mark.parametrize("term", sorted(declared_terms()), ids=lambda t: t.split("#")[-1])
def test_term_has_german_and_english_label_and_comment(term: URIRef):
    g = ontology()
    for predicate in (RDFS.label, RDFS.comment):
        langs = languages_of(g, term, predicate)
        assert sorted(langs) == ["de", "en"], f"{term} {predicate}: {langs}"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in g


def test_every_mkg_term_of_the_data_model_is_declared():
    used = {MKG[name] for name in re.findall(r"\bmkg:([A-Za-z]\w*)", DATA_MODEL.read_text(encoding="utf-8"))}
    assert used - declared_terms() == set()


@pytest.mark.parametrize(
    "cls,supers",
    [
        ("Organisation", [ORG.Organization, SCHEMA.Organization]),
        ("PublicBody", [SCHEMA.GovernmentOrganization]),
        ("Network", [ORG.Organization]),
        ("Project", [URIRef("http://www.w3.org/ns/prov#Activity")]),
        ("CarrierRole", [URIRef("http://www.w3.org/ns/prov#Association")]),
        ("Funding", [SCHEMA.MonetaryGrant]),
        ("Offer", [SCHEMA.Service]),
        ("Place", [ORG.Site, SCHEMA.Place]),
        ("District", [SCHEMA.AdministrativeArea]),
    ],
)
def test_class_alignment_as_in_the_data_model(cls: str, supers: list[URIRef]):
    for sup in supers:
        assert (MKG[cls], RDFS.subClassOf, sup) in ontology(), (cls, sup)


def test_every_mkg_term_used_in_shapes_and_vocab_is_declared():
    used = set()
    for g in (shapes(), all_vocab()):
        for triple in g:
            used |= {t for t in triple if isinstance(t, URIRef) and t.startswith(str(MKG))}
    assert used - declared_terms() == set()


def test_external_labels_are_bilingual_and_define_nothing_of_ours():
    g = Graph().parse(EXTERNAL_LABELS_FILE, format="turtle")
    subjects = set(g.subjects())
    assert subjects
    for s in subjects:
        assert not str(s).startswith(str(MKG)), s
        assert sorted(languages_of(g, s, RDFS.label)) == ["de", "en"], s


# --- vocabularies ------------------------------------------------------------------------------------


def documented_codes() -> dict[str, list[str]]:
    """The code table of docs/vocabularies.md (the district row excluded: it comes from data/districts.csv)."""
    codes = {}
    for line in VOCABULARIES_DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*`([a-z-]+)`\s*\|(.*)\|\s*$", line)
        if not m or m.group(1) == "district":
            continue
        cell = m.group(2)
        if m.group(1) == "language":
            codes["language"] = re.findall(r"\b[A-Z]{3}\b", cell.split(":", 2)[-1])
        else:
            codes[m.group(1)] = [c.strip() for c in cell.split(",")]
    return codes


def scheme_concepts(scheme: str) -> dict[str, URIRef]:
    g = vocab(scheme)
    scheme_iri = URIRef(VOCAB_BASE + scheme)
    return {str(g.value(c, SKOS.notation)): c for c in g.subjects(SKOS.inScheme, scheme_iri)}


def test_vocab_files_are_exactly_the_documented_schemes():
    assert sorted(p.stem for p in VOCAB_DIR.glob("*.ttl")) == sorted(SCHEMES)
    assert sorted(documented_codes()) == sorted(SCHEMES)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_has_exactly_the_documented_codes(scheme: str):
    assert sorted(scheme_concepts(scheme)) == sorted(documented_codes()[scheme])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_header(scheme: str):
    g = vocab(scheme)
    scheme_iri = URIRef(VOCAB_BASE + scheme)
    assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in g
    for predicate in (DCTERMS.title, SKOS.prefLabel):
        assert sorted(languages_of(g, scheme_iri, predicate)) == ["de", "en"], predicate


@pytest.mark.parametrize("scheme", SCHEMES)
def test_concepts_are_complete(scheme: str):
    g = vocab(scheme)
    scheme_iri = URIRef(VOCAB_BASE + scheme)
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert concepts == set(g.subjects(SKOS.inScheme, scheme_iri))
    for code, concept in scheme_concepts(scheme).items():
        expected_iri = LANG_BASE + code if scheme == "language" else f"{VOCAB_BASE}{scheme}/{code}"
        assert str(concept) == expected_iri
        # a concept is a top concept of its scheme or sits below one (skos:broader, where a hierarchy is natural)
        broader = set(g.objects(concept, SKOS.broader))
        if broader:
            assert broader <= set(scheme_concepts(scheme).values()), concept
            assert all((b, SKOS.narrower, concept) in g for b in broader) or scheme == "language", concept
        else:
            assert (concept, SKOS.topConceptOf, scheme_iri) in g
            assert (scheme_iri, SKOS.hasTopConcept, concept) in g
        labels = languages_of(g, concept, SKOS.prefLabel)
        assert labels.count("de") == 1 and labels.count("en") == 1, (concept, labels)
        assert len(labels) == len(set(labels)), (concept, labels)  # at most one prefLabel per language
        if scheme != "language":
            assert sorted(languages_of(g, concept, SKOS.definition)) == ["de", "en"], concept


def test_extra_concept_types():
    for concept in scheme_concepts("role").values():
        assert (concept, RDF.type, ORG.Role) in vocab("role")
    for concept in scheme_concepts("target-group").values():
        assert (concept, RDF.type, SCHEMA.Audience) in vocab("target-group")


# --- shapes ------------------------------------------------------------------------------------------

NODE_SHAPES = {
    "OrganisationShape": MKG.Organisation,
    "PublicBodyShape": MKG.PublicBody,
    "NetworkShape": MKG.Network,
    "MembershipShape": ORG.Membership,
    "ProjectShape": MKG.Project,
    "CarrierRoleShape": MKG.CarrierRole,
    "FundingShape": MKG.Funding,
    "OfferShape": MKG.Offer,
    "PlaceShape": MKG.Place,
    "AddressShape": URIRef("http://www.w3.org/ns/locn#Address"),
    "ContactPointShape": URIRef("http://www.w3.org/2006/vcard/ns#Organization"),
    "DistrictShape": MKG.District,
}
MKGSH = Namespace("https://w3id.org/migrakg/shapes#")


def property_shapes() -> set:
    g = shapes()
    return set(g.objects(None, SH.property)) | set(g.subjects(RDF.type, SH.PropertyShape))


def test_node_shapes_target_their_classes():
    g = shapes()
    for name, cls in NODE_SHAPES.items():
        assert (MKGSH[name], RDF.type, SH.NodeShape) in g, name
        assert (MKGSH[name], SH.targetClass, cls) in g, name
        assert (MKGSH.ProvenanceShape, SH.targetClass, cls) in g or name in ("AddressShape", "ContactPointShape")


def test_property_shapes_are_named_and_explained():
    g = shapes()
    assert property_shapes()
    for ps in property_shapes():
        assert isinstance(ps, URIRef) and ps.startswith(str(MKGSH)), f"blank or foreign property shape: {ps}"
        assert (ps, RDF.type, SH.PropertyShape) in g, ps
        assert g.value(ps, SH.severity) in (SH.Violation, SH.Warning, SH.Info), ps
        for predicate in (SH.message, SH.name):
            assert sorted(languages_of(g, ps, predicate)) == ["de", "en"], (ps, predicate)


def owning_property_shape(g: Graph, node) -> URIRef | None:
    """The named property shape a (possibly nested, blank) shape node belongs to."""
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parents = list(g.subjects(None, node))
        if not parents:
            return None
        node = parents[0]
    return node if isinstance(node, URIRef) else None


def test_every_sh_in_belongs_to_an_explained_shape():
    g = shapes()
    holders = list(g.subjects(SH["in"], None))
    assert holders
    for holder in holders:
        owner = owning_property_shape(g, holder)
        assert owner in property_shapes(), holder
        assert sorted(languages_of(g, owner, SH.message)) == ["de", "en"], owner


FULL_SCHEME_PROPERTIES = {
    LEGAL.companyType: "legal-form",
    MKG.fieldOfActivity: "field",
    SCHEMA.audience: "target-group",
    MKG.offerType: "offer-type",
    MKG.networkType: "network-type",
    MKG.programme: "funding-programme",
    DCTERMS.language: "language",
}
#: properties whose sh:in lists a part of a scheme (the stage a membership or a funding can be in)
PARTIAL_SCHEME_PROPERTIES = {MKG.stage: "stage"}
ROLE_PROPERTIES = {
    ORG.role: {
        "member",
        "chair",
        "deputy-chair",
        "board-member",
        "mo-representative",
        "association-representative",
        "founding-member",
        "speaker",
        "regular-participant",
    },
    MKG.carrierRole: {"carrier", "tandem-partner"},
}


def test_sh_in_lists_agree_with_the_vocabularies():
    g = shapes()
    known = {c for scheme in SCHEMES for c in scheme_concepts(scheme).values()}
    checked = set()
    for ps in property_shapes():
        values = g.value(ps, SH["in"])
        if values is None:
            continue
        members = set(Collection(g, values))
        path = g.value(ps, SH.path)
        if path in FULL_SCHEME_PROPERTIES:
            assert members == set(scheme_concepts(FULL_SCHEME_PROPERTIES[path]).values()), ps
        elif path in PARTIAL_SCHEME_PROPERTIES:
            assert members <= set(scheme_concepts(PARTIAL_SCHEME_PROPERTIES[path]).values()), ps
        elif path in ROLE_PROPERTIES:
            codes = {str(vocab("role").value(m, SKOS.notation)) for m in members}
            assert codes == ROLE_PROPERTIES[path], ps
        else:
            continue
        assert members <= known, ps
        checked.add(path)
    assert checked == set(FULL_SCHEME_PROPERTIES) | set(ROLE_PROPERTIES) | set(PARTIAL_SCHEME_PROPERTIES)


@pytest.mark.parametrize("path", [MKG.seatDistrict, SCHEMA.areaServed, MKG.district])
def test_district_valued_properties_use_sh_class(path: URIRef):
    g = shapes()
    using = [ps for ps in property_shapes() if g.value(ps, SH.path) == path]
    assert using
    for ps in using:
        assert (ps, SH["class"], MKG.District) in g, ps


# --- mappings to published schemes -------------------------------------------------------------------

OPEN_ELIGIBILITY = "https://github.com/auntbertha/openeligibility/blob/"
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@pytest.mark.parametrize(
    "scheme,table", [("offer-type", "services.csv#human_services"), ("target-group", "situations.csv#human_situations")]
)
def test_every_concept_maps_to_open_eligibility_or_says_why_not(scheme: str, table: str):
    """Offer types map to Open Eligibility's human services, target groups to its human situations (the
    taxonomy HSDS directories use); a concept without a counterpart says so in an editorial note."""
    g = vocab(scheme)
    for code, concept in scheme_concepts(scheme).items():
        targets = [str(o) for p in MATCHES for o in g.objects(concept, p)]
        notes = [str(n) for n in g.objects(concept, SKOS.editorialNote)]
        assert targets or any(n.startswith("No match in Open Eligibility") for n in notes), code
        assert not (targets and any(n.startswith("No match") for n in notes)), code
        for target in targets:
            assert target.startswith(OPEN_ELIGIBILITY) and table in target, (code, target)


def test_every_language_maps_to_iso_639_3():
    g = vocab("language")
    for code, concept in scheme_concepts("language").items():
        iso = [str(o) for o in g.objects(concept, SKOS.exactMatch) if str(o).startswith("https://iso639-3.sil.org/code/")]
        assert len(iso) == 1, code
        assert pycountry.languages.get(alpha_3=iso[0].rsplit("/", 1)[-1]) is not None, (code, iso)
