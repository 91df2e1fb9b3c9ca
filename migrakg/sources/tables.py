"""A coordinator's file as tables of text: every sheet of a workbook, or a CSV in whatever encoding and
delimiter it was saved with (UTF-8 with or without BOM, Windows-1252; ";" "," or tab), with the row
numbers Excel shows.

>>> sniff_delimiter("Name;PLZ;Bezirk\\nA;13353;Mitte")
';'
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, SourceError, Text
from .xlsx import cell_text, open_workbook

HEADER_SEARCH = 10  # a title or a blank line may stand above the header


@dataclass
class Table:
    """One sheet: its rows as text, where the header is, and how to name it in messages."""

    title: str
    rows: list[list[str]]
    header_index: int = 0  # 0-based; Excel row number = index + 1
    display: str = ""
    notes: list[Text] = field(default_factory=list)  # how the file was read (encoding, delimiter)

    @property
    def headers(self) -> list[str]:
        header = list(self.rows[self.header_index]) if self.rows else []
        while header and not header[-1].strip():
            header.pop()
        return [h.strip() for h in header]

    def data(self) -> list[tuple[int, list[str]]]:
        """(Excel row number, cells) of the rows below the header that are not empty."""
        width = len(self.headers)
        out = []
        for index in range(self.header_index + 1, len(self.rows)):
            cells = [c.strip() for c in self.rows[index]]
            cells = (cells + [""] * width)[:width]
            if any(cells):
                out.append((index + 1, cells))
        return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decode(raw: bytes) -> tuple[str, Text | None]:
    """UTF-8 (with or without BOM), else Windows-1252 — the two encodings Excel saves CSV in."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), Text(
            "Kodierung Windows-1252 erkannt (Excel „CSV (Trennzeichen-getrennt)“)",
            "encoding Windows-1252 recognised (Excel 'CSV (delimited)')",
        )


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: ";" (German Excel), "," or tab."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(";,\t", key=first.count)


def read_csv_table(path: Path, display: str) -> Table:
    """A CSV as one table. Raises SourceError when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(
            [Problem(Location(display), Text(f"Datei nicht lesbar: {exc.strerror}", f"cannot read file: {exc.strerror}"))]
        ) from None
    text, note = decode(raw)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SourceError([Problem(Location(display), Text(f"CSV-Syntaxfehler: {exc}", f"CSV syntax error: {exc}"))]) from None
    table = Table(path.stem, rows, display=display, notes=[note] if note else [])
    table.header_index = find_header(rows)
    return table


def read_workbook(path: Path, display: str) -> list[Table]:
    """Every sheet of an .xlsx workbook (hidden ones too, in order). Raises SourceError."""
    workbook = open_workbook(path, display)
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            tables.append(Table(sheet.title, rows, find_header(rows), display))
    finally:
        workbook.close()
    return tables


def find_header(rows: list[list[str]]) -> int:
    """The first of the top rows with at least two filled cells (a title line above is skipped)."""
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if sum(1 for c in row if str(c).strip()) >= 2:
            return index
    return 0


def read_tables(path: Path, display: str) -> list[Table]:
    """The tables of a .xlsx or .csv file. Raises SourceError."""
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path, display)
    return [read_csv_table(path, display)]
