"""Derive data/geo/districts.geojson (the simplified Berlin district polygons the pages draw) from the LOR
district boundaries: `python scripts/simplify_districts.py ../shared/data/lor/berlin-lor-districts.geojson
data/geo/districts.geojson`. One-off data preparation, not part of the package (Douglas-Peucker, 5 decimals).
Attribution: Amt für Statistik Berlin-Brandenburg, CC BY 3.0 DE, via open-data-product-berlin-lor-geodata, CC BY 4.0.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

Point = tuple[float, float]  # (lon, lat)


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points of a line that deviate more than *tolerance* (iterative, no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, worst = -1, tolerance
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > worst:
                index, worst = i, d
        if index >= 0:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: list[Point], tolerance: float) -> list[Point]:
    out = douglas_peucker([(round(x, 5), round(y, 5)) for x, y in ring], tolerance)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def simplify_file(source: Path, target: Path, *, tolerance: float = 0.00015) -> dict:
    """Write a simplified copy of the district GeoJSON (properties id and name only)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        simplified = []
        for polygon in polygons:
            rings = [simplify_ring([tuple(p[:2]) for p in ring], tolerance) for ring in polygon]
            if rings and rings[0]:
                simplified.append([r for r in rings if r])
        features.append(
            {
                "type": "Feature",
                "properties": {"id": feature["properties"]["id"], "name": feature["properties"]["name"]},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in r] for r in poly] for poly in simplified],
                },
            }
        )
    features.sort(key=lambda f: f["properties"]["id"])
    out = {
        "type": "FeatureCollection",
        "attribution": "Amt für Statistik Berlin-Brandenburg, CC BY 3.0 DE, via open-data-product-berlin-lor-geodata, CC BY 4.0",
        "features": features,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":  # SOURCE TARGET
    result = simplify_file(Path(sys.argv[1]), Path(sys.argv[2]))
    for f in result["features"]:
        n = sum(len(r) for poly in f["geometry"]["coordinates"] for r in poly)
        print(f["properties"]["id"], f["properties"]["name"], n, "points")
