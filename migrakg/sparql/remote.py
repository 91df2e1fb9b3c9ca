"""An external SPARQL 1.1 endpoint (`serve --backend URL`) in place of the embedded store.

Requests are checked exactly as for the embedded store (no updates, SERVICE only to the allow-list)
and forwarded with the same time limit; answers pass through unchanged.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from .. import formats
from ..errors import Text
from ..terms import Row, from_ox
from .results import PYTHON
from .service import EngineError, QueryRequest, QueryResult, QueryService, QuerySyntaxError, QueryTimeout, query_form


class RemoteQueryService:
    def __init__(self, endpoint: str, *, timeout: float = 10.0, limit: int = 100_000):
        self.endpoint = endpoint
        self.timeout = timeout
        self.limit = limit
        self.workers = 0

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def reload(self) -> None:
        pass

    def run(self, request: QueryRequest, *, timeout: float | None = None) -> QueryResult:
        form = query_form(request.query) or "select"
        media = request.media
        if media == PYTHON:
            media = (formats.RESULTS_JSON if form in ("select", "ask") else formats.NTRIPLES).media_type
        params = [("query", request.query)]
        params += [("default-graph-uri", g) for g in request.default_graphs]
        params += [("named-graph-uri", g) for g in request.named_graphs]
        http_request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(params).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": media},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=timeout or self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            if exc.code == 400:
                raise QuerySyntaxError(Text(f"Fehler vom Speicher: {detail}", f"error from the store: {detail}")) from None
            raise EngineError(
                Text(f"der Speicher antwortet {exc.code}: {detail}", f"the store answered {exc.code}: {detail}")
            ) from None
        except TimeoutError:
            raise QueryTimeout(timeout or self.timeout) from None
        except (urllib.error.URLError, OSError) as exc:
            raise EngineError(Text(f"Speicher nicht erreichbar: {exc}", f"store not reachable: {exc}")) from None
        if request.media != PYTHON:
            return QueryResult(form, media, body)
        if form in ("select", "ask"):
            try:
                answer = ox.parse_query_results(body, format=formats.RESULTS_JSON.oxigraph)  # type: ignore[arg-type]
            except (SyntaxError, ValueError) as exc:
                raise EngineError(
                    Text(f"unlesbare Antwort vom Speicher: {exc}", f"unreadable answer from the store: {exc}")
                ) from None
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ask", PYTHON, boolean=bool(answer))
            names = [v.value for v in answer.variables]
            rows = [[None if t is None else from_ox(t) for t in solution] for solution in answer]
            return QueryResult("select", PYTHON, variables=names, rows=rows, count=len(rows))
        raise EngineError(
            Text(
                "Graph-Ergebnisse vom externen Speicher werden hier nicht ausgewertet",
                "graph results from the external store are not read back here",
            )
        )

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


#: what answers queries for the web server and the CLI: the embedded store's workers or an external endpoint
QueryBackend = QueryService | RemoteQueryService
