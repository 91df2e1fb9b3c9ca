"""Every example query (queries/*.rq) has German and English titles and returns rows on the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrakg.sparql.examples import load_examples
from migrakg.sparql.service import QueryRequest, check_query

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = load_examples(ROOT / "queries")


def test_there_are_examples():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_query_returns_rows(example, service):
    for lang in ("de", "en"):
        assert example.titles.get(lang), f"{example.name}: title@{lang} missing"
        assert example.descriptions.get(lang), f"{example.name}: description@{lang} missing"
    check_query(example.text)
    result = service.run(QueryRequest(example.text))
    assert result.form in ("select", "ask", "graph")
    if result.form == "ask":
        assert result.boolean
    else:
        assert result.count > 0, f"{example.name} returns no rows on the real data"


def test_query_page_lists_every_example(client):
    page = client.get("/sparql", headers={"Accept": "text/html"}).text
    for example in EXAMPLES:
        assert example.title("de") in page.replace("&#39;", "'").replace("&amp;", "&")
    page_en = client.get("/sparql?lang=en", headers={"Accept": "text/html"}).text
    assert EXAMPLES[0].title("en").split(",")[0] in page_en
