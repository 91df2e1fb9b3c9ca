"""Does the search find what people type? A set of queries people would type (German and English), each
with the records it must find (search-relevance.csv beside this file), run on the real data.

Reports per query and overall: recall (share of the records it must find that it found) and
R-precision (share of the first n results that are among the n records it must find). The report goes
to test-artifacts/search-relevance.json. It asks for a recall of at least 0.95, not one empty answer, and an
R-precision of at least 0.89. Measured on the 119 organisations of today's data: recall 0.992, R-precision
0.899 (docs/pages.md, "Relevance set", says what the search learnt for it and what it still misses)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

SET = Path(__file__).with_name("search-relevance.csv")
BASE = "https://w3id.org/migrakg/id/"


RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.89


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
