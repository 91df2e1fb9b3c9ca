"""District polygons: a simplified copy of the Berlin LOR district boundaries, drawn as inline SVG.

The app draws maps itself (no tile servers: nothing may load from outside). `data/geo/districts.geojson`
is derived once from `../shared/data/lor/berlin-lor-districts.geojson` by `scripts/simplify_districts.py`
(Douglas-Peucker, 5 decimals). Attribution:
Amt für Statistik Berlin-Brandenburg, CC BY 3.0 DE, via open-data-product-berlin-lor-geodata, CC BY 4.0.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "geo" / "districts.geojson"
Point = tuple[float, float]  # (lon, lat)


@dataclass(frozen=True)
class DistrictShape:
    notation: str  # "01" … "12"
    name: str
    polygons: tuple[tuple[tuple[Point, ...], ...], ...]


@lru_cache(maxsize=4)
def load_shapes(path: Path = DEFAULT_FILE) -> dict[str, DistrictShape]:
    """notation → shape; empty when the file is missing (pages then simply show no map)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes = {}
    for f in data["features"]:
        polys = tuple(
            tuple(tuple((float(x), float(y)) for x, y in ring) for ring in poly) for poly in f["geometry"]["coordinates"]
        )
        shapes[f["properties"]["id"]] = DistrictShape(f["properties"]["id"], f["properties"]["name"], polys)
    return shapes


WIDTH = 320.0


@dataclass(frozen=True)
class SvgDistrict:
    notation: str
    name: str
    path: str  # SVG path data
    highlighted: bool


@dataclass(frozen=True)
class SvgPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class SvgMap:
    width: float
    height: float
    districts: tuple[SvgDistrict, ...]
    points: tuple[SvgPoint, ...]


def _projector(shapes: list[DistrictShape]):  # type: ignore[no-untyped-def]
    xs = [x for s in shapes for poly in s.polygons for ring in poly for x, _ in ring]
    ys = [y for s in shapes for poly in s.polygons for ring in poly for _, y in ring]
    lon0, lon1, lat0, lat1 = min(xs), max(xs), min(ys), max(ys)
    kx = math.cos(math.radians((lat0 + lat1) / 2))  # equirectangular, true to scale at Berlin's latitude
    scale = WIDTH / ((lon1 - lon0) * kx)
    height = (lat1 - lat0) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - lon0) * kx * scale, 1), round((lat1 - lat) * scale, 1)

    return project, round(height, 1)


def berlin_map(
    highlight: set[str] | frozenset[str] = frozenset(),
    points: list[tuple[float, float, str]] | None = None,
    path: Path = DEFAULT_FILE,
) -> SvgMap | None:
    """All twelve districts, *highlight* (notations) emphasised, *points* (lon, lat, label) marked. None without shapes."""
    shapes = load_shapes(path)
    if not shapes:
        return None
    ordered = [shapes[k] for k in sorted(shapes)]
    project, height = _projector(ordered)
    districts = []
    for shape in ordered:
        parts = []
        for poly in shape.polygons:
            for ring in poly:
                coords = [project(x, y) for x, y in ring]
                parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in coords) + " Z")
        districts.append(SvgDistrict(shape.notation, shape.name, " ".join(parts), shape.notation in highlight))
    marks = tuple(SvgPoint(*project(lon, lat), label) for lon, lat, label in (points or []))
    return SvgMap(WIDTH, height, tuple(districts), marks)


WKT_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-0-9.eE+]+)\s+([-0-9.eE+]+)\s*\)\s*$", re.IGNORECASE)


def parse_wkt_point(text: str) -> tuple[float, float] | None:
    """`POINT(lon lat)` (optionally with a CRS IRI in front) → (lon, lat); None for anything else."""
    match = WKT_POINT.match(text)
    if not match:
        return None
    return float(match.group(1)), float(match.group(2))
