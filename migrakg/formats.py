"""Every file and answer format migrakg reads or writes, in one table: name ↔ media type ↔ file extension ↔
pyoxigraph format ↔ rdflib parser/serialiser name, and content negotiation over it.

The RDF and SPARQL results formats are pyoxigraph's own `RdfFormat` / `QueryResultsFormat` objects (their
media type and extension come from there); the few other files a release holds (JSON, Markdown, gzip) stand
beside them so that no other module keeps a table of media types.

>>> TURTLE.media_type, TURTLE.extension, TURTLE.rdflib
('text/turtle', 'ttl', 'turtle')
>>> by_name("srj").media_type
'application/sparql-results+json'
>>> by_media_type("application/x-turtle; charset=utf-8") is TURTLE
True
>>> by_extension("places.json", RDF_FORMATS) is JSONLD
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

GRAPH = "graph"  # triples: the answer to CONSTRUCT/DESCRIBE, a resource's description
DATASET = "dataset"  # quads
RESULTS = "results"  # SPARQL SELECT/ASK results
FILE = "file"  # other files of a release


@dataclass(frozen=True, eq=False)  # one object per format: compared and hashed by identity
class Format:
    """One format. *name* is the short name used on the command line and in `?format=`; *its file extension is
    accepted there too; *aliases* are further media types
    meaning the same in an Accept header."""

    name: str
    kind: str
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    rdflib: str | None = None  # rdflib parser/serialiser name
    media: str | None = None  # only for formats pyoxigraph does not know
    ext: str | None = None  # only for formats pyoxigraph does not know
    client_names: tuple[str, ...] = ()  # spellings SPARQL clients send as format=/output= (SPARQLWrapper …)
    aliases: tuple[str, ...] = ()
    more_extensions: tuple[str, ...] = ()  # read as this format too (`.json` → JSON-LD, `.owl` → RDF/XML)
    eu_file_type: str | None = None  # the EU file-type authority's code, for DCAT
    download: str | None = None  # extension of a downloaded answer, when not the file extension

    @property
    def media_type(self) -> str:
        """The IANA media type, without parameters."""
        if self.oxigraph is not None:
            return self.oxigraph.media_type.split(";")[0]
        assert self.media is not None
        return self.media

    @property
    def extension(self) -> str:
        """The file extension, without dot."""
        if self.oxigraph is not None:
            return self.oxigraph.file_extension
        assert self.ext is not None
        return self.ext

    @property
    def label(self) -> str:
        """A name for people: 'Turtle', 'JSON-LD' …"""
        return self.oxigraph.name if self.oxigraph is not None else self.name

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats carry their charset.

        >>> TURTLE.content_type, JSONLD.content_type
        ('text/turtle; charset=utf-8', 'application/ld+json')
        """
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")

    @property
    def download_extension(self) -> str:
        return self.download or self.extension


TURTLE = Format(
    "turtle",
    GRAPH,
    ox.RdfFormat.TURTLE,
    "turtle",
    client_names=("n3",),
    aliases=("application/x-turtle",),
    more_extensions=("n3",),
    eu_file_type="RDF_TURTLE",
)
NTRIPLES = Format("ntriples", GRAPH, ox.RdfFormat.N_TRIPLES, "nt", aliases=("text/plain",), eu_file_type="RDF_N_TRIPLES")
JSONLD = Format(
    "jsonld",
    GRAPH,
    ox.RdfFormat.JSON_LD,
    "json-ld",
    client_names=("json-ld", "json"),
    aliases=("application/json",),
    more_extensions=("json",),
    eu_file_type="JSON_LD",
)
RDFXML = Format(
    "rdfxml",
    GRAPH,
    ox.RdfFormat.RDF_XML,
    "xml",
    client_names=("rdf+xml", "xml"),
    aliases=("application/xml",),
    more_extensions=("owl",),
)
NQUADS = Format("nquads", DATASET, ox.RdfFormat.N_QUADS, "nquads", eu_file_type="RDF_N_QUADS")
TRIG = Format("trig", DATASET, ox.RdfFormat.TRIG, "trig")
RESULTS_JSON = Format("json", RESULTS, ox.QueryResultsFormat.JSON, aliases=("application/json",), download="json")
RESULTS_XML = Format("xml", RESULTS, ox.QueryResultsFormat.XML, aliases=("application/xml", "text/xml"), download="xml")
CSV = Format("csv", RESULTS, ox.QueryResultsFormat.CSV, eu_file_type="CSV")
TSV = Format("tsv", RESULTS, ox.QueryResultsFormat.TSV)
JSON = Format("json", FILE, media="application/json", ext="json", eu_file_type="JSON")
MARKDOWN = Format("markdown", FILE, media="text/markdown", ext="md")
GZIP = Format("gzip", FILE, media="application/gzip", ext="gz")
TEXT = Format("text", FILE, media="text/plain", ext="txt")
HTML = Format("html", FILE, media="text/html", ext="html", aliases=("application/xhtml+xml",))
OCTETS = Format("binary", FILE, media="application/octet-stream", ext="bin", eu_file_type="BIN")

GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML)
DATASET_FORMATS: tuple[Format, ...] = (NQUADS, TRIG)
RDF_FORMATS: tuple[Format, ...] = GRAPH_FORMATS + DATASET_FORMATS
RESULT_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, CSV, TSV)
ALL_FORMATS: tuple[Format, ...] = RDF_FORMATS + RESULT_FORMATS


def by_name(name: str, group: Iterable[Format] = ALL_FORMATS, *, clients: bool = False) -> Format | None:
    """The format a short name stands for (`turtle`, `ttl`, `srj` …; with *clients* also the spellings other
    SPARQL clients send, such as `json-ld` or `n3`), case-insensitively; None if none of *group*.

    >>> by_name("TTL").name, by_name("n3"), by_name("n3", clients=True).name
    ('turtle', None, 'turtle')
    >>> by_name("xml", RESULT_FORMATS).media_type, by_name("xml", GRAPH_FORMATS, clients=True).media_type
    ('application/sparql-results+xml', 'application/rdf+xml')
    """
    name = name.lower()
    for fmt in group:
        if name in (fmt.name, fmt.extension) or (clients and name in fmt.client_names):
            return fmt
    return None


def names(group: Iterable[Format]) -> list[str]:
    """The names `by_name` accepts for *group*, file extension first (for messages).

    >>> names(GRAPH_FORMATS)
    ['ttl', 'turtle', 'nt', 'ntriples', 'jsonld', 'rdf', 'rdfxml']
    """
    return list(dict.fromkeys(n for fmt in group for n in (fmt.extension, fmt.name)))


def by_media_type(media_type: str, group: Iterable[Format] = ALL_FORMATS) -> Format | None:
    """The format of a media type (parameters and case ignored; aliases count), first in *group*.

    >>> by_media_type("text/plain", GRAPH_FORMATS) is NTRIPLES, by_media_type("image/png")
    (True, None)
    """
    media_type = media_type.split(";")[0].strip().lower()
    for fmt in group:
        if media_type in fmt.media_types:
            return fmt
    return None


def by_extension(path: str, group: Iterable[Format] = RDF_FORMATS) -> Format | None:
    """The format of a file name by its extension; a format's own extension wins over the ones it is also
    read from (`.json` is JSON among release files, JSON-LD among RDF files).

    >>> by_extension("ontology.owl").label, by_extension("data/a.TTL").name, by_extension("x.csv")
    ('RDF/XML', 'turtle', None)
    """
    group = tuple(group)
    lower = path.lower()
    ext = lower.rsplit(".", 1)[-1] if "." in lower else ""
    for fmt in group:
        if fmt.extension == ext:
            return fmt
    for fmt in group:
        if ext in fmt.more_extensions:
            return fmt
    return None


def offers(group: Iterable[Format], first: Iterable[Format] = (), *, aliases_last: bool = True) -> dict[str, Format]:
    """Media type → format: the offers for `negotiate`, in server preference order — *first*, then *group*;
    each format's aliases after all own media types, or (not *aliases_last*) right after its own.

    >>> list(offers([TURTLE, JSONLD]))
    ['text/turtle', 'application/ld+json', 'application/x-turtle', 'application/json']
    >>> list(offers([TURTLE], [HTML], aliases_last=False))
    ['text/html', 'application/xhtml+xml', 'text/turtle', 'application/x-turtle']
    """
    formats = [*first, *group]
    out: dict[str, Format] = {}
    for fmt in formats:
        out.setdefault(fmt.media_type, fmt)
        if not aliases_last:
            for alias in fmt.aliases:
                out.setdefault(alias, fmt)
    for fmt in formats:
        for alias in fmt.aliases:
            out.setdefault(alias, fmt)
    return out


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Accept header → [(media range, q)], best first; ties keep header order, specific before wildcard.

    >>> parse_accept("text/*;q=0.5, text/turtle, */*;q=0.1")
    [('text/turtle', 1.0), ('text/*', 0.5), ('*/*', 0.1)]
    """
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int, int]] = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                q = max(0.0, min(1.0, q)) if q == q else 0.0  # NaN counts as 0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, -specificity, index))
    ranges.sort(key=lambda r: (-r[1], r[2], r[3]))
    return [(m, q) for m, q, _, _ in ranges]


def negotiate(header: str | None, offers: Iterable[str]) -> str | None:
    """The best of *offers* (media types, in server preference order) for an Accept header; None if none is acceptable.

    >>> negotiate("application/*", ["text/turtle", "application/ld+json"])
    'application/ld+json'
    >>> negotiate("image/png", ["text/turtle"]) is None
    True
    """
    best: tuple[float, int, int, str] | None = None
    accepted = parse_accept(header)
    for offer_index, offer in enumerate(offers):
        main = offer.split("/")[0]
        q_for_offer = None
        spec_for_offer = -1
        for media, q in accepted:
            if media == offer:
                spec = 2
            elif media == f"{main}/*":
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            if spec > spec_for_offer:
                spec_for_offer, q_for_offer = spec, q
        if q_for_offer is None or q_for_offer <= 0:
            continue
        key = (q_for_offer, spec_for_offer, -offer_index, offer)
        if best is None or key[:3] > best[:3]:
            best = key
    return best[3] if best else None
