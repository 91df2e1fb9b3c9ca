"""Charts drawn as plain SVG text: horizontal bar charts and a timeline. No JavaScript, no fonts to fetch.

Every chart has a viewBox and scales to the page width (print included); values are printed beside
the bars, and the axes are labelled. A chart is one image (`role="img"` with its title) and holds no
links: the page shows its numbers as a table beside it, with the links. All text goes through `esc`, so a record's name can never become
markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
BAR = "#0b5394"
HIGHLIGHT = "#b45309"
UNKNOWN = "#8a8f98"
INK = "#1b1b1f"
MUTED = "#4a4a55"
GRID = "#d5d8de"


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None  # a local link (/id/…) for the label
    unknown: bool = False  # the "unknown" bar, drawn grey
    highlight: bool = False  # a chosen district


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """Whole-number axis ticks from 0 to at least *maximum*.

    >>> nice_ticks(27)
    [0, 10, 20, 30]
    >>> nice_ticks(0)
    [0, 1]
    """
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def bar_chart(bars: list[Bar], *, title: str, value_label: str, category_label: str, chart_id: str, width: int = 760) -> str:
    """A horizontal bar chart: one row per bar, label left, value printed after the bar, x axis below."""
    label_w = 250
    right = 50
    top = 28
    row_h = 22
    plot_w = width - label_w - right
    ticks = nice_ticks(max((b.value for b in bars), default=0))
    top_value = ticks[-1]
    height = top + max(1, len(bars)) * row_h + 48
    out = [
        f'<svg class="chart" id="{esc(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{esc(chart_id)}-t" {FONT} font-size="12">',
        f'<title id="{esc(chart_id)}-t">{esc(title)}</title>',
        f'<text x="{label_w - 8}" y="16" text-anchor="end" font-weight="bold" fill="{MUTED}">{esc(category_label)}</text>',
    ]
    axis_y = top + max(1, len(bars)) * row_h + 4
    for tick in ticks:
        x = label_w + plot_w * tick / top_value
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 15}" text-anchor="middle" fill="{MUTED}">{tick}</text>')
    out.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="{INK}"/>')
    out.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{axis_y}" stroke="{INK}"/>')
    out.append(
        f'<text x="{label_w + plot_w / 2:.1f}" y="{axis_y + 36}" text-anchor="middle" font-weight="bold" '
        f'fill="{MUTED}">{esc(value_label)}</text>'
    )
    if not bars:
        out.append(f'<text x="{label_w + 8}" y="{top + 14}" fill="{MUTED}">–</text>')
    for i, bar in enumerate(bars):
        y = top + i * row_h
        w = plot_w * bar.value / top_value
        colour = UNKNOWN if bar.unknown else HIGHLIGHT if bar.highlight else BAR
        label = esc(short(bar.label))
        text = (
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="{INK}"'
            + (' font-style="italic"' if bar.unknown else "")
            + (' font-weight="bold"' if bar.highlight else "")
            + f">{label}</text>"
        )
        out.append(
            f'<g class="bar" data-label="{esc(bar.label)}" data-value="{bar.value}"><title>{esc(bar.label)}: {bar.value}</title>'
            f'{text}<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"/>'
            f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" fill="{INK}" class="value">{bar.value}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class Span:
    label: str
    kind: str  # project | carrier | funding
    start: float | None  # fractional year
    end: float | None  # fractional year (exclusive), None = open
    text: str  # the period as written, for the tooltip
    href: str | None = None


SPAN_COLOURS = {"project": "#0b5394", "carrier": "#2e7d32", "funding": "#b45309"}


def timeline(
    spans: list[Span],
    *,
    title: str,
    year_label: str,
    legend: dict[str, str],
    open_label: str,
    as_of_year: int,
    chart_id: str,
    undated_label: str = "?",
    width: int = 760,
) -> str:
    """Periods as bars on a year axis; an open end runs to the reference year and is drawn dashed."""
    label_w = 330
    right = 20
    top = 40
    row_h = 24
    plot_w = width - label_w - right
    starts = [s.start for s in spans if s.start is not None]
    ends = [s.end for s in spans if s.end is not None]
    first = math.floor(min(starts + ends, default=as_of_year))
    last = math.ceil(max(ends + [as_of_year + 1.0] + [s + 1 for s in starts], default=as_of_year + 1))
    years = list(range(first, last + 1))
    span_years = max(1, last - first)

    def x(year: float) -> float:
        return label_w + plot_w * (year - first) / span_years

    height = top + max(1, len(spans)) * row_h + 50
    out = [
        f'<svg class="chart" id="{esc(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{esc(chart_id)}-t" {FONT} font-size="12">',
        f'<title id="{esc(chart_id)}-t">{esc(title)}</title>',
    ]
    lx = label_w
    for kind, name in legend.items():
        out.append(
            f'<rect x="{lx}" y="8" width="14" height="10" fill="{SPAN_COLOURS.get(kind, BAR)}"/>'
            f'<text x="{lx + 18}" y="17" fill="{INK}">{esc(name)}</text>'
        )
        lx += 26 + 7 * len(name)
    out.append(
        f'<line x1="{lx}" y1="13" x2="{lx + 20}" y2="13" stroke="{MUTED}" stroke-width="6" stroke-dasharray="4 3"/>'
        f'<text x="{lx + 25}" y="17" fill="{INK}">{esc(open_label)}</text>'
    )
    axis_y = top + max(1, len(spans)) * row_h + 4
    step = 1 if span_years <= 16 else 2 if span_years <= 32 else 5
    for year in years:
        if (year - first) % step:
            continue
        out.append(f'<line x1="{x(year):.1f}" y1="{top - 4}" x2="{x(year):.1f}" y2="{axis_y}" stroke="{GRID}"/>')
        out.append(f'<text x="{x(year):.1f}" y="{axis_y + 15}" text-anchor="middle" fill="{MUTED}">{year}</text>')
    out.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="{INK}"/>')
    out.append(
        f'<text x="{label_w + plot_w / 2:.1f}" y="{axis_y + 36}" text-anchor="middle" font-weight="bold" '
        f'fill="{MUTED}">{esc(year_label)}</text>'
    )
    for i, span in enumerate(spans):
        y = top + i * row_h
        colour = SPAN_COLOURS.get(span.kind, BAR)
        label = f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">{esc(short(span.label, 42))}</text>'
        parts = [f'<g class="span span-{esc(span.kind)}"><title>{esc(span.label)}: {esc(span.text)}</title>', label]
        if span.start is None:
            parts.append(f'<text x="{label_w + 6}" y="{y + 16}" fill="{MUTED}" font-style="italic">{esc(undated_label)}</text>')
        else:
            end = span.end if span.end is not None else float(as_of_year + 1)
            x1, x2 = x(span.start), max(x(end), x(span.start) + 3)
            dash = ' stroke-dasharray="4 3"' if span.end is None else ""
            fill = "none" if span.end is None else colour
            parts.append(
                f'<rect x="{x1:.1f}" y="{y + 5}" width="{x2 - x1:.1f}" height="{row_h - 10}" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"{dash}/>'
            )
        parts.append("</g>")
        out.append("".join(parts))
    out.append("</svg>")
    return "\n".join(out)


def fractional_year(value: str | None, *, end: bool = False) -> float | None:
    """'2024' → 2024.0 (2025.0 as an end), '2024-04' → 2024.25 (2024.33 as an end), '2024-04-15' likewise by month.

    >>> fractional_year("2024-04")
    2024.25
    >>> fractional_year("2026", end=True)
    2027.0
    """
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return float(year + 1) if end else float(year)
        month = int(parts[1])
    except ValueError:
        return None
    return year + (month if end else month - 1) / 12
