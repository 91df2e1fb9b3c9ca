"""Excel (.xlsx) in the CSV template's shape: first sheet, header in row 1, row numbers as Excel shows them.

The sheet is turned into the same text a "CSV UTF-8" export would give (numbers without ".0", dates as
YYYY-MM-DD) and then read by the CSV reader, so every check and every message is the same as for CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..errors import Location, Problem, SourceError, Text


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_workbook(path: Path, display: str):
    """The workbook, read-only with cell values (not formulas). Raises SourceError when it is not one."""
    try:
        import openpyxl

        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException …
        raise SourceError(
            [
                Problem(
                    Location(display),
                    Text(f"keine lesbare Excel-Datei (.xlsx): {exc}", f"not a readable Excel file (.xlsx): {exc}"),
                )
            ]
        ) from None


def xlsx_as_csv(path: Path, display: str) -> bytes:
    """The first sheet as UTF-8 CSV bytes, one line per Excel row (empty rows kept, so numbers match).
    Raises SourceError when the file is not a readable workbook."""
    workbook = open_workbook(path, display)
    try:
        sheet = workbook.worksheets[0]
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    width = max((len(r) for r in rows), default=0)
    header = rows[0] if rows else []
    while header and not header[-1]:
        header = header[:-1]
    width = len(header)
    for row in rows:
        extra = [c for c in row[width:] if c]
        writer.writerow(row[:width] + ([] if not extra else row[width:]))
    return out.getvalue().encode("utf-8")
