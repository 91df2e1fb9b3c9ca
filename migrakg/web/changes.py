"""GET /changes — the feed of committed changes, for portals and other projects to follow.

JSON (PROV terms, `@context`), ActivityStreams 2.0 (`application/activity+json`) or Atom
(`application/atom+xml`) by Accept or `?format=json|as|atom`. Newest first, `?limit=` per page (default
50, at most 500), `?before=ID` for the next (older) page, `?since=ID` or `?since=2026-11-30T10:00:00Z`
for only what came after. `GET /changes/{id}` is one change with its delta (the quads it added and
removed). Agents are token names or roles, never persons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..errors import Text
from ..formats import negotiate
from ..kb.log import PROV_CONTEXT, Change
from .deps import State, site_url
from .errors import BadRequest, NotFound

router = APIRouter(tags=["changes"])

MEDIA = {"json": "application/json", "as": "application/activity+json", "atom": "application/atom+xml"}
AS_VERBS = {"import": "Update", "remove": "Delete", "update": "Update", "links": "Update", "revert": "Undo", "curated": "Update"}


def _since(value: str | None, changes: list[Change]) -> int:
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            Text(
                f"since={value}: eine Änderungsnummer oder ein Zeitpunkt (ISO 8601)",
                f"since={value}: a change id or a time (ISO 8601)",
            )
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    for change in changes:
        if dt.datetime.fromisoformat(change.time.replace("Z", "+00:00")) > when:
            return change.seq - 1
    return changes[-1].seq if changes else 0


def _int(value: str | None, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise BadRequest(Text(f"{name} muss eine Zahl sein", f"{name} must be a number"))
    return int(value)


@router.get("/changes", summary="Feed of committed changes (JSON with PROV terms, ActivityStreams 2.0, Atom); paged, since=")
def changes(request: Request, state: State) -> Response:
    kb = state.kb
    all_changes = kb.changes if kb is not None else []
    query = request.query_params
    limit = max(1, min(500, _int(query.get("limit"), 50, "limit")))
    since = _since(query.get("since"), all_changes)
    before = _int(query.get("before"), (all_changes[-1].seq + 1) if all_changes else 1, "before")
    window = [c for c in all_changes if since < c.seq < before]
    page = list(reversed(window))[:limit]
    more = len(window) > limit
    params = {k: v for k, v in query.items() if k not in ("before",)}
    next_url = site_url(request, state, "/changes?" + urlencode({**params, "before": page[-1].seq})) if more and page else None
    fmt = query.get("format")
    media = MEDIA.get(fmt) if fmt else negotiate(request.headers.get("accept"), list(MEDIA.values()))
    media = media or "application/json"
    latest = all_changes[-1].seq if all_changes else 0
    if media == MEDIA["as"]:
        return JSONResponse(_activity_page(request, state, page, next_url, latest), media_type=media)
    if media == MEDIA["atom"]:
        return Response(_atom(request, state, page, next_url), media_type="application/atom+xml; charset=utf-8")
    return JSONResponse(
        {
            "@context": PROV_CONTEXT,
            "latest": latest,
            "changes": [{**c.head(), "url": site_url(request, state, f"/changes/{c.id}")} for c in page],
            "next": next_url,
        }
    )


@router.get("/changes/{change_id}", summary="One committed change with its delta (N-Quads lines added and removed)")
def change(change_id: str, request: Request, state: State) -> JSONResponse:
    found = state.kb.change(change_id) if state.kb is not None else None
    if found is None:
        raise NotFound(Text(f"keine Änderung {change_id}", f"no change {change_id}"))
    return JSONResponse({"@context": PROV_CONTEXT, **found.as_json()})


def _activity(request: Request, state: State, change: Change) -> dict[str, Any]:
    records = [iri for iris in change.records.values() for iri in iris]
    return {
        "id": site_url(request, state, f"/changes/{change.id}"),
        "type": AS_VERBS.get(change.activity, "Update"),
        "summary": change.summary,
        "published": change.time,
        "actor": {"type": "Application" if change.agent.role != "token" else "Service", "name": change.agent.name},
        "object": records[:200],
        "target": change.graph or None,
    }


def _activity_page(request: Request, state: State, page: list[Change], next_url: str | None, latest: int) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": str(request.url),
        "type": "OrderedCollectionPage",
        "partOf": site_url(request, state, "/changes"),
        "totalItems": latest,
        "orderedItems": [_activity(request, state, c) for c in page],
        **({"next": next_url} if next_url else {}),
    }


def _atom(request: Request, state: State, page: list[Change], next_url: str | None) -> str:
    feed = site_url(request, state, "/changes")
    updated = page[0].time if page else "1970-01-01T00:00:00Z"
    entries = []
    for c in page:
        url = site_url(request, state, f"/changes/{c.id}")
        count = sum(len(v) for v in c.records.values())
        entries.append(
            f"<entry><id>{escape(url)}</id><title>{escape(c.summary)}</title><updated>{escape(c.time)}</updated>"
            f"<author><name>{escape(c.agent.name)} ({escape(c.agent.role)})</name></author>"
            f'<link href="{escape(url)}"/><category term="{escape(c.activity)}"/>'
            f"<summary>{escape(c.source)}: {count} records</summary></entry>"
        )
    next_link = f'<link rel="next" href="{escape(next_url)}"/>' if next_url else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(feed)}</id><title>migrakg – Änderungen / changes</title><updated>{escape(updated)}</updated>"
        f'<link rel="self" href="{escape(str(request.url))}"/>{next_link}' + "".join(entries) + "</feed>\n"
    )
