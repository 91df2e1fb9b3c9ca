"""The labelled gold set for `migrakg link` (see bench/LINKING.md for how it was labelled).

- gold-mentions.csv: records of "another project" built from the public mentions in
  ../shared/data/research/pankow-spandau-organisation-mentions.csv — each mention as written, the
  spelling variants its notes name, and unconfirmed look-alikes (ours empty: must never be sameAs).
- gold-osm.csv: the true pairs among the OSM community centres (every other OSM row is a non-match),
  plus named hard negatives.
"""

from __future__ import annotations

import csv
from pathlib import Path

from migrakg.linking.match import Address, Entity
from migrakg.namespaces import Iris
from migrakg.linking.normalise import district_slugs

HERE = Path(__file__).resolve().parent
OSM_FILE = "data/osm/berlin-community-centres-2025-09.csv"


def mention_entities(iris: Iris) -> tuple[list[Entity], set[tuple[str, str]]]:
    theirs: list[Entity] = []
    gold: set[tuple[str, str]] = set()
    with (HERE / "gold-mentions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            iri = f"urn:gold:{row['theirs']}"
            addresses = [Address(row["street"], row["house_number"], row["postcode"])] if row["street"] else []
            theirs.append(Entity(iri, row["kind"], [row["name"]], addresses, district_slugs(row["district"])))
            if row["ours"]:
                kind, slug = row["ours"].split("/")
                gold.add((str(iris.id(kind, slug)), iri))
    return theirs, gold


def osm_gold(iris: Iris, source: str = "osm") -> set[tuple[str, str]]:
    gold = set()
    with (HERE / "gold-osm.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["ours"]:
                kind, slug = row["ours"].split("/")
                gold.add((str(iris.id(kind, slug)), str(iris.id("place", f"{source}--{row['osm_id']}"))))
    return gold


def gold_set(settings, shared: Path) -> tuple[list[Entity], set[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """All records of theirs (mentions, variants, negatives, every OSM row) and the true pairs."""
    from migrakg.linking.io import their_entities

    iris = settings.iris
    theirs, gold = mention_entities(iris)
    theirs += their_entities(str(shared / OSM_FILE), settings, source="osm")
    gold |= osm_gold(iris)
    return theirs, gold
