"""The machine's share of "her spreadsheet → published release" for N SYNTHETIC rows (default 500).

Upload to release, as the workbench does it: a preview (dry run) of her .xlsx, the apply, and the
release of her source (`migrakg publish --source NAME`: export of the source + dumps, tables, HSDS,
DCAT). Then the same again after she changed five rows (the re-upload). Each phase is timed in a child
process on a copy of one knowledge base (data/ rebuilt into it), for two versions of the code, taking
turns run by run (the machine is shared, timings move from run to run):

  baseline  the code of a git revision (--baseline, default: `main`), checked out into a temporary folder
  new       this checkout

    .venv/bin/python bench/workbench.py [--rows 500] [--repeat 3] [--baseline main]

Results: bench/WORKBENCH.md. The workbook is synthetic (tests/sources/synthetic.py); nothing is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "lichtenberg"
PHASES = ("preview", "apply", "release", "total", "re-preview", "re-apply", "re-release", "re-total", "whole release")


def child(tree: Path, kb_template: Path, first: Path, second: Path, out: Path) -> dict[str, float]:
    """One run with the code in *tree*: the timings of each phase (seconds)."""
    sys.path.insert(0, str(tree))
    import migrakg

    assert Path(migrakg.__file__).resolve().is_relative_to(tree.resolve()), migrakg.__file__
    from migrakg.importing import run_import
    from migrakg.kb import KnowledgeBase
    from migrakg.kb.export import export_nquads
    from migrakg.publishing.release import publish
    from migrakg.settings import Settings

    settings = Settings.from_env()
    shutil.copytree(kb_template, out / "kb")
    times: dict[str, float] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times[name] = time.perf_counter() - start
        times[f"{name} (cpu)"] = time.process_time() - cpu
        return result

    def release(kb: KnowledgeBase, name: str, sources: list[str] | None) -> None:
        dump = out / f"{name}.nq"
        export_nquads(kb.store, kb.base, dump, sources)
        publish(settings, out / name, source_path=dump)

    with KnowledgeBase.open(out / "kb", settings) as kb:
        kb.shapes.loaded()  # a server reads shapes and vocabularies at start
        from migrakg.sources import languages

        languages._tables()  # the language index: built once per process (at a server's start)
        timed("preview", lambda: run_import(settings, first, kb=kb, source=SOURCE, dry_run=True))
        outcome = timed("apply", lambda: run_import(settings, first, kb=kb, source=SOURCE))
        timed("release", lambda: release(kb, "dist-1", [SOURCE]))
        timed("re-preview", lambda: run_import(settings, second, kb=kb, source=SOURCE, dry_run=True))
        again = timed("re-apply", lambda: run_import(settings, second, kb=kb, source=SOURCE))
        timed("re-release", lambda: release(kb, "dist-2", [SOURCE]))
        timed("whole release", lambda: release(kb, "dist-all", None))
    for cpu in ("", " (cpu)"):
        times[f"total{cpu}"] = times[f"preview{cpu}"] + times[f"apply{cpu}"] + times[f"release{cpu}"]
        times[f"re-total{cpu}"] = times[f"re-preview{cpu}"] + times[f"re-apply{cpu}"] + times[f"re-release{cpu}"]
    times["records"] = len(outcome.diff.added)
    times["re-changed"] = len(again.diff.changed)
    return times


def changed_copy(path: Path, out: Path, rows: int = 5) -> Path:
    """Her workbook with the phone number of *rows* organisations changed (a re-upload)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    column = [c.value for c in sheet[2]].index("Telefon") + 1
    step = max(1, (sheet.max_row - 2) // rows)
    for i in range(rows):
        sheet.cell(row=3 + i * step, column=column, value=f"030 555 99 {10 + i}")
    workbook.save(out)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default="main", help="git revision of the baseline (default: main)")
    parser.add_argument("--only", choices=("baseline", "new"), help="time one of the two only")
    parser.add_argument("--child", nargs=5, metavar=("TREE", "KB", "FIRST", "SECOND", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        tree, kb, first, second, out = (Path(a) for a in args.child)
        print(json.dumps(child(tree, kb, first, second, out)))
        return 0

    sys.path.insert(0, str(ROOT))
    from migrakg.kb import KnowledgeBase
    from migrakg.kb.curated import ensure_curated
    from migrakg.settings import Settings
    from tests.sources.synthetic import write_lichtenberg_xlsx

    timings: dict[str, dict[str, list[float]]] = {"baseline": {}, "new": {}}
    with tempfile.TemporaryDirectory(prefix="migrakg-workbench-") as tmp:
        folder = Path(tmp)
        baseline = folder / "baseline"
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True, capture_output=True).stdout
        baseline.mkdir()
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
        first = write_lichtenberg_xlsx(folder / "liste.xlsx", count=args.rows)
        second = changed_copy(first, folder / "liste-2.xlsx")
        settings = Settings.from_env()
        with KnowledgeBase.open(folder / "kb", settings) as kb:
            ensure_curated(kb, settings)
        trees = {"baseline": baseline, "new": ROOT}
        for attempt in range(args.repeat):
            order = ["baseline", "new"] if attempt % 2 == 0 else ["new", "baseline"]
            order = [name for name in order if args.only in (None, name)]
            for name in order:
                out = folder / f"{name}-{attempt}"
                out.mkdir()
                env = {**os.environ, "PYTHONPATH": str(trees[name])}
                done = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "--child", str(trees[name]), str(folder / "kb"), str(first), str(second), str(out)],
                    env=env,
                    cwd=str(trees[name]),
                    capture_output=True,
                    text=True,
                )  # fmt: skip
                if done.returncode != 0:
                    print(done.stderr[-3000:], file=sys.stderr)
                    return 1
                found = json.loads(done.stdout.strip().splitlines()[-1])
                for phase, value in found.items():
                    timings[name].setdefault(phase, []).append(value)
                cells = ", ".join(f"{p} {found[p]:.1f} s ({found[p + ' (cpu)']:.1f})" for p in PHASES)
                print(f"run {attempt + 1} {name:8s} {cells}", flush=True)
                shutil.rmtree(out, ignore_errors=True)
    records = int((timings["new"].get("records") or timings["baseline"]["records"])[0])
    print(f"\nmedian of {args.repeat} runs, {args.rows} rows ({records} records); wall and CPU:")
    print(f"  {'phase':16s} {'baseline':>9s} {'new':>9s}   {'CPU baseline':>13s} {'new':>9s}")
    for phase in PHASES:
        base, new = (statistics.median(timings[n].get(phase) or [0.0]) for n in ("baseline", "new"))
        base_cpu, new_cpu = (statistics.median(timings[n].get(phase + " (cpu)") or [0.0]) for n in ("baseline", "new"))
        print(f"  {phase:16s} {base:8.1f}s {new:8.1f}s   {base_cpu:12.1f}s {new_cpu:8.1f}s")
    total, cpu = (statistics.median(timings["new"].get(key) or [0.0]) for key in ("total", "total (cpu)"))
    print(f"\nupload → release of her source, new: {total:.1f} s wall, {cpu:.1f} s CPU (goal < 30 s)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
