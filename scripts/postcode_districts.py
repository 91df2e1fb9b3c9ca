"""Derive migrakg/sources/postcode_districts.csv (postcode → Bezirk, partial) from the OSM community centres.

Source: ../shared/data/osm/berlin-community-centres-2025-09.csv (open-lifeworlds data product
"berlin-points-of-interest-2025-09", © OpenStreetMap contributors, ODbL 1.0). The Bezirk is the first two
digits of each centre's LOR planning area. Only rows with both a Berlin postcode and a LOR id are used.

    python scripts/postcode_districts.py [OSM_CSV] [OUT_CSV]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrakg.linking.normalise import DISTRICT_BY_NOTATION, is_berlin_postcode, normalise_postcode  # noqa: E402

HEADER = (
    "# postcode → Bezirk as seen at OpenStreetMap community centres (partial: not every postcode, and a postcode\n"
    "# may cross district borders). Derived by scripts/postcode_districts.py from the open-lifeworlds data product\n"
    "# berlin-points-of-interest-2025-09 (community-centers-details), (c) OpenStreetMap contributors, ODbL 1.0.\n"
)


def derive(osm_csv: Path) -> list[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    with osm_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            postcode = normalise_postcode(row.get("zip_code", ""))
            district = DISTRICT_BY_NOTATION.get((row.get("planning_area_id") or "")[:2])
            if district and is_berlin_postcode(postcode):
                pairs.add((postcode, district))
    return sorted(pairs)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ROOT.parent / "shared" / "data" / "osm" / "berlin-community-centres-2025-09.csv"
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "migrakg" / "sources" / "postcode_districts.csv"
    pairs = derive(source)
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("postcode", "district"))
        writer.writerows(pairs)
    print(f"{out.name}: {len(pairs)} postcode–district pairs, {len({p for p, _ in pairs})} postcodes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
