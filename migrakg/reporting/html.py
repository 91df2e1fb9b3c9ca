"""The report as one self-contained HTML page (inline CSS, inline SVG, one small inline script) and
as CSV files, one per figure.

The page makes no request of its own: no stylesheet, font, image or script is fetched. Its links are
local (`/id/…` resource pages, `/sparql?query=…` to rerun a figure's query, `#…` within the page),
prefixed with `link_base` (default `/`: the page is served by `migrakg serve`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..csvcells import csv_row
from .model import Report, kind_names, quality_names

TEMPLATES = Path(__file__).parent / "templates"
HTML_NAME = "report.html"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_html(report: Report, *, site: dict[str, Any] | None = None) -> str:
    """The stand-alone page (own head, style, skip link and script). *site* (CSV links) when it is served."""
    return _environment().get_template(HTML_NAME).render(report_context(report, site=site))


def report_context(report: Report, *, site: dict[str, Any] | None = None) -> dict[str, Any]:
    """What `report_content.html` needs — for the stand-alone file and for the page in the site's layout."""
    figures = report.figures
    matrix = report.language_matrix
    field_matrix = report.field_matrix
    chosen = report.scope or report.districts
    gap_groups: dict[tuple[str, str], list[str]] = {}
    for gap in report.gaps:
        gap_groups.setdefault((gap.district, gap.offer_type), []).append(gap.language)
    return dict(
        r=report,
        rt=report.t,
        figures=figures,
        svg=lambda fid: Markup(figures[fid].svg),
        for_people=for_people,
        matrix=matrix,
        field_matrix=field_matrix,
        chosen=chosen,
        gap_groups=gap_groups,
        language_gaps=matrix.empty_cells(chosen) if matrix else [],
        field_gaps=field_matrix.empty_cells(chosen) if field_matrix else [],
        quality_names=quality_names(report),
        site=site,
        kind_names=kind_names(report),
        network_svg=Markup(figures["network-nodes"].svg),
        ranked=report.network.ranked() if report.network else [],
    )


_CURIE_NOTE = re.compile(
    r"\s*\([^()]*\b[a-z]+:[A-Za-z][^()]*\)|\s*\(vocab/[\w-]+\)|\s*(des Vokabulars|of the vocabulary) vocab/[\w-]+"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def for_people(text: str) -> str:
    """A query's description as a caption for people: without the vocabulary terms in brackets
    ("(mkg:seatDistrict)") and without the sentences about the query text (`VALUES …`). The full
    description stays with the query file and the "run the query" link.

    >>> for_people("Organisationen je Rechtsform (legal:companyType); ohne Rechtsform = „unbekannt“. "
    ...            "Bezirksfilter: die Zeile „VALUES ?scope { UNDEF }“ steht für ganz Berlin.")
    'Organisationen je Rechtsform; ohne Rechtsform = „unbekannt“.'
    """
    text = _CURIE_NOTE.sub("", text)
    kept = [part for part in _SENTENCE.split(text) if "VALUES" not in part and "?" + "scope" not in part]
    return " ".join(kept).strip()


def figure_csv(columns: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_row(columns))
    for row in rows:
        writer.writerow(csv_row(row))  # no cell may start a spreadsheet formula
    return buffer.getvalue()


def write_report(report: Report, out: Path) -> list[Path]:
    """report.html, one CSV per figure and one .rq per figure (the query as run) into *out*."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    page = out / HTML_NAME
    page.write_text(render_html(report), encoding="utf-8")
    written.append(page)
    for figure in report.figures.values():
        path = out / figure.csv_name
        path.write_text(figure_csv(figure.columns, figure.rows), encoding="utf-8")
        written.append(path)
    summary = out / "data-quality-summary.csv"
    names = quality_names(report)
    summary.write_text(
        figure_csv(["finding", "label", "records"], [[k, names[k], len(v)] for k, v in report.quality.items()]), encoding="utf-8"
    )
    written.append(summary)
    return written
