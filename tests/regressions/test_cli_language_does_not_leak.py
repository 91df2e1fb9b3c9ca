"""`migrakg.cli.main([... "--lang", "de" ...])` run in-process (tests, scripts) set MIGRAKG_LANG for the
rest of the process: later messages came in German whatever the caller's language. The command's
language lasts as long as the command."""

from __future__ import annotations

import os

from migrakg import cli


def test_the_commands_language_ends_with_the_command(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("MIGRAKG_LANG", raising=False)
    assert cli.main(["--lang", "de", "revert", "999999", "--store", str(tmp_path / "kb")]) != 0
    assert "MIGRAKG_LANG" not in os.environ
    monkeypatch.setenv("MIGRAKG_LANG", "en")
    cli.main(["--lang", "de", "revert", "999999", "--store", str(tmp_path / "kb")])
    assert os.environ["MIGRAKG_LANG"] == "en"
    capsys.readouterr()
