"""Facts in time: the status rule and the OWL-Time triples of a time-bound record."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from migrakg.namespaces import MKG, ORG, TIME
from migrakg.sources.periods import status_code, time_triples

AS_OF = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("start", "end", "evidenced", "expected"),
    [
        ("2024", "2026", "2024", "current"),
        ("2024-04", "2026-12-31", "", "current"),
        ("2015", "2025", "2025", "ended"),
        ("2022-07", "2026-11-29", "2026", "ended"),
        ("2027", "2028", "2026", "unknown"),  # not begun yet
        ("", "", "2026-01-05", "current"),
        ("", "", "2025", "current"),
        ("", "", "2024", "unknown"),
        ("", "", "2012", "unknown"),  # the 2012 advisory-board list does not read as current
        ("2012", "", "", "unknown"),
    ],
)
def test_status_rule(start, end, evidenced, expected):
    assert status_code(start, end, evidenced, AS_OF) == expected


def test_membership_period_is_org_member_during_with_owl_time():
    s = URIRef("https://w3id.org/migrakg/id/membership/x--y--member")
    g = Graph()
    for t in time_triples("membership", s, {"start": "2016-05", "end": "2019", "source_date": "2019"}, AS_OF):
        g.add(t)
    period = g.value(s, ORG.memberDuring)
    assert (period, RDF.type, TIME.Interval) in g
    begin, end = g.value(period, TIME.hasBeginning), g.value(period, TIME.hasEnd)
    assert str(g.value(begin, TIME.inXSDgYearMonth)) == "2016-05" and str(g.value(end, TIME.inXSDgYear)) == "2019"
    assert str(g.value(s, MKG.status)).endswith("/ended") and str(g.value(s, MKG.lastEvidenced)) == "2019"


def test_other_kinds_use_time_has_time_and_no_period_without_dates():
    s = URIRef("https://w3id.org/migrakg/id/offer/x")
    g = Graph()
    for t in time_triples("offer", s, {"source_date": "2016"}, AS_OF):
        g.add(t)
    assert g.value(s, TIME.hasTime) is None and str(g.value(s, MKG.status)).endswith("/unknown")
    assert time_triples("organisation", s, {"start": "2016"}, AS_OF) == []
