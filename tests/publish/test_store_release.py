"""The knowledge base's own release (`{store}/release/`, published by the server after commits): a state
whose export is unchanged is not published again; a changed state is, and its files are byte for byte what
`migrakg publish` writes from the same export; a district's release (`--source`) is its source's export."""

from __future__ import annotations

import shutil
from pathlib import Path

from migrakg.importing import run_import
from migrakg.kb import KnowledgeBase
from migrakg.kb.export import export_nquads
from migrakg.publishing.release import publish
from migrakg.web.releases import publish_store_release

FIXTURE = Path(__file__).resolve().parent.parent / "shapes" / "valid" / "network-memberships.ttl"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_store_release_follows_changes_and_skips_what_did_not_change(settings, kb_template, tmp_path):
    shutil.copytree(kb_template, tmp_path / "kb")
    with KnowledgeBase.open(tmp_path / "kb", settings) as kb:
        first = publish_store_release(settings, kb.readers)
        assert first is not None
        folder = first.folder
        probe = folder / ".probe"  # gone when the folder is replaced by a new release
        probe.write_text("x", encoding="utf-8")

        kb.readers.generation = 10_000  # another state with the same content (as after a change and its revert)
        again = publish_store_release(settings, kb.readers)
        assert again is not None and probe.exists(), "not published again"
        assert (folder.parent / "release.generation").read_text(encoding="utf-8").strip() == str(kb.generation)

        path = tmp_path / "netz.ttl"
        shutil.copy(FIXTURE, path)
        run_import(settings, path, kb=kb, source="netz")
        changed = publish_store_release(settings, kb.readers)
        assert changed is not None and not probe.exists()
        assert changed.manifest["triples"] > first.manifest["triples"]

        export = tmp_path / "all.nq"
        export_nquads(kb.store, kb.base, export)
        publish(settings, tmp_path / "fresh", source_path=export)
        assert files(folder) == files(tmp_path / "fresh")

        district = tmp_path / "netz.nq"
        export_nquads(kb.store, kb.base, district, ["netz"])
        own = publish(settings, tmp_path / "netz-release", source_path=district)
        assert own.triples < changed.manifest["triples"]
        assert files(tmp_path / "netz-release") == files(publish(settings, tmp_path / "netz-again", source_path=district).out_dir)
