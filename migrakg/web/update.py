"""POST /update — SPARQL Update with a write token, only on that token's sources.

The update runs once on a scratch copy (`sparql.update.update_delta`); the resulting delta goes through
the knowledge base's write path (scope, no blank nodes, no dangling references, SHACL on what it
touches, change log, durable before the answer). LOAD and SERVICE are refused; bodies over
`update_limit` get 413.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import Text
from ..sparql.update import checked_update_text, update_proposal
from .auth import WriterDep, read_limited
from .deps import State, site_url
from .errors import FORM, BadRequest, UnsupportedMediaType, decode_body, single_param
from .writes import change_answer

router = APIRouter(tags=["write"])


@router.post(
    "/update",
    summary="SPARQL 1.1 Update (write token; only the token's sources)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-update": {"schema": {"type": "string"}},
                FORM: {"schema": {"type": "object", "properties": {"update": {"type": "string"}}}},
            }
        }
    },
    responses={
        401: {"description": "no or wrong token"},
        403: {"description": "outside the token's sources, LOAD, SERVICE"},
        413: {"description": "body too large"},
        422: {"description": "breaks the shapes or leaves dangling references"},
    },
)
async def update(request: Request, state: State, writer: WriterDep) -> JSONResponse:
    kb = state.kb
    assert kb is not None  # require_writer refuses otherwise
    params = parse_qs(request.url.query, keep_blank_values=True)
    body = await read_limited(request, state.settings.update_limit)
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media == FORM:
        form = parse_qs(decode_body(body, content_type), keep_blank_values=True)
        if "query" in form:
            raise BadRequest(Text("Abfragen gehen an /sparql", "queries go to /sparql"))
        text = single_param(form.get("update", []), "update")
        for key in ("using-graph-uri", "using-named-graph-uri"):
            params[key] = params.get(key, []) + form.get(key, [])
    elif media == "application/sparql-update":
        text = decode_body(body, content_type)
    else:
        raise UnsupportedMediaType(
            Text(
                f"Inhaltstyp „{media or '(keiner)'}“ wird nicht unterstützt; erwartet application/sparql-update oder {FORM}",
                f"content type '{media or '(none)'}' is not supported; expected application/sparql-update or {FORM}",
            )
        )
    if not text or not text.strip():
        raise BadRequest(Text("das Update ist leer", "the update is empty"))
    text = checked_update_text(text, params.get("using-graph-uri", []), params.get("using-named-graph-uri", []))
    base_iri = site_url(request, state, "/update")
    change = await run_in_threadpool(
        kb.commit, lambda store: update_proposal(store, text, writer, kb_base=kb.base, base_iri=base_iri)
    )
    return change_answer(change)
