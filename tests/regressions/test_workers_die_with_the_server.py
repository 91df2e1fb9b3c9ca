"""Regression: query workers inherited the web process's sockets (the listening socket, clients'
keep-alive connections) and outlived it: after `kill -9` of `migrakg serve` a worker went on with a
cross product, held the port, and a restart failed with "address already in use". Real processes."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import httpx

from tests.regressions.test_public_sparql_does_not_take_the_site_down import start_query, wait_until
from tests.test_serve_cli import start

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper holds no socket and runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def sockets_of(pid: int) -> list[str]:
    links = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:"):
            links.append(target)
    return links


def test_kill_9_of_the_server_ends_its_workers_and_frees_the_port(settings, built):
    env = {"MIGRAKG_BUILD": str(settings.build_path), "MIGRAKG_ROOT": str(ROOT), "MIGRAKG_QUERY_TIMEOUT": "300"}
    proc, url = start(["--workers", "2"], env)
    port = int(url.rsplit(":", 1)[1])
    try:
        keep_alive = httpx.Client()
        assert keep_alive.get(url + "/health").status_code == 200  # an idle keep-alive connection stays open
        query = start_query(port)
        wait_until(lambda: httpx.get(url + "/health").json()["lanes"]["public"]["in_flight"] == 1, "the cross product running")
        workers = children(proc.pid)
        assert len(workers) == 4  # two for pages, two for /sparql
        for pid in workers:  # only its own connection to the web process: no listening socket, no client's
            assert len(sockets_of(pid)) == 1, f"worker {pid} holds {sockets_of(pid)}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        wait_until(lambda: not any(alive(pid) for pid in workers), "the workers to end with the server", limit=10)
        query.close()
        keep_alive.close()
        with socket.socket() as again:  # as uvicorn binds: the port is free for a restart
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_a_worker_that_dies_leaves_no_zombie_and_is_replaced(service):
    from migrakg.sparql.service import INTERNAL

    worker = next(w for w in service._all if w.lane == INTERNAL)
    os.kill(worker.pid, signal.SIGKILL)
    time.sleep(0.2)
    from migrakg.sparql.service import EngineError

    for _ in range(4):  # the lane hands out its workers in turn: one of these reaches the dead one
        try:
            assert service.ask("ASK {}") is True
        except EngineError as exc:
            assert "worker died" in exc.text.en
    assert worker not in service._all and len([w for w in service._all if w.lane == INTERNAL]) == service.workers
    assert not Path(f"/proc/{worker.pid}").exists()  # reaped, not left a zombie
