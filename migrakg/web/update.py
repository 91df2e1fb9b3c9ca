"""POST /update — SPARQL Update, off unless a write token is configured; every change SHACL-checked."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..build import parse_turtle_dir
from ..errors import MigrakgError, Text
from ..settings import ProjectPaths
from ..sparql.update import run_update
from ..validate import load_shapes
from ..vocabularies import load_vocabularies
from .deps import State, site_url
from .errors import BadRequest as ProtocolError
from .errors import read_protocol_body, single_param

router = APIRouter()


class UpdatesOff(MigrakgError):
    status = 403


class Unauthorized(MigrakgError):
    status = 401


def _reference(state: State):  # type: ignore[no-untyped-def]
    cached = state.update_reference
    if cached is None:
        paths = ProjectPaths.from_settings(state.settings)
        reference = parse_turtle_dir(paths.ontology, "ontology") + load_vocabularies(paths.vocab).graph
        cached = (load_shapes(paths.shapes), reference)
        state.update_reference = cached
    return cached


@router.post("/update")
async def update(request: Request, state: State) -> Response:
    token = state.settings.write_token
    if not token:
        raise UpdatesOff(
            Text(
                "Änderungen sind auf diesem Server abgeschaltet (kein Schreib-Token konfiguriert)",
                "updates are switched off on this server (no write token configured)",
            )
        )
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer ") or not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        raise Unauthorized(
            Text(
                "Schreib-Token fehlt oder ist falsch (Authorization: Bearer …)",
                "missing or wrong write token (Authorization: Bearer …)",
            )
        )
    params = parse_qs(request.url.query, keep_blank_values=True)
    body = await read_protocol_body(request, "application/sparql-update")
    if body.form is not None:
        if "query" in body.form:
            raise ProtocolError(Text("Abfragen gehen an /sparql", "queries go to /sparql"))
        text = single_param(body.form.get("update", []), "update")
        for key, values in body.form.items():
            if key in ("using-graph-uri", "using-named-graph-uri"):
                params[key] = params.get(key, []) + values
    elif body.text is not None:
        text = body.text
    else:
        raise body.unsupported("application/sparql-update")
    if not text or not text.strip():
        raise ProtocolError(Text("das Update ist leer", "the update is empty"))
    shapes, reference = _reference(state)

    def apply() -> object:
        with state.update_lock:
            outcome = run_update(
                state.store,
                text,
                shapes=shapes,
                reference=reference,
                base_iri=site_url(request, state, "/update"),
                using=params.get("using-graph-uri", []),
                using_named=params.get("using-named-graph-uri", []),
                allow=state.settings.service_allow,
            )
            state.service.reload()
            return outcome

    outcome = await run_in_threadpool(apply)
    return Response(f'{{"status": "ok", "added": {outcome.added}, "removed": {outcome.removed}}}', media_type="application/json")
