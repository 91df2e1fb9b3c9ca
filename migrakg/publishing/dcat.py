"""DCAT-AP.de 3.0 catalogue of a release, and its VoID description.

The catalogue describes one dataset (the knowledge base) with one dcat:Distribution per release
file, plus the SPARQL endpoint as a dcat:DataService. It conforms to the official DCAT-AP.de 3.0
SHACL shapes (checked in tests/publish/test_catalogue.py). No blank nodes: every node has an IRI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ..namespaces import DCAT, SD, VCARD, VOID, Iris
from .source import ReleaseSource

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

#: The licence of the core data (docs/decisions/2026-11-21-licence.md)
LICENSE = URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
DATENREGISTER_LICENSE = "cc-by/4.0"
ODBL = URIRef("http://dcat-ap.de/def/licenses/odbl")
ATTRIBUTION = (
    "migrakg – Wissensgraph der Migrant:innenorganisationen in Berlin (Quellen je Eintrag); "
    "Bevölkerungszahlen © Amt für Statistik Berlin-Brandenburg; CC BY 4.0"
)
CONTRIBUTOR = URIRef("http://dcat-ap.de/def/contributors/berlinOpenData")
BERLIN_STATE = URIRef("http://dcat-ap.de/def/politicalGeocoding/stateKey/11")
BERLIN_MUNICIPALITY = URIRef("http://dcat-ap.de/def/politicalGeocoding/municipalityKey/11000000")
GEOCODING_LEVEL = URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/state")
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/NonProfitOrganisation")
THEME = URIRef(EU + "data-theme/SOCI")
LANGUAGES = (URIRef(EU + "language/DEU"), URIRef(EU + "language/ENG"))
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
OSM_DATASET = "migrakg-osm"
TEXTS = {  # dataset key → (title de, title en, description de, description en)
    "migrakg": (
        "Migrant:innenorganisationen in Berlin – Wissensgraph migrakg",
        "Migrant organisations in Berlin – the migrakg knowledge base",
        "Migrant:innenorganisationen, Netzwerke und Gremien, Projekte, Angebote, Förderungen und Mitgliedschaften in Berlin "
        "(bisher vor allem Pankow und Spandau), jeder Eintrag mit Quelle und Datum. Als Linked Open Data (Turtle, N-Triples, "
        "JSON-LD), als Tabellen (CSV), im Format HSDS 3.0 und über einen SPARQL-Endpunkt. Keine Daten über Privatpersonen.",
        "Migrant organisations, networks and committees, projects, offers, funding and memberships in Berlin "
        "(so far mainly Pankow and Spandau), each record with its source and date. As linked open data (Turtle, "
        "N-Triples, JSON-LD), as tables (CSV), in HSDS 3.0 and through a SPARQL endpoint. No data about private persons.",
    ),
    OSM_DATASET: (
        "Orte aus OpenStreetMap zum Wissensgraphen migrakg",
        "Places from OpenStreetMap for the migrakg knowledge base",
        "Aus OpenStreetMap abgeleitete Orte (Nachbarschafts- und Begegnungszentren), wie sie in migrakg importiert wurden. "
        "© OpenStreetMap-Mitwirkende, Open Database License (ODbL) 1.0.",
        "Places derived from OpenStreetMap (community centres) as imported into migrakg. "
        "© OpenStreetMap contributors, Open Database License (ODbL) 1.0.",
    ),
}

#: file suffix → (IANA media type, EU file type, compressed with)
FILE_TYPES: dict[str, tuple[str, str, str | None]] = {
    ".ttl": ("text/turtle", "RDF_TURTLE", None),
    ".nt.gz": ("application/n-triples", "RDF_N_TRIPLES", "application/gzip"),
    ".nq.gz": ("application/n-quads", "RDF_N_QUADS", "application/gzip"),
    ".jsonld": ("application/ld+json", "JSON_LD", None),
    ".csv": ("text/csv", "CSV", None),
    ".json": ("application/json", "JSON", None),
}
#: concept schemes of the EU vocabularies used, stated in the catalogue so validators can check membership
SCHEMES = {
    "data-theme": "data-theme",
    "language": "language",
    "file-type": "file-type",
    "frequency": "frequency",
    "access-right": "access-right",
    "planned-availability": "planned-availability",
    "distribution-status": "distribution-status",
}


@dataclass(frozen=True)
class FileEntry:
    """One file of a release."""

    name: str  # path inside the release folder, e.g. "migrakg.ttl" or "hsds/services.csv"
    size: int
    sha256: str
    title_de: str
    title_en: str
    dataset: str = "migrakg"

    @property
    def file_type(self) -> tuple[str, str, str | None]:
        for suffix, kind in FILE_TYPES.items():
            if self.name.endswith(suffix):
                return kind
        return ("application/octet-stream", "BIN", None)

    @property
    def media_type(self) -> str:
        return self.file_type[2] or self.file_type[0]

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the release (the administration unit on daten.berlin.de)."""

    name: str = "migrakg – Wissensgraph Migrant:innenorganisationen Berlin"
    contact_email: str | None = None
    contact_url: str | None = None  # default: the public URL

    def __post_init__(self) -> None:
        import re

        from ..errors import UsageError

        if self.contact_email and not re.fullmatch(r"[^@\s:/]+@[^@\s/]+\.[^@\s/]+", self.contact_email):
            raise UsageError(f"contact e-mail {self.contact_email!r} is not an e-mail address")
        if self.contact_url and not re.match(r"^https?://\S+$", self.contact_url):
            raise UsageError(f"contact URL {self.contact_url!r} is not an http(s) address")
        if not self.name.strip():
            raise UsageError("the publisher needs a name")


def public_base(public_url: str | None) -> str:
    return (public_url or DEFAULT_PUBLIC_URL).rstrip("/")


def download_url(public_url: str | None, name: str) -> str:
    return f"{public_base(public_url)}/dumps/{name}"


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def catalogue(
    source: ReleaseSource,
    files: list[FileEntry],
    *,
    iris: Iris,
    public_url: str | None,
    released: dt.date,
    publisher: Publisher,
    districts: list[URIRef],
) -> Graph:
    """The DCAT-AP.de catalogue graph of a release."""
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dcatde", DCATDE),
        ("dcatap", DCATAP),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("vcard", VCARD),
        ("adms", ADMS),
        ("skos", SKOS),
        ("xsd", XSD),
    ):
        g.bind(prefix, ns, override=True, replace=True)
    base = public_base(public_url)
    catalog = URIRef(iris.base + "catalog")
    agent = URIRef(iris.base + "catalog#publisher")
    contact = URIRef(iris.base + "catalog#contact")
    service = URIRef(iris.base + "catalog#sparql")
    period = source.period()

    g.add((agent, RDF.type, FOAF.Organization))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(publisher.name, lang="de")))
    g.add((agent, DCTERMS.type, PUBLISHER_TYPE))
    g.add((agent, FOAF.homepage, URIRef(base + "/")))

    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(publisher.name, lang="de")))
    g.add((contact, VCARD.hasURL, URIRef(publisher.contact_url or base + "/")))
    if publisher.contact_email:
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + publisher.contact_email)))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("migrakg – Katalog", lang="de")))
    g.add((catalog, DCTERMS.title, Literal("migrakg catalogue", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Offene Daten des Wissensgraphen der Migrant:innenorganisationen in Berlin: Datenabzüge, Tabellen und SPARQL-Endpunkt.",
                lang="de",
            ),
        )
    )
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Open data of the knowledge base of migrant organisations in Berlin: dumps, tables and SPARQL endpoint.",
                lang="en",
            ),
        )
    )
    g.add((catalog, DCTERMS.publisher, agent))
    g.add((catalog, FOAF.homepage, URIRef(base + "/catalog")))
    g.add((catalog, DCTERMS.license, LICENSE))
    g.add((catalog, DCTERMS.modified, _date(released)))
    g.add((catalog, DCTERMS.issued, _date(released)))
    g.add((catalog, DCTERMS.spatial, BERLIN_STATE))
    g.add((catalog, DCAT.service, service))
    for language in LANGUAGES:
        g.add((catalog, DCTERMS.language, language))

    datasets: dict[str, URIRef] = {}
    for entry in files:
        if entry.dataset not in datasets:
            datasets[entry.dataset] = URIRef(f"{iris.base}dataset/{entry.dataset}")
    for key, dataset in datasets.items():
        g.add((catalog, DCAT.dataset, dataset))
        _dataset(
            g,
            dataset,
            key,
            source,
            iris=iris,
            base=base,
            released=released,
            agent=agent,
            contact=contact,
            period=period,
            districts=districts,
        )

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("migrakg SPARQL-Endpunkt", lang="de")))
    g.add((service, DCTERMS.title, Literal("migrakg SPARQL endpoint", lang="en")))
    g.add(
        (
            service,
            DCTERMS.description,
            Literal("SPARQL-1.1-Abfragen über den ganzen Wissensgraphen (nur lesend, mit Zeit- und Ergebnisgrenze).", lang="de"),
        )
    )
    g.add(
        (
            service,
            DCTERMS.description,
            Literal("SPARQL 1.1 queries over the whole knowledge base (read-only, with time and result limits).", lang="en"),
        )
    )
    g.add((service, DCAT.endpointURL, URIRef(base + "/sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(base + "/sparql")))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, datasets.get("migrakg", next(iter(datasets.values())))))
    g.add((service, DCTERMS.publisher, agent))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.license, LICENSE))
    g.add((service, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    g.add((service, DCATAP.availability, URIRef(EU + "planned-availability/AVAILABLE")))
    g.add((service, DCAT.landingPage, URIRef(base + "/sparql")))

    for entry in files:
        _distribution(g, datasets[entry.dataset], entry, base=base, released=released)
    _concept_schemes(g)
    return g


def _dataset(
    g: Graph,
    dataset: URIRef,
    key: str,
    source: ReleaseSource,
    *,
    iris: Iris,
    base: str,
    released: dt.date,
    agent: URIRef,
    contact: URIRef,
    period: tuple[dt.date, dt.date] | None,
    districts: list[URIRef],
) -> None:
    title_de, title_en, description_de, description_en = TEXTS[key]
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(title_de, lang="de")))
    g.add((dataset, DCTERMS.title, Literal(title_en, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(description_de, lang="de")))
    g.add((dataset, DCTERMS.description, Literal(description_en, lang="en")))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCATDE.contributorID, CONTRIBUTOR))
    g.add((dataset, DCAT.theme, THEME))
    for keyword, lang in (
        ("Migration", "de"),
        ("Integration", "de"),
        ("Migrantenorganisationen", "de"),
        ("Ehrenamt", "de"),
        ("Netzwerke", "de"),
        ("Linked Open Data", "de"),
        ("migration", "en"),
        ("integration", "en"),
        ("migrant organisations", "en"),
        ("networks", "en"),
        ("linked open data", "en"),
    ):
        g.add((dataset, DCAT.keyword, Literal(keyword, lang=lang)))
    g.add((dataset, DCAT.landingPage, URIRef(base + "/catalog")))
    g.add((dataset, FOAF.page, URIRef(f"{base}/dumps/RELEASE.md")))
    g.add((dataset, DCTERMS.issued, _date(released)))
    g.add((dataset, DCTERMS.modified, _date(released)))
    g.add((dataset, DCAT.version, Literal(released.isoformat())))
    g.add((dataset, DCTERMS.publisher, agent))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    g.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG")))
    g.add((dataset, DCATAP.availability, URIRef(EU + "planned-availability/AVAILABLE")))
    g.add((dataset, DCATDE.politicalGeocodingLevelURI, GEOCODING_LEVEL))
    for spatial in (BERLIN_STATE, BERLIN_MUNICIPALITY):
        g.add((dataset, DCTERMS.spatial, spatial))
    for district in districts:  # the Bezirke have no dcat-ap.de geocoding IRI: our own district IRIs
        g.add((dataset, DCTERMS.spatial, district))
        g.add((district, RDF.type, DCTERMS.Location))
        g.add((district, SKOS.prefLabel, Literal(source.label(district), lang="de")))
    for language in LANGUAGES:
        g.add((dataset, DCTERMS.language, language))
    g.add((dataset, DCTERMS.conformsTo, URIRef(iris.base + "ontology")))
    if period is not None:
        temporal = URIRef(f"{dataset}#period")
        g.add((dataset, DCTERMS.temporal, temporal))
        g.add((temporal, RDF.type, DCTERMS.PeriodOfTime))
        g.add((temporal, DCAT.startDate, _date(period[0])))
        g.add((temporal, DCAT.endDate, _date(period[1])))
    g.add((dataset, DCTERMS.provenance, URIRef(f"{dataset}#provenance")))
    g.add((URIRef(f"{dataset}#provenance"), RDF.type, DCTERMS.ProvenanceStatement))
    g.add(
        (
            URIRef(f"{dataset}#provenance"),
            RDFS.label,
            Literal(
                "Aus OpenStreetMap (über das Datenprodukt open-lifeworlds) importiert."
                if key == OSM_DATASET
                else "Von Hand aus öffentlichen Seiten zusammengetragen; jede Angabe nennt ihre Quelle (dct:source) und deren Datum.",
                lang="de",
            ),
        )
    )


def _distribution(g: Graph, dataset: URIRef, entry: FileEntry, *, base: str, released: dt.date) -> None:
    media, file_type, compressed = entry.file_type
    dist = URIRef(f"{dataset}/distribution/{entry.name.replace('/', '-')}")
    url = URIRef(f"{base}/dumps/{entry.name}")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(entry.title_de, lang="de")))
    g.add((dist, DCTERMS.title, Literal(entry.title_en, lang="en")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + media)))
    g.add((dist, DCTERMS.format, URIRef(EU + "file-type/" + file_type)))
    if compressed:
        g.add((dist, DCAT.compressFormat, URIRef(IANA + compressed)))
    license_ = ODBL if entry.dataset == OSM_DATASET else LICENSE
    g.add((dist, DCTERMS.license, license_))
    g.add(
        (
            dist,
            DCATDE.licenseAttributionByText,
            Literal("© OpenStreetMap-Mitwirkende, ODbL" if license_ == ODBL else ATTRIBUTION, lang="de"),
        )
    )
    g.add((dist, DCAT.byteSize, Literal(entry.size, datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(f"{dist}#checksum")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(entry.sha256, datatype=XSD.hexBinary)))
    g.add((dist, DCTERMS.issued, _date(released)))
    g.add((dist, DCTERMS.modified, _date(released)))
    g.add((dist, ADMS.status, URIRef(EU + "distribution-status/COMPLETED")))
    g.add((dist, DCATAP.availability, URIRef(EU + "planned-availability/AVAILABLE")))
    for language in LANGUAGES:
        g.add((dist, DCTERMS.language, language))


def _concept_schemes(g: Graph) -> None:
    """State `skos:inScheme` for every EU-vocabulary concept used (what the controlled-vocabulary
    shapes look for), and the media types as dct:MediaType."""
    for _s, _p, o in list(g):
        if isinstance(o, URIRef) and str(o).startswith(EU):
            scheme = str(o)[len(EU) :].split("/")[0]
            if scheme in SCHEMES:
                g.add((o, SKOS.inScheme, URIRef(EU + SCHEMES[scheme])))
        if isinstance(o, URIRef) and str(o).startswith(IANA):
            g.add((o, RDF.type, DCTERMS.MediaType))
    for license_ in set(g.objects(None, DCTERMS.license)):
        g.add((license_, RDF.type, DCTERMS.LicenseDocument))
        g.add((license_, SKOS.inScheme, URIRef("http://dcat-ap.de/def/licenses")))
    # the dcat-ap.de vocabularies GovData's validator imports from the web (dcat-ap-de-imports.ttl)
    g.add((CONTRIBUTOR, SKOS.inScheme, URIRef("http://dcat-ap.de/def/contributors")))
    g.add((GEOCODING_LEVEL, SKOS.inScheme, URIRef("http://dcat-ap.de/def/politicalGeocoding/Level")))
    g.add((PUBLISHER_TYPE, SKOS.inScheme, URIRef("http://purl.org/adms/publishertype/1.0")))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    for spatial in (BERLIN_STATE, BERLIN_MUNICIPALITY):
        g.add((spatial, RDF.type, DCTERMS.Location))


def void_description(
    source: ReleaseSource, files: list[FileEntry], *, iris: Iris, public_url: str | None, released: dt.date
) -> Graph:
    """VoID: the dataset, its SPARQL endpoint, data dumps, size, vocabularies and one subset per named graph."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    g.bind("sd", SD)
    base = public_base(public_url)
    dataset = URIRef(iris.base + "dataset/migrakg")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("migrakg", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(LICENSE_URL)))
    g.add((dataset, DCTERMS.modified, _date(released)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    g.add((dataset, VOID.uriSpace, Literal(iris.base + "id/")))
    g.add((dataset, VOID.triples, Literal(source.triple_count, datatype=XSD.integer)))
    g.add(
        (
            dataset,
            VOID.entities,
            Literal(len({s for s in source.union.subjects() if str(s).startswith(iris.base + "id/")}), datatype=XSD.integer),
        )
    )
    g.add((dataset, VOID.distinctSubjects, Literal(len(set(source.union.subjects())), datatype=XSD.integer)))
    g.add((dataset, VOID.properties, Literal(len(set(source.union.predicates())), datatype=XSD.integer)))
    g.add((dataset, VOID.exampleResource, URIRef(iris.base + "id/organisation/narud-ev")))
    for entry in files:
        if entry.dataset == "migrakg" and entry.name.startswith("migrakg."):
            g.add((dataset, VOID.dataDump, URIRef(download_url(public_url, entry.name))))
    namespaces = sorted(
        {str(p).rsplit("#", 1)[0] + "#" if "#" in str(p) else str(p).rsplit("/", 1)[0] + "/" for p in source.union.predicates()}
    )
    for namespace in namespaces:
        g.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for name, count in source.graphs.items():
        if not name:
            continue
        subset = URIRef(name)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(name)))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g
