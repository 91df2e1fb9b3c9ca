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

from ..errors import MigrakgError, Text
from ..settings import Settings
from ..sparql.store import KnowledgeStore

MEDIA_TYPES = {
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".gz": "application/gzip",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
}
SERIALISATIONS = {  # media type → rdflib serialiser
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}

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
        for suffix, media in MEDIA_TYPES.items():
            if name.endswith(suffix):
                return media
        return "text/plain; charset=utf-8"

    def graph(self, name: str) -> Graph:
        """catalog.ttl or void.ttl as a graph (parsed once per release)."""
        if name not in self._graphs:
            graph = Graph()
            graph.parse(self.folder / name, format="turtle")
            self._graphs[name] = graph
        return self._graphs[name]

    def serialise(self, name: str, media: str) -> bytes:
        graph = self.graph(name)
        if media == "text/turtle":
            return (self.folder / name).read_bytes()
        data = graph.serialize(format=SERIALISATIONS[media])
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
    """(where `migrakg publish` writes by default, where the server publishes on demand)."""
    return settings.root / "dist", settings.build_path / "dist"


_publish_lock = threading.Lock()
_build_sums: dict[tuple[str, int, int], str] = {}


def _build_sha256(path: Path) -> str | None:
    """SHA-256 of the build file, remembered by (path, mtime, size) so requests do not re-read it."""
    from ..build import sha256_file

    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _build_sums:
        _build_sums[key] = sha256_file(path)
    return _build_sums[key]


_store_releases: dict[str, int] = {}  # release folder → store generation it was published from


def store_release(settings: Settings, store: KnowledgeStore) -> ServedRelease:
    """The release of what the knowledge base holds now: `{store}/release/`, published again after every
    change (the generation moved), so catalogue, dumps and VoID count what pages and /sparql show."""
    assert store.folder is not None
    folder = store.folder / "release"
    key = str(folder)
    release = open_release(folder)
    if release is not None and _store_releases.get(key) == store.generation:
        return release
    with _publish_lock:
        generation = store.generation
        release = open_release(folder)
        if release is None or _store_releases.get(key) != generation:
            import tempfile

            from ..kb.export import export_nquads
            from ..publishing.release import publish

            with tempfile.TemporaryDirectory(prefix="migrakg-release-") as tmp:
                source = Path(tmp) / "knowledge-base.nq"
                with store.lock:
                    export_nquads(store.store, settings.base_iri, source)
                publish(settings, folder, source_path=source)
            _store_releases[key] = generation
            release = open_release(folder)
    if release is None:
        raise ReleaseUnavailable("no release available; run `migrakg publish`")
    return release


def ensure_release(settings: Settings, store: KnowledgeStore | None = None) -> ServedRelease:
    """The release to serve: for the knowledge base, the release of what it holds now (`store_release`);
    otherwise dist/ in the project folder if `migrakg publish` wrote one there (served as it is), else
    build/dist/, published from the current build when missing or when the build has changed since.
    Raises ReleaseUnavailable when no release can be made."""
    from ..build import NQUADS

    if store is not None and store.folder is not None:
        return store_release(settings, store)
    published, on_demand = release_folders(settings)
    release = open_release(published)
    if release is not None:
        return release
    current = _build_sha256(settings.build_path / NQUADS)
    release = open_release(on_demand)
    if release is not None and (current is None or release.manifest.get("source_sha256") == current):
        return release
    with _publish_lock:
        release = open_release(on_demand)
        if release is None or (current is not None and release.manifest.get("source_sha256") != current):
            from ..publishing.release import publish

            try:
                publish(settings, on_demand)
            except MigrakgError as exc:
                raise ReleaseUnavailable(
                    Text(
                        f"keine Veröffentlichung verfügbar ({exc.text.de}); `migrakg publish` ausführen",
                        f"no release available ({exc.text.en}); run `migrakg publish`",
                    )
                ) from None
            release = open_release(on_demand)
    if release is None:
        raise ReleaseUnavailable("no release available; run `migrakg publish`")
    return release


class ReleaseUnavailable(MigrakgError):
    """No release folder and none could be published (HTTP 503)."""

    status = 503
