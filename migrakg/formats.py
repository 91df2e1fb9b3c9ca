"""RDF and SPARQL result formats: one table maps name ↔ media type ↔ file extension ↔ library names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # short name used on the command line and in ?format=
    media_type: str
    extension: str
    rdflib: str | None = None  # rdflib parser/serializer name
    kind: str = "graph"  # graph | dataset | results
    aliases: tuple[str, ...] = ()  # other media types meaning the same

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", "turtle", aliases=("application/x-turtle",)),
    Format("ntriples", "application/n-triples", "nt", "nt", aliases=("text/plain",)),
    Format("jsonld", "application/ld+json", "jsonld", "json-ld"),
    Format("rdfxml", "application/rdf+xml", "rdf", "xml", aliases=("application/xml",)),
)
DATASET_FORMATS: tuple[Format, ...] = (
    Format("nquads", "application/n-quads", "nq", "nquads", kind="dataset"),
    Format("trig", "application/trig", "trig", "trig", kind="dataset"),
)
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", kind="results", aliases=("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", kind="results", aliases=("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", kind="results"),
    Format("tsv", "text/tab-separated-values", "tsv", kind="results"),
)
ALL_FORMATS = GRAPH_FORMATS + DATASET_FORMATS + RESULT_FORMATS


def by_name(name: str, group: tuple[Format, ...] = ALL_FORMATS) -> Format | None:
    for fmt in group:
        if fmt.name == name or fmt.extension == name:
            return fmt
    return None


def by_media_type(media_type: str, group: tuple[Format, ...] = ALL_FORMATS) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    for fmt in group:
        if media_type in fmt.media_types:
            return fmt
    return None


def by_extension(path: str, group: tuple[Format, ...] = ALL_FORMATS) -> Format | None:
    """Format for a file name by its extension (`.ttl`, `.jsonld`, `.json` → JSON-LD …)."""
    lower = path.lower()
    if lower.endswith(".json"):
        return by_name("jsonld", group)
    if lower.endswith(".n3"):
        return by_name("turtle", group)
    if lower.endswith(".owl"):
        return by_name("rdfxml", group)
    ext = lower.rsplit(".", 1)[-1] if "." in lower else ""
    for fmt in group:
        if fmt.extension == ext:
            return fmt
    return None


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Accept header → [(media range, q)], best first; ties keep header order, specific before wildcard."""
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


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The best of *offers* (media types, in server preference order) for an Accept header; None if none is acceptable."""
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
