"""Facts in time: the period of a membership, carrier role, funding or offer (OWL-Time), the date a
source last evidenced it, and its status today — current, ended or unknown — derived from both.

The rule (docs/decisions/2026-11-30-facts-in-time.md):

>>> as_of = dt.date(2026, 11, 30)
>>> status_code("2024", "2026", "2024", as_of)     # the period includes the reference date
'current'
>>> status_code("2015", "2025", "2025", as_of)     # the end lies before it
'ended'
>>> status_code("", "", "2025", as_of)             # no end, evidenced last year
'current'
>>> status_code("", "", "2012", as_of)             # no end, last evidenced 2012: may be out of date
'unknown'
>>> status_code("", "", "", as_of)                 # no end, undated source
'unknown'
"""

from __future__ import annotations

import datetime as dt
import os
import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import DEFAULT_BASE, MKG, ORG, TIME

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_literal(value: str) -> Literal:
    """YYYY → xsd:gYear, YYYY-MM → xsd:gYearMonth, YYYY-MM-DD → xsd:date; anything else stays a plain
    string, which the shapes then report as a wrong date."""
    match = DATE_RE.match(value)
    if not match:
        return Literal(value)
    year, month, day = match.groups()
    if day:
        return Literal(value, datatype=XSD.date)
    if month:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(year, datatype=XSD.gYear)


STATUS = DEFAULT_BASE + "vocab/status/"
#: the kinds whose records hold only for a time
TIME_BOUND = ("membership", "carrier-role", "funding", "offer")
Triple = tuple[URIRef, URIRef, URIRef | Literal]


def reference_date() -> dt.date:
    """The date statuses are computed for: MIGRAKG_STATUS_DATE (YYYY-MM-DD, for reproducible builds
    and tests) or today."""
    fixed = os.environ.get("MIGRAKG_STATUS_DATE", "")
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            pass
    return dt.date.today()


def _bounds(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a YYYY / YYYY-MM / YYYY-MM-DD value may mean."""
    match = DATE_RE.match(value)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if day and month:
            d = dt.date(year, month, day)
            return d, d
        if month:
            last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
            return dt.date(year, month, 1), last
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def status_code(start: str, end: str, evidenced: str, as_of: dt.date) -> str:
    """current | ended | unknown for a fact with *start*/*end* (may be empty), last evidenced on
    *evidenced* (the source's date, may be empty), seen from *as_of*."""
    end_bounds = _bounds(end) if end else None
    if end_bounds:
        if end_bounds[1] < as_of:
            return "ended"
        start_bounds = _bounds(start) if start else None
        if start_bounds is None or start_bounds[0] <= as_of:
            return "current"
        return "unknown"  # planned: not yet begun
    seen = _bounds(evidenced) if evidenced else None
    if seen and seen[1].year >= as_of.year - 1:
        return "current"
    return "unknown"


def _instant(node: URIRef, value: str) -> list[Triple]:
    literal = date_literal(value)
    predicate = {XSD.date: TIME.inXSDDate, XSD.gYearMonth: TIME.inXSDgYearMonth, XSD.gYear: TIME.inXSDgYear}.get(
        literal.datatype  # type: ignore[arg-type]
    )
    if predicate is None:
        return []  # not a date: the shapes report the start/end column itself
    return [(node, RDF.type, TIME.Instant), (node, predicate, literal)]


def time_triples(kind: str, subject: URIRef, values: dict[str, str], as_of: dt.date, status: str | None = None) -> list[Triple]:
    """The period (`org:memberDuring` for memberships, `time:hasTime` otherwise → a time:Interval with
    its beginning and end, exactly as the source states them), `mkg:lastEvidenced` and `mkg:status` of a
    time-bound record (*status* when the caller knows more than the record's own values)."""
    if kind not in TIME_BOUND:
        return []
    start, end, evidenced = values.get("start", ""), values.get("end", ""), values.get("source_date", "")
    out: list[Triple] = []
    if start or end:
        period = URIRef(f"{subject}#period")
        out += [(subject, ORG.memberDuring if kind == "membership" else TIME.hasTime, period), (period, RDF.type, TIME.Interval)]
        if start and (begin := _instant(URIRef(f"{subject}#start"), start)):
            out += [(period, TIME.hasBeginning, URIRef(f"{subject}#start")), *begin]
        if end and (finish := _instant(URIRef(f"{subject}#end"), end)):
            out += [(period, TIME.hasEnd, URIRef(f"{subject}#end")), *finish]
    if evidenced and DATE_RE.match(evidenced):
        out.append((subject, MKG.lastEvidenced, date_literal(evidenced)))
    status = status or status_code(start, end, evidenced, as_of)
    out.append((subject, MKG.status, URIRef(STATUS + status)))
    out.append((subject, MKG.statusAsOf, Literal(as_of.isoformat(), datatype=XSD.date)))
    return out
