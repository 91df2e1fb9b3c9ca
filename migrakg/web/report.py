"""GET /report and /report/{district}: the actor analysis as a page; /report[/{district}]/{figure}.csv
for the numbers. A thin adapter: the queries run through the query workers (state.service.select)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import formats
from ..errors import MigrakgError, Text
from ..reporting import build_report
from ..reporting.html import figure_csv, report_context
from ..reporting.model import Report
from .deps import State
from .hardening import csp_for_page
from .i18n import request_lang

router = APIRouter()


class FigureNotFound(MigrakgError):
    status = 404


def _report(request: Request, state: State, district: str | None) -> Report:
    return build_report(
        state.service.select,
        root=state.settings.root,
        base=state.settings.base_iri,
        lang=request_lang(request),
        districts=(district,) if district else (),
        as_of=None,
        link_base="/",
    )


def _page(request: Request, state: State, district: str | None) -> Response:
    """The report in the site's layout (navigation, language switch, skip link, footer)."""
    report = _report(request, state, district)
    site = {"csv_base": f"/report/{quote(district)}/" if district else "/report/"}
    context = {**report_context(report, site=site), "lang": report.lang, "path": request.url.path}
    headers = {"Content-Language": report.lang, "Vary": "Accept-Language, Cookie"}
    response = state.templates.TemplateResponse(request, "report_page.html", context, headers=headers)
    # the report's own style and script are inline: allowed by their hashes, nothing else inline runs
    response.headers["Content-Security-Policy"] = csp_for_page(bytes(response.body).decode("utf-8"))
    return response


def _csv(request: Request, state: State, district: str | None, figure: str) -> Response:
    report = _report(request, state, district)
    found = report.figures.get(figure)
    if found is None:
        raise FigureNotFound(
            Text(
                f"keine Abbildung {figure!r}; vorhanden: {', '.join(report.figures)}",
                f"no figure {figure!r}; available: {', '.join(report.figures)}",
            )
        )
    name = f"{report.slug}-{found.csv_name}"
    return Response(
        figure_csv(found.columns, found.rows),
        media_type=formats.CSV.content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/report", response_class=HTMLResponse)
def report_berlin(request: Request, state: State) -> Response:
    return _page(request, state, None)


@router.get("/report/{name}", response_class=HTMLResponse)
def report_district(request: Request, state: State, name: str) -> Response:
    if name.endswith(".csv"):
        return _csv(request, state, None, name[:-4])
    return _page(request, state, name)


@router.get("/report/{district}/{figure}.csv")
def report_district_csv(request: Request, state: State, district: str, figure: str) -> Response:
    return _csv(request, state, district, figure)
