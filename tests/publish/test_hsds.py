"""The HSDS 3.0 export validates against the official HSDS 3.0 datapackage.json, with stable UUIDv5 ids."""

from __future__ import annotations

import csv
import json
import shutil
import uuid

import pytest

from migrakg.publishing import hsds


@pytest.fixture(scope="module")
def official(shared) -> dict:
    return json.loads((shared / "data" / "hsds3-example" / "datapackage.json").read_text(encoding="utf-8"))


def rows(dist, name) -> list[dict[str, str]]:
    with (dist / "hsds" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_package_validates_against_the_official_schema(dist, official):
    assert hsds.validate_package(dist / "hsds", official) == []


def test_our_table_schemas_are_the_official_ones(official):
    ours = {
        r["name"]: r for r in hsds.datapackage(__import__("datetime").date(2026, 1, 1), "https://x/", "https://y/")["resources"]
    }
    for resource in official["resources"]:
        if resource["name"] not in ours:
            continue
        mine = ours[resource["name"]]
        assert mine["path"] == resource["path"]
        assert [(f["name"], f["type"], f.get("format"), f["constraints"]) for f in mine["schema"]["fields"]] == [
            (f["name"], f["type"], f.get("format"), f.get("constraints")) for f in resource["schema"]["fields"]
        ]


def test_the_official_example_passes_and_a_broken_copy_fails(shared, official, dist, tmp_path):
    """The validator is not a rubber stamp: it accepts HSDS's own example (whose single fictional rows
    point at ids it does not contain — the only complaints) and rejects broken data."""
    example = hsds.validate_package(shared / "data" / "hsds3-example", official)
    assert example and all(" has no " in p for p in example)
    broken = tmp_path / "hsds"
    shutil.copytree(dist / "hsds", broken)
    text = (broken / "services.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = next(csv.reader([text[1]]))
    cells[header.index("status")] = "open"
    cells[header.index("organization_id")] = "not-a-uuid"
    text[1] = ",".join(f'"{c}"' for c in cells)
    (broken / "services.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    problems = hsds.validate_package(broken, official)
    assert any("status" in p for p in problems) and any("not a UUID" in p for p in problems)
    assert any("has no organization" in p for p in problems)


def test_ids_are_uuid5_of_our_iris(dist):
    for row in rows(dist, "organizations.csv"):
        assert row["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, row["uri"]))
        assert uuid.UUID(row["id"]).version == 5


def test_counts_match_the_data(dist, release):
    assert len(rows(dist, "organizations.csv")) == release.counts["organisation"]
    assert len(rows(dist, "services.csv")) == release.counts["offer"]
    assert rows(dist, "languages.csv") and rows(dist, "service_at_location.csv") and rows(dist, "funding.csv")
    narud = [r for r in rows(dist, "organizations.csv") if r["uri"].endswith("/organisation/narud-ev")]
    assert narud and narud[0]["name"].startswith("NARUD")
