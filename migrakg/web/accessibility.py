"""The accessibility statement (BITV 2.0 § 7) with its feedback channel, and the information pages in
Leichte Sprache (easy language) and about German Sign Language (BITV 2.0 § 4) — each under a German
and an English address, linked from every page's footer."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from .. import feedback
from .deps import State, page_context
from .i18n import LANGS

router = APIRouter()

# address → (template, language of the page when no ?lang= is given)
PAGES = {
    "/barrierefreiheit": ("accessibility.html", "de"),
    "/accessibility": ("accessibility.html", "en"),
    "/leichte-sprache": ("easy_language.html", "de"),
    "/easy-language": ("easy_language.html", "en"),
    "/gebaerdensprache": ("sign_language.html", "de"),
    "/sign-language": ("sign_language.html", "en"),
}


def _render(request: Request, state: State, path: str, *, status: int = 200, sent: bool = False) -> Response:
    template, own_lang = PAGES[path]
    asked = request.query_params.get("lang")
    lang = asked if asked in LANGS else own_lang
    context = page_context(request, contact=state.settings.feedback_contact, sent=sent)
    context["lang"] = lang
    return state.templates.TemplateResponse(request, template, context, status_code=status)


def _page(path: str):
    def handler(request: Request, state: State) -> Response:
        return _render(request, state, path)

    handler.__name__ = "page_" + path.strip("/").replace("-", "_")
    return handler


for _path in PAGES:
    router.add_api_route(_path, _page(_path), methods=["GET"], include_in_schema=False)


@router.post("/barrierefreiheit", include_in_schema=False)
@router.post("/accessibility", include_in_schema=False)
def send_feedback(
    request: Request, state: State, message: str = Form(""), reply_to: str = Form(""), page: str = Form("")
) -> Response:
    """Keep a barrier report (400 with the field named if it is empty or too long; nothing kept then)."""
    feedback.record(state.settings.build_path, message, reply_to, page)
    return _render(request, state, request.url.path, sent=True)
