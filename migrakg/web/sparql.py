"""/sparql — the SPARQL 1.1 Protocol query operation, the Service Description and the query page."""

from __future__ import annotations

import asyncio
import re
import time
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import formats
from ..errors import MigrakgError, Text
from ..formats import negotiate
from ..namespaces import PREFIXES
from ..sparql.description import service_description
from ..sparql.examples import DEFAULT_QUERY, load_examples
from ..sparql.service import QueryRequest, QueryResult, check_query, form_of
from .deps import State, page_context, site_url
from .errors import BadRequest, NotAcceptable, read_protocol_body, single_param

router = APIRouter()


ProtocolError = BadRequest  # the SPARQL 1.1 Protocol's "malformed request"


SELECT_OFFERS = formats.offers(formats.RESULT_FORMATS)
GRAPH_OFFERS = formats.offers(formats.GRAPH_FORMATS)
# the Service Description: any RDF media type (a dataset one gets Turtle), or the query page for browsers
DESCRIPTION_OFFERS = [formats.HTML.media_type, *(f.media_type for f in formats.RDF_FORMATS), *formats.TURTLE.aliases]


def _media_for(form: str, accept: str | None, format_param: str | None) -> str:
    """The response media type: an explicit ?format= wins if it fits the query form (unknown names are
    ignored, as clients send their own), otherwise content negotiation on Accept (406 if nothing fits)."""
    results = form in ("select", "ask")
    named = format_param and formats.by_name(
        format_param, formats.RESULT_FORMATS if results else formats.GRAPH_FORMATS, clients=True
    )
    if named:
        return named.media_type
    offers = SELECT_OFFERS if results else GRAPH_OFFERS
    chosen = negotiate(accept, offers)
    if chosen is None:
        available = ", ".join(dict.fromkeys(f.media_type for f in offers.values()))
        raise NotAcceptable(
            Text(
                f"kein passendes Format für Accept „{accept}“; möglich: {available}",
                f"no acceptable format for Accept '{accept}'; available: {available}",
            )
        )
    return offers[chosen].media_type


async def _read_request(request: Request) -> tuple[str | None, list[str], list[str], dict[str, list[str]]]:
    """→ (query, default graphs, named graphs, all parameters). Raises ProtocolError / UnsupportedMediaType."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "GET":
        if "update" in params:
            raise ProtocolError(
                Text("Updates gehen nicht per GET; POST /update verwenden", "updates cannot be sent with GET; use POST /update")
            )
        return (
            single_param(params.get("query", []), "query"),
            params.get("default-graph-uri", []),
            params.get("named-graph-uri", []),
            params,
        )
    body = await read_protocol_body(request, "application/sparql-query")
    if body.form is not None:
        form = body.form
        if "update" in form:
            raise ProtocolError(
                Text(
                    "dies ist der Abfrage-Endpunkt; Updates gehen an POST /update",
                    "this is the query endpoint; updates go to POST /update",
                )
            )
        merged = {**params}
        for key, values in form.items():
            merged[key] = merged.get(key, []) + values
        query = single_param(merged.get("query", []), "query")
        if query is None:
            raise ProtocolError(Text("der Parameter „query“ fehlt", "the parameter 'query' is missing"))
        return query, merged.get("default-graph-uri", []), merged.get("named-graph-uri", []), merged
    if body.text is not None:
        if "query" in params:
            raise ProtocolError(
                Text(
                    "die Abfrage steht zweimal in der Anfrage (Inhalt und Parameter)",
                    "the query is given twice (body and parameter)",
                )
            )
        return body.text, params.get("default-graph-uri", []), params.get("named-graph-uri", []), params
    if body.media == "application/sparql-update":
        raise ProtocolError(
            Text(
                "dies ist der Abfrage-Endpunkt; Updates gehen an POST /update",
                "this is the query endpoint; updates go to POST /update",
            )
        )
    raise body.unsupported("application/sparql-query")


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def _check_graph_iris(values: list[str], name: str) -> None:
    for value in values:
        if not _IRI.match(value):
            raise ProtocolError(
                Text(f"„{value}“ in {name} ist keine absolute IRI", f"'{value}' in {name} is not an absolute IRI")
            )


@router.api_route("/sparql", methods=["GET", "POST"])
@router.api_route("/sparql/", methods=["GET", "POST"], include_in_schema=False)
async def sparql(request: Request, state: State) -> Response:
    started = time.perf_counter()
    query, default_graphs, named_graphs, params = await _read_request(request)
    accept = request.headers.get("accept")
    if query is None:
        wants = negotiate(accept, DESCRIPTION_OFFERS)
        if wants == formats.HTML.media_type and formats.HTML.media_type in (accept or ""):
            return query_page(request, state)
        if wants is None:
            raise NotAcceptable(Text("kein passendes Format", "no acceptable format"))
        described = formats.by_media_type(wants, formats.GRAPH_FORMATS) or formats.TURTLE
        return await service_description_response(request, state, described)
    if not query.strip():
        raise ProtocolError(Text("die Abfrage ist leer", "the query is empty"))
    if (
        formats.HTML.media_type in (accept or "")
        and negotiate(accept, [formats.HTML.media_type, *SELECT_OFFERS, *GRAPH_OFFERS]) == formats.HTML.media_type
        and "format" not in params
    ):
        return query_page(request, state, query=query)
    allow, nesting = state.settings.service_allow, state.settings.max_nesting
    if len(query) > SCAN_ON_LOOP:  # a long text is scanned in a thread: the event loop serves everyone else meanwhile
        found = await run_in_threadpool(check_query, query, allow, nesting)
    else:
        found = check_query(query, allow, nesting)
    _check_graph_iris(default_graphs, "default-graph-uri")
    _check_graph_iris(named_graphs, "named-graph-uri")
    form = form_of(found) or "select"
    media = _media_for(form, accept, (params.get("format") or [""])[0] or None)
    base = site_url(request, state, "/sparql")
    result = await _run_for(request, state, QueryRequest(query, media, tuple(default_graphs), tuple(named_graphs), base_iri=base))
    answered = formats.by_media_type(result.media)
    if (result.form in ("select", "ask")) != (answered is not None and answered.kind == formats.RESULTS):
        # the text looked like one form but was another (the scan only reads keywords): renegotiate on the real form
        media = _media_for(result.form, accept, None)
        result = await _run_for(
            request, state, QueryRequest(query, media, tuple(default_graphs), tuple(named_graphs), base_iri=base)
        )
    headers = {
        "Vary": "Accept",
        "Cache-Control": "no-store",
        # the engine's time (in the query worker) and the whole handler's, for people and for bench/
        "Server-Timing": f"engine;dur={result.seconds * 1000:.3f}, handler;dur={(time.perf_counter() - started) * 1000:.3f}",
    }
    answered = formats.by_media_type(result.media) or formats.TEXT
    if "format" in params or "download" in params:
        headers["Content-Disposition"] = f'attachment; filename="migrakg-result.{answered.download_extension}"'
    return Response(result.body, media_type=answered.content_type, headers=headers)


SCAN_ON_LOOP = 16 * 1024  # characters: longer query texts are checked in a thread
WATCH_EVERY = 1.0  # seconds: how often a running query looks whether its client is still there


class ClientGone(MigrakgError):
    status = 499  # "client closed request": nobody reads this answer

    def __init__(self) -> None:
        super().__init__(
            Text(
                "die Verbindung wurde geschlossen; die Abfrage wurde abgebrochen",
                "the client closed the connection; the query was stopped",
            )
        )


async def _run_for(request: Request, state: State, query: QueryRequest) -> QueryResult:
    """Run *query* for this request. While it runs, every WATCH_EVERY seconds: if the client went away
    (closed tab, cancelled script), the query is stopped and its worker replaced, instead of keeping a
    worker busy up to the time limit for nobody. Queries shorter than that pay nothing for it."""
    client = request.client.host if request.client else None  # the remote address: one share of the public lane
    running = asyncio.ensure_future(state.service.run_async(query, client=client))
    try:
        while True:
            done, _ = await asyncio.wait({running}, timeout=WATCH_EVERY)
            if done:
                return running.result()
            if await request.is_disconnected():
                running.cancel()
                await asyncio.wait({running})  # its worker is being replaced
                raise ClientGone()
    except asyncio.CancelledError:
        running.cancel()
        raise


async def service_description_response(request: Request, state: State, fmt: formats.Format) -> Response:
    stats = await run_in_threadpool(state.store_stats)
    graph = service_description(
        site_url(request, state, "/sparql"),
        graphs=stats.graphs,
        total=stats.triples,
        update_endpoint=site_url(request, state, "/update") if state.kb is not None else None,
        federated=bool(state.settings.service_allow),
    )
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    body = graph.serialize(format=fmt.rdflib or fmt.name)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


def query_page(request: Request, state: State, *, query: str | None = None) -> HTMLResponse:
    examples = load_examples(state.settings.root / "queries")
    context = page_context(
        request,
        examples=examples,
        query=query or (examples[0].text if examples else DEFAULT_QUERY),
        autorun=query is not None,
        prefixes=PREFIXES,
        timeout=state.settings.query_timeout,
        limit=state.settings.result_limit,
        max_mib=state.settings.result_bytes / 1048576,
    )
    return state.templates.TemplateResponse(request, "sparql.html", context, headers={"Vary": "Accept"})
