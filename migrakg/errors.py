"""Errors for people: each says what is wrong, where, and what to do — in German and English.

Exit codes (CLI): 0 ok, 1 data does not conform / nothing matched, 2 usage or input error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_INPUT = 2


def user_language() -> str:
    """'de' or 'en', from MIGRAKG_LANG, then LANGUAGE/LC_ALL/LANG; English when nothing says German."""
    for var in ("MIGRAKG_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


@dataclass(frozen=True)
class Text:
    """A message in German and English."""

    de: str
    en: str

    def __str__(self) -> str:
        return self.get(user_language())

    def get(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


class MigrakgError(Exception):
    """Base class: an error with a message for a person. `status` is the HTTP status it maps to."""

    status = 500
    exit_code = EXIT_INPUT

    def __init__(self, text: Text | str):
        self.text = text if isinstance(text, Text) else Text(text, text)
        super().__init__(self.text.en)

    def message(self, lang: str | None = None) -> str:
        return self.text.get(lang or user_language())

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class Location:
    """Where in a source a problem is: file, spreadsheet row (header = row 1), column, record slug."""

    file: str
    row: int | None = None
    column: str | None = None
    slug: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        where = " ".join(parts)
        if self.slug:
            where += f" ({self.slug})"
        if self.column:
            where += f", column {self.column}"
        return where

    def german(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        where = " ".join(parts)
        if self.slug:
            where += f" ({self.slug})"
        if self.column:
            where += f", Spalte {self.column}"
        return where


@dataclass(frozen=True)
class Problem:
    """One problem found in input, located."""

    location: Location
    text: Text

    def render(self, lang: str) -> str:
        where = self.location.german() if lang == "de" else str(self.location)
        return f"{where}: {self.text.get(lang)}"


class SourceError(MigrakgError):
    """Input that cannot be read as records: bad CSV, unknown column, duplicate slug, dangling reference …

    Carries every problem found (not just the first), so a person can fix a file in one pass.
    """

    status = 400
    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            Text(
                "\n".join(p.render("de") for p in problems),
                "\n".join(p.render("en") for p in problems),
            )
        )


class UsageError(MigrakgError):
    """The command or request was used wrongly (bad option, unknown file)."""

    status = 400
    exit_code = EXIT_INPUT


class NotConforming(MigrakgError):
    """The data breaks the SHACL shapes; `report` holds the results."""

    status = 422
    exit_code = EXIT_NONCONFORMING

    def __init__(self, text: Text | str, report: object | None = None):
        super().__init__(text)
        self.report = report
