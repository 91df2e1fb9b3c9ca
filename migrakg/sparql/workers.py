"""The query worker processes and the channel to them (the worker side of sparql/service.py).

A worker is forked from the web process after the store is loaded (an in-memory store is shared
copy-on-write; an on-disk store is opened read-only), runs one request at a time with `service.execute`,
and dies with the web process however that ends. Replies travel as frames of our own (8-byte length +
pickle) on the worker's socket, readable blocking (`read_frame`) or piece by piece from an event loop
(`FrameReader`).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import struct
import threading
import time
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .results import ResultTooLarge

if TYPE_CHECKING:
    from .service import QueryRequest

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

FORK_STORE: ox.Store | None = None  # the store a forked worker inherits (set by QueryService before forking)

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
    from .service import execute

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    store: ox.Store | None
    if disk_path is not None:
        store = ox.Store.read_only(disk_path)
    else:
        store = FORK_STORE
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


class Worker:
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
