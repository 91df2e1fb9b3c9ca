"""Linked Data pages: `/`, `/id/{kind}/{slug}`, `/ontology`, `/vocab/{scheme}`, `/vocab/{scheme}/{code}`.

One address per resource, for people and machines: HTML for browsers, Turtle / JSON-LD / N-Triples /
RDF/XML by Accept (q-values) or by suffix (`.ttl`, `.jsonld`, `.nt`, `.rdf`, `.html`). The RDF is exactly
the resource's description (migrakg.linkeddata.resources); pages show more (what points at it, labels) for people.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from .. import formats
from ..errors import Text
from ..formats import negotiate
from ..linkeddata import geo, resources
from ..namespaces import KINDS, PREFIXES
from .deps import AppState, State, page_context, site_url
from .errors import NotAcceptable
from .history import history_values
from .i18n import LANGS

router = APIRouter()

PAGE_FORMATS = (*formats.GRAPH_FORMATS, formats.HTML)
SUFFIXES = {fmt.extension: fmt for fmt in PAGE_FORMATS}
_OFFERS = formats.offers(formats.GRAPH_FORMATS, [formats.HTML], aliases_last=False)

MERGING_KINDS = ("organisation", "offer", "network", "project")  # kinds whose records a reviewed owl:sameAs joins
LISTED = 200  # organisations / offers listed on a district page (all of them: via search)

TEMPLATES = {
    "organisation": "organisation.html",
    "offer": "offer.html",
    "network": "network.html",
    "project": "project.html",
    "funding": "funding.html",
    "district": "district.html",
    "concept": "concept.html",
    "scheme": "scheme.html",
    "ontology": "ontology.html",
}


def split_suffix(name: str) -> tuple[str, str | None]:
    """'narud-ev.ttl' → ('narud-ev', 'ttl'); names without a known suffix are returned whole."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext in SUFFIXES:
        return stem, ext
    return name, None


def choose_format(request: Request, suffix: str | None) -> formats.Format:
    if suffix:
        return SUFFIXES[suffix]
    chosen = negotiate(request.headers.get("accept"), _OFFERS)
    if chosen is None:
        available = ", ".join(dict.fromkeys(f.media_type for f in _OFFERS.values()))
        raise NotAcceptable(Text(f"kein passendes Format; möglich: {available}", f"no acceptable format; available: {available}"))
    return _OFFERS[chosen]


def _respond(request: Request, state: AppState, target: resources.Target, path: str, suffix: str | None) -> Response:
    fmt = choose_format(request, suffix)
    links = [f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in PAGE_FORMATS]
    headers = {"Vary": "Accept", "Link": ", ".join(links)}
    if fmt is not formats.HTML:
        body = resources.rdf_description(state.service, target, fmt.media_type)
        return Response(body, media_type=fmt.content_type, headers=headers)
    view = resources.view(state.service, target, state.settings.base_iri)
    return render(request, state, view, path, headers)


def render(request: Request, state: AppState, view: resources.View, path: str, headers: dict[str, str]) -> Response:
    lang = page_context(request)["lang"]
    context = page_context(request, **page_values(request, state, view, lang, path))
    template = TEMPLATES.get(view.target.kind, "record.html")
    return state.templates.TemplateResponse(request, template, context, headers=headers)


def page_values(request: Request, state: AppState, view: resources.View, lang: str, path: str) -> dict[str, Any]:
    """What every resource template gets: the view, label/link helpers, the JSON-LD, the downloads, a map."""
    main = view.main
    downloads = [(f.label, f"{path}.{f.extension}", f.media_type) for f in formats.GRAPH_FORMATS]
    values: dict[str, Any] = {
        "v": view,
        "main": main,
        "iri": view.target.iri,
        "kind": view.target.kind,
        "downloads": downloads,
        "label": lambda iri: view.label(iri, lang),
        "href": view.href,
        "other_labels": view.other_labels,
        "text": lambda node, predicate: node.literal(predicate, lang),
        "P": PREFIXES,
        "jsonld": Markup(resources.json_for_script(resources.schema_org(view, lang))),
        "title": view.label(view.target.iri, lang),
        "map": None,
        "listed": None,
        "history": history_values(state, view.target.iri) if view.target.mode == "record" else None,
        "also": resources.also_recorded(state.service, view.target.iri, state.settings.base_iri, lang)
        if view.target.kind in MERGING_KINDS
        else [],
    }
    highlight: set[str] = set()
    points: list[tuple[float, float, str]] = []
    districts = set(main.iris("schema:areaServed")) | set(main.iris("mkg:seatDistrict")) | set(main.iris("mkg:district"))
    for place in main.iris("org:hasSite") + view.places() + ([view.target.iri] if view.target.kind == "place" else []):
        node = view.node(place)
        districts |= set(node.iris("mkg:district"))
        for wkt in node.get("locn:geometry"):
            point = geo.parse_wkt_point(wkt.value)
            if point:
                points.append((*point, view.label(place, lang)))
    if view.target.kind == "district":
        districts.add(view.target.iri)
        index = state.index()
        code = resources.local_name(view.target.iri)
        values["listed"] = {
            k: index.search("", filters={"district": [code]}, kind=k, per_page=LISTED, lang=lang)
            for k in ("organisation", "offer")
        }
        values["district_code"] = code
    for district in districts:
        notation = view.node(district).first("skos:notation")
        if notation:
            highlight.add(notation.value)
    if highlight or points:
        values["map"] = geo.berlin_map(frozenset(highlight), points, state.settings.root / "data" / "geo" / "districts.geojson")
    return values


def landing_figures(state: AppState) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Per-district figures and totals of the current data (computed once per store generation; a
    request that comes while the warm-up computes them waits for that instead of computing again)."""
    with state.landing_lock:
        cache = state.landing_figures
        if cache is None or cache[0] != state.store.generation:
            # our own query over all the data, like the search index's: the longer of the two limits
            cache = (state.store.generation, resources.district_figures(state.service, timeout=state.index_timeout()))
            state.landing_figures = cache
    result: tuple[list[dict[str, Any]], dict[str, int]] = cache[1]
    return result


def landing_lists(state: AppState, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The landing page's networks and projects in *lang* (once per store generation and language)."""
    with state.landing_lock:
        key = (state.store.generation, lang)
        if key not in state.landing_lists:
            mkg = PREFIXES["mkg"]
            state.landing_lists = {
                key: {
                    kind: resources.records_of_type(state.service, mkg + cls, lang, 30)
                    for kind, cls in (("network", "Network"), ("project", "Project"))
                }
            } | {k: v for k, v in state.landing_lists.items() if k[0] == state.store.generation}
        return state.landing_lists[key]


def warm_caches(state: AppState) -> None:
    """Compute what the landing page (figures, store counts, lists) and the search need for the
    current data, so that the first visitor after a start or a rebuild does not wait for it (on 5 M
    synthetic triples: ~17 s). Blocks; run it in a thread."""
    landing_figures(state)
    state.store_stats()
    for lang in LANGS:
        landing_lists(state, lang)
    state.index()


@router.get("/", include_in_schema=False)
def landing(request: Request, state: State) -> Response:
    per_district, totals = landing_figures(state)
    # people usually search next: on a large store the index takes a while, so start building it now
    state.search_index.warm(state.service, state.store.generation, timeout=state.index_timeout())
    lang = page_context(request)["lang"]
    labels = resources.view(state.service, resources.scheme_target(state.settings.iris, "district"), state.settings.base_iri)
    per_district = [dict(e, label=labels.label(e["iri"], lang), href=labels.href(e["iri"])) for e in per_district]
    shapes = geo.berlin_map(
        frozenset(e["notation"] for e in per_district if e["organisation"] or e["offer"]),
        [],
        state.settings.root / "data" / "geo" / "districts.geojson",
    )
    stats = state.store_stats()
    lists = landing_lists(state, lang)
    site = site_url(request, state, "/")
    jsonld = Markup(resources.json_for_script(resources.site_json_ld(site, lang, totals)))
    context = page_context(
        request,
        districts=per_district,
        totals=totals,
        map=shapes,
        triples=stats.triples,
        lists=lists,
        jsonld=jsonld,
        hrefs={e["notation"]: e["href"] for e in per_district},
    )
    return state.templates.TemplateResponse(request, "landing.html", context, headers={"Vary": "Accept-Language, Cookie"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon(request: Request) -> Response:
    from pathlib import Path

    icon = Path(__file__).parent / "static" / "favicon.svg"
    return Response(icon.read_bytes(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/id/{kind}/{name}")
def resource_page(kind: str, name: str, request: Request, state: State) -> Response:
    slug, suffix = split_suffix(name)
    target = resources.record_target(state.settings.iris, kind, slug)
    moved = resources.replacement(state.service, target.iri, state.settings.base_iri)
    if moved:
        # a retired slug (data/retired-slugs.csv): the record was merged into another; the published IRI
        # keeps answering, permanently, with the record that replaced it (same suffix, same query)
        location = moved + (f".{suffix}" if suffix else "") + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(location, status_code=308)
    return _respond(request, state, target, f"/id/{kind}/{slug}", suffix)


@router.get("/ontology")
def ontology_page(request: Request, state: State) -> Response:
    return _respond(request, state, resources.ontology_target(state.settings.iris), "/ontology", None)


@router.get("/ontology.{ext}")
def ontology_file(ext: str, request: Request, state: State) -> Response:
    if ext not in SUFFIXES:
        raise resources.ResourceNotFound(state.settings.base_iri + "ontology." + ext)
    return _respond(request, state, resources.ontology_target(state.settings.iris), "/ontology", ext)


@router.get("/vocab/{name}")
def scheme_page(name: str, request: Request, state: State) -> Response:
    scheme, suffix = split_suffix(name)
    return _respond(request, state, resources.scheme_target(state.settings.iris, scheme), f"/vocab/{scheme}", suffix)


@router.get("/vocab/{scheme}/{name}")
def concept_page(scheme: str, name: str, request: Request, state: State) -> Response:
    code, suffix = split_suffix(name)
    target = resources.concept_target(state.service, state.settings.iris, scheme, code)
    return _respond(request, state, target, f"/vocab/{scheme}/{code}", suffix)


__all__ = ["router", "KINDS"]
