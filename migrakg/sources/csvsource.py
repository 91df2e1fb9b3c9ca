"""CSV source files (data/*.csv, and the import template) → rows for the record builder."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from ..errors import Location, Problem, SourceError, Text
from ..vocabularies import Vocabularies
from .records import Builder, Records, Row, SourceFile
from .schema import SOURCE_KINDS, SourceKind


def read_csv_file(path: Path, display: str, spec: SourceKind | None, problems: list[Problem]) -> SourceFile | None:
    """Read one CSV; problems (encoding, syntax, columns) are appended, never raised."""
    where = Location(display)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(where, Text(f"Datei nicht lesbar: {exc.strerror}", f"cannot read file: {exc.strerror}")))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                where,
                Text(
                    f"die Datei ist nicht UTF-8-kodiert (Byte {exc.start}); bitte als „CSV UTF-8“ speichern",
                    f"the file is not UTF-8 encoded (byte {exc.start}); save it as 'CSV UTF-8'",
                ),
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = list(reader)
    except csv.Error as exc:
        problems.append(Problem(Location(display, reader.line_num), Text(f"CSV-Syntaxfehler: {exc}", f"CSV syntax error: {exc}")))
        return None
    if not lines or not any(cell.strip() for cell in lines[0]):
        problems.append(
            Problem(where, Text("die Datei ist leer oder hat keine Kopfzeile", "the file is empty or has no header row"))
        )
        return None
    header = [cell.strip() for cell in lines[0]]
    if spec is None:
        from .schema import kind_for_columns

        spec = kind_for_columns(header)
        if spec is None:
            problems.append(
                Problem(
                    where,
                    Text(
                        "unbekannte Art von Datei: die Kopfzeile passt zu keiner Vorlage in data/README.md",
                        "unknown kind of file: the header matches no template in data/README.md",
                    ),
                )
            )
            return None
    allowed = set(spec.column_names)
    ok = True
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if name in seen:
            problems.append(
                Problem(Location(display, 1, name), Text(f"Spalte „{name}“ kommt doppelt vor", f"column '{name}' appears twice"))
            )
            ok = False
        seen.add(name)
        if name not in allowed:
            problems.append(
                Problem(
                    Location(display, 1, name or f"#{index}"),
                    Text(
                        f"unbekannte Spalte „{name}“; erlaubt sind: {', '.join(spec.column_names)}",
                        f"unknown column '{name}'; allowed columns: {', '.join(spec.column_names)}",
                    ),
                )
            )
            ok = False
    for col in spec.columns:
        if col.required and col.name not in header:
            problems.append(Problem(where, Text(f"Pflichtspalte „{col.name}“ fehlt", f"required column '{col.name}' is missing")))
            ok = False
    if not ok:
        return None
    result = SourceFile(spec, path, display, path.stem, hashlib.sha256(raw).hexdigest())
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                Problem(
                    Location(display, number),
                    Text(
                        f"die Zeile hat {len(cells)} Zellen, die Kopfzeile nur {len(header)} (Komma im Text? Dann Zelle in Anführungszeichen setzen)",
                        f"the row has {len(cells)} cells but the header only {len(header)} (a comma in a text? then quote the cell)",
                    ),
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        values = {name: cells[i].strip() for i, name in enumerate(header)}
        result.rows.append(Row(spec, display, number, values))
    return result


def read_sources(paths: list[tuple[Path, str]], vocab: Vocabularies, *, known_kinds: bool = True) -> Records:
    """Read CSV files [(path, shown name)] into records. Raises SourceError with every problem found."""
    problems: list[Problem] = []
    files: list[SourceFile] = []
    for path, display in paths:
        from .schema import kind_for_file

        spec = kind_for_file(path.name) if known_kinds else None
        source = read_csv_file(path, display, spec, problems)
        if source is not None:
            files.append(source)
    if problems:
        raise SourceError(problems)
    builder = Builder(files, vocab)
    builder.collect_slugs()
    builder.build()
    if builder.problems:
        raise SourceError(builder.problems)
    return Records(builder.graphs, builder.index, files)


def data_files(data_dir: Path) -> list[tuple[Path, str]]:
    """The source files of a data folder, in reading order; missing ones are skipped."""
    found = []
    for spec in SOURCE_KINDS:
        path = data_dir / spec.file
        if path.exists():
            found.append((path, f"{data_dir.name}/{spec.file}"))
    return found
