"""What `migrakg link` and `/reconcile` read and write: entities from a store, a file or a remote
endpoint; the links graph (`{base}graph/links`); the review file a person accepts or rejects.

Entities come from the same few SELECT queries everywhere (our store through pyoxigraph or the
QueryService, another project's endpoint through sparql/remote.py), so ours and theirs are read alike.
Each link is also a resource `{base}id/link/{hash}` (no blank nodes) with its score, method, date and
evidence, in the SSSOM vocabulary (https://w3id.org/sssom/) plus RDF reification.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from .. import __version__
from ..csvcells import csv_row, read_cell
from ..errors import Location, MigrakgError, Problem, SourceError, Text, UsageError
from ..namespaces import Iris
from ..terms import Row, Select, from_ox, to_ox
from .match import Address, Entity, Link
from .normalise import district_slugs

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")


PREFIXES = """PREFIX mkg: <{base}ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX locn: <http://www.w3.org/ns/locn#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
"""
#: class → our kind; the first class a subject has in this order decides
KIND_OF_CLASS = (
    ("ontology#Organisation", "organisation"),
    ("ontology#Network", "network"),
    ("ontology#Place", "place"),
    ("ontology#Project", "project"),
    ("ontology#Offer", "offer"),
    ("http://www.w3.org/ns/org#Organization", "organisation"),
    ("https://schema.org/Organization", "organisation"),
    ("http://schema.org/Organization", "organisation"),
    ("http://xmlns.com/foaf/0.1/Organization", "organisation"),
    ("https://schema.org/Place", "place"),
    ("http://schema.org/Place", "place"),
)
Q_TYPES = (
    PREFIXES
    + """SELECT DISTINCT ?s ?type WHERE {
  VALUES ?type { mkg:Organisation mkg:Network mkg:Place mkg:Project mkg:Offer org:Organization schema:Organization
                 <http://schema.org/Organization> foaf:Organization schema:Place <http://schema.org/Place> }
  ?s a ?type . FILTER(isIRI(?s)) }"""
)
Q_NAMES = (
    PREFIXES
    + """SELECT DISTINCT ?s ?name WHERE {
  VALUES ?type { mkg:Organisation mkg:Network mkg:Place mkg:Project mkg:Offer org:Organization schema:Organization
                 <http://schema.org/Organization> foaf:Organization schema:Place <http://schema.org/Place> }
  ?s a ?type .
  ?s skos:prefLabel|skos:altLabel|schema:name|<http://schema.org/name>|rdfs:label|foaf:name ?name . FILTER(isIRI(?s)) }"""
)
Q_ADDRESSES = (
    PREFIXES
    + """SELECT DISTINCT ?s ?street ?number ?postcode WHERE {
  { ?s locn:address ?a } UNION { ?s org:hasSite/locn:address ?a } UNION { ?place org:siteOf ?s . ?place locn:address ?a }
  OPTIONAL { ?a locn:thoroughfare ?street } OPTIONAL { ?a locn:locatorDesignator ?number }
  OPTIONAL { ?a locn:postCode ?postcode } FILTER(isIRI(?s)) }"""
)
Q_DISTRICTS = (
    PREFIXES
    + """SELECT DISTINCT ?s ?district WHERE {
  ?s mkg:seatDistrict|schema:areaServed|mkg:district|org:hasSite/mkg:district ?district . FILTER(isIRI(?s)) }"""
)
Q_WEB = (
    PREFIXES
    + """SELECT DISTINCT ?s ?url WHERE {
  ?s schema:url|<http://schema.org/url>|foaf:homepage ?url . FILTER(isIRI(?s)) }"""
)
Q_MAIL = (
    PREFIXES
    + """SELECT DISTINCT ?s ?mail WHERE {
  ?s schema:email|<http://schema.org/email>|schema:contactPoint/vcard:hasEmail ?mail . FILTER(isIRI(?s)) }"""
)  # the sequence last: as the first alternative Virtuoso 7.2 cannot compile it


def kind_of(types: Iterable[str]) -> str:
    types = set(types)
    for suffix, kind in KIND_OF_CLASS:
        if any(t.endswith(suffix) for t in types):
            return kind
    return ""


def entities_from(
    select: Select, base: str, *, kinds: tuple[str, ...] | None = None, within: Callable[[str], bool] = lambda _iri: True
) -> list[Entity]:
    """Entities of every subject with a known class, from a store or endpoint reached through *select*."""

    def rows(query: str) -> list[list[str]]:
        _vars, result = select(query.replace("{base}", base))
        return [[cell.value if cell else "" for cell in row] for row in result]

    types: dict[str, list[str]] = {}
    for s, t in rows(Q_TYPES):
        if within(s):
            types.setdefault(s, []).append(t)
    names: dict[str, list[str]] = {}
    for s, name in rows(Q_NAMES):
        if s in types and name:
            names.setdefault(s, []).append(name)
    addresses: dict[str, list[Address]] = {}
    for s, street, number, postcode in rows(Q_ADDRESSES):
        if s in types and (street or postcode):
            addresses.setdefault(s, []).append(Address(street, number, postcode))
    districts: dict[str, set[str]] = {}
    for s, district in rows(Q_DISTRICTS):
        if s in types:
            districts.setdefault(s, set()).update(district_slugs(district))
    web: dict[str, list[str]] = {}
    for s, url in rows(Q_WEB):
        if s in types:
            web.setdefault(s, []).append(url)
    mail: dict[str, list[str]] = {}
    for s, address in rows(Q_MAIL):
        if s in types:
            mail.setdefault(s, []).append(address)
    out = []
    for s in sorted(types):
        kind = kind_of(types[s])
        if kinds is not None and kind not in kinds:
            continue
        if not names.get(s):
            continue
        ordered = sorted(names[s], key=lambda n: (n != names[s][0], n))
        out.append(
            Entity(
                s, kind, ordered, addresses.get(s, []), tuple(sorted(districts.get(s, set()))), web.get(s, []), mail.get(s, [])
            )
        )
    return out


def store_select(store: ox.Store) -> Select:
    """A *select* over a pyoxigraph store (our own queries, union of all graphs)."""

    def select(query: str) -> tuple[list[str], list[Row]]:
        result = store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        variables = [v.value for v in result.variables]
        return variables, [[from_ox(sol[v]) if sol[v] is not None else None for v in variables] for sol in result]

    return select


def endpoint_select(url: str, timeout: float = 30) -> Select:
    """A *select* against a remote SPARQL endpoint (the same client as `serve --backend`)."""
    from ..sparql.remote import RemoteQueryService

    service = RemoteQueryService(url, timeout=timeout)

    def select(query: str) -> tuple[list[str], list[Row]]:
        try:
            return service.select(query)
        except MigrakgError as exc:
            raise UsageError(
                Text(
                    f"SPARQL-Endpunkt {url} nicht erreichbar: {exc.text.get('de')}",
                    f"SPARQL endpoint {url} cannot be reached: {exc.text.get('en')}",
                )
            ) from None

    return select


def our_entities(store: ox.Store, iris: Iris) -> list[Entity]:
    """Our organisations, networks and places (the build's records, not imported ones)."""
    prefix = iris.base + "id/"
    own_import = {
        str(q.subject.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None, None)
        if isinstance(q.graph_name, ox.NamedNode)
        and q.graph_name.value.startswith(iris.base + "graph/import/")
        and isinstance(q.subject, ox.NamedNode)
    }
    return entities_from(
        store_select(store),
        iris.base,
        kinds=("organisation", "network", "place"),
        within=lambda s: s.startswith(prefix) and s not in own_import,
    )


def their_entities(
    against: str,
    settings,
    *,
    source: str | None = None,
    kb_slugs: dict[str, set[str]] | None = None,
) -> list[Entity]:
    """Entities of another dataset: a SPARQL endpoint (http/https) or a file any `migrakg import` format reads."""
    if against.startswith(("http://", "https://")):
        return entities_from(endpoint_select(against), settings.iris.base)
    from ..importing import read_import, rebased, source_name_for
    from ..settings import ProjectPaths

    path = Path(against)
    paths = ProjectPaths.from_settings(settings)
    name = source or source_name_for(path)
    parsed = read_import(
        path, fmt=None, source=name, kb_slugs=kb_slugs or {"district": set(_district_slugs())}, vocab_dir=paths.vocab
    )
    scratch = ox.Store()
    for s, p, o in rebased(parsed.graph, settings.iris):
        scratch.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o)))  # type: ignore[arg-type]
    return entities_from(
        store_select(scratch), settings.iris.base, kinds=("organisation", "network", "place", "project", "offer")
    )


def _district_slugs() -> list[str]:
    from .normalise import DISTRICTS

    return list(DISTRICTS)


# -- the links graph ----------------------------------------------------------------------------


def links_graph(links: list[Link], iris: Iris, *, when: dt.date) -> Graph:
    """`ours owl:sameAs|skos:closeMatch theirs`, and each link as a resource with score, method, date, evidence."""
    graph = Graph()
    graph.bind("owl", OWL)
    graph.bind("skos", SKOS)
    graph.bind("sssom", SSSOM)
    graph.bind("semapv", SEMAPV)
    graph.bind("prov", PROV)
    graph.bind("dcterms", DCTERMS)
    for link in links:
        predicate = OWL.sameAs if link.relation == "sameAs" else SKOS.closeMatch
        ours, theirs = URIRef(link.ours), URIRef(link.theirs)
        graph.add((ours, predicate, theirs))
        node = URIRef(f"{iris.base}id/link/{link.id}")
        graph.add((node, RDF.type, RDF.Statement))
        graph.add((node, RDF.type, SSSOM.Mapping))
        graph.add((node, RDF.subject, ours))
        graph.add((node, RDF.predicate, predicate))
        graph.add((node, RDF.object, theirs))
        graph.add((node, SSSOM.subject_id, ours))
        graph.add((node, SSSOM.predicate_id, predicate))
        graph.add((node, SSSOM.object_id, theirs))
        if link.ours_name:
            graph.add((node, SSSOM.subject_label, Literal(link.ours_name)))
        if link.theirs_name:
            graph.add((node, SSSOM.object_label, Literal(link.theirs_name)))
        graph.add((node, SSSOM.confidence, Literal(f"{link.score:.4f}", datatype=XSD.double)))
        justification = SEMAPV.ManualMappingCuration if link.method == "reviewed" else SEMAPV.LexicalMatching
        graph.add((node, SSSOM.mapping_justification, justification))
        graph.add((node, SSSOM.mapping_tool, Literal(f"migrakg link {__version__}")))
        graph.add((node, SSSOM.mapping_date, Literal(when.isoformat(), datatype=XSD.date)))
        graph.add((node, DCTERMS.date, Literal(when.isoformat(), datatype=XSD.date)))
        if link.evidence:
            graph.add((node, SSSOM.comment, Literal("; ".join(link.evidence))))
    return graph


# -- the review file ----------------------------------------------------------------------------

REVIEW_COLUMNS = ("ours", "theirs", "names", "score", "link", "evidence", "decision")
#: the same columns for German readers (read_review accepts either)
REVIEW_COLUMNS_DE = ("unser Eintrag", "ihr Eintrag", "Namen", "Punkte", "Verknüpfung", "Begründung", "Entscheidung (ja/nein)")
ACCEPT = {"accept", "accepted", "yes", "ja", "y", "j", "sameas", "same", "ok", "x"}
REJECT = {"reject", "rejected", "no", "nein", "n", "different", "not"}


def review_csv(links: list[Link], decisions: dict[tuple[str, str], str], lang: str = "en") -> str:
    """One row per proposed pair; a person fills `decision` with accept / reject (or ja / nein).
    The header is German when *lang* is "de"."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS_DE if lang == "de" else REVIEW_COLUMNS)
    for link in links:
        decision = decisions.get((link.ours, link.theirs), "")
        writer.writerow(
            csv_row(  # names come from other projects' data: no cell may start a spreadsheet formula
                [
                    link.ours,
                    link.theirs,
                    f"{link.ours_name} | {link.theirs_name}",
                    f"{link.score:.3f}",
                    link.relation,
                    "; ".join(link.evidence),
                    decision,
                ]
            )
        )
    for (ours, theirs), decision in sorted(decisions.items()):
        if decision == "rejected":
            writer.writerow(csv_row([ours, theirs, "", "", "", "", "rejected"]))
    return out.getvalue()


def read_review(path: Path) -> dict[tuple[str, str], str]:
    """Decisions of a review file: (ours, theirs) → "accepted" | "rejected". Raises SourceError for bad rows."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError([Problem(Location(str(path)), Text(f"nicht lesbar: {exc}", f"cannot be read: {exc}"))]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames:
        english = dict(zip(REVIEW_COLUMNS_DE, REVIEW_COLUMNS))
        reader.fieldnames = [english.get(name.strip(), name.strip()) for name in reader.fieldnames]
    if not reader.fieldnames or not {"ours", "theirs", "decision"} <= set(reader.fieldnames):
        raise SourceError(
            [
                Problem(
                    Location(path.name, 1),
                    Text(
                        "Kopfzeile braucht die Spalten „unser Eintrag“, „ihr Eintrag“, „Entscheidung (ja/nein)“ (oder ours, theirs, decision)",
                        "the header needs the columns ours, theirs, decision",
                    ),
                )
            ]
        )
    decisions: dict[tuple[str, str], str] = {}
    problems = []
    for number, row in enumerate(reader, start=2):
        value = (row.get("decision") or "").strip().lower()
        if not value:
            continue
        key = (read_cell((row.get("ours") or "").strip()), read_cell((row.get("theirs") or "").strip()))
        if value in ACCEPT:
            decisions[key] = "accepted"
        elif value in REJECT:
            decisions[key] = "rejected"
        else:
            problems.append(
                Problem(
                    Location(path.name, number, "decision"),
                    Text(f"„{value}“ ist weder accept noch reject (ja/nein)", f"'{value}' is neither accept nor reject (yes/no)"),
                )
            )
    if problems:
        raise SourceError(problems)
    return decisions


# -- the command's core -------------------------------------------------------------------------


class LinkResult:
    def __init__(self, links: list[Link], compared: int, written: list[str]):
        self.links = links
        self.compared = compared
        self.written = written


def run_link(
    settings,
    against: str,
    *,
    threshold: float,
    floor: float,
    out: Path | None = None,
    review: Path | None = None,
    source: str | None = None,
    store_path: str | None = None,
    today: dt.date | None = None,
    lang: str = "en",
) -> LinkResult:
    """Match *against* with our records; write the links graph (--out, --store) and the review file.
    Raises UsageError, SourceError."""
    from ..importing import kb_slugs_of
    from ..sparql.opening import open_store
    from .match import Index, decide

    if not 0 < threshold <= 1 or not 0 <= floor <= threshold:
        raise UsageError(
            Text("--threshold muss in (0, 1] liegen und --floor darunter", "--threshold must be in (0, 1] and --floor below it")
        )
    store = open_store(settings, store=store_path)
    iris = settings.iris
    ours = our_entities(store.store, iris)
    theirs = their_entities(against, settings, source=source, kb_slugs=kb_slugs_of(store.store, iris.base))
    decisions = read_review(review) if review is not None and review.exists() else {}
    links = decide(Index(ours), theirs, threshold=threshold, floor=floor, decisions=decisions)
    when = today or dt.date.today()
    graph = links_graph(links, iris, when=when)
    graph_iri = iris.graph("links")
    written: list[str] = []
    if out is not None:
        write_links(graph, graph_iri, out)
        written.append(str(out))
    if review is not None:
        review.write_text(review_csv(links, decisions, lang), encoding="utf-8")
        written.append(str(review))
    if store_path is not None:  # into the knowledge base, through its write path (or its running server)
        from ..kb.local import run_op

        nt = graph.serialize(format="nt")
        run_op(
            settings, Path(store_path), "links", {"graph": str(graph_iri), "ntriples": nt if isinstance(nt, str) else nt.decode()}
        )
        written.append(f"{store_path} <{graph_iri}>")
    return LinkResult(links, len(theirs), written)


def write_links(graph: Graph, graph_iri: URIRef, out: Path) -> None:
    if out.suffix.lower() in (".trig", ".nq"):
        from rdflib import Dataset

        dataset = Dataset()
        for prefix, ns in graph.namespaces():
            dataset.bind(prefix, ns)
        named = dataset.graph(graph_iri)
        for triple in graph:
            named.add(triple)
        out.write_text(dataset.serialize(format="trig" if out.suffix.lower() == ".trig" else "nquads"), encoding="utf-8")
    else:
        out.write_text(graph.serialize(format="turtle"), encoding="utf-8")
