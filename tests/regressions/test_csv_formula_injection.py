"""Regression: a record named `=HYPERLINK(…)`, `+cmd…`, `-2+3+cmd…` or `@SUM…` went raw into
dist/organisations.csv, hsds/organizations.csv and the report's CSV downloads, where a spreadsheet runs
it as a formula. Every CSV for people now goes through migrakg.csvcells (OWASP: a leading quote)."""

from __future__ import annotations

import csv
import io

import pytest

from migrakg.build import NQUADS
from migrakg.csvcells import starts_formula

HOSTILE = {
    "narud-ev": '=HYPERLINK("http://example.org/x","klick")',
    "karussell-ev": "+cmd|' /C calc'!A0",  # names tagged @de (the replacement below reads @de)
}
NAMES = list(HOSTILE.values()) + ["-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


def nq_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@de'


def unsafe_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row if starts_formula(cell)]


@pytest.fixture(scope="module")
def hostile_release(settings, built, tmp_path_factory):
    """A release of the real data in which organisations carry formula names."""
    from migrakg.publishing.release import publish

    folder = tmp_path_factory.mktemp("hostile")
    lines = (settings.build_path / NQUADS).read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        for slug, name in HOSTILE.items():
            subject = f"<https://w3id.org/migrakg/id/organisation/{slug}> "
            if line.startswith(subject) and ("<https://schema.org/name>" in line or "skos/core#prefLabel>" in line):
                head, _, rest = line.partition('"')
                line = head + nq_literal(name) + rest[rest.index('"@') + 4 :] if '"@de' in line else line
        out.append(line)
    (folder / NQUADS).write_text("\n".join(out) + "\n", encoding="utf-8")
    return publish(settings.with_(build_dir=folder), folder / "dist", source_path=folder / NQUADS).out_dir


@pytest.mark.parametrize("name", ["organisations.csv", "hsds/organizations.csv"])
def test_release_tables_neutralise_formula_names(hostile_release, name):
    text = (hostile_release / name).read_text(encoding="utf-8")
    cells = {cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row}
    for hostile in HOSTILE.values():
        assert "'" + hostile in cells and hostile not in cells
    assert unsafe_cells(text) == []


def test_every_csv_of_the_release_is_safe(hostile_release):
    for path in sorted(hostile_release.rglob("*.csv")):
        assert unsafe_cells(path.read_text(encoding="utf-8")) == [], path.name


def test_report_csv_neutralises_formula_labels():
    from migrakg.reporting.html import figure_csv

    text = figure_csv(["organisation", "count"], [[name, -3] for name in NAMES])
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["'" + n for n in NAMES]
    assert {r[1] for r in rows[1:]} == {"-3"}  # numbers stay numbers


def test_report_csv_download_over_http_is_safe(client):
    r = client.get("/report/organisations-by-district.csv")
    assert r.status_code == 200 and unsafe_cells(r.text) == []


def test_link_review_file_neutralises_and_reads_back(tmp_path):
    from migrakg.linking.io import read_review, review_csv
    from migrakg.linking.match import Link

    links = [
        Link("https://w3id.org/migrakg/id/organisation/narud-ev", "=their-id", "sameAs", 0.9, [], "automatic", "NARUD", n)
        for n in NAMES
    ]
    text = review_csv(links, {})
    assert unsafe_cells(text) == []
    path = tmp_path / "review.csv"
    path.write_text(text.replace(",\n", ",accept\n"), encoding="utf-8")
    assert set(read_review(path)) == {("https://w3id.org/migrakg/id/organisation/narud-ev", "=their-id")}
