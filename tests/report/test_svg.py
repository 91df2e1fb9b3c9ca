"""The SVG drawing: escaping, axes and printed values; the docstring examples run as tests."""

from __future__ import annotations

import doctest

import pytest


@pytest.mark.parametrize("module", ["migrakg.reporting.svg", "migrakg.reporting.queries"])
def test_docstring_examples(module):
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def test_bar_chart_escapes_labels_and_prints_values():
    from migrakg.reporting.svg import Bar, bar_chart

    evil = '<script>alert("x")</script> & "Verein"'
    svg = bar_chart(
        [Bar(evil, 3, href='/id/organisation/a"b'), Bar("unbekannt", 1, unknown=True)],
        title="T<",
        value_label="Organisationen",
        category_label="Rechtsform",
        chart_id="c",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<a " not in svg and 'role="img"' in svg  # an image holds no links: the table beside it has them
    assert 'class="value">3</text>' in svg and 'class="value">1</text>' in svg
    assert ">Organisationen</text>" in svg and ">Rechtsform</text>" in svg
    assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg


def test_timeline_axis_and_open_ends():
    from migrakg.reporting.svg import Span, fractional_year, timeline

    spans = [
        Span("migraUp!", "project", 2015.0, fractional_year("2025", end=True), "2015 – 2025"),
        Span("Träger <b>", "carrier", fractional_year("2022-07"), None, "2022-07 – open"),
        Span("Tandem", "carrier", None, None, "? – ?"),
    ]
    svg = timeline(
        spans,
        title="t",
        year_label="Jahr",
        legend={"project": "Projekt"},
        open_label="offen",
        as_of_year=2026,
        chart_id="tl",
        undated_label="ohne Datum",
    )
    for year in range(2015, 2028):
        assert f">{year}</text>" in svg
    assert 'stroke-dasharray="4 3"/>' in svg and "ohne Datum" in svg and "<b>" not in svg


def test_parametrise_only_takes_checked_values(settings):
    from migrakg.errors import UsageError
    from migrakg.reporting.queries import load_queries, parametrise

    query = load_queries(settings.root)["offers-by-language"]
    assert "VALUES ?scope { <https://w3id.org/migrakg/id/district/pankow> }" in parametrise(
        query, scope=("https://w3id.org/migrakg/id/district/pankow",)
    )
    with pytest.raises(UsageError):
        parametrise(query, scope=("x> } DROP ALL { <y",))
    moved = parametrise(query, base="https://example.org/kb/")
    assert "https://w3id.org/migrakg/" not in moved and "https://example.org/kb/ontology#" in moved
