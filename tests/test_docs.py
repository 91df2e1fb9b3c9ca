"""Documentation keeps up with the code: every setting, command and HTTP path is documented."""

from __future__ import annotations

from pathlib import Path

from migrakg.cli import COMMANDS
from migrakg.settings import settings_table

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented():
    text = (ROOT / "docs/settings.md").read_text(encoding="utf-8")
    for name, env, _default, _help in settings_table():
        assert f"`{name}`" in text and f"`{env}`" in text, name


def test_every_command_is_documented():
    text = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"`migrakg {name}" in text, name


def test_every_contract_path_is_documented():
    text = (ROOT / "docs/http.md").read_text(encoding="utf-8")
    for path in (
        "/sparql",
        "/update",
        "/id/{kind}/{slug}",
        "/ontology",
        "/vocab/{scheme}",
        "/search",
        "/catalog",
        "/dumps/{file}",
        "/.well-known/void",
        "/reconcile",
        "/health",
    ):
        assert path in text, path


def test_readme_first_screen_has_the_set_up_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make run" in first_screen and "make test" in first_screen
