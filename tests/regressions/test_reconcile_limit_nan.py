"""Regression: /reconcile with `"limit": NaN` or `Infinity` answered 500 (OverflowError in int())."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("limit", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_limit_that_is_no_finite_number_is_a_clear_400(client, limit):
    queries = '{"q0": {"query": "NARUD", "limit": %s}}' % limit
    r = client.post("/reconcile", data={"queries": queries}, headers={"Accept": "application/json"})
    assert r.status_code == 400, r.text
    assert "limit" in r.json()["message_en"] or "JSON" in r.json()["message_en"]


def test_a_finite_limit_still_reconciles(client):
    r = client.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "NARUD", "limit": 2.0}})})
    assert r.status_code == 200 and 1 <= len(r.json()["q0"]["result"]) <= 2
