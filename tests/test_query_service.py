"""QueryService: the worker pool behind /sparql, used blocking (threads: pages, CLI) and from the web
server's event loop (`run_async`). Both ways share the same workers, under asyncio and under uvloop
(what uvicorn uses): a reply larger than the socket buffer arrives in pieces, and whichever way reads
it next must find the socket as it expects."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
import uvloop

from migrakg.sparql.service import INTERNAL, PUBLIC, EngineError, QueryRequest, QueryService, QueryTimeout

JSON = "application/sparql-results+json"
EVERYTHING = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "ASK { ?s a <https://w3id.org/migrakg/ontology#Organisation> }"

LOOPS = {"asyncio": asyncio.run, "uvloop": uvloop.run}


@pytest.fixture(params=sorted(LOOPS))
def run_loop(request):
    """Runs a coroutine to completion on a new loop of the kind, in a thread of its own (the main thread
    may already run a loop: Playwright's sync API, used by the browser tests, keeps one there)."""
    from concurrent.futures import ThreadPoolExecutor

    def run(coroutine):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(LOOPS[request.param], coroutine).result()

    return run


@pytest.fixture()
def one_worker(kb_store):
    service = QueryService(kb_store, workers=1, timeout=10)
    service.start()
    yield service
    service.close()


async def caught(awaitable, error_type):  # type: ignore[no-untyped-def]
    """→ (value, None) or (None, the error of *error_type* it raised)."""
    try:
        return await awaitable, None
    except error_type as exc:
        return None, exc


def _workers(service: QueryService, lane: str = PUBLIC) -> list:
    return [w for w in service._all if w.lane == lane]


def _pids(service: QueryService, lane: str = PUBLIC) -> set[int]:
    """The workers of one lane (`run_async` takes the public lane unless told otherwise)."""
    return {w.pid for w in _workers(service, lane)}


def test_large_replies_alternate_between_event_loop_and_thread(one_worker, run_loop):
    """The same worker (of the internal lane) answers a ~1 MB result to the event loop, then to a
    blocking caller, and so on."""
    request = QueryRequest(EVERYTHING, JSON)
    expected = one_worker.run(request).body
    assert len(expected) > 256 * 1024  # far above a socket buffer: the reply arrives in pieces
    rows = len(json.loads(expected)["results"]["bindings"])
    assert rows > 3000

    async def via_loop() -> bytes:
        return (await one_worker.run_async(request, lane=INTERNAL)).body

    for _ in range(3):
        assert run_loop(via_loop()) == expected
        (worker,) = _workers(one_worker, INTERNAL)
        assert os.get_blocking(worker.conn.fileno()), "the loop must leave the socket blocking"
        assert one_worker.run(request).body == expected
    assert _workers(one_worker, INTERNAL) == [worker]  # never replaced


def test_event_loop_answers_match_blocking_answers_for_every_form(one_worker, run_loop):
    requests = [
        QueryRequest(SIMPLE, JSON),
        QueryRequest("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 50", "text/turtle"),
        QueryRequest(EVERYTHING + " LIMIT 5", "text/csv"),
        QueryRequest(EVERYTHING + " LIMIT 5"),
    ]

    async def all_via_loop() -> list:
        return [await one_worker.run_async(r) for r in requests]

    for via_loop, request in zip(run_loop(all_via_loop()), requests):
        blocking = one_worker.run(request)
        assert (via_loop.form, via_loop.media, via_loop.body, via_loop.rows) == (
            blocking.form,
            blocking.media,
            blocking.body,
            blocking.rows,
        )


def test_timeout_on_the_event_loop_while_another_query_answers(kb_store, run_loop):
    service = QueryService(kb_store, workers=2, timeout=1.5)
    service.start()
    try:
        before = _pids(service)

        async def scenario() -> tuple[BaseException | None, float, bool, float]:
            started = time.monotonic()
            explosive = asyncio.ensure_future(service.run_async(QueryRequest(EXPLOSIVE, JSON)))
            await asyncio.sleep(0.3)
            simple = await service.run_async(QueryRequest(SIMPLE, JSON))
            simple_at = time.monotonic() - started
            _, error = await caught(explosive, QueryTimeout)
            return error, time.monotonic() - started, simple.boolean, simple_at

        error, elapsed, answer, simple_at = run_loop(scenario())
        assert isinstance(error, QueryTimeout)
        assert "1.5 s" in error.text.en
        assert elapsed < 1.5 + 1.0
        assert answer is True and simple_at < 1.5  # answered while the explosive query ran
        assert len(_workers(service)) == 2 and _pids(service) != before  # the stopped worker was replaced
        assert service.run(QueryRequest(SIMPLE, JSON)).boolean is True
    finally:
        service.close()


def test_cancelled_request_stops_its_query_and_the_pool_recovers(one_worker, run_loop):
    """A client that goes away (the server cancels its task) must not leave a reply in the socket
    for the next query: the worker is replaced."""
    before = _pids(one_worker)

    async def scenario() -> bool:
        task = asyncio.ensure_future(one_worker.run_async(QueryRequest(EXPLOSIVE, JSON)))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return (await one_worker.run_async(QueryRequest(SIMPLE, JSON))).boolean

    assert run_loop(scenario()) is True
    after = _pids(one_worker)
    assert len(after) == 1 and after != before
    for pid in before:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_busy_pool_queues_event_loop_requests(one_worker, run_loop):
    """With one worker, concurrent requests wait for it (in a thread, not blocking the loop)."""
    request = QueryRequest(EVERYTHING + " LIMIT 20", JSON)
    expected = one_worker.run(request).body

    async def scenario() -> list[bytes]:
        results = await asyncio.gather(*(one_worker.run_async(request) for _ in range(6)))
        return [r.body for r in results]

    bodies = run_loop(scenario())
    assert bodies == [expected] * 6
    assert len(_workers(one_worker)) == 1


def test_dead_worker_is_reported_and_replaced(one_worker, run_loop):
    import signal

    (pid,) = _pids(one_worker)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)

    async def ask() -> bool:
        return (await one_worker.run_async(QueryRequest(SIMPLE, JSON))).boolean

    with pytest.raises(EngineError) as caught:
        run_loop(ask())
    assert "worker died" in caught.value.text.en
    assert run_loop(ask()) is True
    assert _pids(one_worker) != {pid}


def test_waiting_for_a_busy_worker_has_its_own_limit(one_worker, run_loop):
    """While the only worker runs a long query, another request waits for it at most its limit (503
    busy), and the long query goes on."""
    from migrakg.sparql.service import EngineBusy

    async def scenario() -> tuple[BaseException | None, float, BaseException | None]:
        long = asyncio.ensure_future(one_worker.run_async(QueryRequest(EXPLOSIVE, JSON), timeout=2.5))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        _, waited_error = await caught(one_worker.run_async(QueryRequest(SIMPLE, JSON), timeout=0.6), EngineBusy)
        waited = time.monotonic() - started
        _, long_error = await caught(long, QueryTimeout)
        return waited_error, waited, long_error

    waited_error, waited, long_error = run_loop(scenario())
    assert isinstance(waited_error, EngineBusy)
    assert 0.5 <= waited < 1.5
    assert isinstance(long_error, QueryTimeout)  # it kept running until its own limit
    assert one_worker.run(QueryRequest(SIMPLE, JSON)).boolean is True
