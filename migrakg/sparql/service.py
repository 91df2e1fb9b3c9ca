"""Running SPARQL queries safely: a pool of worker processes with a hard time limit.

pyoxigraph cannot cancel a running query and aggregates work before the first row, so every query
runs in a worker process forked after the store is loaded (an in-memory store is shared copy-on-
write; an on-disk store is opened read-only). When a query passes the time limit its worker is
killed and replaced; the other workers keep answering. Before a query reaches a worker, its text is
checked: updates are refused, and SERVICE may only name allow-listed endpoints (pyoxigraph would
otherwise fetch any address). FROM / FROM NAMED only select graphs of the store (pyoxigraph never
loads them from the web or the file system).
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..errors import MigrakgError, Text
from ..namespaces import PREFIXES
from ..terms import Term, from_ox
from . import workers
from .guard import Scan, scan
from .results import (
    PYTHON,
    ResultTooLarge,
    collect_solutions,
    collect_triples,
    count_rows,
    native_format,
    serialise_graph,
    serialise_native,
)
from .workers import FrameReader, Worker, read_frame

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class QuerySyntaxError(MigrakgError):
    status = 400


class UpdateNotAllowed(MigrakgError):
    status = 400

    def __init__(self) -> None:
        super().__init__(
            Text(
                "Änderungen (SPARQL Update) sind an diesem Endpunkt nicht erlaubt; nur Abfragen. Updates gehen an POST /update.",
                "updates (SPARQL Update) are not allowed at this endpoint, only queries; updates go to POST /update",
            )
        )


class ServiceNotAllowed(MigrakgError):
    status = 403


class LoadNotAllowed(MigrakgError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            Text(
                "LOAD ist auf diesem Server abgeschaltet: er lädt nichts aus dem Netz oder von Dateien.",
                "LOAD is disabled on this server: it fetches nothing from the network or from files",
            )
        )


class QueryTimeout(MigrakgError):
    status = 503

    def __init__(self, seconds: float):
        super().__init__(
            Text(
                f"die Abfrage wurde nach {seconds:g} s abgebrochen (Zeitgrenze dieses Servers); bitte vereinfachen oder mit LIMIT eingrenzen",
                f"the query was stopped after {seconds:g} s (this server's time limit); simplify it or narrow it down with LIMIT",
            )
        )


class EngineBusy(MigrakgError):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            Text(
                "alle Abfrage-Prozesse sind belegt; bitte gleich noch einmal versuchen",
                "all query workers are busy; please try again shortly",
            )
        )


class EngineError(MigrakgError):
    status = 500


class UpstreamError(MigrakgError):
    status = 502


def check_services(found: Scan, allow: tuple[str, ...]) -> None:
    for endpoint in found.services:
        if endpoint is None:
            raise ServiceNotAllowed(
                Text(
                    "SERVICE mit einer Variablen als Adresse ist nicht erlaubt",
                    "SERVICE with a variable as its endpoint is not allowed",
                )
            )
        if endpoint not in allow:
            raise ServiceNotAllowed(
                Text(
                    f"SERVICE <{endpoint}> ist nicht erlaubt: dieser Server erreicht nur freigegebene Endpunkte ({', '.join(allow) or 'keine'})",
                    f"SERVICE <{endpoint}> is not allowed: this server only reaches allow-listed endpoints ({', '.join(allow) or 'none'})",
                )
            )


DEFAULT_MAX_NESTING = 64


class QueryTooDeep(MigrakgError):
    """Brackets nested deeper than the limit: the engine's parser would recurse until its stack ends
    (a query worker, or the web process for an update, would die), so the text never reaches it."""

    status = 400

    def __init__(self, depth: int, allowed: int) -> None:
        super().__init__(
            Text(
                f"die Abfrage ist {depth} Ebenen tief verschachtelt ({{ ( [); erlaubt sind höchstens {allowed}",
                f"the query nests brackets ({{ ( [) {depth} levels deep; at most {allowed} are allowed",
            )
        )


def check_depth(found: Scan, allowed: int) -> None:
    if found.depth > allowed:
        raise QueryTooDeep(found.depth, allowed)


def check_query(text: str, allow: tuple[str, ...] = (), max_nesting: int = DEFAULT_MAX_NESTING) -> Scan:
    """Refuse what must never reach the engine from /sparql; returns the scan. Raises
    UpdateNotAllowed, ServiceNotAllowed, QueryTooDeep."""
    found = scan(text)
    check_depth(found, max_nesting)
    if found.update:
        raise UpdateNotAllowed()
    check_services(found, allow)
    return found


def check_update(text: str, allow: tuple[str, ...] = (), max_nesting: int = DEFAULT_MAX_NESTING) -> Scan:
    """Refuse LOAD, SERVICE outside the allow-list and too deep nesting in an update."""
    found = scan(text)
    check_depth(found, max_nesting)
    if "LOAD" in found.update_keywords:
        raise LoadNotAllowed()
    check_services(found, allow)
    return found


@dataclass(frozen=True)
class QueryRequest:
    query: str
    media: str = PYTHON  # response media type, or PYTHON for rows of Terms
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    update: bool = False
    base_iri: str | None = None  # resolves relative IRIs in the query (the endpoint's own address)
    count: bool = False  # also count the rows of a serialised SELECT answer (the CLI's exit code)


@dataclass
class QueryResult:
    form: str  # select | ask | graph | update
    media: str
    body: bytes = b""
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)  # PYTHON: a Term per variable, None where unbound
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)
    count: int = 0  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE)
    seconds: float = 0.0  # time the worker spent evaluating and serialising (the Server-Timing "engine")


def execute(store: ox.Store, request: QueryRequest, limit: int, max_bytes: int = DEFAULT_MAX_BYTES) -> QueryResult:
    """Run one request on *store* (inside a worker). *limit* caps the rows built in Python (pages, CLI,
    graph results); *max_bytes* caps a serialised SELECT/ASK answer. Raises SyntaxError, ResultTooLarge, OSError."""
    if request.update:
        store.update(request.query)
        return QueryResult("update", request.media)
    kwargs: dict[str, Any] = {"base_iri": request.base_iri}
    if request.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    elif not request.named_graphs and not scan(request.query).has_dataset_clause:
        # our data lives in named graphs; without FROM the default graph is their union.
        # With FROM/FROM NAMED the query's own dataset applies (pyoxigraph would ignore it otherwise).
        kwargs["use_default_graph_as_union"] = True
    if request.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    elif request.default_graphs:
        kwargs["named_graphs"] = []
    answer = store.query(request.query, **kwargs)
    if isinstance(answer, (ox.QuerySolutions, ox.QueryBoolean)):
        form = "ask" if isinstance(answer, ox.QueryBoolean) else "select"
        if request.media == PYTHON:
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ask", PYTHON, boolean=bool(answer))
            names, rows = collect_solutions(answer, limit)
            terms = [[from_ox(t) if t is not None else None for t in row] for row in rows]
            return QueryResult("select", PYTHON, variables=names, count=len(rows), rows=terms)
        if native_format(request.media) is None:
            raise ValueError(f"{request.media} is no SPARQL results format")
        body = serialise_native(answer, request.media, max_bytes)
        count = -1
        if request.count and form == "select":  # the CLI wants the number of rows (its exit code says "nothing matched")
            count = count_rows(body, request.media)
            if count > limit:
                raise ResultTooLarge(limit)
        return QueryResult(form, request.media, body, count=count, boolean=bool(answer) if form == "ask" else None)
    return graph_result(collect_triples(answer, limit), request.media)


def graph_result(triples: list[ox.Triple], media: str) -> QueryResult:
    """CONSTRUCT/DESCRIBE triples as Terms (PYTHON) or serialised as *media* (our prefixes)."""
    if media == PYTHON:
        return QueryResult(
            "graph",
            PYTHON,
            count=len(triples),
            triples=[(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples],
        )
    return QueryResult("graph", media, serialise_graph(triples, media, PREFIXES), count=len(triples))


def query_form(text: str) -> str | None:
    """'select' | 'ask' | 'graph' (CONSTRUCT/DESCRIBE) | None, from the query text."""
    return form_of(scan(text))


def form_of(found: Scan) -> str | None:
    """'select' | 'ask' | 'graph' (CONSTRUCT/DESCRIBE) | None, from a scan."""
    return {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(found.form or "")


INTERNAL = "internal"  # the site's own queries: pages, search, reconcile, report, health
PUBLIC = "public"  # queries sent to /sparql
PUBLIC_NICE = 10  # how much lower the public workers' CPU priority is (`nice`): pages win a busy machine


class ServiceBusy(MigrakgError):
    """The public queue is full: answered at once (503), with the seconds to wait in Retry-After."""

    status = 503

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            Text(
                f"der SPARQL-Endpunkt ist ausgelastet (alle Plätze in der Warteschlange belegt); bitte in {retry_after} s noch einmal versuchen",
                f"the SPARQL endpoint is busy (its queue is full); please try again in {retry_after} s",
            )
        )
        self.headers = {"Retry-After": str(retry_after)}


class TooManyQueries(MigrakgError):
    """One client already has as many queries running or waiting as it may (429, with Retry-After)."""

    status = 429

    def __init__(self, allowed: int, retry_after: int) -> None:
        super().__init__(
            Text(
                f"von dieser Adresse laufen schon {allowed} Abfragen (mehr sind gleichzeitig nicht erlaubt); bitte warten, bis eine fertig ist",
                f"this address already has {allowed} queries running (no more are allowed at once); wait until one has finished",
            )
        )
        self.headers = {"Retry-After": str(retry_after)}


@dataclass
class Lane:
    """One pool of workers with its own idle queue, so that one kind of caller never waits behind the
    other. *queue_limit* (requests beyond the workers that may wait) and *per_client* bound the public lane."""

    name: str
    size: int
    nice: int = 0  # public workers run at a lower CPU priority than the site's own
    queue_limit: int | None = None  # None: no bound (the site's own queries)
    per_client: int | None = None
    idle: queue.Queue[Worker] = field(default_factory=queue.Queue)
    in_flight: int = 0  # running or waiting for a worker
    clients: dict[str, int] = field(default_factory=dict)

    def admit(self, client: str | None, retry_after: int) -> None:
        """Count one request in, or refuse it at once. Call under the service lock."""
        if self.per_client is not None and client is not None and self.clients.get(client, 0) >= self.per_client:
            raise TooManyQueries(self.per_client, retry_after)
        if self.queue_limit is not None and self.in_flight >= self.size + self.queue_limit:
            raise ServiceBusy(retry_after)
        self.in_flight += 1
        if client is not None:
            self.clients[client] = self.clients.get(client, 0) + 1

    def leave(self, client: str | None) -> None:
        self.in_flight -= 1
        if client is not None:
            left = self.clients.get(client, 1) - 1
            if left > 0:
                self.clients[client] = left
            else:
                self.clients.pop(client, None)


class QueryService:
    """Two pools of query workers over one store: the internal lane for the site's own pages and the
    public lane for /sparql. Thread-safe; `run` blocks the calling thread, `run_async` does not."""

    def __init__(
        self,
        store: Any,
        *,
        workers: int = 2,
        public_workers: int | None = None,
        public_queue: int = 8,
        per_client: int | None = None,
        timeout: float = 10.0,
        limit: int = 100_000,
        max_bytes: int = DEFAULT_MAX_BYTES,
        service_allow: tuple[str, ...] = (),
        writable: bool = False,
    ):
        self.store = store  # KnowledgeStore
        self.workers = max(1, workers)
        self.timeout = timeout
        self.limit = limit
        self.max_bytes = max_bytes
        self.service_allow = service_allow
        self.writable = writable
        self.lanes = {
            INTERNAL: Lane(INTERNAL, self.workers),
            PUBLIC: Lane(
                PUBLIC, max(1, public_workers or self.workers), nice=PUBLIC_NICE, queue_limit=public_queue, per_client=per_client
            ),
        }
        self._all: set[Worker] = set()
        self._lock = threading.RLock()
        self._generation = 0
        self._started = False
        self._waiters: Any = None  # threads in which event-loop callers wait for a free worker (made on demand)
        self._forker: Any = None  # the one thread that forks (a worker's parent-death signal follows that thread)

    @classmethod
    def from_settings(cls, store: Any, settings: Any, *, workers: int | None = None) -> QueryService:
        """The service as `migrakg serve` runs it: limits and lane sizes from *settings*."""
        return cls(
            store,
            workers=workers or default_workers(),
            public_workers=settings.sparql_workers,
            public_queue=settings.sparql_queue,
            per_client=settings.sparql_per_client,
            timeout=settings.query_timeout,
            limit=settings.result_limit,
            max_bytes=settings.result_bytes,
            service_allow=settings.service_allow,
        )

    def start(self) -> None:
        """Fork the workers (idempotent: an app's lifespan may start a service a test already started)."""
        with self._lock:
            if self._started:
                return
            self._generation += 1
            for lane in self.lanes.values():
                for _ in range(lane.size):
                    self._spawn(lane)
            self._started = True

    def _spawn(self, lane: Lane) -> None:
        with self._lock, self.store.lock:
            if self._forker is None:
                from concurrent.futures import ThreadPoolExecutor

                self._forker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="migrakg-fork")
            disk = str(self.store.path) if self.store.path is not None else None
            workers.FORK_STORE = self.store.store if disk is None else None
            args = (disk, self.limit, self.max_bytes, self._generation, lane.name, lane.nice)
            worker = self._forker.submit(Worker, *args).result()
            self._all.add(worker)
            lane.idle.put(worker)

    def reload(self) -> None:
        """After the store was replaced: new workers see the new data; busy old ones retire when done."""
        with self._lock:
            old = list(self._all)
            self._generation += 1
            for lane in self.lanes.values():
                for _ in range(lane.size):
                    self._spawn(lane)
            for worker in old:
                if worker.generation != self._generation:
                    self._retire_if_idle(worker)

    def _retire_if_idle(self, worker: Worker) -> None:
        idle = self.lanes[worker.lane].idle
        drained = []
        while True:
            try:
                w = idle.get_nowait()
            except queue.Empty:
                break
            if w is worker:
                self._all.discard(w)
                w.kill()
            else:
                drained.append(w)
        for w in drained:
            idle.put(w)

    def close(self) -> None:
        with self._lock:
            for worker in list(self._all):
                worker.kill()
            self._all.clear()
            for lane in self.lanes.values():
                while not lane.idle.empty():
                    lane.idle.get_nowait()
            self._started = False
            if self._waiters is not None:
                self._waiters.shutdown(wait=False, cancel_futures=True)
                self._waiters = None
            if self._forker is not None:
                self._forker.shutdown(wait=False)
                self._forker = None

    def busy(self) -> dict[str, dict[str, int]]:
        """Per lane: workers, requests running or waiting (for /health)."""
        with self._lock:
            return {name: {"workers": lane.size, "in_flight": lane.in_flight} for name, lane in self.lanes.items()}

    def _release(self, worker: Worker) -> None:
        with self._lock:
            if worker.generation == self._generation and worker in self._all:
                self.lanes[worker.lane].idle.put(worker)
            else:
                self._all.discard(worker)
                worker.kill()

    def _replace(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            worker.kill()
            lane = self.lanes[worker.lane]
            if (
                self._started
                and sum(1 for w in self._all if w.lane == lane.name and w.generation == self._generation) < lane.size
            ):
                self._spawn(lane)

    def _admit(self, lane: Lane, client: str | None) -> None:
        with self._lock:
            lane.admit(client, max(1, round(self.timeout / 2)))

    def _leave(self, lane: Lane, client: str | None) -> None:
        with self._lock:
            lane.leave(client)

    def run(
        self, request: QueryRequest, *, timeout: float | None = None, lane: str = INTERNAL, client: str | None = None
    ) -> QueryResult:
        """Run a checked request, blocking this thread. Raises QuerySyntaxError, QueryTimeout,
        ResultTooLarge, EngineBusy, ServiceBusy, TooManyQueries, EngineError, UpstreamError."""
        limit = timeout or self.timeout
        chosen = self.lanes[lane]
        self._admit(chosen, client)
        try:
            worker = self._take(chosen, limit)
            try:
                worker.conn.send(request)
                if not worker.conn.poll(limit):  # the query's own clock starts when a worker takes it
                    self._replace(worker)
                    raise QueryTimeout(limit)
                status, payload = read_frame(worker.conn.fileno())
            except (EOFError, OSError):
                self._replace(worker)
                raise _died() from None
            self._release(worker)
        finally:
            self._leave(chosen, client)
        return _answer(status, payload)

    async def run_async(
        self, request: QueryRequest, *, timeout: float | None = None, lane: str = PUBLIC, client: str | None = None
    ) -> QueryResult:
        """`run` for the web server's event loop, on the public lane unless told otherwise: the reply is
        read from the worker's socket as it arrives, without a thread. If the caller is cancelled, the
        worker (and its query) is replaced. A full queue or a client over its share is refused at once."""
        chosen = self.lanes[lane]
        self._admit(chosen, client)
        try:
            return await self._run_async(chosen, request, timeout or self.timeout)
        finally:
            self._leave(chosen, client)

    async def _run_async(self, lane: Lane, request: QueryRequest, limit: float) -> QueryResult:
        loop = asyncio.get_running_loop()
        worker = self._take_nowait(lane)
        if worker is None:  # all busy: wait for one in a thread, under the same limit as `run`
            waiting = loop.run_in_executor(self._waiting_threads(), self._take, lane, limit)
            try:
                worker = await asyncio.shield(waiting)
            except asyncio.CancelledError:  # give back the worker the thread still takes
                waiting.add_done_callback(lambda f: None if f.cancelled() or f.exception() else self._release(f.result()))
                raise
        fd = worker.conn.fileno()
        reader = FrameReader(fd)
        done: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if done.done():
                return
            try:
                if reader.feed():
                    done.set_result(None)
            except Exception as exc:  # EOFError, OSError: the worker died
                done.set_exception(exc)

        try:
            worker.conn.send(request)
            os.set_blocking(fd, False)
            loop.add_reader(fd, readable)
            try:
                await asyncio.wait_for(done, limit)
            finally:
                loop.remove_reader(fd)
                os.set_blocking(fd, True)  # `run` reads blocking (and the loop's watcher may have changed it)
        except TimeoutError:  # replacing forks: in a thread, not on the event loop
            await loop.run_in_executor(self._waiting_threads(), self._replace, worker)
            raise QueryTimeout(limit) from None
        except (EOFError, OSError):
            await loop.run_in_executor(self._waiting_threads(), self._replace, worker)
            raise _died() from None
        except BaseException:  # cancelled (the client went away): the reply would be left in the socket
            try:
                self._waiting_threads().submit(self._replace, worker)
            except RuntimeError:  # the interpreter is shutting down
                self._replace(worker)
            raise
        self._release(worker)
        status, payload = reader.value()
        return _answer(status, payload)

    def _waiting_threads(self) -> Any:
        """Its own threads, so that waiting requests neither exhaust the loop's default executor (a
        handful of threads) nor sit in its queue with their clock not yet running."""
        with self._lock:
            if self._waiters is None:
                from concurrent.futures import ThreadPoolExecutor

                self._waiters = ThreadPoolExecutor(max_workers=64, thread_name_prefix="migrakg-wait")
            return self._waiters

    def _take(self, lane: Lane, limit: float) -> Worker:
        """An idle worker of the lane and the current data, waiting up to *limit* s (→ EngineBusy)."""
        if not self._started:
            self.start()
        wait_until = time.monotonic() + limit  # waiting for a free worker has its own limit
        while True:
            left = wait_until - time.monotonic()
            try:  # in slices, so that a closed service lets its waiters go at once
                worker = lane.idle.get(timeout=max(0.0, min(left, 0.5)))
            except queue.Empty:
                if left <= 0.5 or not self._started:
                    raise EngineBusy() from None
                continue
            if worker.generation == self._generation:
                return worker
            self._release(worker)  # a worker of the previous data: retire it, take the next

    def _take_nowait(self, lane: Lane) -> Worker | None:
        try:
            return self._take(lane, 0.0)
        except EngineBusy:
            return None

    def select(self, text: str, *, timeout: float | None = None) -> tuple[list[str], list[list[Any]]]:
        """Our own SELECT queries (pages, search, reports): rows of term tuples."""
        result = self.run(QueryRequest(text), timeout=timeout)
        return result.variables, result.rows

    def ask(self, text: str) -> bool:
        return bool(self.run(QueryRequest(text)).boolean)


def _died() -> EngineError:
    return EngineError(Text("der Abfrage-Prozess ist abgestürzt (zu viel Speicher?)", "the query worker died (out of memory?)"))


def _answer(status: str, payload: Any) -> QueryResult:
    """A worker's reply → the result, or the error it stands for."""
    if status == "ok":
        return payload
    if status == "syntax":
        raise QuerySyntaxError(Text(f"SPARQL-Syntaxfehler: {short(payload)}", f"SPARQL syntax error: {short(payload)}"))
    if status == "toolarge":
        raise ResultTooLarge(*payload)
    if status == "unsupported":
        raise QuerySyntaxError(
            Text(
                f"die Abfrage kann so nicht ausgewertet werden: {short(payload)}",
                f"the query cannot be evaluated as written: {short(payload)}",
            )
        )
    if status == "oserror":
        raise UpstreamError(
            Text(
                f"Lesefehler oder entfernter Endpunkt nicht erreichbar: {short(payload)}",
                f"read error, or a remote endpoint could not be reached: {short(payload)}",
            )
        )
    raise EngineError(Text(f"Fehler bei der Ausführung: {payload}", f"query failed: {payload}"))


def short(message: str, limit: int = 240) -> str:
    """The engine's parser lists every expected token; people need the position and the start."""
    first = message.strip().splitlines()[0] if message.strip() else message
    return first if len(first) <= limit else first[:limit] + " …"


def default_workers() -> int:
    return max(2, min(4, os.cpu_count() or 2))
