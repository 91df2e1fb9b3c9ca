"""A release folder as the server sees it: which files may be served, their types, ETags, graphs.

Only files named in the release (manifest + SHA256SUMS) can be served — a request can never reach
any other file, whatever its path says.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .. import formats
from ..errors import MigrakgError, Text
from ..settings import Settings
from ..sparql.store import KnowledgeStore

#: the formats of the files a release serves (anything else is served as plain text)
FILE_FORMATS = (formats.GZIP, formats.TURTLE, formats.JSONLD, formats.CSV, formats.JSON, formats.MARKDOWN)

_lock = threading.Lock()
_cache: dict[tuple[str, str], ServedRelease] = {}


@dataclass
class ServedRelease:
    folder: Path
    manifest: dict
    sums: dict[str, str]  # file name → sha256 (every file except SHA256SUMS itself)
    sums_bytes: bytes
    _graphs: dict[str, Graph] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted([*self.sums, "SHA256SUMS"])

    def path(self, name: str) -> Path | None:
        """The file for a release name, or None if *name* is not part of the release."""
        if name not in self.sums and name != "SHA256SUMS":
            return None
        path = self.folder / name
        return path if path.is_file() else None

    def sha256(self, name: str) -> str:
        return self.sums.get(name) or hashlib.sha256(self.sums_bytes).hexdigest()

    def etag(self, name: str) -> str:
        return f'"{self.sha256(name)[:32]}"'

    @staticmethod
    def media_type(name: str) -> str:
        return (formats.by_extension(name, FILE_FORMATS) or formats.TEXT).content_type

    def graph(self, name: str) -> Graph:
        """catalog.ttl or void.ttl as a graph (parsed once per release)."""
        if name not in self._graphs:
            graph = Graph()
            graph.parse(self.folder / name, format="turtle")
            self._graphs[name] = graph
        return self._graphs[name]

    def serialise(self, name: str, fmt: formats.Format) -> bytes:
        graph = self.graph(name)
        if fmt is formats.TURTLE:
            return (self.folder / name).read_bytes()
        data = graph.serialize(format=fmt.rdflib or fmt.name)
        return data.encode("utf-8") if isinstance(data, str) else data


def open_release(folder: Path) -> ServedRelease | None:
    """The release in *folder*, or None when there is none."""
    from ..publishing.release import read_manifest

    try:
        sums_bytes = (folder / "SHA256SUMS").read_bytes()
    except OSError:
        return None
    key = (str(folder), hashlib.sha256(sums_bytes).hexdigest())
    with _lock:
        if key in _cache:
            return _cache[key]
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    sums = {}
    for line in sums_bytes.decode("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name and ".." not in name.split("/") and not name.startswith("/"):
            sums[name] = digest
    release = ServedRelease(folder, manifest, sums, sums_bytes)
    with _lock:
        _cache[key] = release
    return release


def release_folders(settings: Settings) -> tuple[Path, Path]:
    """Where a release is looked for, in this order: dist/ in the project folder (where `migrakg
    publish` writes by default), then dist/ in the build folder (`migrakg publish --out build/dist`)."""
    return settings.root / "dist", settings.build_path / "dist"


def store_release_folder(store: KnowledgeStore) -> Path | None:
    """Where the release of a knowledge base lives: `{store}/release/` (None for files served in memory)."""
    return store.folder / "release" if store.folder is not None else None


_publish_lock = threading.Lock()


def publish_store_release(settings: Settings, store: KnowledgeStore) -> ServedRelease | None:
    """Publish what the knowledge base holds now into `{store}/release/`, so catalogue, dumps and VoID
    count what pages and /sparql show. Called by the write path (after each committed change, in the
    background) and at server start — never by a request. `{store}/release.generation` records which state it is.
    A state whose export is byte for byte the one the release was made from is not published again."""
    folder = store_release_folder(store)
    if folder is None:
        return None
    stamp = folder.parent / "release.generation"  # beside the release: its files and checksums stay as published
    with _publish_lock:
        generation = store.generation
        release = open_release(folder)
        if release is not None and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == str(generation):
            return release
        import tempfile

        from ..build import sha256_file
        from ..kb.export import export_nquads
        from ..publishing.dcat import public_base
        from ..publishing.release import publish

        with tempfile.TemporaryDirectory(prefix="migrakg-release-") as tmp:
            source = Path(tmp) / "knowledge-base.nq"
            with store.lock:
                export_nquads(store.store, settings.base_iri, source)
            # the same export gives the same release (it is reproducible): only the stamp moves on
            made_from = release.manifest if release is not None else {}
            if (made_from.get("source_sha256"), made_from.get("public_url")) != (
                sha256_file(source),
                public_base(settings.public_url),
            ):
                publish(settings, folder, source_path=source)
        stamp.write_text(f"{generation}\n", encoding="utf-8")
        with _lock:
            _cache.clear()
        return open_release(folder)


def current_release(settings: Settings, store: KnowledgeStore | None = None) -> ServedRelease:
    """The release to serve: the knowledge base's own (`{store}/release/`, kept level by the write path),
    else the one `migrakg publish` wrote (dist/ or build/dist/). Serving only reads: a request never
    publishes, whatever is missing or stale (an anonymous GET must not write files). Raises
    ReleaseUnavailable (503) when there is no release yet."""
    folders = list(release_folders(settings))
    own = store_release_folder(store) if store is not None else None
    if own is not None:
        folders.insert(0, own)
    for folder in folders:
        release = open_release(folder)
        if release is not None:
            return release
    raise ReleaseUnavailable(
        Text(
            "es gibt noch keine Veröffentlichung: sie entsteht beim Start des Servers und nach jeder Änderung; "
            "sonst `migrakg publish` ausführen",
            "there is no release yet: the server makes one at start and after every change; otherwise run `migrakg publish`",
        )
    )


class ReleaseUnavailable(MigrakgError):
    """No release folder (HTTP 503)."""

    status = 503
