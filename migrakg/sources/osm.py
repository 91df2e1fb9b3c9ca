"""The OSM community-centre table (open-lifeworlds data product) → rows of our places template.

Columns `id,lat,lon,name,street,zip_code,city,planning_area_id`. Each row becomes a place: name,
street and house number (split from `street`), postcode (`13597.0` → `13597`), district from the
first two digits of the 8-digit LOR planning area (03 → pankow), coordinates. Rows without a name
cannot be told apart and rows outside Berlin (no LOR id and no Berlin postcode) are out of scope:
both are skipped and listed, never silently.

Source data © OpenStreetMap contributors (ODbL); data product CC BY 4.0.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from ..errors import Location, Problem, SourceError, Text
from ..linking.normalise import DISTRICT_BY_NOTATION, is_berlin_postcode, normalise_postcode, split_address
from .records import Row, SourceFile
from .schema import PLACES

COLUMNS = ("id", "lat", "lon", "name", "street", "zip_code", "city", "planning_area_id")
SOURCE_URL = "https://github.com/open-lifeworlds/open-lifeworlds-data-product-berlin-lor-points-of-interest"
LICENCE_NOTE = "© OpenStreetMap contributors (ODbL); data product open-lifeworlds (CC BY 4.0)"


def is_osm_header(header: list[str]) -> bool:
    return [h.strip() for h in header] == list(COLUMNS)


def source_date_for(path: Path) -> str:
    """`…-2025-09.csv` → "2025-09" (the crawl month in the file name), else ""."""
    import re

    match = re.search(r"(\d{4}-\d{2})(?:-\d{2})?\.csv$", path.name)
    return match.group(1) if match else ""


def read_osm(path: Path, display: str) -> tuple[SourceFile, list[str]]:
    """Rows of the places template, and notes on skipped rows. Raises SourceError if unreadable."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError([Problem(Location(display), Text(f"nicht lesbar: {exc}", f"cannot be read: {exc}"))]) from None
    if not lines or not is_osm_header(lines[0]):
        raise SourceError(
            [
                Problem(
                    Location(display, 1),
                    Text(
                        f"Kopfzeile passt nicht zur OSM-Tabelle ({','.join(COLUMNS)})",
                        f"the header does not match the OSM table ({','.join(COLUMNS)})",
                    ),
                )
            ]
        )
    source = SourceFile(PLACES, path, display, path.stem, hashlib.sha256(raw).hexdigest())
    skipped: list[str] = []
    date = source_date_for(path)
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = dict(zip(COLUMNS, [c.strip() for c in cells] + [""] * (len(COLUMNS) - len(cells))))
        osm_id = values["id"]
        district = DISTRICT_BY_NOTATION.get(values["planning_area_id"][:2], "") if values["planning_area_id"] else ""
        postcode = normalise_postcode(values["zip_code"])
        if not values["name"]:
            skipped.append(f"{display} row {number} (OSM {osm_id}): ohne Namen / no name")
            continue
        if not district and not is_berlin_postcode(postcode):
            skipped.append(f"{display} row {number} (OSM {osm_id}, {values['name']}): außerhalb Berlins / outside Berlin")
            continue
        street, house = split_address(values["street"])
        source.rows.append(
            Row(
                PLACES,
                display,
                number,
                {
                    "slug": osm_id,
                    "name": values["name"],
                    "street": street,
                    "house_number": house,
                    "postcode": postcode if is_berlin_postcode(postcode) else "",
                    "city": values["city"] or ("Berlin" if district else ""),
                    "district": district,
                    "lat": values["lat"],
                    "lon": values["lon"],
                    "source_url": SOURCE_URL,
                    "source_date": date,
                    "note": f"OpenStreetMap-Objekt {osm_id}; {LICENCE_NOTE}",
                },
            )
        )
    return source, skipped
