"""An external SPARQL 1.1 endpoint (`serve --backend URL`) in place of the embedded store.

Requests are checked exactly as for the embedded store (no updates, SERVICE only to the allow-list)
and forwarded with the same time limit; answers pass through unchanged.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ..errors import Text
from .results import PYTHON
from .service import EngineError, QueryRequest, QueryResult, QuerySyntaxError, QueryTimeout, query_form


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
            media = "application/sparql-results+json" if form in ("select", "ask") else "application/n-triples"
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
        if form == "ask":
            return QueryResult("ask", PYTHON, boolean=bool(json.loads(body).get("boolean")))
        if form == "select":
            data = json.loads(body)
            names = data["head"]["vars"]
            rows: list[list[Any]] = []
            for binding in data["results"]["bindings"]:
                row = []
                for name in names:
                    term = binding.get(name)
                    if term is None:
                        row.append(None)
                        continue
                    kind = {"typed-literal": "literal"}.get(term["type"], term["type"])
                    row.append((kind, term["value"], term.get("xml:lang"), term.get("datatype")))
                rows.append(row)
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

    def select(self, text: str, *, timeout: float | None = None) -> tuple[list[str], list[list[Any]]]:
        result = self.run(QueryRequest(text), timeout=timeout)
        return result.variables, result.rows

    def ask(self, text: str) -> bool:
        return bool(self.run(QueryRequest(text)).boolean)
