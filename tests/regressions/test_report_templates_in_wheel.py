"""Bug: `pyproject.toml` listed only the web templates as package data, so an installed (non-editable)
migrakg had no `reporting/templates/report.html` and `migrakg report` failed with TemplateNotFound.
Fixed by listing every folder of files the package reads; tests/test_packaging.py runs the whole wheel."""

from __future__ import annotations

import zipfile

from tests.test_packaging import build_wheel


def test_report_template_is_in_the_wheel(tmp_path):
    names = zipfile.ZipFile(build_wheel(tmp_path)).namelist()
    assert "migrakg/reporting/templates/report.html" in names
    assert "migrakg/web/templates/base.html" in names
