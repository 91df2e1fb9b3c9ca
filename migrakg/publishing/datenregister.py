"""The Berlin Datenregister record (Berlin Open Data JSON Schema 2.3.1) and the push to a CKAN API.

daten.berlin.de takes a dataset as one JSON record through the Datenregister's CKAN Action API:
`package_show` tells whether it exists, then `package_create` or `package_update`.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..errors import MigrakgError, Text
from .dcat import ATTRIBUTION, DATENREGISTER_LICENSE, FileEntry, Publisher, download_url, public_base

NAME = "migrakg-migrantenorganisationen-berlin"
BERLIN_SOURCE = "api-migrakg"


class PushError(MigrakgError):
    """The CKAN API could not be reached or refused the record (exit 2)."""

    status = 502


def record(
    files: list[FileEntry],
    *,
    public_url: str | None,
    released: dt.date,
    publisher: Publisher,
    period: tuple[dt.date, dt.date] | None,
    counts: dict[str, int],
    owner_org: str | None = None,
) -> dict:
    """The dataset as a Datenregister record. Dates are `YYYY-MM-DD` (the portal's `isodate_notime`).
    *counts*: German label → number, for the description."""
    base = public_base(public_url)
    contact = ("mailto:" + publisher.contact_email) if publisher.contact_email else (publisher.contact_url or base + "/")
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    item: dict = {
        "name": NAME,
        "title": "Migrant:innenorganisationen in Berlin – Wissensgraph migrakg",
        "berlin_type": "datensatz",
        "berlin_source": BERLIN_SOURCE,
        "author": publisher.name,
        "author_email": contact,
        "maintainer": publisher.name,
        "maintainer_email": contact,
        "url": base + "/catalog",
        "notes": (
            "Migrant:innenorganisationen, Netzwerke und Gremien, Projekte, Angebote, Förderungen und Mitgliedschaften "
            "in Berlin (bisher vor allem Pankow und Spandau), jeder Eintrag mit Quelle und Datum. "
            f"Stand {released.isoformat()}: {summary}.\n\n"
            "Als Linked Open Data (Turtle, N-Triples, JSON-LD), als Tabellen (CSV, UTF-8), im Format Open Referral "
            f"HSDS 3.0 und über den SPARQL-Endpunkt {base}/sparql. Keine Daten über Privatpersonen."
        ),
        "license_id": DATENREGISTER_LICENSE,
        "attribution_text": ATTRIBUTION,
        "date_released": released.isoformat(),
        "date_updated": released.isoformat(),
        "geographical_granularity": "Bezirk",
        "geographical_coverage": "Berlin",
        "temporal_granularity": "Keine",
        "groups": [{"name": "sozial"}],
        "tags": [
            {"name": t}
            for t in ("Integration", "Linked Open Data", "Migration", "Migrantenorganisationen", "Netzwerke", "Pankow", "Spandau")
        ],
        "resources": [
            {
                "url": download_url(public_url, entry.name),
                "format": _format(entry),
                "description": entry.title_de,
                "language": "de",
                "hash": entry.sha256,
            }
            for entry in files
        ],
    }
    item["resources"].append(
        {"url": base + "/sparql", "format": "SPARQL", "language": "de", "description": "SPARQL-Endpunkt (SPARQL 1.1 Protocol)"}
    )
    if period is not None:
        item["temporal_coverage_from"] = period[0].isoformat()
        item["temporal_coverage_to"] = period[1].isoformat()
    if owner_org:
        item["owner_org"] = owner_org
    return item


def _format(entry: FileEntry) -> str:
    for suffix, label in (
        (".ttl", "Turtle"),
        (".nt.gz", "N-Triples"),
        (".nq.gz", "N-Quads"),
        (".jsonld", "JSON-LD"),
        (".csv", "CSV"),
        (".json", "JSON"),
    ):
        if entry.name.endswith(suffix):
            return label
    return "Datei"


# -- push ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushResult:
    action: str  # package_create | package_update
    name: str


def push(item: dict, url: str, token: str, *, timeout: float = 30.0) -> PushResult:
    """Send *item* to the CKAN at *url*: package_show, then package_create or package_update.
    Raises PushError with a message for a person (network error, refused token, CKAN validation)."""
    if not url.startswith(("http://", "https://")):
        raise PushError(
            Text(
                f"„{url}“ ist keine http(s)-Adresse einer CKAN-Instanz", f"'{url}' is not the http(s) address of a CKAN instance"
            )
        )
    api = url.rstrip("/") + "/api/3/action/"
    exists = _call(api + "package_show", {"id": item["name"]}, token, timeout, missing_ok=True)
    if exists is None:
        _call(api + "package_create", item, token, timeout)
        return PushResult("package_create", item["name"])
    _call(api + "package_update", {**item, "id": exists.get("id", item["name"])}, token, timeout)
    return PushResult("package_update", item["name"])


def _call(endpoint: str, body: dict, token: str, timeout: float, *, missing_ok: bool = False) -> dict | None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        endpoint,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Authorization": token,
            "User-Agent": "migrakg-publish",
        },
    )
    action = endpoint.rsplit("/", 1)[-1]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = _json(response.read())
    except urllib.error.HTTPError as exc:
        payload = _json(exc.read())
        error = payload.get("error") if isinstance(payload, dict) else None
        if missing_ok and exc.code == 404:
            return None
        if exc.code in (401, 403):
            raise PushError(
                Text(
                    f"{action}: die CKAN-Instanz lehnt den Token ab (HTTP {exc.code}); Token und Rechte der Organisation prüfen",
                    f"{action}: the CKAN instance refused the token (HTTP {exc.code}); check the token and the organisation's rights",
                )
            ) from None
        detail = _ckan_error(error) or f"HTTP {exc.code}"
        raise PushError(Text(f"{action} abgelehnt: {detail}", f"{action} refused: {detail}")) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(
            Text(
                f"CKAN-Instanz unter {endpoint} nicht erreichbar: {reason}",
                f"cannot reach the CKAN instance at {endpoint}: {reason}",
            )
        ) from None
    if not isinstance(payload, dict) or not payload.get("success"):
        detail = _ckan_error(payload.get("error") if isinstance(payload, dict) else None) or "unexpected answer"
        raise PushError(Text(f"{action} abgelehnt: {detail}", f"{action} refused: {detail}"))
    result = payload.get("result")
    return result if isinstance(result, dict) else {}


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}


def _ckan_error(error: object) -> str:
    if not isinstance(error, dict):
        return ""
    parts = [str(error.get("message", ""))] if error.get("message") else []
    for key, value in sorted(error.items()):
        if key in ("message", "__type"):
            continue
        parts.append(f"{key}: {value}")
    kind = error.get("__type", "")
    return (f"{kind}: " if kind else "") + "; ".join(parts)
