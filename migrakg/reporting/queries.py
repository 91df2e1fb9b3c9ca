"""The report's SPARQL queries (queries/report/*.rq) and how they are parametrised.

Each file starts with `# title@de:`, `# title@en:`, `# description@de:`, `# description@en:` lines (the
convention of queries/*.rq) and is a complete query that runs as it is at /sparql, for all of Berlin.
Two lines are parameters the report may replace, and only with values it has checked itself:

- `VALUES ?scope { UNDEF }` → `VALUES ?scope { <district IRI> … }` (IRIs of districts found in the store)
- `VALUES ?asOf { UNDEF }` → `VALUES ?asOf { "YYYY-MM-DD" }` (a date that parsed as an ISO date)

The queries are written with the default base IRI; `parametrise` moves them to the configured base.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Text, UsageError
from ..namespaces import DEFAULT_BASE

SCOPE_LINE = "VALUES ?scope { UNDEF }"
AS_OF_LINE = "VALUES ?asOf { UNDEF }"
HEADER = re.compile(r"^#\s*(title|description)@(de|en):\s*(.*)$")

#: runs one SELECT and returns (variables, rows of term tuples (kind, value, lang, datatype) or None)
Select = Callable[[str], tuple[list[str], list[list[Any]]]]


@dataclass(frozen=True)
class ReportQuery:
    id: str  # file name without number and suffix, e.g. "organisations-by-district"
    file: str  # e.g. "01-organisations-by-district.rq"
    title: Text
    description: Text
    text: str

    @property
    def scoped(self) -> bool:
        return SCOPE_LINE in self.text


def query_dir(root: Path) -> Path:
    return root / "queries" / "report"


def load_queries(root: Path) -> dict[str, ReportQuery]:
    """All report queries by id. Raises UsageError when a file lacks its bilingual header."""
    queries: dict[str, ReportQuery] = {}
    for path in sorted(query_dir(root).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        head: dict[str, str] = {}
        for line in text.splitlines():
            m = HEADER.match(line)
            if m:
                head[f"{m.group(1)}@{m.group(2)}"] = m.group(3).strip()
        missing = [k for k in ("title@de", "title@en", "description@de", "description@en") if k not in head]
        if missing:
            raise UsageError(f"{path}: header lines missing: {', '.join(missing)}")
        qid = re.sub(r"^\d+-", "", path.stem)
        queries[qid] = ReportQuery(
            qid, path.name, Text(head["title@de"], head["title@en"]), Text(head["description@de"], head["description@en"]), text
        )
    return queries


def parametrise(query: ReportQuery, *, base: str = DEFAULT_BASE, scope: tuple[str, ...] = (), as_of: str | None = None) -> str:
    """The query text for this report. *scope* must hold district IRIs checked against the store."""
    text = query.text
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    if scope:
        for iri in scope:
            if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", iri):
                raise UsageError(f"not an IRI: {iri!r}")
        text = text.replace(SCOPE_LINE, "VALUES ?scope { " + " ".join(f"<{iri}>" for iri in scope) + " }")
    if as_of is not None:
        text = text.replace(AS_OF_LINE, f'VALUES ?asOf {{ "{check_date(as_of)}" }}')
    return text


def check_date(value: str) -> str:
    """An ISO date YYYY-MM-DD, or UsageError.

    >>> check_date("2026-08-19")
    '2026-08-19'
    """
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            Text(
                f"--as-of {value!r} ist kein Datum der Form JJJJ-MM-TT", f"--as-of {value!r} is not a date of the form YYYY-MM-DD"
            )
        ) from None
    return value


def value(term: Any) -> str | None:
    """The lexical value of a term tuple (or None for an unbound variable)."""
    return None if term is None else term[1]


def rows_as_dicts(variables: list[str], rows: list[list[Any]]) -> list[dict[str, str | None]]:
    return [{name: value(cell) for name, cell in zip(variables, row)} for row in rows]
