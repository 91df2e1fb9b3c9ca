"""The actor analysis (Akteursanalyse): figures, coverage gaps, network map and timeline, as a
self-contained HTML page with SVG charts and as CSV files — every figure from one query in
queries/report/. Used by `migrakg report` and by /report in the web service.
"""

from .html import render_html, write_report
from .model import Report, UnknownDistrict, build_report, store_select

__all__ = ["Report", "UnknownDistrict", "build_report", "render_html", "store_select", "write_report"]
