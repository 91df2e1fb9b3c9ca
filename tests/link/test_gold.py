"""Quality on the labelled gold set (bench/linking/): F1 ≥ 0.9 at the default threshold and no false owl:sameAs.
A quality assertion, not a timing one; bench/LINKING.md has the full table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from migrakg.linking.io import our_entities
from migrakg.linking.match import DEFAULT_THRESHOLD, Index, decide, evaluate

GOLD = Path(__file__).resolve().parents[2] / "bench/linking/gold.py"


def load_gold():
    spec = importlib.util.spec_from_file_location("linking_gold", GOLD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_f1_and_no_false_sameas_on_the_gold_set(settings, kb_store, shared):
    theirs, gold = load_gold().gold_set(settings, shared)
    assert len(gold) >= 60 and len(theirs) > 400
    links = decide(Index(our_entities(kb_store.store, settings.iris)), theirs, threshold=DEFAULT_THRESHOLD)
    quality = evaluate(links, gold, DEFAULT_THRESHOLD)
    false_sameas = sorted({(l.ours, l.theirs) for l in links if l.relation == "sameAs"} - gold)
    assert not false_sameas
    assert quality.f1 >= 0.9, (quality.precision, quality.recall)
