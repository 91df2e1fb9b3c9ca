"""/search and /search.json — faceted full-text search over organisations and offers (index: migrakg.linkeddata.search)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from ..errors import MigrakgError, Text
from ..formats import negotiate
from ..linkeddata.resources import json_for_script, local_path
from ..linkeddata.resources import results_json_ld as _results
from ..linkeddata.search import FACETS, KINDS, SearchResult
from .deps import AppState, State, page_context, site_url

router = APIRouter()

PARAMS = ("q", *FACETS, "kind", "page")
FACET_TITLES = {
    "district": ("Bezirk", "District"),
    "language": ("Sprache", "Language"),
    "field": ("Handlungsfeld", "Field of activity"),
    "audience": ("Zielgruppe", "Target group"),
    "type": ("Angebotsart", "Type of offer"),
}


class BadSearch(MigrakgError):
    status = 400


def read_params(request: Request) -> tuple[str, dict[str, list[str]], str | None, int]:
    params = request.query_params
    q = params.get("q", "")[:500]
    filters = {f: [v for v in params.getlist(f) if v] for f in FACETS}
    kind = params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadSearch(
            Text(f"kind muss organisation oder offer sein, nicht „{kind}“", f"kind must be organisation or offer, not '{kind}'")
        )
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        raise BadSearch(Text("page muss eine Zahl sein", "page must be a number")) from None
    if not 1 <= page <= 100_000:
        raise BadSearch(Text("page muss zwischen 1 und 100000 liegen", "page must be between 1 and 100000"))
    return q, filters, kind, page


def run(request: Request, state: AppState, lang: str) -> SearchResult:
    q, filters, kind, page = read_params(request)
    return state.index().search(q, filters=filters, kind=kind, page=page, lang=lang)


def as_json(result: SearchResult, lang: str, base: str) -> dict[str, Any]:
    return {
        "query": {"q": result.query, **result.filters, "kind": result.kind, "page": result.page},
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "kinds": result.kind_counts,
        "results": [
            {
                "iri": item.iri,
                "kind": item.kind,
                "url": local_path(item.iri, base),
                "name": item.name(lang),
                "names": item.names,
                "alt_names": item.alt_names,
                "description": item.description(lang) or None,
                "also": item.members,
                "facets": {f: sorted(item.facets.get(f, ())) for f in FACETS},
            }
            for item in result.items
        ],
        "facets": {
            f: [
                {
                    "value": v.code,
                    "iri": v.iri,
                    "label": v.label,
                    "other_labels": dict(v.other_labels),
                    "count": v.count,
                    "selected": v.selected,
                }
                for v in values
            ]
            for f, values in result.facets.items()
        },
    }


@router.get("/search.json")
def search_json(request: Request, state: State) -> Response:
    lang = page_context(request)["lang"]
    return JSONResponse(as_json(run(request, state, lang), lang, state.settings.base_iri), headers={"Vary": "Accept-Language"})


@router.get("/search")
def search_page(request: Request, state: State) -> Response:
    accept = request.headers.get("accept")
    lang = page_context(request)["lang"]
    if negotiate(accept, ["text/html", "application/json"]) == "application/json" and "text/html" not in (accept or ""):
        return JSONResponse(
            as_json(run(request, state, lang), lang, state.settings.base_iri), headers={"Vary": "Accept, Accept-Language"}
        )
    result = run(request, state, lang)

    def url_with(**changes: Any) -> str:
        """This search with some parameters changed (facet values toggle)."""
        from urllib.parse import urlencode

        pairs = [(k, v) for k, v in request.query_params.multi_items() if k in PARAMS and k != "page"]
        for key, value in changes.items():
            if key == "page":
                pairs.append(("page", str(value)))
            elif key in FACETS:
                if (key, value) in pairs:
                    pairs.remove((key, value))
                else:
                    pairs.append((key, value))
            else:
                pairs = [(k, v) for k, v in pairs if k != key] + ([(key, value)] if value else [])
        return "/search" + ("?" + urlencode(pairs) if pairs else "")

    site = site_url(request, state, "/")
    listed = [(i.iri, i.kind, i.name(lang), local_path(i.iri, state.settings.base_iri) or "") for i in result.items]
    jsonld = Markup(json_for_script(_results(site, listed)))
    json_url = "/search.json" + ("?" + request.url.query if request.url.query else "")
    context = page_context(
        request,
        r=result,
        jsonld=jsonld,
        facet_titles=FACET_TITLES,
        url_with=url_with,
        json_url=json_url,
        href=lambda iri: local_path(iri, state.settings.base_iri),
    )
    return state.templates.TemplateResponse(request, "search.html", context, headers={"Vary": "Accept, Accept-Language"})
