"""/reconcile — W3C Reconciliation API 0.2 for OpenRefine (the work is done in migrakg.linking.reconcile).

GET /reconcile: the manifest; `queries=` (GET or POST form) reconciles a batch; `extend=` extends data.
/reconcile/suggest/{entity,property,type}?prefix=, /reconcile/preview?id=, /reconcile/propose_properties?type=.
CORS headers come from the app's middleware. `callback=` gives JSONP for old clients.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import MigrakgError, Text
from ..linking.reconcile import ReconcileError, manifest
from .deps import AppState, State, site_url
from .errors import NotFound
from .hardening import csp_for_page
from .i18n import request_lang

router = APIRouter()
CALLBACK_RE = re.compile(r"^[A-Za-z_$][\w$.]{0,80}$")


class BadReconcileRequest(MigrakgError):
    status = 400


def _json(request: Request, data: Any, params: dict[str, list[str]] | None = None) -> Response:
    callback = (params or {}).get("callback", [request.query_params.get("callback", "")])[0]
    if callback:
        if not CALLBACK_RE.match(callback):
            raise BadReconcileRequest(Text("ungültiger callback-Name", "invalid callback name"))
        body = f"/**/{callback}({json.dumps(data, ensure_ascii=False)});"
        return Response(body, media_type="application/javascript; charset=utf-8")
    return JSONResponse(data)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deep `[` and `{` nest in a JSON text (strings skipped), found without parsing it.

    >>> json_depth('{"a": [1, {"b": "[[["}]}')
    3
    """
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse_json(value: str, name: str, max_nesting: int) -> Any:
    """Parse a request's JSON: refused (400) when nested deeper than *max_nesting* (checked before
    parsing: Python's parser would recurse until it fails) or when it holds NaN / Infinity."""
    depth = json_depth(value)
    if depth > max_nesting:
        raise BadReconcileRequest(
            Text(
                f"{name} ist {depth} Ebenen tief verschachtelt; erlaubt sind höchstens {max_nesting}",
                f"{name} nests {depth} levels deep; at most {max_nesting} are allowed",
            )
        )
    try:
        return json.loads(value, parse_constant=_no_constant)
    except ValueError as exc:
        raise BadReconcileRequest(Text(f"{name} ist kein gültiges JSON: {exc}", f"{name} is not valid JSON: {exc}")) from None


def _answer(request: Request, state: AppState, params: dict[str, list[str]]) -> Response:
    lang = request_lang(request)
    rec = state.get_reconciler()
    nesting = state.settings.max_nesting
    try:
        if params.get("queries"):
            return _json(request, rec.reconcile(_parse_json(params["queries"][0], "queries", nesting), lang), params)
        if params.get("extend"):
            return _json(request, rec.extend(_parse_json(params["extend"][0], "extend", nesting), lang), params)
    except ReconcileError as exc:
        raise BadReconcileRequest(Text(f"ungültige Anfrage: {exc}", f"invalid request: {exc}")) from None
    return _json(request, manifest(state.settings.base_iri, site_url(request, state), lang), params)


@router.get("/reconcile")
def reconcile_get(request: Request, state: State) -> Response:
    return _answer(request, state, parse_qs(request.url.query, keep_blank_values=False))


@router.post("/reconcile")
async def reconcile_post(request: Request, state: State) -> Response:
    body = await request.body()  # at most the body limit (web/hardening.py)
    return await run_in_threadpool(_answer_body, request, state, body)


def _answer_body(request: Request, state: AppState, body: bytes) -> Response:
    """The POST form is parsed here, in a worker thread, not on the event loop."""
    try:
        params = parse_qs(body.decode("utf-8"), keep_blank_values=False)
    except UnicodeDecodeError:
        raise BadReconcileRequest(Text("der Inhalt ist nicht UTF-8", "the body is not UTF-8")) from None
    for key, values in parse_qs(request.url.query).items():
        params.setdefault(key, values)
    return _answer(request, state, params)


@router.get("/reconcile/suggest/entity")
def suggest_entity(request: Request, state: State, prefix: str = "", type: str = "", limit: int = 10) -> Response:
    rec = state.get_reconciler()
    return _json(request, rec.suggest_entities(prefix[:200], type or None, request_lang(request), max(1, min(limit, 50))))


@router.get("/reconcile/suggest/type")
def suggest_type(request: Request, state: State, prefix: str = "") -> Response:
    return _json(request, state.get_reconciler().suggest_types(prefix[:200], request_lang(request)))


@router.get("/reconcile/suggest/property")
def suggest_property(request: Request, state: State, prefix: str = "") -> Response:
    return _json(request, state.get_reconciler().suggest_properties(prefix[:200], request_lang(request)))


@router.get("/reconcile/propose_properties")
def propose_properties(request: Request, state: State, type: str = "", limit: int | None = None) -> Response:
    rec = state.get_reconciler()
    return _json(request, rec.propose_properties(type or None, request_lang(request), limit))


@router.get("/reconcile/preview")
def preview(request: Request, state: State, id: str = "") -> Response:
    lang = request_lang(request)
    card = state.get_reconciler().preview(id, lang)
    if card is None:
        raise NotFound(Text(f"unbekannte Kennung „{id}“", f"unknown id '{id}'"))
    root = site_url(request, state)
    page = state.templates.get_template("reconcile_preview.html").render(lang=lang, card=card, url=f"{root}/id/{card['id']}")
    # OpenRefine shows the card in a frame of its own page: this one page may be framed (it has no actions)
    return HTMLResponse(page, headers={"Content-Security-Policy": csp_for_page(page, framed_by="*")})
