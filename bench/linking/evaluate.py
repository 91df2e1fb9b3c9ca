"""Measure `migrakg link` on the gold set and the reconciliation API's speed; write bench/LINKING.md.

    .venv/bin/python bench/linking/evaluate.py [--shared ../shared] [--out bench/LINKING.md]

Builds the knowledge base from data/ into a temporary folder (nothing in build/ changes), scores the
gold set at several thresholds in two settings — our records as they are, and with their alternative
names withheld (only the preferred name is known: a harder test of the normalisation) — and times
OpenRefine-style batches of 50 names against /reconcile (in-process HTTP, TestClient).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from gold import gold_set  # noqa: E402

from migrakg.linking.match import DEFAULT_THRESHOLD, Entity, Index, decide, evaluate
from migrakg.linking.io import our_entities, store_select

THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)


def withheld(ours: list[Entity], store) -> list[Entity]:  # type: ignore[no-untyped-def]
    """Our entities with only their preferred name (skos:prefLabel / schema:name), alternative names removed."""
    _v, rows = store_select(store)("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                                   "SELECT ?s ?n WHERE { ?s skos:prefLabel ?n }")
    preferred: dict[str, str] = {}
    for s, n in rows:
        preferred.setdefault(s[1], n[1])
    return [Entity(e.id, e.kind, [preferred.get(e.id, e.names[0])], e.addresses, e.districts, e.websites, e.emails)
            for e in ours]


def table(index: Index, theirs: list[Entity], gold: set[tuple[str, str]]) -> list[dict[str, object]]:
    rows = []
    for threshold in THRESHOLDS:
        links = decide(index, theirs, threshold=threshold)
        q = evaluate(links, gold, threshold)
        close = sum(1 for l in links if l.relation == "closeMatch")
        rows.append({"threshold": threshold, "tp": q.tp, "fp": q.fp, "fn": q.fn, "precision": q.precision,
                     "recall": q.recall, "f1": q.f1, "close": close})
    return rows


def errors(index: Index, theirs: list[Entity], gold: set[tuple[str, str]]) -> tuple[list[str], list[str]]:
    links = decide(index, theirs, threshold=DEFAULT_THRESHOLD)
    same = {(l.ours, l.theirs): l for l in links if l.relation == "sameAs"}
    names = {e.id: e.label for e in theirs}
    fps = [f"`{names.get(t, t)}` → `{o.rsplit('/id/', 1)[-1]}` ({same[(o, t)].score:.2f})" for o, t in sorted(set(same) - gold)]
    fns = []
    for o, t in sorted(gold - set(same)):
        found = [l for l in links if (l.ours, l.theirs) == (o, t)]
        how = f"closeMatch {found[0].score:.2f}" if found else "not proposed"
        fns.append(f"`{names.get(t, t)}` → `{o.rsplit('/id/', 1)[-1]}` ({how})")
    return fps, fns


def time_reconcile(settings, store, names: list[str], runs: int = 20) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from migrakg.web.app import create_app

    app = create_app(settings, store)
    batch = {f"q{i}": {"query": name, "type": "organisation", "limit": 5} for i, name in enumerate(names[:50])}
    payload = {"queries": json.dumps(batch, ensure_ascii=False)}
    with TestClient(app) as client:
        started = time.perf_counter()
        first = client.post("/reconcile", data=payload)
        cold = time.perf_counter() - started  # includes building the candidate index
        assert first.status_code == 200 and len(first.json()) == len(batch)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.post("/reconcile", data=payload)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
    return {"cold": cold, "median": statistics.median(times), "max": max(times), "runs": runs, "size": len(batch)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/LINKING.md")
    args = parser.parse_args()

    from migrakg.build import build
    from migrakg.sparql.opening import open_store
    from migrakg.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(root=ROOT, build_dir=Path(tmp))
        build(settings)
        store = open_store(settings)
        theirs, gold = gold_set(settings, args.shared)
        ours = our_entities(store.store, settings.iris)
        index = Index(ours)
        started = time.perf_counter()
        as_is = table(index, theirs, gold)
        link_seconds = (time.perf_counter() - started) / len(THRESHOLDS)
        fps, fns = errors(index, theirs, gold)
        hard = withheld(ours, store.store)
        hard_index = Index(hard)
        hard_table = table(hard_index, theirs, gold)
        hard_fps, hard_fns = errors(hard_index, theirs, gold)
        import csv

        with (HERE / "gold-mentions.csv").open(encoding="utf-8") as handle:
            names = [row["name"] for row in csv.DictReader(handle)]
        timing = time_reconcile(settings, store, names)
    mentions = sum(1 for t in theirs if t.id.startswith("urn:gold:"))
    report = render(as_is, hard_table, fps, fns, hard_fps, hard_fns, timing, len(ours), len(theirs), mentions, len(gold),
                    link_seconds)
    args.out.write_text(report, encoding="utf-8")
    print(f"wrote {args.out}")
    default = next(r for r in as_is if r["threshold"] == DEFAULT_THRESHOLD)
    print(f"default threshold {DEFAULT_THRESHOLD}: P {default['precision']:.3f} R {default['recall']:.3f} F1 {default['f1']:.3f}"
          f" false sameAs {default['fp']}; reconcile 50 names: median {timing['median'] * 1000:.1f} ms")
    return 0 if default["f1"] >= 0.9 and default["fp"] == 0 else 1


def fmt_table(rows: list[dict[str, object]]) -> str:
    lines = ["| threshold | true sameAs | false sameAs | missed | precision | recall | F1 | closeMatch proposed |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        mark = " **(default)**" if r["threshold"] == DEFAULT_THRESHOLD else ""
        lines.append(f"| {r['threshold']:.2f}{mark} | {r['tp']} | {r['fp']} | {r['fn']} | {r['precision']:.3f} | "
                     f"{r['recall']:.3f} | {r['f1']:.3f} | {r['close']} |")
    return "\n".join(lines)


def bullet(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else "- none"


def render(as_is, hard, fps, fns, hard_fps, hard_fns, timing, n_ours, n_theirs, n_mentions, n_gold, link_seconds) -> str:  # type: ignore[no-untyped-def]
    return f"""# Linking — measured quality and speed

Written by `bench/linking/evaluate.py` (run it again after changing `migrakg/link.py` or the data:
`.venv/bin/python bench/linking/evaluate.py`). Python {platform.python_version()}, {platform.machine()}.

## The gold set

{n_theirs} records of "other projects" against our {n_ours} organisations, networks and places; {n_gold} true pairs.

- **Mentions** (`bench/linking/gold-mentions.csv`, {n_mentions} records): every organisation, network or
  place in `../shared/data/research/pankow-spandau-organisation-mentions.csv` as it is written there (the
  2012/2017/2018/2022 lists' spellings, with their addresses and districts), plus the variants the file's
  `notes` name ("AffBB eV", "Lab Circus Berlin eV", "MeM e.V.", "Chance BJS gGmbH", "MigrArte Perú e.V. i.G.",
  "GIZ", NARUD's long name …), plus look-alikes that are **not confirmed** to be ours and therefore must never
  become `owl:sameAs` ("Zaki – Bildung und Kultur e.V.", "Deutsch-Serbische Gesellschaft für Zusammenarbeit
  e.V.", "Dialog Integration Bildung", "Welcome-Center Pankow" — an offer, not an organisation).
- **OSM** (`bench/linking/gold-osm.csv`): all {n_theirs - n_mentions} named Berlin community centres of
  `../shared/data/osm/berlin-community-centres-2025-09.csv`, read as `migrakg import` reads them. True pairs:
  "BGFF" at Ahlbecker Straße 17 (Pankow) = our BGFF e.V. (active in Spandau: a cross-district link), and
  "Stadtteilzentrum Obstallee" at Obstallee 22D = our Stadtteilzentrum Obstallee at "Obstallee 22 E" (the
  site of the Gemeinwesenverein Heerstraße Nord). Every other OSM row is a non-match; named hard negatives
  are "Kinder- & Jugendzentrum Die OASE" (not OASE Berlin e.V.), "AWO Stadtteiltreff … Mahlsdorf Süd" (not
  the AWO Landesverband), "Familienzentrum Rohrdamm" (not Familienzentrum Stresow), "Kulturzentrum Staaken"
  (a centre run by BJS gGmbH, not BJS gGmbH).

**How it was labelled.** By hand, from the sources only: a pair is true when the mentions file (or the page it
cites) says so — a row of the file is the record we made from it; a variant is true when the file's notes name
it as the same organisation on another page; an OSM row is true when the mentions file names that OSM object
(BGFF, Obstallee). Everything the sources call "possibly", "likely" or "interpretation" is labelled *not* the
same (DAF e.V. vs Deutsch-Arabische Freundschaft und Familienbegegnung; GIZ gGmbH vs Gesellschaft für
interkulturelle Zusammenarbeit e.V., which the 2012 list names as two items). The rule of the tool is the same:
`owl:sameAs` only when sure, `skos:closeMatch` for a person to review.

Counted: a predicted pair is an `owl:sameAs` link (score ≥ threshold, best candidate of that record, or
accepted in a review). `skos:closeMatch` proposals are not counted as matches; their number is shown.

## Results — our records as they are

{fmt_table(as_is)}

False `owl:sameAs` at the default threshold:
{bullet(fps)}

Missed at the default threshold:
{bullet(fns)}

## Results — alternative names withheld (harder)

Our records reduced to their preferred name, so "AffBB eV" must be found from
"Afrikanische Eltern Verein Berlin Brandenburg AfEBB e.V." alone.

{fmt_table(hard)}

False `owl:sameAs` at the default threshold:
{bullet(hard_fps)}

Missed at the default threshold (most are proposed as `skos:closeMatch` for review):
{bullet(hard_fns)}

## Speed

- `migrakg link` on the whole gold set ({n_theirs} records, blocking + scoring + decisions): {link_seconds * 1000:.0f} ms per run.
- `/reconcile`, an OpenRefine-style batch of {timing['size']} names (POST `queries=`, type organisation, limit 5),
  in-process HTTP: first batch {timing['cold'] * 1000:.1f} ms (includes building the candidate index from the
  store), then median {timing['median'] * 1000:.1f} ms, slowest {timing['max'] * 1000:.1f} ms over {timing['runs']} batches.
  Target: under one second.
"""


if __name__ == "__main__":
    raise SystemExit(main())
