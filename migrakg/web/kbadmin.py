"""Routes for the commands of the store's owner while this server has the store open (local admin token
from `{store}/server.json` only; not part of the public API): the same operations a command would run
itself (`kb.operations`), and a snapshot for reading commands."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import Text
from ..kb.delta import nquad
from ..kb.operations import run_operation
from .auth import OperatorDep, read_limited
from .deps import State
from .errors import BadRequest

router = APIRouter(include_in_schema=False)


@router.get("/kb/ping")
def ping(state: State, writer: OperatorDep) -> dict[str, object]:
    return {"status": "ok", "generation": state.store.generation}


@router.post("/kb/ops/{op}")
async def operation(op: str, request: Request, state: State, writer: OperatorDep) -> JSONResponse:
    kb = state.kb
    assert kb is not None
    try:
        args = json.loads(await read_limited(request, state.settings.upload_limit) or b"{}")
    except ValueError:
        raise BadRequest(Text("kein gültiges JSON", "not valid JSON")) from None
    answer = await run_in_threadpool(run_operation, kb, state.settings, writer, op, args)
    return JSONResponse(answer)


@router.get("/kb/snapshot")
def snapshot(state: State, writer: OperatorDep) -> Response:
    with state.store.lock:
        body = "".join(nquad(q) + "\n" for q in state.store.store)
    return Response(body.encode("utf-8"), media_type="application/n-quads")
