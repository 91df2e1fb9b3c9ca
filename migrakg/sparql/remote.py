"""An external SPARQL 1.1 endpoint (`serve --backend URL`, `serve --replica DIR`) in place of the embedded store.

Requests are checked exactly as for the embedded store (no updates, SERVICE only to the allow-list) and
forwarded with the same time limit. Answers are read back and written out again by the same serialisers
as the embedded store's (so that both backends answer alike), within the same row and byte limits.

With the Virtuoso dialect (the read replica, docs/replica.md) the front also refuses what would reach past
SPARQL on Virtuoso (`DEFINE` pragmas, `bif:`/`sql:` functions, undeclared prefixes), and reads Virtuoso's
headers for an answer cut short by its own time or row limit (an error here, never a partial answer).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pyoxigraph as ox

from .. import formats
from ..errors import Text
from ..terms import Row, from_ox
from .guard import decode_escapes, describe_as_construct, scan, virtuoso_reach
from .results import PYTHON, ResultTooLarge, collect_solutions, collect_triples, serialise_native
from .service import (
    DEFAULT_MAX_BYTES,
    EngineError,
    QueryRequest,
    QueryResult,
    QueryService,
    QuerySyntaxError,
    QueryTimeout,
    UpdateNotAllowed,
    form_of,
    graph_result,
)

SPARQL = "sparql"
VIRTUOSO = "virtuoso"
VIRTUOSO_STATE = re.compile(r"Virtuoso (\w{5}) Error")
#: a stored xsd:boolean in Virtuoso's JSON results is written 1/0 (its N-Triples say true/false)
VIRTUOSO_BOOLEAN = re.compile(rb'("datatype": "http://www\.w3\.org/2001/XMLSchema#boolean", "value": ")([01])"')
#: Virtuoso stores a geo:wktLiteral as its own geometry type (coordinates rounded to about 7 digits)
VIRTUOSO_GEOMETRY = b"http://www.openlinksw.com/schemas/virtrdf#Geometry"
WKT_LITERAL = b"http://www.opengis.net/ont/geosparql#wktLiteral"
#: SQL states of Virtuoso's answers that mean the query is at fault (syntax, unknown function, bad value)
VIRTUOSO_QUERY_ERRORS = ("37000", "42001", "22", "HT")
RETRIES = 4  # a read that lost a deadlock against the replica's writer is asked again this often


class Deadlocked(Exception):
    """Virtuoso made this read the victim of a deadlock (SQL state 40001): transient, ask again."""


def endpoint_of(backend: str) -> tuple[str, str]:
    """`--backend` → (SPARQL endpoint URL, dialect): `virtuoso://host:port` is Virtuoso's `/sparql` there.

    >>> endpoint_of("virtuoso://127.0.0.1:8890")
    ('http://127.0.0.1:8890/sparql', 'virtuoso')
    >>> endpoint_of("http://127.0.0.1:8000/sparql")
    ('http://127.0.0.1:8000/sparql', 'sparql')
    """
    if backend.startswith("virtuoso://"):
        return "http://" + backend.removeprefix("virtuoso://").rstrip("/") + "/sparql", VIRTUOSO
    return backend, SPARQL


class RemoteQueryService:
    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 10.0,
        limit: int = 100_000,
        max_bytes: int = DEFAULT_MAX_BYTES,
        dialect: str = SPARQL,
        follower: Any = None,
    ):
        self.endpoint = endpoint
        self.timeout = timeout
        self.limit = limit
        self.max_bytes = max_bytes
        self.dialect = dialect
        self.follower = follower  # the replica's Follower when this process keeps it level (its status: /health)
        self.workers = 0

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def reload(self) -> None:
        pass

    def _post(self, request: QueryRequest, accept: str, seconds: float) -> tuple[bytes, Any]:
        """The store's answer. A read that Virtuoso chose as the victim of a deadlock with the replica's
        writer (SQL state 40001) is asked again — the error is transient by definition — within the time
        limit, at most RETRIES times."""
        deadline = time.monotonic() + seconds
        for attempt in range(RETRIES + 1):
            try:
                return self._post_once(request, accept, max(0.1, deadline - time.monotonic()))
            except Deadlocked:
                pause = 0.05 * 2**attempt
                if attempt == RETRIES or time.monotonic() + pause >= deadline:
                    raise EngineError(
                        Text(
                            "der Speicher war durch gleichzeitige Änderungen blockiert; bitte gleich noch einmal versuchen",
                            "the store was blocked by concurrent changes; please try again in a moment",
                        )
                    ) from None
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _post_once(self, request: QueryRequest, accept: str, seconds: float) -> tuple[bytes, Any]:
        params = [("query", request.query)]
        params += [("default-graph-uri", g) for g in request.default_graphs]
        params += [("named-graph-uri", g) for g in request.named_graphs]
        http_request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(params).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            method="POST",
        )
        cap = 4 * self.max_bytes  # the answer as the store writes it; written out again within max_bytes
        try:
            with urllib.request.urlopen(http_request, timeout=seconds) as response:
                body = response.read(cap + 1)
                headers = response.headers
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace").strip()
            state = VIRTUOSO_STATE.match(detail) if self.dialect == VIRTUOSO else None
            if state and state.group(1) == "S1T00":
                raise QueryTimeout(seconds) from None
            if state and state.group(1) == "40001":
                raise Deadlocked() from None
            if exc.code == 400 or (state and state.group(1).startswith(VIRTUOSO_QUERY_ERRORS)):
                detail = detail.split("\n\nSPARQL query:", 1)[0]
                raise QuerySyntaxError(Text(f"Fehler vom Speicher: {detail}", f"error from the store: {detail}")) from None
            detail = detail.split("\n\nSPARQL query:", 1)[0]  # the store's message, not the query text again
            raise EngineError(
                Text(f"der Speicher antwortet {exc.code}: {detail}", f"the store answered {exc.code}: {detail}")
            ) from None
        except TimeoutError:
            raise QueryTimeout(seconds) from None
        except (urllib.error.URLError, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise QueryTimeout(seconds) from None
            raise EngineError(Text(f"Speicher nicht erreichbar: {exc}", f"store not reachable: {exc}")) from None
        if len(body) > cap:
            raise ResultTooLarge(self.max_bytes, "bytes")
        if self.dialect == VIRTUOSO:
            if headers.get("X-SQL-State"):  # an "anytime" answer: cut short by Virtuoso's own time limit
                raise QueryTimeout(seconds)
            if headers.get("X-SPARQL-MaxRows"):  # cut at Virtuoso's ResultSetMaxRows
                raise ResultTooLarge(self.limit)
        return body, headers

    def run(self, request: QueryRequest, *, timeout: float | None = None) -> QueryResult:
        found = scan(request.query)
        if found.update or request.update:
            raise UpdateNotAllowed()
        if self.dialect == VIRTUOSO and (reason := virtuoso_reach(found) or lone_surrogate(request.query)):
            raise QuerySyntaxError(
                Text(f"die Abfrage geht über SPARQL hinaus: {reason}", f"the query reaches beyond SPARQL: {reason}")
            )
        form = form_of(found) or "select"
        seconds = timeout or self.timeout
        if self.dialect == VIRTUOSO and found.form == "DESCRIBE" and (construct := describe_as_construct(request.query)):
            request = dataclasses.replace(request, query=construct)
        if request.base_iri and not any(c in request.base_iri for c in "<> ") and not found.has_base:
            # relative IRIs resolve against the endpoint's own address, as on the embedded store
            request = dataclasses.replace(request, query=f"BASE <{request.base_iri}>\n{request.query}")
        started = time.perf_counter()
        result = self._run(request, form, seconds)
        result.seconds = time.perf_counter() - started  # the store's time, as the Server-Timing "engine"
        return result

    def _run(self, request: QueryRequest, form: str, seconds: float) -> QueryResult:
        if form in ("select", "ask"):
            body, _ = self._post(request, formats.RESULTS_JSON.media_type, seconds)
            if self.dialect == VIRTUOSO:
                body = VIRTUOSO_BOOLEAN.sub(lambda m: m.group(1) + (b"true" if m.group(2) == b"1" else b"false") + b'"', body)
                body = body.replace(VIRTUOSO_GEOMETRY, WKT_LITERAL)
            if request.media != PYTHON:
                return self._serialised(body, form, request)
            answer = parse_results(body)
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ask", PYTHON, boolean=bool(answer))
            names, rows = collect_solutions(answer, self.limit)
            terms = [[None if t is None else from_ox(t) for t in row] for row in rows]
            return QueryResult("select", PYTHON, variables=names, rows=terms, count=len(terms))
        body, _ = self._post(request, formats.NTRIPLES.media_type, seconds)
        if self.dialect == VIRTUOSO:
            body = body.replace(VIRTUOSO_GEOMETRY, WKT_LITERAL)
        try:
            triples = collect_triples(
                (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)),
                self.limit,
            )
        except (SyntaxError, ValueError) as exc:
            raise unreadable(exc) from None
        return graph_result(triples, request.media)

    def _serialised(self, body: bytes, form: str, request: QueryRequest) -> QueryResult:
        """The answer written out by pyoxigraph's serialiser (read twice: once to count against the row limit)."""
        answer = parse_results(body)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(
                "ask", request.media, serialise_native(answer, request.media, self.max_bytes), boolean=bool(answer)
            )
        count = sum(1 for _ in answer)
        if count > self.limit:
            raise ResultTooLarge(self.limit)
        body = serialise_native(parse_results(body), request.media, self.max_bytes)
        return QueryResult(form, request.media, body, count=count)

    async def run_async(
        self, request: QueryRequest, *, timeout: float | None = None, lane: str = "public", client: str | None = None
    ) -> QueryResult:
        """`run` for the web server's event loop (the HTTP call waits in a thread; the external store
        does its own admission, so *lane* and *client* are not used here)."""
        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.run(request, timeout=timeout))

    def select(self, text: str, *, timeout: float | None = None) -> tuple[list[str], list[Row]]:
        result = self.run(QueryRequest(text), timeout=timeout)
        return result.variables, result.rows

    def ask(self, text: str) -> bool:
        return bool(self.run(QueryRequest(text)).boolean)

    def busy(self) -> dict[str, dict[str, int]]:
        return {}


def lone_surrogate(text: str) -> str | None:
    """An escape that names no character (`\\uD800`): pyoxigraph refuses it, Virtuoso would match nothing."""
    if any("\ud800" <= c <= "\udfff" for c in decode_escapes(text)):
        return "an escape names no character (a lone surrogate)"
    return None


def parse_results(body: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise unreadable(exc) from None


def unreadable(exc: Exception) -> EngineError:
    return EngineError(Text(f"unlesbare Antwort vom Speicher: {exc}", f"unreadable answer from the store: {exc}"))


#: what answers queries for the web server and the CLI: the embedded store's workers or an external endpoint
QueryBackend = QueryService | RemoteQueryService
