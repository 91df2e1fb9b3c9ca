"""The actor analysis (Akteursanalyse) as data: every figure is the answer of one query in
queries/report/, turned into rows (for the CSV), a picture (SVG) and, for the coverage, a gap list.

`build_report(select, …)` only needs a function that runs a SELECT: the web passes
`state.service.select`, the command line a function over the opened store (see `store_select`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from ..errors import MigrakgError, Text
from ..namespaces import DEFAULT_BASE, Iris
from ..terms import Select
from . import network as netmod
from . import svg
from .queries import ReportQuery, load_queries, parametrise, rows_as_dicts

MATRIX_LANGUAGES_NOTE = Text(
    "Sprachen: alle 28 Sprachen des Vokabulars vocab/language (EU-Sprachtabelle), d. h. die Sprachen, die migrakg kennt – "
    "von Deutsch und Englisch bis Tigrinya, Amharisch und Somali.",
    "Languages: all 28 languages of the vocabulary vocab/language (EU language table), i.e. the languages migrakg knows — "
    "from German and English to Tigrinya, Amharic and Somali.",
)
ADVISORY_NOTE = Text(
    "Beratende Angebotsarten: Beratung, Lotsendienst und Sprechstunde.",
    "Advisory offer types: counselling, guidance and consultation hour.",
)


class UnknownDistrict(MigrakgError):
    status = 404


@dataclass
class Figure:
    id: str
    query: ReportQuery
    sparql: str
    columns: list[str]
    rows: list[list[Any]]
    svg: str = ""
    note: Text | None = None
    # the chart's numbers for people (the text equivalent shown with the picture): headers, and rows of
    # cells (text, local link or None)
    table_headers: list[str] = field(default_factory=list)
    table_rows: list[list[tuple[str, str | None]]] = field(default_factory=list)

    @property
    def csv_name(self) -> str:
        return f"{self.id}.csv"


@dataclass
class Cell:
    row: str  # IRI (language or field)
    column: str  # district IRI
    count: int
    extra: int = 0  # field matrix: offers (count = organisations)

    @property
    def empty(self) -> bool:
        return self.count == 0 and self.extra == 0


@dataclass
class Matrix:
    rows: list[str]  # IRIs, in display order
    columns: list[str]  # district IRIs
    cells: dict[tuple[str, str], Cell]

    def empty_cells(self, columns: list[str] | None = None) -> list[Cell]:
        chosen = columns or self.columns
        return [self.cells[(r, c)] for c in chosen for r in self.rows if self.cells[(r, c)].empty]


@dataclass
class Gap:
    district: str
    offer_type: str
    language: str


@dataclass
class Report:
    lang: str
    base: str
    link_base: str
    scope: list[str]  # district IRIs; empty = all of Berlin
    labels: dict[str, dict[str, str]]
    figures: dict[str, Figure] = field(default_factory=dict)
    language_matrix: Matrix | None = None
    field_matrix: Matrix | None = None
    gaps: list[Gap] = field(default_factory=list)
    network: netmod.NetworkMap | None = None
    reference_date: str = ""
    quality: dict[str, list[str]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    districts: list[str] = field(default_factory=list)  # all districts, IRIs

    # --- helpers the template uses -------------------------------------------------------------
    def t(self, de: str, en: str) -> str:
        return de if self.lang == "de" else en

    def text(self, text: Text) -> str:
        return text.get(self.lang)

    def label(self, iri: str | None) -> str:
        if iri is None:
            return self.t("unbekannt", "unknown")
        found = self.labels.get(iri, {})
        name = found.get(self.lang) or found.get("de") or found.get("") or next(iter(found.values()), None)
        if name:
            return name
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def href(self, iri: str | None) -> str | None:
        """A local link for a resource of this knowledge base (`/id/…`), None for anything else."""
        if not iri:
            return None
        split = Iris(self.base).split(iri)
        if split is None:
            return None
        kind, slug = split
        return f"{self.link_base}id/{kind}/{slug}"

    def sparql_link(self, figure: Figure) -> str:
        return f"{self.link_base}sparql?query={quote(figure.sparql, safe='')}"

    @property
    def scope_label(self) -> str:
        if not self.scope:
            return self.t("ganz Berlin", "all of Berlin")
        return ", ".join(self.label(d) for d in self.scope)

    @property
    def slug(self) -> str:
        return "-".join(self.href(d).rsplit("/", 1)[-1] for d in self.scope) if self.scope else "berlin"  # type: ignore[union-attr]


def store_select(store: Any, limit: int) -> Select:
    """A Select over a pyoxigraph store (command line): the same engine path as the query workers."""
    from ..sparql.service import QueryRequest, execute

    def run(text: str) -> tuple[list[str], list[list[Any]]]:
        result = execute(store, QueryRequest(text), limit)
        return result.variables, result.rows

    return run


def number(value: str | None) -> int:
    return int(float(value)) if value not in (None, "") else 0


def build_report(
    select: Select,
    *,
    root: Path,
    base: str = DEFAULT_BASE,
    lang: str = "de",
    districts: tuple[str, ...] = (),
    as_of: str | None = None,
    link_base: str = "/",
) -> Report:
    """Run every report query and assemble the figures. Raises UnknownDistrict for a district slug
    that is not in the store, UsageError for a malformed --as-of."""
    queries = load_queries(root)

    def run(qid: str, scope: tuple[str, ...] = ()) -> tuple[str, list[dict[str, str | None]]]:
        text = parametrise(queries[qid], base=base, scope=scope, as_of=as_of)
        names, rows = select(text)
        return text, rows_as_dicts(names, rows)

    names, raw = select(parametrise(queries["labels"], base=base))
    labels: dict[str, dict[str, str]] = {}
    for r in raw:  # item → {language tag or "": label}
        item, label = r[names.index("item")], r[names.index("label")]
        if item is not None and label is not None:
            labels.setdefault(item.value, {}).setdefault(label.lang or "", label.value)

    report = Report(lang=lang, base=base, link_base=link_base, scope=[], labels=labels)

    # 1 organisations by district (all districts; also tells us which districts exist)
    text, rows = run("organisations-by-district")
    all_districts = sorted((r["district"] for r in rows if r["district"]), key=lambda d: report.label(d))
    report.districts = all_districts
    iris = Iris(base)
    known = {iris.split(d)[1]: d for d in all_districts if iris.split(d)}  # type: ignore[index]
    scope: list[str] = []
    for slug in districts:
        if slug not in known:
            raise UnknownDistrict(
                Text(
                    f"unbekannter Bezirk {slug!r}; bekannt sind: {', '.join(sorted(known))}",
                    f"unknown district {slug!r}; known districts: {', '.join(sorted(known))}",
                )
            )
        if known[slug] not in scope:
            scope.append(known[slug])
    report.scope = scope
    scope_t = tuple(scope)
    chosen = set(scope)
    by_district = sorted(rows, key=lambda r: (r["district"] is None, -number(r["organisations"]), report.label(r["district"])))
    report.figures["organisations-by-district"] = _bars(
        report,
        queries["organisations-by-district"],
        text,
        by_district,
        key="district",
        count="organisations",
        value_label=report.t("Organisationen", "organisations"),
        category_label=report.t("Bezirk", "district"),
        highlight=chosen,
    )

    for qid, key, count, value_de, value_en, cat_de, cat_en in (
        (
            "organisations-by-legal-form",
            "legalForm",
            "organisations",
            "Organisationen",
            "organisations",
            "Rechtsform",
            "legal form",
        ),
        (
            "organisations-by-field",
            "field",
            "organisations",
            "Organisationen",
            "organisations",
            "Tätigkeitsfeld",
            "field of activity",
        ),
        (
            "organisations-by-founding-year",
            "year",
            "organisations",
            "Organisationen",
            "organisations",
            "Gründungsjahr",
            "year founded",
        ),
        ("offers-by-type", "offerType", "offers", "Angebote", "offers", "Angebotsart", "offer type"),
        ("offers-by-language", "language", "offers", "Angebote", "offers", "Sprache", "language"),
        ("offers-by-target-group", "audience", "offers", "Angebote", "offers", "Zielgruppe", "target group"),
    ):
        text, rows = run(qid, scope_t)
        if qid == "organisations-by-founding-year":
            rows = sorted(rows, key=lambda r: (r["year"] is None, r["year"] or ""))
        else:
            rows = sorted(rows, key=lambda r: (r[key] is None, -number(r[count]), report.label(r[key]).lower()))
        report.figures[qid] = _bars(
            report,
            queries[qid],
            text,
            rows,
            key=key,
            count=count,
            value_label=report.t(value_de, value_en),
            category_label=report.t(cat_de, cat_en),
            literal=(qid == "organisations-by-founding-year"),
        )

    report.totals["organisations"] = _total(select, queries["organisations-by-legal-form"], base, scope_t, "organisations")
    report.totals["offers"] = _total(select, queries["offers-by-type"], base, scope_t, "offers")

    # coverage matrices (all districts) and the gap list (chosen districts)
    text, rows = run("coverage-language-district")
    report.language_matrix = _matrix(report, rows, "language", "offers")
    report.figures["coverage-language-district"] = Figure(
        "coverage-language-district",
        queries["coverage-language-district"],
        text,
        ["district", "district_label", "language", "language_label", "offers", "gap"],
        [
            [c.column, report.label(c.column), c.row, report.label(c.row), c.count, "yes" if c.empty else "no"]
            for c in _cells_in_order(report.language_matrix)
        ],
        note=MATRIX_LANGUAGES_NOTE,
    )
    text, rows = run("coverage-field-district")
    report.field_matrix = _matrix(report, rows, "field", "organisations", extra="offers")
    report.figures["coverage-field-district"] = Figure(
        "coverage-field-district",
        queries["coverage-field-district"],
        text,
        ["district", "district_label", "field", "field_label", "organisations", "offers", "gap"],
        [
            [c.column, report.label(c.column), c.row, report.label(c.row), c.count, c.extra, "yes" if c.empty else "no"]
            for c in _cells_in_order(report.field_matrix)
        ],
    )
    text, rows = run("counselling-gaps", scope_t)
    gaps = [Gap(r["district"], r["offerType"], r["language"]) for r in rows if number(r["offers"]) == 0]  # type: ignore[arg-type]
    gaps.sort(key=lambda g: (report.label(g.district), report.label(g.offer_type), report.label(g.language)))
    report.gaps = gaps
    report.figures["counselling-gaps"] = Figure(
        "counselling-gaps",
        queries["counselling-gaps"],
        text,
        ["district", "district_label", "offer_type", "offer_type_label", "language", "language_label"],
        [
            [g.district, report.label(g.district), g.offer_type, report.label(g.offer_type), g.language, report.label(g.language)]
            for g in gaps
        ],
        note=Text(MATRIX_LANGUAGES_NOTE.de + " " + ADVISORY_NOTE.de, MATRIX_LANGUAGES_NOTE.en + " " + ADVISORY_NOTE.en),
    )

    _network(report, queries, run, scope_t)
    _quality(report, queries, run, scope_t)
    _timeline(report, queries, run, scope_t)
    return report


def _total(select: Select, query: ReportQuery, base: str, scope: tuple[str, ...], count: str) -> int:
    """Distinct records in scope: the sum over the groups of a single-valued property (legal form, offer type)."""
    names, rows = select(parametrise(query, base=base, scope=scope))
    return sum(number(r[count]) for r in rows_as_dicts(names, rows))


def _bars(
    report: Report,
    query: ReportQuery,
    text: str,
    rows: list[dict[str, str | None]],
    *,
    key: str,
    count: str,
    value_label: str,
    category_label: str,
    highlight: set[str] | None = None,
    literal: bool = False,
) -> Figure:
    bars = []
    csv_rows = []
    for r in rows:
        k = r[key]
        label = k if literal and k else report.label(k)
        bars.append(
            svg.Bar(
                label,
                number(r[count]),
                href=None if literal else report.href(k),
                unknown=k is None,
                highlight=bool(highlight and k in highlight),
            )
        )
        csv_rows.append([k or "", label, number(r[count])])
    chart = svg.bar_chart(
        bars, title=report.text(query.title), value_label=value_label, category_label=category_label, chart_id=f"chart-{query.id}"
    )
    return Figure(
        query.id, query, text, [key, "label", count], csv_rows, svg=chart, **bar_table(bars, category_label, value_label)
    )


def bar_table(bars: list[svg.Bar], category_label: str, value_label: str) -> dict[str, Any]:
    """A bar chart's numbers as a table for people: one row per bar, its label linked where it has a page."""
    return {
        "table_headers": [category_label, value_label],
        "table_rows": [[(bar.label, bar.href), (str(bar.value), None)] for bar in bars],
    }


def _matrix(report: Report, rows: list[dict[str, str | None]], row_key: str, count: str, extra: str | None = None) -> Matrix:
    cells: dict[tuple[str, str], Cell] = {}
    for r in rows:
        key, district = cast(str, r[row_key]), cast(str, r["district"])
        cells[(key, district)] = Cell(
            key,
            district,
            number(r[count]),
            number(r[extra]) if extra else 0,
        )
    row_iris = sorted({c.row for c in cells.values()}, key=lambda i: report.label(i).lower())
    return Matrix(row_iris, list(report.districts), cells)


def _cells_in_order(matrix: Matrix) -> list[Cell]:
    return [matrix.cells[(r, c)] for c in matrix.columns for r in matrix.rows]


def _network(report: Report, queries: dict[str, ReportQuery], run: Any, scope: tuple[str, ...]) -> None:
    node_text, node_rows = run("network-nodes", scope)
    edge_text, edge_rows = run("network-edges", scope)
    types = {r["node"] for r in node_rows}
    nodes: dict[str, netmod.Node] = {}

    def add(iri: str, cls: str | None = None) -> None:
        if iri in nodes:
            return
        split = Iris(report.base).split(iri)
        kind = split[0] if split else "other"
        if kind not in netmod.KIND_COLOURS:
            kind = "other"
        if kind == "organisation" and iri in public_bodies:
            kind = "public-body"
        nodes[iri] = netmod.Node(iri, kind, report.label(iri), report.href(iri))

    _, every_node = run("network-nodes")  # classes of nodes outside the district too (funders, partners)
    public_bodies = {r["node"] for r in every_node if (r["class"] or "").endswith("#PublicBody")}
    for iri in sorted(types):
        add(iri)
    edges: list[netmod.Edge] = []
    for r in edge_rows:
        src, tgt = r["source"], r["target"]
        if not src or not tgt:
            continue
        add(src)
        add(tgt)
        role = report.label(r["role"]) if r["role"] else ""
        status = (r.get("status") or "").rsplit("/", 1)[-1]
        edges.append(
            netmod.Edge(
                src, tgt, r["type"] or "", r["relation"], role, report.href(r["relation"]), status, r.get("evidenced") or ""
            )
        )
    net = netmod.build_network(nodes, edges)
    report.network = net
    kinds = kind_names(report)
    edge_names = _edge_names(report)
    used_kinds = {n.kind for n in nodes.values()}
    used_edges = {e.type for e in edges}
    picture = netmod.network_svg(
        net,
        title=report.t("Netzwerkkarte", "Network map"),
        kind_names={k: v for k, v in kinds.items() if k in used_kinds},
        edge_names={k: v for k, v in edge_names.items() if k in used_edges},
        words={
            "degree": report.t("Grad", "degree"),
            "betweenness": report.t("Zwischenzentralität", "betweenness"),
            "layout": report.t(
                f"Anordnung: Fruchterman–Reingold je Teilnetz, Startwert {netmod.SEED}",
                f"layout: Fruchterman–Reingold per component, seed {netmod.SEED}",
            ),
        },
    )
    report.figures["network-nodes"] = Figure(
        "network-nodes",
        queries["network-nodes"],
        node_text,
        ["node", "kind", "label", "degree", "betweenness"],
        [[n.iri, n.kind, n.label, n.degree, f"{n.betweenness:.4f}"] for n in net.ranked()],
        svg=picture,
    )
    report.figures["network-edges"] = Figure(
        "network-edges",
        queries["network-edges"],
        edge_text,
        ["relation", "type", "source", "target", "role", "status", "evidenced"],
        [[e.relation or "", e.type, e.source, e.target, e.role, e.status, e.evidenced] for e in edges],
    )
    report.totals["memberships"] = sum(1 for e in edges if e.type == "membership")


def kind_names(report: Report) -> dict[str, str]:
    return {
        "organisation": report.t("Organisation", "organisation"),
        "public-body": report.t("Behörde", "public body"),
        "network": report.t("Netzwerk/Gremium", "network/board"),
        "project": report.t("Projekt", "project"),
        "offer": report.t("Angebot (gefördert)", "offer (funded)"),
        "other": report.t("sonstige", "other"),
    }


def _edge_names(report: Report) -> dict[str, str]:
    return {
        "membership": report.t("Mitgliedschaft", "membership"),
        "carrier": report.t("Trägerschaft", "carrier role"),
        "funding": report.t("Förderung", "funding"),
        "coordination": report.t("Koordination", "coordination"),
        "accompaniment": report.t("Begleitung", "accompaniment"),
        "unit": report.t("Teil von", "unit of"),
    }


def _timeline(report: Report, queries: dict[str, ReportQuery], run: Any, scope: tuple[str, ...]) -> None:
    text, rows = run("timeline", scope)
    kind_names = {
        "project": report.t("Projekt", "project"),
        "carrier": report.t("Trägerschaft", "carrier role"),
        "funding": report.t("Förderung", "funding"),
    }
    spans = []
    csv_rows = []
    for r in rows:
        anchor = report.label(r["anchor"])
        if r["type"] == "project":
            label = anchor
        elif r["type"] == "carrier":
            label = f"{anchor}: {report.t('Träger', 'carrier')} {report.label(r['party'])}"
        else:
            label = f"{report.label(r['party'])} → {anchor}"
        period = f"{r['start'] or '?'} – {r['end'] or report.t('offen', 'open')}"
        spans.append(
            svg.Span(
                label,
                r["type"] or "project",
                svg.fractional_year(r["start"]),
                svg.fractional_year(r["end"], end=True),
                f"{kind_names.get(r['type'] or '', '')}, {period}",
                report.href(r["item"]),
            )
        )
        csv_rows.append([r["item"], r["type"], r["anchor"], r["party"] or "", r["start"] or "", r["end"] or "", label])
    order = {"project": 0, "carrier": 1, "funding": 2}
    paired = sorted(zip(spans, csv_rows), key=lambda p: (p[1][2], order.get(p[1][1] or "", 3), p[1][4], p[0].label))
    spans = [p[0] for p in paired]
    csv_rows = [p[1] for p in paired]
    reference_year = (
        int(report.reference_date[:4])
        if report.reference_date
        else max((int(r["start"][:4]) for r in rows if r["start"]), default=2000)
    )
    picture = svg.timeline(
        spans,
        title=report.text(queries["timeline"].title),
        year_label=report.t("Jahr", "year"),
        legend=kind_names,
        open_label=report.t("offenes Ende", "open end"),
        undated_label=report.t("ohne Datum in der Quelle", "no date in the source"),
        as_of_year=reference_year,
        chart_id="chart-timeline",
    )
    report.figures["timeline"] = Figure(
        "timeline",
        queries["timeline"],
        text,
        ["item", "type", "anchor", "party", "start", "end", "label"],
        csv_rows,
        svg=picture,
        table_headers=[report.t("Eintrag", "Record"), report.t("Zeitraum", "Period")],
        table_rows=[[(span.label, span.href), (span.text, None)] for span in spans],
    )


def _quality(report: Report, queries: dict[str, ReportQuery], run: Any, scope: tuple[str, ...]) -> None:
    text, rows = run("data-quality", scope)
    reference = next((r["reference"] for r in rows if r["reference"]), "") or ""
    report.reference_date = reference
    lists: dict[str, list[str]] = {
        "organisations-without-offers": [],
        "offers-without-language": [],
        "without-contact": [],
        "outdated-sources": [],
        "undated-sources": [],
    }
    for r in rows:
        record = r["record"] or ""
        if r["noOffer"] == "true":
            lists["organisations-without-offers"].append(record)
        if r["noLanguage"] == "true":
            lists["offers-without-language"].append(record)
        if r["noContact"] == "true":
            lists["without-contact"].append(record)
        if r["outdated"] == "true":
            lists["outdated-sources"].append(record)
        if not r["sourceDate"]:
            lists["undated-sources"].append(record)
    report.quality = lists
    totals = {
        "organisations": sum(1 for r in rows if r["kind"] == "organisation"),
        "offers": sum(1 for r in rows if r["kind"] == "offer"),
        "records": len(rows),
    }
    report.totals.update({f"quality_{k}": v for k, v in totals.items()})
    names = quality_names(report)
    bars = [svg.Bar(f"{names[k]} ({len(v)}/{totals[of]})", len(v)) for k, v in lists.items() for of in [QUALITY_OF[k]]]
    value_label, category_label = report.t("Einträge", "records"), report.t("Befund", "finding")
    picture = svg.bar_chart(
        bars,
        title=report.text(queries["data-quality"].title),
        value_label=value_label,
        category_label=category_label,
        chart_id="chart-data-quality",
    )
    report.figures["data-quality"] = Figure(
        "data-quality",
        queries["data-quality"],
        text,
        ["record", "kind", "no_offer", "no_language", "no_contact", "source_date", "reference_date", "outdated"],
        [
            [
                r["record"],
                r["kind"],
                r["noOffer"] or "",
                r["noLanguage"] or "",
                r["noContact"] or "",
                r["sourceDate"] or "",
                r["reference"] or "",
                r["outdated"] or "",
            ]
            for r in rows
        ],
        svg=picture,
        **bar_table(bars, category_label, value_label),
    )


QUALITY_OF = {
    "organisations-without-offers": "organisations",
    "offers-without-language": "offers",
    "without-contact": "records",
    "outdated-sources": "records",
    "undated-sources": "records",
}


def quality_names(report: Report) -> dict[str, str]:
    return {
        "organisations-without-offers": report.t("Organisationen ohne Angebot", "organisations without offers"),
        "offers-without-language": report.t("Angebote ohne Sprachangabe", "offers without language"),
        "without-contact": report.t("Einträge ohne Kontakt", "records without contact"),
        "outdated-sources": report.t("Quelle älter als zwei Jahre", "source older than two years"),
        "undated-sources": report.t("Quelle ohne Datum", "source without date"),
    }
