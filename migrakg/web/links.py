"""POST /links/decision — accept (owl:sameAs) or reject a proposed link between two records.

JSON `{"ours": IRI, "theirs": IRI, "decision": "accept"|"reject"}` (or the same as form fields). The
token needs the source `links`. The decision goes through the write path like every change and shows
on both records' pages at once.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import Text
from ..kb.ops import link_decision_proposal
from .auth import WriterDep, read_limited
from .deps import State
from .errors import FORM, BadRequest, decode_body
from .writes import change_answer

router = APIRouter(tags=["write"])


@router.post(
    "/links/decision",
    summary="Accept or reject a proposed link between two records (token with the source 'links')",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["ours", "theirs", "decision"],
                        "properties": {
                            "ours": {"type": "string", "format": "iri"},
                            "theirs": {"type": "string", "format": "iri"},
                            "decision": {"type": "string", "enum": ["accept", "reject"]},
                        },
                    }
                }
            },
        }
    },
)
async def link_decision(request: Request, state: State, writer: WriterDep) -> JSONResponse:
    kb = state.kb
    assert kb is not None
    body = await read_limited(request, state.settings.update_limit)
    content_type = request.headers.get("content-type", "")
    text = decode_body(body, content_type)
    if content_type.split(";")[0].strip().lower() == FORM:
        values = {k: v[0] for k, v in parse_qs(text).items() if v}
    else:
        try:
            values = json.loads(text or "{}")
        except ValueError:
            raise BadRequest(Text("kein gültiges JSON", "not valid JSON")) from None
    if not isinstance(values, dict) or not all(isinstance(values.get(k), str) for k in ("ours", "theirs", "decision")):
        raise BadRequest(Text("ours, theirs und decision angeben", "give ours, theirs and decision"))
    change = await run_in_threadpool(
        kb.commit,
        lambda store: link_decision_proposal(store, kb.base, values["ours"], values["theirs"], values["decision"], writer),
    )
    return change_answer(change)
