"""The report page: self-contained (no external request), every membership drawn, the gaps listed,
German and English; the command line writes it with one CSV per figure; the web serves it."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from reportdata import BASE, MKG, ORG, PANKOW

FIGURES = [
    "organisations-by-district",
    "organisations-by-legal-form",
    "organisations-by-field",
    "organisations-by-founding-year",
    "offers-by-type",
    "offers-by-language",
    "offers-by-target-group",
    "coverage-language-district",
    "coverage-field-district",
    "counselling-gaps",
    "network-nodes",
    "network-edges",
    "timeline",
    "data-quality",
]


class Links(HTMLParser):
    """Every address in the page: src/href/action/… attributes, url() in style, and the tags involved."""

    ATTRS = {"src", "href", "xlink:href", "action", "srcset", "poster", "data", "background", "formaction"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in self.ATTRS:
                self.found.append((tag, name, value))
            if name == "style":
                self.found += [(tag, "style-url", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", value)]

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += [("style", "url()", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", data)]
            self.found += [("style", "@import", u) for u in re.findall(r"@import\s+['\"]?([^'\";]+)", data)]


def local(value: str) -> bool:
    """Relative, fragment, data: or a root-relative local path — never scheme or host."""
    if value.startswith(("#", "data:")):
        return True
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc and not value.startswith("//")


def check_self_contained(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    outside = [f for f in parser.found if not local(f[2])]
    assert not outside, outside[:5]
    for tag, attr, value in parser.found:
        if attr in ("src", "srcset", "data", "poster", "background") or tag in ("link", "script", "img", "iframe", "object"):
            raise AssertionError(f"the page loads something: <{tag} {attr}={value!r}>")
        if attr.startswith("style") or tag == "style":
            assert value.startswith("data:"), value
        if tag == "a" and not value.startswith(("#", "/id/", "/sparql?query=", "/report", "/?", "/")):
            raise AssertionError(value)
    assert "link" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    assert not re.search(r"<script[^>]+src=", html)
    assert "@font-face" not in html and "@import" not in html
    return parser


@pytest.fixture(scope="module")
def berlin_html(berlin):
    from migrakg.reporting import render_html

    return render_html(berlin)


@pytest.fixture(scope="module")
def pankow_html(pankow):
    from migrakg.reporting import render_html

    return render_html(pankow)


def test_page_is_self_contained(berlin_html, pankow_html):
    for html in (berlin_html, pankow_html):
        check_self_contained(html)
        assert html.count("<svg") >= 9  # seven bar charts, network map, timeline, data quality


def test_every_membership_is_an_edge_in_the_svg(berlin_html, direct, data_count, data_rows):
    svg = berlin_html[berlin_html.index('<svg class="network"') :]
    svg = svg[: svg.index("</svg>")]
    drawn = set(re.findall(r'<line class="edge edge-membership"[^>]*data-relation="([^"]+)"', svg))
    memberships = direct.instances(ORG + "Membership")
    assert len(memberships) == data_count("memberships")
    assert {BASE + path[1:] for path in drawn} == memberships
    for role in direct.instances(MKG + "CarrierRole") | direct.instances(MKG + "Funding"):
        assert f'data-relation="/{role[len(BASE) :]}"' in svg
    # each node is a link to its resource page and carries a tooltip
    nodes = re.findall(r'<g class="node node-[a-z-]+" id="node-\d+"[^>]*>(.*?)</g>', svg, flags=re.S)
    offers = {o["slug"] for o in data_rows("offers")}
    funded_offers = {s for f in data_rows("fundings") for s in f["funded"].split(" | ") if s in offers}
    assert len(nodes) == len(
        direct.instances(MKG + "Organisation") | direct.instances(MKG + "Network") | direct.instances(MKG + "Project")
    ) + len(funded_offers)  # + the funded offers
    assert all(re.match(r'<a href="/id/[a-z-]+/[a-z0-9-]+"><title>', n) for n in nodes)


def test_gap_list_in_the_page(pankow, pankow_html):
    listed = set(
        re.findall(r'<li class="gap" data-district="([^"]+)" data-offer-type="([^"]+)" data-language="([^"]+)"', pankow_html)
    )
    assert listed == {(g.district, g.offer_type, g.language) for g in pankow.gaps}
    assert f'<strong id="gap-count">{len(pankow.gaps)}</strong>' in pankow_html
    # language × district: the empty cells of the chosen district in the gap table
    cells = set(re.findall(r'<span class="gapcell" data-district="([^"]+)" data-language="([^"]+)"', pankow_html))
    assert cells == {(c.column, c.row) for c in pankow.language_matrix.empty_cells([PANKOW])}
    assert "Tigrinya" in pankow_html and "No counselling" not in pankow_html


def test_languages_and_query_links(berlin_html, pankow_html, berlin, settings):
    from migrakg.reporting.queries import load_queries

    assert '<html lang="de">' in berlin_html and "Akteursanalyse" in berlin_html and "unbekannt" in berlin_html
    assert '<html lang="en">' in pankow_html and "Actor analysis" in pankow_html and "unknown" in pankow_html
    links = re.findall(r'href="/sparql\?query=([^"]+)"', pankow_html)
    assert len(set(links)) == len(FIGURES)
    texts = [unquote(link) for link in links]
    assert all(f"VALUES ?scope {{ <{PANKOW}> }}" in t for t in texts if "?scope" in t)
    queries = load_queries(settings.root)
    for q in queries.values():
        assert q.title.de and q.title.en and q.description.de and q.description.en
    assert set(berlin.figures) == set(FIGURES)


def test_figure_queries_reproduce_at_the_endpoint(client, pankow):
    """The link of a figure runs at /sparql and gives the figure's numbers."""
    figure = pankow.figures["offers-by-language"]
    query = parse_qs(urlsplit(pankow.sparql_link(figure)).query)["query"][0]
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    got = {(b.get("language", {}).get("value")): int(b["offers"]["value"]) for b in answer.json()["results"]["bindings"]}
    assert got == {(row[0] or None): row[2] for row in figure.rows}


def test_command_writes_html_and_one_csv_per_figure(tmp_path, settings, built, monkeypatch, capsys, berlin):
    from migrakg import cli

    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    out = tmp_path / "report"
    assert cli.main(["report", "--district", "pankow", "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "Pankow" in printed and "counselling gaps" in printed
    html = (out / "report.html").read_text(encoding="utf-8")
    check_self_contained(html)
    assert '<html lang="en">' in html
    for fid in FIGURES:
        rows = list(csv.reader(io.StringIO((out / f"{fid}.csv").read_text(encoding="utf-8"))))
        assert rows[0], fid
    gaps = list(csv.DictReader(io.StringIO((out / "counselling-gaps.csv").read_text(encoding="utf-8"))))
    assert gaps and all(g["district"] == PANKOW for g in gaps)
    assert any(g["language_label"] == "Tigrinya" and g["offer_type_label"] == "counselling" for g in gaps)
    # all of Berlin, German, default folder name given explicitly
    out2 = tmp_path / "berlin"
    assert cli.main(["report", "--out", str(out2)]) == 0
    by_district = list(csv.DictReader(io.StringIO((out2 / "organisations-by-district.csv").read_text(encoding="utf-8"))))
    assert {r["label"]: int(r["organisations"]) for r in by_district}["Pankow"] == {
        row[1]: row[2] for row in berlin.figures["organisations-by-district"].rows
    }["Pankow"]
    assert cli.main(["report", "--district", "atlantis", "--out", str(tmp_path / "x")]) == 2
    assert "atlantis" in capsys.readouterr().err


def test_web_report(client):
    page = client.get("/report/pankow?lang=de", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Akteursanalyse: Pankow" in page.text
    # served in the site's layout: its navigation, skip link and footer; only the site's own files load
    assert 'class="skip" href="#main"' in page.text and '<header class="site">' in page.text
    assert page.text.count("<main") == 1 and "/barrierefreiheit" in page.text
    parser = Links()
    parser.feed(page.text)
    assert all(local(value) for _tag, _attr, value in parser.found), parser.found
    loaded = {
        value.split("?")[0] for tag, attr, value in parser.found if tag in ("link", "script", "img") and attr in ("href", "src")
    }
    assert loaded <= {"/static/style.css"}, loaded
    berlin = client.get("/report?lang=en")
    assert berlin.status_code == 200 and "Actor analysis: all of Berlin" in berlin.text
    assert client.get("/report/atlantis", headers={"Accept": "application/json"}).status_code == 404
    table = client.get("/report/pankow/counselling-gaps.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert table.text.startswith("district,district_label,offer_type")
    assert client.get("/report/organisations-by-district.csv").status_code == 200
    assert client.get("/report/pankow/nothing.csv", headers={"Accept": "application/json"}).status_code == 404


def test_docs_explain_every_query(settings):
    doc = (settings.root / "docs" / "report.md").read_text(encoding="utf-8")
    for path in sorted((settings.root / "queries" / "report").glob("*.rq")):
        assert f"`{path.name}`" in doc, path.name
    assert "## Deutsch" in doc and "## English" in doc and "--as-of" in doc


def test_command_builds_first_on_a_fresh_clone(tmp_path, monkeypatch, capsys):
    from migrakg import cli

    monkeypatch.setenv("MIGRAKG_BUILD", str(tmp_path / "build"))
    assert cli.main(["report", "--district", "spandau", "--out", str(tmp_path / "out")]) == 0
    assert "building" in capsys.readouterr().err
    assert (tmp_path / "build" / "migrakg.nq").exists()
    gaps = (tmp_path / "out" / "counselling-gaps.csv").read_text(encoding="utf-8")
    assert "id/district/spandau" in gaps and "Tigrinya" in gaps  # keine Beratung auf Tigrinya in Spandau


def test_command_on_a_disk_store(tmp_path, settings, built, monkeypatch):
    from migrakg import cli

    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    out = tmp_path / "out"
    assert cli.main(["report", "--store", str(tmp_path / "store"), "--out", str(out), "--as-of", "2020-01-01"]) == 0
    assert '<span id="reference-date">2020-01-01</span>' in (out / "report.html").read_text(encoding="utf-8")
    assert cli.main(["report", "--as-of", "01.01.2020", "--out", str(out)]) == 2
