"""/catalog (DCAT-AP.de), /dumps/{file} (the release files, with ranges) and /.well-known/void."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import formats
from ..errors import Text
from ..formats import negotiate
from .deps import State, page_context
from .errors import NotAcceptable, NotFound
from .releases import ServedRelease, current_release

router = APIRouter()

CATALOG_FORMATS = (formats.TURTLE, formats.JSONLD, formats.RDFXML, formats.NTRIPLES)  # in server preference order
RDF_OFFERS = formats.offers(CATALOG_FORMATS)


def _rdf_format(request: Request, *, html: bool) -> formats.Format | None:
    """The RDF format to answer with, or None for the HTML page."""
    name = request.query_params.get("format")
    if name:
        fmt = formats.by_name(name, CATALOG_FORMATS)
        if fmt is None:
            available = ", ".join(formats.names(CATALOG_FORMATS))
            raise NotAcceptable(
                Text(f"unbekanntes Format „{name}“; möglich: {available}", f"unknown format '{name}'; available: {available}")
            )
        return fmt
    html_media = formats.HTML.media_type
    accept = request.headers.get("accept")
    chosen = negotiate(accept, [html_media, *RDF_OFFERS] if html else RDF_OFFERS)
    if chosen is None:
        available = ", ".join(f.media_type for f in CATALOG_FORMATS)
        raise NotAcceptable(
            Text(
                f"kein passendes Format für Accept „{accept}“; möglich: {available}",
                f"no acceptable format for Accept '{accept}'; available: {available}",
            )
        )
    if chosen == html_media:
        # a bare */* (curl, scripts) gets Turtle; browsers name text/html
        return None if html_media in (accept or "") else formats.TURTLE
    return RDF_OFFERS[chosen]


def _rdf_response(release: ServedRelease, name: str, fmt: formats.Format) -> Response:
    body = release.serialise(name, fmt)
    # N-Triples is UTF-8 by definition; saying so helps browsers that show it as text
    charset = "; charset=utf-8" if fmt in (formats.TURTLE, formats.NTRIPLES) else ""
    return Response(body, media_type=fmt.media_type + charset, headers={"Vary": "Accept", "ETag": release.etag(name)})


@router.get("/catalog")
def catalog(request: Request, state: State) -> Response:
    release = current_release(state.settings, state.store)
    fmt = _rdf_format(request, html=True)
    if fmt is not None:
        return _rdf_response(release, "catalog.ttl", fmt)
    lang = page_context(request)["lang"]
    manifest = release.manifest
    files = []
    for entry in manifest["files"]:
        files.append(
            {
                "name": entry["name"],
                "title": entry["title_de"] if lang == "de" else entry["title_en"],
                "size": _human(entry["size"]),
                "bytes": entry["size"],
                "sha256": entry["sha256"],
                "kind": _kind(entry["name"]),
            }
        )
    return state.templates.TemplateResponse(
        request,
        "catalog.html",
        page_context(
            request,
            manifest=manifest,
            files=files,
            meta=[n for n in manifest.get("meta", []) if release.path(n)],
            public_url=manifest.get("public_url", ""),
        ),
        headers={"Vary": "Accept"},
    )


@router.get("/.well-known/void")
def void(request: Request, state: State) -> Response:
    release = current_release(state.settings, state.store)
    return _rdf_response(release, "void.ttl", _rdf_format(request, html=False) or formats.TURTLE)


@router.api_route("/dumps/{name:path}", methods=["GET", "HEAD"])
def dump(name: str, request: Request, state: State) -> Response:
    release = current_release(state.settings, state.store)
    path = release.path(name)
    if path is None:
        raise NotFound(
            Text(
                f"„{name}“ gehört nicht zur Veröffentlichung; siehe /catalog",
                f"'{name}' is not part of the release; see /catalog",
            )
        )
    size = path.stat().st_size
    etag = release.etag(name)
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": "public, max-age=3600",
        "Content-Disposition": f'inline; filename="{name.rsplit("/", 1)[-1]}"',
    }
    if etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    media = release.media_type(name)
    byte_range = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if byte_range and (not if_range or if_range == etag):
        span = _parse_range(byte_range, size)
        if span == "unsatisfiable":
            return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        if isinstance(span, tuple):
            start, end = span
            with path.open("rb") as handle:
                handle.seek(start)
                body = handle.read(end - start + 1)
            return Response(
                b"" if request.method == "HEAD" else body,
                status_code=206,
                media_type=media,
                headers={**headers, "Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(end - start + 1)},
            )
    body = b"" if request.method == "HEAD" else path.read_bytes()
    return Response(body, media_type=media, headers={**headers, "Content-Length": str(size)})


_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


def _parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """A single byte range → (start, end) inclusive; "unsatisfiable"; or None to send the whole file
    (several ranges or a malformed header, which RFC 9110 lets a server ignore)."""
    match = _RANGE.match(header)
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} B"


def _kind(name: str) -> str:
    if name.startswith("hsds/"):
        return "HSDS 3.0"
    for suffix, label in (
        (".ttl", "Turtle"),
        (".nt.gz", "N-Triples (gzip)"),
        (".nq.gz", "N-Quads (gzip)"),
        (".jsonld", "JSON-LD"),
        (".csv", "CSV"),
        (".json", "JSON"),
    ):
        if name.endswith(suffix):
            return label
    return ""
