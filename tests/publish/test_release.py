"""A release is complete, reproducible to the byte, and dated from the data, not the clock."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from migrakg.publishing.release import publish

EXPECTED = {
    "migrakg.ttl",
    "migrakg.nt.gz",
    "migrakg.nq.gz",
    "migrakg.jsonld",
    "organisations.csv",
    "offers.csv",
    "networks.csv",
    "memberships.csv",
    "projects.csv",
    "funding.csv",
    "hsds/datapackage.json",
    "hsds/organizations.csv",
    "hsds/services.csv",
    "hsds/locations.csv",
    "hsds/service_at_location.csv",
    "hsds/languages.csv",
    "hsds/contacts.csv",
    "hsds/funding.csv",
    "hsds/taxonomies.csv",
    "hsds/taxonomy_terms.csv",
    "hsds/attributes.csv",
    "hsds/schedules.csv",
    "hsds/organization_identifiers.csv",
    "hsds/metadata.csv",
    "catalog.ttl",
    "void.ttl",
    "datenregister.json",
    "release.json",
    "RELEASE.md",
    "SHA256SUMS",
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_release_holds_every_part(dist):
    assert EXPECTED <= set(files_of(dist))


def test_same_input_gives_byte_identical_release(settings, dist, tmp_path):
    again = publish(settings, tmp_path / "again")
    assert files_of(dist) == files_of(again.out_dir)


def test_release_is_identical_from_another_process_with_other_hash_seed(settings, dist, tmp_path):
    """Set and dict order of another interpreter must not leak into any file."""
    out = tmp_path / "other"
    env = {**os.environ, "PYTHONHASHSEED": "4711", "MIGRAKG_BUILD": str(settings.build_path), "MIGRAKG_ROOT": str(settings.root)}
    env.pop("MIGRAKG_PUBLIC_URL", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(
        [sys.executable, "-m", "migrakg.cli", "publish", "--quiet", "--out", str(out)], env=env, check=True, capture_output=True
    )
    assert files_of(dist) == files_of(out)


def test_checksums_cover_every_other_file(dist):
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == set(files_of(dist)) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name
    assert lines == sorted(lines, key=lambda l: l.split("  ", 1)[1])


def test_gzip_dumps_carry_no_time_or_name(dist):
    for name in ("migrakg.nt.gz", "migrakg.nq.gz"):
        header = (dist / name).read_bytes()[:10]
        assert header[:2] == b"\x1f\x8b"
        assert header[4:8] == b"\x00\x00\x00\x00", "mtime must be 0"
        assert header[3] & 0x08 == 0, "no file name in the header"
        gzip.decompress((dist / name).read_bytes())


def test_release_date_is_the_newest_source_date(release, source, data_rows):
    from migrakg.publishing.source import release_date

    assert release.released == source.newest_source_date()
    # the newest source_date of any record in data/*.csv, a year or month read as its first day
    stated = [
        r["source_date"]
        for table in (
            "organisations",
            "networks",
            "memberships",
            "projects",
            "carrier-roles",
            "fundings",
            "offers",
            "places",
            "districts",
        )
        for r in data_rows(table)
    ]
    newest = max((d + "-01-01")[:10] if len(d) == 4 else (d + "-01")[:10] if len(d) == 7 else d for d in stated if d)
    assert release_date(source, {}).isoformat() == newest


def test_source_date_epoch_overrides_the_data(settings, tmp_path):
    out = publish(settings, tmp_path / "epoch", environ={"SOURCE_DATE_EPOCH": "1767225600"})  # 2026-01-01
    manifest = json.loads((out.out_dir / "release.json").read_text(encoding="utf-8"))
    assert manifest["released"] == "2026-01-01"
    assert '"2026-01-01"^^xsd:date' in (out.out_dir / "catalog.ttl").read_text(encoding="utf-8")


def test_release_notes_are_bilingual_with_counts(release, dist):
    text = (dist / "RELEASE.md").read_text(encoding="utf-8")
    assert "## Deutsch" in text and "## English" in text
    assert f"| Organisationen | {release.counts['organisation']} |" in text
    assert f"| organisations | {release.counts['organisation']} |" in text
    assert str(release.triples) in text
    assert release.counts["organisation"] > 40 and release.counts["offer"] > 10


def test_publish_builds_first_when_there_is_no_build(tmp_path):
    from migrakg.settings import Settings
    from tests.conftest import ROOT

    settings = Settings(root=ROOT, build_dir=tmp_path / "build")
    result = publish(settings, tmp_path / "dist")
    assert (tmp_path / "build" / "migrakg.nq").exists()
    assert result.triples > 3000


def test_cli_publish_prints_summary_and_exits_0(settings, tmp_path, capsys, monkeypatch):
    from migrakg.cli import main

    monkeypatch.setenv("MIGRAKG_ROOT", str(settings.root))
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    assert main(["publish", "--quiet", "--out", str(tmp_path / "d")]) == 0
    assert "published" in capsys.readouterr().out


def test_cli_reports_a_missing_source_file_without_trace(tmp_path, capsys):
    from migrakg.cli import main

    assert main(["publish", "--nquads", str(tmp_path / "none.nq"), "--out", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "none.nq" in err


def test_a_folder_that_is_not_a_release_is_never_replaced(settings, tmp_path, capsys, monkeypatch):
    from migrakg.cli import main

    monkeypatch.setenv("MIGRAKG_ROOT", str(settings.root))
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "letter.txt").write_text("keep me", encoding="utf-8")
    assert main(["publish", "--quiet", "--out", str(precious)]) == 2
    assert (precious / "letter.txt").read_text(encoding="utf-8") == "keep me"
    err = capsys.readouterr().err
    assert "not a migrakg release" in err or "keine migrakg" in err


def test_republishing_over_a_release_replaces_it(settings, tmp_path):
    out = tmp_path / "dist"
    publish(settings, out)
    (out / "stale.txt").write_text("old", encoding="utf-8")
    publish(settings, out)
    assert not (out / "stale.txt").exists() and (out / "SHA256SUMS").exists()
