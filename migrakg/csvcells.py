"""Cells for CSV files that people open in spreadsheets: no value may start a formula.

OWASP ("CSV Injection"): a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is run as
a formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`, `-2+3+cmd|…`); a leading single
quote makes it text. Every CSV the project writes for people goes through `csv_cell` (tables and HSDS
in the release, the report's figures, the link review file). SPARQL CSV/TSV results do not: they are a
W3C format whose values must stay exact (docs/http.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# a plain number (-2.5, +3, -1e3) or a telephone number (+49 30 1234-5) computes nothing: kept exact
_HARMLESS = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?|\+[\d ()/.-]+")


def csv_cell(value: Any) -> str:
    """*value* as a CSV cell that no spreadsheet takes for a formula.

    >>> csv_cell('=HYPERLINK("http://x","klick")')
    '\\'=HYPERLINK("http://x","klick")'
    >>> csv_cell("-2+3+cmd|' /C calc'!A0"), csv_cell("@SUM(A1)"), csv_cell("\\tx")
    ("'-2+3+cmd|' /C calc'!A0", "'@SUM(A1)", "'\\tx")
    >>> csv_cell(-2.5), csv_cell("+49 30 12345"), csv_cell(None), csv_cell("Verein e.V.")
    ('-2.5', '+49 30 12345', '', 'Verein e.V.')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if starts_formula(text) else text


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would take *text* for a formula (numbers and telephone numbers would not)."""
    return text.startswith(FORMULA_STARTS) and not _HARMLESS.fullmatch(text)


def read_cell(text: str) -> str:
    """The value `csv_cell` wrote (for CSV files the project reads back, such as the link review).

    >>> read_cell(csv_cell("=1+1")), read_cell("'quoted"), read_cell("-3")
    ('=1+1', "'quoted", '-3')
    """
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r" else text


def csv_row(values: Iterable[Any]) -> list[str]:
    """Every cell of a row through `csv_cell`."""
    return [csv_cell(v) for v in values]
