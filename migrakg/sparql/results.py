"""SPARQL results and graphs from pyoxigraph, serialised in every protocol format, within a size limit.

Serialisation happens in the query worker, so the time limit covers it too. Terms travel to the web
process as plain tuples (`kind, value, lang, datatype`) when a page wants Python values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..errors import MigrakgError, Text

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

GRAPH_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
SELECT_MEDIA = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
ASK_MEDIA = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
PYTHON = "python"  # internal: rows as tuples for pages


class ResultTooLarge(MigrakgError):
    status = 413

    def __init__(self, limit: int, unit: str = "rows"):
        self.limit, self.unit = limit, unit
        if unit == "bytes":
            mib = f"{limit / 1048576:g} MiB"
            text = Text(
                f"das Ergebnis ist größer als {mib} (Grenze dieses Servers); bitte mit LIMIT eingrenzen",
                f"the result is larger than {mib} (this server's limit); narrow it down with LIMIT",
            )
        else:
            text = Text(
                f"das Ergebnis hat mehr als {limit} Zeilen (Grenze dieses Servers); bitte mit LIMIT eingrenzen",
                f"the result has more than {limit} rows (this server's limit); narrow it down with LIMIT",
            )
        super().__init__(text)


NATIVE_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


class LimitedSink(io.RawIOBase):
    """A write-only buffer that raises ResultTooLarge once more than *max_bytes* are written, so the
    engine's own serialiser stops at the size limit."""

    def __init__(self, max_bytes: int):
        super().__init__()
        self.max_bytes = max_bytes
        self.size = 0
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        if self.size > self.max_bytes:
            raise ResultTooLarge(self.max_bytes, "bytes")
        self.parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def serialise_native(answer: ox.QuerySolutions | ox.QueryBoolean, media: str, max_bytes: int) -> bytes:
    """SELECT/ASK results in a protocol format by pyoxigraph's serialiser (several times faster than
    building them in Python), cut at *max_bytes*."""
    sink = LimitedSink(max_bytes)
    answer.serialize(sink, format=NATIVE_RESULTS[media])
    return sink.getvalue()


Term = tuple[str, str, str | None, str | None]  # kind (uri|bnode|literal|triple), value, lang, datatype


def term_tuple(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value, None, None)
    if isinstance(term, ox.Literal):
        lang = term.language
        datatype = None if lang else term.datatype.value
        return ("literal", term.value, lang, datatype)
    if isinstance(term, ox.Triple):
        return ("triple", str(term), None, None)
    return ("literal", str(term), None, None)


def _json_term(term: object) -> dict[str, object]:
    kind, value, lang, datatype = term_tuple(term)
    if kind == "triple":
        t = term  # type: ignore[assignment]
        return {
            "type": "triple",
            "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate), "object": _json_term(t.object)},
        }  # type: ignore[attr-defined]
    out: dict[str, object] = {"type": kind, "value": value}
    if lang:
        out["xml:lang"] = lang
    elif datatype and datatype != XSD_STRING:
        out["datatype"] = datatype
    return out


def _xml_term(term: object) -> str:
    kind, value, lang, datatype = term_tuple(term)
    if kind == "uri":
        return f"<uri>{escape(value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(value)}</bnode>"
    if lang:
        return f"<literal xml:lang={quoteattr(lang)}>{escape(value)}</literal>"
    if datatype and datatype != XSD_STRING:
        return f"<literal datatype={quoteattr(datatype)}>{escape(value)}</literal>"
    return f"<literal>{escape(value)}</literal>"


def _csv_term(term: object) -> str:
    kind, value, _lang, _dt = term_tuple(term)
    return f"_:{value}" if kind == "bnode" else value


_XSD = "http://www.w3.org/2001/XMLSchema#"
_SHORT = {  # numbers and booleans in their Turtle short form, as pyoxigraph's serialiser writes them
    _XSD + "integer": re.compile(r"^[+-]?\d+$"),
    _XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    _XSD + "double": re.compile(r"^[+-]?(\d+\.\d*|\.?\d+)[eE][+-]?\d+$"),
    _XSD + "boolean": re.compile(r"^(true|false)$"),
}


def _tsv_term(term: object) -> str:
    if isinstance(term, ox.Literal) and not term.language:
        pattern = _SHORT.get(term.datatype.value)
        if pattern is not None and pattern.match(term.value):
            return term.value
    return str(term)  # pyoxigraph's str() is the N-Triples / Turtle form


def collect_solutions(solutions: ox.QuerySolutions, limit: int) -> tuple[list[str], list[list[object | None]]]:
    names = [v.value for v in solutions.variables]
    rows: list[list[object | None]] = []
    for solution in solutions:
        if len(rows) >= limit:
            raise ResultTooLarge(limit)
        rows.append([solution[i] for i in range(len(names))])
    return names, rows


def serialise_select(names: list[str], rows: list[list[object | None]], media: str) -> bytes:
    if media == "application/sparql-results+json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if media == "application/sparql-results+xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in names]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>" for n, t in zip(names, row) if t is not None]
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if media == "text/csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if t is None else _csv_term(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if media == "text/tab-separated-values":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(media)


def serialise_ask(value: bool, media: str) -> bytes:
    if media == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if media == "application/sparql-results+xml":
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head/>\n'
            f"<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"
        ).encode()
    if media in ("text/csv", "text/tab-separated-values"):
        return ("_askResult\r\n" + ("true" if value else "false") + "\r\n").encode("utf-8")
    raise ValueError(media)


def collect_triples(triples: ox.QueryTriples, limit: int) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for triple in triples:
        if len(out) >= limit:
            raise ResultTooLarge(limit)
        out.append(triple)
    return out


def serialise_graph(triples: list[ox.Triple], media: str, prefixes: dict[str, str]) -> bytes:
    fmt = GRAPH_MEDIA[media]
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        fmt = ox.RdfFormat.N_TRIPLES if fmt == ox.RdfFormat.N_QUADS else ox.RdfFormat.TURTLE
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        used = _used_prefixes(triples, prefixes)
        return ox.serialize(triples, format=fmt, prefixes=used)
    return ox.serialize(sorted(triples, key=str), format=fmt)


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and not term.language:
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}
