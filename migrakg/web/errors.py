"""One error handler: every error carries its HTTP status and is rendered as JSON or HTML by Accept.
Never a stack trace."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import MigrakgError, Text
from ..formats import negotiate
from .deps import get_state
from .i18n import request_lang

log = logging.getLogger("migrakg.web")


class BadRequest(MigrakgError):
    status = 400


class NotFound(MigrakgError):
    status = 404


class NotAcceptable(MigrakgError):
    status = 406


class UnsupportedMediaType(MigrakgError):
    status = 415


def check_charset(content_type: str) -> None:
    """Only UTF-8 bodies are read (SPARQL 1.1 Protocol); raises UnsupportedMediaType otherwise."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(
                Text(
                    f"Zeichensatz „{value.strip()}“ wird nicht unterstützt; bitte UTF-8",
                    f"charset '{value.strip()}' is not supported; use UTF-8",
                )
            )


def decode_body(body: bytes, content_type: str) -> str:
    """The request body as text: UTF-8 only (415 for another charset, 400 for bytes that are not UTF-8)."""
    check_charset(content_type)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(Text("der Inhalt ist kein UTF-8", "the body is not UTF-8")) from None


FORM = "application/x-www-form-urlencoded"


@dataclass
class ProtocolBody:
    """The body of a SPARQL Protocol POST: the fields of a URL-encoded form, or the text of the
    operation's own media type (application/sparql-query, -update); neither for anything else."""

    media: str
    form: dict[str, list[str]] | None = None
    text: str | None = None

    def unsupported(self, direct: str) -> UnsupportedMediaType:
        return UnsupportedMediaType(
            Text(
                f"Inhaltstyp „{self.media or '(keiner)'}“ wird nicht unterstützt; erwartet {direct} oder {FORM}",
                f"content type '{self.media or '(none)'}' is not supported; expected {direct} or {FORM}",
            )
        )


async def read_protocol_body(request: Request, direct: str) -> ProtocolBody:
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    body = await request.body()
    if media == FORM:
        return ProtocolBody(media, form=parse_qs(decode_body(body, content_type), keep_blank_values=True))
    if media == direct:
        return ProtocolBody(media, text=decode_body(body, content_type))
    return ProtocolBody(media)


TITLES = {
    400: ("Ungültige Anfrage", "Bad request"),
    401: ("Nicht angemeldet", "Unauthorized"),
    403: ("Nicht erlaubt", "Forbidden"),
    404: ("Nicht gefunden", "Not found"),
    405: ("Methode nicht erlaubt", "Method not allowed"),
    406: ("Kein passendes Format", "Not acceptable"),
    413: ("Zu groß", "Too large"),
    414: ("Adresse zu lang", "URI too long"),
    415: ("Falscher Inhaltstyp", "Unsupported media type"),
    416: ("Bereich nicht erfüllbar", "Range not satisfiable"),
    429: ("Zu viele Anfragen", "Too many requests"),
    422: ("Daten nicht konform", "Data does not conform"),
    500: ("Interner Fehler", "Internal error"),
    503: ("Vorübergehend nicht verfügbar", "Service unavailable"),
}


def error_response(
    request: Request, status: int, text: Text, *, extra: dict | None = None, headers: dict[str, str] | None = None
) -> Response:
    lang = request_lang(request)
    title = TITLES.get(status, ("Fehler", "Error"))
    accept = request.headers.get("accept")
    media = negotiate(accept, ["application/json", "text/html", "text/plain"]) or "application/json"
    if "text/html" not in (accept or "") and media == "text/html":
        media = "application/json"
    if media == "text/html":
        templates = get_state(request).templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {
                "lang": lang,
                "path": request.url.path,
                "status": status,
                "title": title[0] if lang == "de" else title[1],
                "message": text.get(lang),
            },
            status_code=status,
            headers=headers,
        )
    if media == "text/plain":
        return Response(
            f"{status} {title[1]}: {text.get(lang)}\n",
            status_code=status,
            media_type="text/plain; charset=utf-8",
            headers=headers,
        )
    body = {
        "error": title[1].lower().replace(" ", "-"),
        "status": status,
        "message": text.get(lang),
        "message_de": text.de,
        "message_en": text.en,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(MigrakgError)
    async def _migrakg(request: Request, exc: MigrakgError) -> Response:
        extra = None
        lang = request_lang(request)
        report = getattr(exc, "report", None)
        if report is not None and hasattr(report, "results"):
            extra = {"results": [r.as_json(lang) for r in report.results]}
        problems = getattr(exc, "problems", None)
        text = exc.text
        if problems:  # every bad row or reference, in the requester's language (and both, for programs)
            extra = {
                "problems": [p.render(lang) for p in problems],
                "problems_de": [p.render("de") for p in problems],
                "problems_en": [p.render("en") for p in problems],
            }
            text = getattr(exc, "summary", None) or Text(f"{len(problems)} Probleme", f"{len(problems)} problems")
        details = getattr(exc, "details", None)
        if details:  # structured additions of a route (the workbench: mappings, located problems)
            extra = {**(extra or {}), **details}
        retry = getattr(exc, "retry_after", None)
        headers = dict(getattr(exc, "headers", None) or {})
        if retry is not None:
            headers["Retry-After"] = str(int(retry) + 1)
        return error_response(request, exc.status, text, extra=extra, headers=headers or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, ("", "error"))[1]
        text = Text(TITLES.get(exc.status_code, (detail, detail))[0] if exc.status_code == 404 else detail, detail)
        if exc.status_code == 404:
            text = Text(f"Unter {request.url.path} gibt es nichts.", f"There is nothing at {request.url.path}.")
        return error_response(request, exc.status_code, text, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'/'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return error_response(request, 400, Text(f"Ungültige Parameter: {problems}", f"invalid parameters: {problems}"))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(
            request,
            500,
            Text(
                "Ein unerwarteter Fehler ist aufgetreten; er wurde protokolliert.",
                "an unexpected error occurred; it has been logged",
            ),
        )


def single_param(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(
            Text(f"der Parameter „{name}“ darf nur einmal vorkommen", f"the parameter '{name}' may only appear once")
        )
    return values[0] if values else None
