"""The machine's share of "her spreadsheet → published release" for N SYNTHETIC rows (default 500).

Phases, each timed on its own (results: bench/WORKBENCH.md):
  read      her .xlsx → tables (openpyxl, every sheet)
  mapping   headers by name and content → proposed mapping
  rows      cells read (values.py) → template rows (organisations, places, offers, networks, memberships)
  records   the record builder → RDF (importing.build_records)
  shacl     of that: the SHACL validation of the import with its reference data (importing.validate_import)
  import    `run_import` as it is today: read + build again, SHACL with reference data, diff, write (one transaction)
  publish   a release of the store's data (today from an N-Quads dump; the write path will publish from the store)

    .venv/bin/python bench/workbench.py [--rows 500] [--repeat 3]

Needs a build (`migrakg build`). The workbook is synthetic (tests/sources/synthetic.py); nothing is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrakg.importing import (  # noqa: E402
    build_records,
    kb_slugs_of,
    open_target_store,
    read_import,
    reference_graph,
    run_import,
    validate_import,
)
from migrakg.settings import ProjectPaths, Settings  # noqa: E402
from migrakg.validate import load_shapes  # noqa: E402
from migrakg.sources import languages  # noqa: E402
from migrakg.sources.mapping import classify_sheet, propose  # noqa: E402
from migrakg.sources.sheet import read_sheet, slug_resolver  # noqa: E402
from migrakg.sources.tables import read_tables  # noqa: E402
from migrakg.vocabularies import load_vocabularies  # noqa: E402
from tests.sources.synthetic import write_lichtenberg_xlsx  # noqa: E402


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    vocab = load_vocabularies(ROOT / "vocab")
    _tables, cold = timed(languages._tables)  # the language index is built once per process
    print(f"language index (once per process): {cold:.2f} s")
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_lichtenberg_xlsx(folder / "liste.xlsx", count=args.rows)
        base_store = open_target_store(settings, str(folder / "kb"))
        kb_slugs = kb_slugs_of(base_store.store, settings.iris.base)
        for attempt in range(args.repeat):
            tables, t_read = timed(lambda: read_tables(path, path.name))
            _m, t_map = timed(lambda: [propose(t.headers, [c for _n, c in t.data()], classify_sheet(t.title, t.headers) or "organisations") for t in tables])  # fmt: skip
            reading, t_sheet = timed(
                lambda: read_sheet(path, source="lichtenberg", vocab=vocab, known=slug_resolver(kb_slugs), today=dt.date(2026, 11, 30))
            )
            (graph, _records), t_records = timed(lambda: build_records(reading.files, vocab, "lichtenberg", kb_slugs))
            store = open_target_store(settings, str(folder / f"store-{attempt}"))
            paths = ProjectPaths.from_settings(settings)
            parsed = read_import(path, fmt=None, source="lichtenberg", kb_slugs=kb_slugs, vocab_dir=paths.vocab)
            shapes = load_shapes(paths.shapes)
            _v, t_shacl = timed(
                lambda: validate_import(parsed, reference_graph(store.store, parsed.graph, settings.iris.base, paths), shapes)
            )
            outcome, t_import = timed(lambda: run_import(settings, path, source="lichtenberg", store=store))
            dump = folder / f"dump-{attempt}.nq"
            import pyoxigraph as ox

            _d, t_dump = timed(lambda: store.store.dump(str(dump), ox.RdfFormat.N_QUADS))
            from migrakg.publishing.release import publish

            _r, t_publish = timed(lambda: publish(settings, folder / f"dist-{attempt}", source_path=dump))
            rows = sum(len(f.rows) for f in reading.files)
            for name, value in (
                ("read", t_read),
                ("mapping", t_map),
                ("rows (read_sheet: read + mapping + values)", t_sheet),
                ("records", t_records),
                ("shacl (part of import)", t_shacl),
                ("import (read + build + SHACL + diff + write)", t_import),
                ("publish (dump + release)", t_dump + t_publish),
            ):
                timings.setdefault(name, []).append(value)
            print(
                f"run {attempt + 1}: {args.rows} rows → {rows} template rows, {len(graph)} triples, "
                f"{len(outcome.diff.added)} records added; sheet {t_sheet:.2f} s, records {t_records:.2f} s, "
                f"import {t_import:.2f} s, publish {t_dump + t_publish:.2f} s"
            )
    print(f"\nmedian of {args.repeat} runs, {args.rows} rows:")
    for name, values in timings.items():
        print(f"  {name:48s} {statistics.median(values):6.2f} s")
    mine = statistics.median(timings["rows (read_sheet: read + mapping + values)"]) + statistics.median(timings["records"])
    total = statistics.median(timings["import (read + build + SHACL + diff + write)"]) + statistics.median(
        timings["publish (dump + release)"]
    )
    print(f"  {'reading + mapping + building (this part)':48s} {mine:6.2f} s")
    print(f"  {'upload → published release (import + publish)':48s} {total:6.2f} s  (goal: < 30 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
