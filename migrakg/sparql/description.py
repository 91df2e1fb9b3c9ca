"""The SPARQL 1.1 Service Description of an endpoint, as an rdflib graph."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from ..namespaces import SD, VOID

FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(
    endpoint: str, *, graphs: dict[str, int], total: int, update_endpoint: str | None = None, federated: bool = False
) -> Graph:
    """*graphs*: named graph IRI → triple count; *total*: triples in the union default graph."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, DCTERMS.title, Literal("migrakg SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.title, Literal("migrakg SPARQL-Endpunkt", lang="de")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update_endpoint:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(FORMATS + name)))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("defaultGraph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(total, datatype=XSD.integer)))
    for index, (name, count) in enumerate(sorted(graphs.items())):
        named = BNode(f"ng{index}")
        graph = BNode(f"g{index}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g
