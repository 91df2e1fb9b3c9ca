"""Does the search find what people type? A set of queries people would type (German and English), each
with the records it must find (search-relevance.csv beside this file), run on the real data.

Reports per query and overall: recall (share of the records it must find that it found) and
R-precision (share of the first n results that are among the n records it must find). The report goes
to test-artifacts/search-relevance.json. The goal is a recall of at least 0.95 and not one empty answer.
Measured on the 119 organisations of today's data the search reaches 0.927 (R-precision 0.885): the gaps
are listed in docs/pages.md ("Search relevance": migrant organisations as such, gender-star spellings,
English word forms, offer texts not carried to their organisation). Until they are closed the test keeps
that level — a guard against getting worse, not the goal."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

SET = Path(__file__).with_name("search-relevance.csv")
BASE = "https://w3id.org/migrakg/id/"


#: the level reached today (goal: recall 0.95; see the module's docstring)
RECALL_FLOOR = 0.92
PRECISION_FLOOR = 0.88


def cases() -> list[dict[str, str]]:
    with SET.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def index(service):
    from migrakg.linkeddata.search import build_index

    return build_index(service)


def test_the_set_is_big_enough_and_bilingual():
    rows = cases()
    assert len(rows) >= 40
    assert {r["lang"] for r in rows} == {"de", "en"} and sum(r["lang"] == "en" for r in rows) >= 15
    assert all(r["query"].strip() and r["must_find"].split() for r in rows)


def test_search_finds_what_people_type(index, artifacts):
    measured = []
    for case in cases():
        expected = [BASE + ref for ref in case["must_find"].split()]
        result = index.search(case["query"], per_page=1000, lang=case["lang"])
        found = [item.iri for item in result.items]
        hits = [iri for iri in expected if iri in found]
        top = found[: len(expected)]
        measured.append(
            {
                "query": case["query"],
                "lang": case["lang"],
                "results": result.total,
                "recall": len(hits) / len(expected),
                "r_precision": sum(iri in expected for iri in top) / len(expected),
                "missed": [iri[len(BASE) :] for iri in expected if iri not in found],
            }
        )
    recall = sum(m["recall"] for m in measured) / len(measured)
    precision = sum(m["r_precision"] for m in measured) / len(measured)
    summary = {"queries": len(measured), "recall": round(recall, 3), "r_precision": round(precision, 3), "per_query": measured}
    (artifacts / "search-relevance.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nsearch relevance: {len(measured)} queries, recall {recall:.3f}, R-precision {precision:.3f}")
    empty = [m["query"] for m in measured if not m["results"]]
    assert not empty, f"no answer for {empty}"
    assert recall >= RECALL_FLOOR, [m for m in measured if m["missed"]]
    assert precision >= PRECISION_FLOOR, [m for m in measured if m["r_precision"] < 1]
