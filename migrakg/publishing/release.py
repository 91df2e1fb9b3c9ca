"""Publish: the built dataset → an open-data release folder (default dist/).

What a release holds (docs/publishing.md):
  migrakg.ttl, migrakg.nt.gz, migrakg.nq.gz, migrakg.jsonld   the whole dataset
  organisations.csv offers.csv networks.csv memberships.csv projects.csv funding.csv   flat tables
  hsds/datapackage.json + hsds/*.csv                             Open Referral HSDS 3.0 package
  catalog.ttl (DCAT-AP.de 3.0), void.ttl, datenregister.json (Berlin Datenregister record),
  release.json (manifest), RELEASE.md (de+en), SHA256SUMS

Reproducible: the same build gives byte-identical files. No clock: the release date is the newest
mkg:sourceDate of the data (or SOURCE_DATE_EPOCH). Private persons are never in a release.
Atomic: the release is written beside the output folder and moved into place when complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ..build import NQUADS, build, sha256_file
from ..errors import Text, UsageError
from ..namespaces import MKG, ORG
from ..settings import Settings
from . import dcat, dumps, hsds, tables
from .datenregister import record as datenregister_record
from .dcat import FileEntry, Publisher
from .source import load_source, release_date

MANIFEST = "release.json"
CATALOG = "catalog.ttl"
VOID = "void.ttl"
DATENREGISTER = "datenregister.json"
NOTES = "RELEASE.md"
SUMS = "SHA256SUMS"
OSM_DUMP = "migrakg-osm.nt.gz"

Progress = Callable[[str], None]

#: what the counts in RELEASE.md and the record count
COUNTED: tuple[tuple[str, URIRef, str, str], ...] = (
    ("organisation", MKG.Organisation, "Organisationen", "organisations"),
    ("network", MKG.Network, "Netzwerke und Gremien", "networks and committees"),
    ("membership", ORG.Membership, "Mitgliedschaften", "memberships"),
    ("project", MKG.Project, "Projekte", "projects"),
    ("carrier-role", MKG.CarrierRole, "Trägerschaften", "carrier roles"),
    ("funding", MKG.Funding, "Förderungen", "grants"),
    ("offer", MKG.Offer, "Angebote", "offers"),
    ("place", MKG.Place, "Orte", "places"),
    ("district", MKG.District, "Bezirke", "districts"),
)

DUMP_TITLES = {
    "migrakg.ttl": ("Gesamter Datenbestand (Turtle)", "Whole dataset (Turtle)"),
    "migrakg.nt.gz": ("Gesamter Datenbestand (N-Triples, gzip)", "Whole dataset (N-Triples, gzip)"),
    "migrakg.nq.gz": (
        "Gesamter Datenbestand mit benannten Graphen je Quelle (N-Quads, gzip)",
        "Whole dataset with a named graph per source (N-Quads, gzip)",
    ),
    "migrakg.jsonld": ("Gesamter Datenbestand (JSON-LD)", "Whole dataset (JSON-LD)"),
}


@dataclass
class Release:
    out_dir: Path
    released: dt.date
    files: list[FileEntry]
    counts: dict[str, int]
    triples: int
    excluded: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def publish(
    settings: Settings,
    out_dir: Path | None = None,
    *,
    source_path: Path | None = None,
    publisher: Publisher | None = None,
    owner_org: str | None = None,
    environ: dict[str, str] | None = None,
    progress: Progress = lambda _m: None,
) -> Release:
    """Write a release. Builds first when there is no build. Raises SourceError / NotConforming
    (from the build) or UsageError (unreadable build)."""
    out_dir = out_dir or settings.root / "dist"
    check_out_dir(out_dir)
    publisher = publisher or Publisher()
    source_path = source_path or settings.build_path / NQUADS
    if not source_path.exists() and source_path == settings.build_path / NQUADS:
        progress(f"no build at {source_path}: building …")
        build(settings, progress=progress)
    progress(f"reading {source_path} …")
    source = load_source(source_path)
    if source.excluded:
        progress(f"left out {len(source.excluded)} private person(s)")
    released = release_date(source, environ)
    iris = settings.iris
    content: dict[str, bytes] = {}
    titles: dict[str, tuple[str, str]] = {}

    progress("dumps …")
    content["migrakg.ttl"] = dumps.turtle(source.union, iris)
    content["migrakg.nt.gz"] = dumps.gzip_bytes(dumps.ntriples(source.union))
    content["migrakg.nq.gz"] = dumps.gzip_bytes(dumps.nquads(source))
    content["migrakg.jsonld"] = dumps.jsonld(source.union, iris)
    titles.update(DUMP_TITLES)
    if len(source.odbl):  # OpenStreetMap-derived data: its own file and dataset, under the ODbL
        content[OSM_DUMP] = dumps.gzip_bytes(dumps.ntriples(source.odbl))
        titles[OSM_DUMP] = (
            "OpenStreetMap-abgeleitete Daten (N-Triples, gzip; ODbL)",
            "OpenStreetMap-derived data (N-Triples, gzip; ODbL)",
        )

    progress("tables …")
    table_rows: dict[str, int] = {}
    for table in tables.TABLES:
        data, count = tables.write_tables_one(source, table)
        content[table.file] = data
        table_rows[table.file] = count
        titles[table.file] = (f"Tabelle {table.title_de} (CSV)", f"Table of {table.title_en.lower()} (CSV)")

    progress("HSDS 3.0 …")
    hsds_rows: dict[str, int] = {}
    for name, data in hsds.package_files(source, released, iris.base, dcat.LICENSE_URL).items():
        content[f"hsds/{name}"] = data
        if name.endswith(".csv"):
            hsds_rows[name] = max(0, data.count(b"\r\n") - 1)
        label = "Datenpaket-Beschreibung" if name == "datapackage.json" else name
        titles[f"hsds/{name}"] = (
            f"HSDS 3.0: {label}",
            f"HSDS 3.0: {'data package descriptor' if name == 'datapackage.json' else name}",
        )

    files = [
        FileEntry(
            name,
            len(data),
            hashlib.sha256(data).hexdigest(),
            *titles[name],
            dataset=dcat.OSM_DATASET if name == OSM_DUMP else "migrakg",
        )
        for name, data in content.items()
    ]
    counts = {key: len(source.instances(cls)) for key, cls, _de, _en in COUNTED}
    districts = source.instances(MKG.District)

    progress("catalogue, VoID, Datenregister record …")
    catalogue = dcat.catalogue(
        source, files, iris=iris, public_url=settings.public_url, released=released, publisher=publisher, districts=districts
    )
    content[CATALOG] = dumps.turtle(catalogue, iris)
    content[VOID] = dumps.turtle(
        dcat.void_description(source, files, iris=iris, public_url=settings.public_url, released=released), iris
    )
    item = datenregister_record(
        [f for f in files if f.dataset == "migrakg"],
        public_url=settings.public_url,
        released=released,
        publisher=publisher,
        period=source.period(),
        owner_org=owner_org,
        counts={de: counts[key] for key, _cls, de, _en in COUNTED},
    )
    content[DATENREGISTER] = _json_bytes(item)
    release = Release(out_dir, released, files, counts, source.triple_count, source.excluded)
    content[MANIFEST] = _json_bytes(
        {
            "released": released.isoformat(),
            "source_sha256": sha256_file(source_path),
            "base_iri": iris.base,
            "public_url": dcat.public_base(settings.public_url),
            "triples": source.triple_count,
            "records": counts,
            "excluded_persons": len(source.excluded),
            "files": [f.as_json() for f in files],
            "tables": table_rows,
            "hsds": hsds_rows,
            "meta": [CATALOG, VOID, DATENREGISTER, NOTES, SUMS],
        }
    )
    content[NOTES] = release_notes(release, table_rows, hsds_rows, settings.public_url).encode("utf-8")
    content[SUMS] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(content.items())).encode(
        "utf-8"
    )
    progress("writing …")
    write_release(out_dir, content)
    return release


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_release(out_dir: Path, content: dict[str, bytes]) -> None:
    """All files or none: the release is written into a new folder beside *out_dir*, then swapped in.
    Raises UsageError rather than replace a folder that is not a release (it would be lost)."""
    out_dir = out_dir.resolve()
    check_out_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    old = out_dir.parent / f".{out_dir.name}-old"
    try:
        for name, data in content.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for path in [tmp, *tmp.rglob("*")]:
            os.utime(path, (0, 0))  # no clock in the release, not even in file times
        os.chmod(tmp, 0o755)
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def check_out_dir(out_dir: Path) -> None:
    """Raises UsageError if *out_dir* holds something that is not a release (it would be replaced)."""
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and read_manifest(out_dir) is None)):
        raise UsageError(
            Text(
                f"{out_dir} gibt es schon und es ist keine migrakg-Veröffentlichung; einen leeren oder neuen Ordner angeben",
                f"{out_dir} exists and is not a migrakg release; give an empty or new folder",
            )
        )


def read_manifest(folder: Path) -> dict | None:
    """The manifest of the release in *folder*, or None if there is no (readable) release."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def release_notes(release: Release, table_rows: dict[str, int], hsds_rows: dict[str, int], public_url: str | None) -> str:
    base = dcat.public_base(public_url)
    day = release.released.isoformat()
    de_counts = "\n".join(f"| {de} | {release.counts[key]} |" for key, _c, de, _en in COUNTED)
    en_counts = "\n".join(f"| {en} | {release.counts[key]} |" for key, _c, _de, en in COUNTED)
    file_rows = "\n".join(
        f"| [`{f.name}`]({base}/dumps/{f.name}) | {_size(f.size)} | `{f.sha256[:16]}…` |" for f in release.files
    )
    tables_de = ", ".join(f"`{name}` ({n} Zeilen)" for name, n in table_rows.items())
    tables_en = ", ".join(f"`{name}` ({n} rows)" for name, n in table_rows.items())
    hsds_en = ", ".join(f"`{name}` ({n})" for name, n in hsds_rows.items())
    return f"""# migrakg – Release {day}

## Deutsch

Offene Daten des Wissensgraphen der Migrant:innenorganisationen in Berlin, Stand **{day}**
(neuestes Quelldatum der Daten). {release.triples} Tripel.

| Art | Anzahl |
|---|---|
{de_counts}

Tabellen (UTF-8 mit BOM, Trennzeichen Komma, mehrere Werte mit ` | `): {tables_de}.
HSDS 3.0 (Open Referral) im Ordner `hsds/`. Katalog nach DCAT-AP.de 3.0: `catalog.ttl`;
Datensatz-Eintrag für das Berliner Datenregister: `datenregister.json`.
Keine Daten über Privatpersonen ({len(release.excluded)} Einträge ausgelassen).

Lizenz: CC BY 4.0 (http://dcat-ap.de/def/licenses/cc-by/4.0). Namensnennung: {dcat.ATTRIBUTION}.
Prüfsummen: `sha256sum -c SHA256SUMS`.

## English

Open data of the knowledge base of migrant organisations in Berlin, as of **{day}**
(the newest source date in the data). {release.triples} triples.

| kind | count |
|---|---|
{en_counts}

Tables (UTF-8 with BOM, comma-separated, several values joined by ` | `): {tables_en}.
HSDS 3.0 (Open Referral) in `hsds/`: {hsds_en}. DCAT-AP.de 3.0 catalogue: `catalog.ttl`;
record for the Berlin Datenregister: `datenregister.json`.
No data about private persons ({len(release.excluded)} records left out).

Licence: CC BY 4.0 (http://dcat-ap.de/def/licenses/cc-by/4.0). Attribution: {dcat.ATTRIBUTION}.
Checksums: `sha256sum -c SHA256SUMS`.

## Files / Dateien

| file | size | SHA-256 |
|---|---|---|
{file_rows}
"""
