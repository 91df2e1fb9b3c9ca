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
import multiprocessing
import os
import pickle
import queue
import select
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from ..errors import MigrakgError, Text
from ..namespaces import PREFIXES
from .guard import Scan, scan
from .results import (
    NATIVE_RESULTS,
    PYTHON,
    ResultTooLarge,
    collect_solutions,
    collect_triples,
    serialise_ask,
    serialise_graph,
    serialise_native,
    serialise_select,
    term_tuple,
)

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


def check_query(text: str, allow: tuple[str, ...] = ()) -> Scan:
    """Refuse what must never reach the engine from /sparql; returns the scan."""
    found = scan(text)
    if found.update:
        raise UpdateNotAllowed()
    check_services(found, allow)
    return found


def check_update(text: str, allow: tuple[str, ...] = ()) -> Scan:
    found = scan(text)
    if "LOAD" in found.update_keywords:
        raise LoadNotAllowed()
    check_services(found, allow)
    return found


@dataclass(frozen=True)
class QueryRequest:
    query: str
    media: str = PYTHON  # response media type, or PYTHON for rows as tuples
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    update: bool = False
    base_iri: str | None = None  # resolves relative IRIs in the query (the endpoint's own address)
    count: bool = False  # build SELECT results in Python to know the row count (CLI); else pyoxigraph serialises


@dataclass
class QueryResult:
    form: str  # select | ask | graph | update
    media: str
    body: bytes = b""
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # PYTHON: Term tuples or None
    boolean: bool | None = None
    triples: list[tuple[Any, Any, Any]] = field(default_factory=list)
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
    if isinstance(answer, (ox.QuerySolutions, ox.QueryBoolean)) and request.media in NATIVE_RESULTS and not request.count:
        form = "ask" if isinstance(answer, ox.QueryBoolean) else "select"
        return QueryResult(
            form,
            request.media,
            serialise_native(answer, request.media, max_bytes),
            count=-1,
            boolean=bool(answer) if form == "ask" else None,
        )
    if isinstance(answer, ox.QuerySolutions):
        names, rows = collect_solutions(answer, limit)
        if request.media == PYTHON:
            return QueryResult(
                "select",
                PYTHON,
                variables=names,
                count=len(rows),
                rows=[[term_tuple(t) if t is not None else None for t in row] for row in rows],
            )
        return QueryResult(
            "select", request.media, serialise_select(names, rows, request.media), variables=names, count=len(rows)
        )
    if isinstance(answer, ox.QueryBoolean):
        value = bool(answer)
        if request.media == PYTHON:
            return QueryResult("ask", PYTHON, boolean=value)
        return QueryResult("ask", request.media, serialise_ask(value, request.media), boolean=value)
    triples = collect_triples(answer, limit)
    if request.media == PYTHON:
        return QueryResult(
            "graph",
            PYTHON,
            count=len(triples),
            triples=[(term_tuple(t.subject), term_tuple(t.predicate), term_tuple(t.object)) for t in triples],
        )
    return QueryResult("graph", request.media, serialise_graph(triples, request.media, PREFIXES), count=len(triples))


def query_form(text: str) -> str | None:
    """'select' | 'ask' | 'graph' (CONSTRUCT/DESCRIBE) | None, from the query text."""
    form = scan(text).form
    return {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(form or "")


# --- the reply channel ---------------------------------------------------------------------------
# Requests go to a worker through its multiprocessing Connection; replies come back as frames of our
# own (8-byte length + pickle) on the same socket pair, so that the web process can read them either
# blocking (a thread: `run`) or piece by piece from its event loop (`run_async`) without ever leaving
# the socket in a state the other way does not expect.

_HEADER = struct.Struct("!Q")


def write_frame(fd: int, data: bytes) -> None:
    header = _HEADER.pack(len(data))
    if len(data) < 65536:  # one write
        _write_all(fd, memoryview(header + data))
    else:  # without copying the data
        _write_all(fd, memoryview(header))
        _write_all(fd, memoryview(data))


def _write_all(fd: int, view: memoryview) -> None:
    while view:
        view = view[os.write(fd, view) :]


class FrameReader:
    """Reads one reply frame from *fd*. `feed()` reads what is there and returns True once the frame
    is complete; on a non-blocking socket it stops at BlockingIOError and is called again later."""

    def __init__(self, fd: int):
        self.fd = fd
        self.head = b""
        self.buffer: bytearray | None = None
        self.view: memoryview | None = None
        self.filled = 0

    def feed(self) -> bool:
        try:
            while self.buffer is None:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    raise EOFError("the query worker closed its connection")
                self.head += chunk
                if len(self.head) >= _HEADER.size:
                    (size,) = _HEADER.unpack_from(self.head)
                    self.buffer = bytearray(size)
                    self.view = memoryview(self.buffer)
                    rest = self.head[_HEADER.size : _HEADER.size + size]
                    self.view[: len(rest)] = rest
                    self.filled = len(rest)
            assert self.view is not None
            while self.filled < len(self.buffer):
                got = os.readv(self.fd, [self.view[self.filled :]])
                if got == 0:
                    raise EOFError("the query worker closed its connection")
                self.filled += got
        except BlockingIOError:
            return False
        return True

    def value(self) -> Any:
        assert self.buffer is not None
        return pickle.loads(self.buffer)


def read_frame(fd: int) -> Any:
    """Blocking read of one reply frame."""
    reader = FrameReader(fd)
    while not reader.feed():  # only if something left the socket non-blocking: wait for data
        select.select([fd], [], [])
    return reader.value()


# --- the worker side -----------------------------------------------------------------------------

_FORK_STORE: ox.Store | None = None  # the store a forked worker inherits


def _worker_main(conn: Connection, disk_path: str | None, limit: int, max_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if disk_path is not None:
        from .store import KnowledgeStore

        store = KnowledgeStore.open_read_only(disk_path)
    else:
        store = _FORK_STORE
    assert store is not None
    while True:
        try:
            request: QueryRequest = conn.recv()
        except (EOFError, OSError):
            return
        try:
            started = time.perf_counter()
            result = execute(store, request, limit, max_bytes)
            result.seconds = time.perf_counter() - started
            reply: tuple[str, Any] = ("ok", result)
        except SyntaxError as exc:
            reply = ("syntax", str(exc))
        except ValueError as exc:  # e.g. an invalid IRI given as a graph name
            reply = ("syntax", str(exc))
        except RuntimeError as exc:  # the engine cannot evaluate the query as written (unsupported function …)
            reply = ("unsupported", str(exc))
        except OSError as exc:  # reading the store, or an (allow-listed) SERVICE endpoint failed
            reply = ("oserror", str(exc))
        except ResultTooLarge as exc:
            reply = ("toolarge", (exc.limit, exc.unit))
        except MemoryError:
            reply = ("error", "out of memory")
        except Exception as exc:  # the engine's errors (OSError for SERVICE failures …) go back as text
            reply = ("error", f"{exc}")
        try:
            write_frame(conn.fileno(), pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, OSError):
            return


SOCKET_BUFFER = 4 * 1024 * 1024


def _widen(*conns: Connection) -> None:
    """Larger socket buffers between web process and worker: a reply of up to a few MB is written in
    one go instead of in ~200 KB steps, each of which wakes the other side (costly on an idle VM)."""
    for conn in conns:
        sock = socket.socket(fileno=os.dup(conn.fileno()))
        try:
            for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
                try:
                    sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER)
                except OSError:  # capped by the system (net.core.wmem_max / rmem_max): keep what it gives
                    pass
        finally:
            sock.close()


class _Worker:
    def __init__(self, ctx: Any, disk_path: str | None, limit: int, max_bytes: int, generation: int):
        parent, child = ctx.Pipe()
        _widen(parent, child)
        self.conn = parent
        self.generation = generation
        self.process = ctx.Process(target=_worker_main, args=(child, disk_path, limit, max_bytes), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class QueryService:
    """A pool of query workers over one store. Thread-safe; `run` blocks the calling thread."""

    def __init__(
        self,
        store: Any,
        *,
        workers: int = 2,
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
        self._ctx = multiprocessing.get_context("fork")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.RLock()
        self._generation = 0
        self._started = False
        self._waiters: Any = None  # threads in which event-loop callers wait for a free worker (made on demand)

    def start(self) -> None:
        """Fork the workers (idempotent: an app's lifespan may start a service a test already started)."""
        with self._lock:
            if self._started:
                return
            self._generation += 1
            for _ in range(self.workers):
                self._spawn()
            self._started = True

    def _spawn(self) -> None:
        global _FORK_STORE
        with self._lock, self.store.lock:
            disk = str(self.store.path) if self.store.path is not None else None
            _FORK_STORE = self.store.store if disk is None else None
            worker = _Worker(self._ctx, disk, self.limit, self.max_bytes, self._generation)
            self._all.add(worker)
            self._idle.put(worker)

    def reload(self) -> None:
        """After the store was replaced: new workers see the new data; busy old ones retire when done."""
        with self._lock:
            old = list(self._all)
            self._generation += 1
            for _ in range(self.workers):
                self._spawn()
            for worker in old:
                if worker.generation != self._generation:
                    self._retire_if_idle(worker)

    def _retire_if_idle(self, worker: _Worker) -> None:
        drained = []
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            if w is worker:
                self._all.discard(w)
                w.kill()
            else:
                drained.append(w)
        for w in drained:
            self._idle.put(w)

    def close(self) -> None:
        with self._lock:
            for worker in list(self._all):
                worker.kill()
            self._all.clear()
            while not self._idle.empty():
                self._idle.get_nowait()
            self._started = False
            if self._waiters is not None:
                self._waiters.shutdown(wait=False, cancel_futures=True)
                self._waiters = None

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            if worker.generation == self._generation and worker in self._all:
                self._idle.put(worker)
            else:
                self._all.discard(worker)
                worker.kill()

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            worker.kill()
            if len(self._all) < self.workers:
                self._spawn()

    def run(self, request: QueryRequest, *, timeout: float | None = None) -> QueryResult:
        """Run a checked request, blocking this thread. Raises QuerySyntaxError, QueryTimeout,
        ResultTooLarge, EngineBusy, EngineError, UpstreamError."""
        limit = timeout or self.timeout
        worker = self._take(limit)
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
        return _answer(status, payload)

    async def run_async(self, request: QueryRequest, *, timeout: float | None = None) -> QueryResult:
        """`run` for the web server's event loop: the reply is read from the worker's socket as it
        arrives, without a thread. If the caller is cancelled, the worker (and its query) is replaced."""
        limit = timeout or self.timeout
        loop = asyncio.get_running_loop()
        worker = self._take_nowait()
        if worker is None:  # all busy: wait for one in a thread, under the same limit as `run`
            waiting = loop.run_in_executor(self._waiting_threads(), self._take, limit)
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

    def _take(self, limit: float) -> _Worker:
        """An idle worker of the current data, waiting up to *limit* s (→ EngineBusy)."""
        if not self._started:
            self.start()
        wait_until = time.monotonic() + limit  # waiting for a free worker has its own limit
        while True:
            left = wait_until - time.monotonic()
            try:  # in slices, so that a closed service lets its waiters go at once
                worker = self._idle.get(timeout=max(0.0, min(left, 0.5)))
            except queue.Empty:
                if left <= 0.5 or not self._started:
                    raise EngineBusy() from None
                continue
            if worker.generation == self._generation:
                return worker
            self._release(worker)  # a worker of the previous data: retire it, take the next

    def _take_nowait(self) -> _Worker | None:
        try:
            return self._take(0.0)
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
