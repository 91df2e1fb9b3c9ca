"""SPARQL results and graphs from pyoxigraph, serialised in every protocol format, within a size limit.

Serialisation (pyoxigraph's own serialisers) happens in the query worker, so the time limit covers it too.
Terms travel to the web process as `migrakg.terms.Term` values when a page wants Python values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, cast

import pyoxigraph as ox

from .. import formats
from ..errors import MigrakgError, Text

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


def native_format(media: str) -> ox.QueryResultsFormat | None:
    """pyoxigraph's results format for a SPARQL results media type (None for any other)."""
    fmt = formats.by_media_type(media, formats.RESULT_FORMATS)
    return fmt.oxigraph if fmt is not None and fmt.media_type == media else None  # type: ignore[return-value]


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
    answer.serialize(cast(IO[bytes], sink), format=native_format(media))
    return sink.getvalue()


def count_rows(body: bytes, media: str) -> int:
    """The number of solutions in a serialised SELECT answer (pyoxigraph reads it back; CSV, which it does
    not read, by the csv module)."""
    if media == formats.CSV.media_type:
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1
    answer = ox.parse_query_results(body, format=native_format(media))
    assert isinstance(answer, ox.QuerySolutions)
    return sum(1 for _ in answer)


def collect_solutions(solutions: ox.QuerySolutions, limit: int) -> tuple[list[str], list[list[object | None]]]:
    names = [v.value for v in solutions.variables]
    rows: list[list[object | None]] = []
    for solution in solutions:
        if len(rows) >= limit:
            raise ResultTooLarge(limit)
        rows.append([solution[i] for i in range(len(names))])
    return names, rows


def collect_triples(triples: ox.QueryTriples | Iterable[ox.Triple], limit: int) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for triple in triples:
        if len(out) >= limit:
            raise ResultTooLarge(limit)
        out.append(triple)
    return out


def serialise_graph(triples: list[ox.Triple], media: str, prefixes: dict[str, str]) -> bytes:
    asked = formats.by_media_type(media, formats.RDF_FORMATS)
    if asked is None:
        raise KeyError(media)
    # triples asked for as a dataset format: the triples format it extends
    fmt: ox.RdfFormat = {formats.NQUADS: formats.NTRIPLES, formats.TRIG: formats.TURTLE}.get(asked, asked).oxigraph  # type: ignore[assignment]
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        used = _used_prefixes(triples, prefixes)
        return cast(bytes, ox.serialize(triples, format=fmt, prefixes=used))
    return cast(bytes, ox.serialize(sorted(triples, key=str), format=fmt))


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and not term.language:
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}
