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
from ..terms import Term, from_ox
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
    triples = collect_triples(answer, limit)
    if request.media == PYTHON:
        return QueryResult(
            "graph",
            PYTHON,
            count=len(triples),
            triples=[(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples],
        )
    return QueryResult("graph", request.media, serialise_graph(triples, request.media, PREFIXES), count=len(triples))


def query_form(text: str) -> str | None:
    """'select' | 'ask' | 'graph' (CONSTRUCT/DESCRIBE) | None, from the query text."""
    return form_of(scan(text))


def form_of(found: Scan) -> str | None:
    """'select' | 'ask' | 'graph' (CONSTRUCT/DESCRIBE) | None, from a scan."""
    return {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(found.form or "")


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

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _close_inherited(keep: set[int]) -> None:
    """Close every file descriptor the fork copied from the web process except *keep* and stdio: the
    listening socket, clients' keep-alive connections and the other workers' pipes must not live on in
    a worker (a crashed or orphaned worker would hold a connection open or the port bound)."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: every number up to the limit
        fds = list(range(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024))
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _die_with_parent(parent: int, watched: int) -> None:
    """A worker ends when the web process ends, however it ends (`kill -9` included): the kernel's
    parent-death signal on Linux, and a watched pipe everywhere (its other end closes with the parent)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        pass
    if os.getppid() != parent:  # the parent died before the signal was set up
        os._exit(0)

    def watch() -> None:
        try:
            while os.read(watched, 1):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="migrakg-parent-watch", daemon=True).start()


def _worker_main(conn: Connection, disk_path: str | None, limit: int, max_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    store: ox.Store | None
    if disk_path is not None:
        store = ox.Store.read_only(disk_path)
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


def _widen(*socks: socket.socket) -> None:
    """Larger socket buffers between web process and worker: a reply of up to a few MB is written in
    one go instead of in ~200 KB steps, each of which wakes the other side (costly on an idle VM)."""
    for sock in socks:
        for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER)
            except OSError:  # capped by the system (net.core.wmem_max / rmem_max): keep what it gives
                pass


class _Worker:
    """One forked worker process: its request/reply socket, the pipe whose closing tells it that the
    web process is gone, and its pid (reaped by `kill`)."""

    def __init__(self, disk_path: str | None, limit: int, max_bytes: int, generation: int, lane: str, nice: int):
        ours, theirs = socket.socketpair()
        _widen(ours, theirs)
        watched, held = os.pipe()  # the web process holds *held*; it closes when the web process ends
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                ours.close()
                os.close(held)
                try:  # the event loop's signal wake-up fd is about to be closed: a signal must not write to its number
                    signal.set_wakeup_fd(-1)
                except ValueError:
                    pass
                _close_inherited({theirs.fileno(), watched})
                _die_with_parent(parent, watched)
                if nice:
                    os.nice(nice)
                code = 0
                _worker_main(Connection(theirs.detach()), disk_path, limit, max_bytes)
            finally:
                os._exit(code)
        theirs.close()
        os.close(watched)
        self.pid = pid
        self.held = held
        self.conn = Connection(ours.detach())
        self.generation = generation
        self.lane = lane

    def kill(self) -> None:
        """Stop the worker and reap it (no zombie is left behind)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        finally:
            self.conn.close()
            try:
                os.close(self.held)
            except OSError:
                pass


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
    idle: queue.Queue[_Worker] = field(default_factory=queue.Queue)
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
        self._all: set[_Worker] = set()
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
        global _FORK_STORE
        with self._lock, self.store.lock:
            if self._forker is None:
                from concurrent.futures import ThreadPoolExecutor

                self._forker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="migrakg-fork")
            disk = str(self.store.path) if self.store.path is not None else None
            _FORK_STORE = self.store.store if disk is None else None
            args = (disk, self.limit, self.max_bytes, self._generation, lane.name, lane.nice)
            worker = self._forker.submit(_Worker, *args).result()
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

    def _retire_if_idle(self, worker: _Worker) -> None:
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

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            if worker.generation == self._generation and worker in self._all:
                self.lanes[worker.lane].idle.put(worker)
            else:
                self._all.discard(worker)
                worker.kill()

    def _replace(self, worker: _Worker) -> None:
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

    def _take(self, lane: Lane, limit: float) -> _Worker:
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

    def _take_nowait(self, lane: Lane) -> _Worker | None:
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
