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


def test_service_status_follows_the_evidence(dist, source):
    """A 2016 Integrationsfonds measure is not "active": status comes from the record's derived status
    (vocab/status), and an offer whose status is unknown says when it was last evidenced."""
    services = {r["name"]: r for r in rows(dist, "services.csv")}
    assert {r["status"] for r in services.values()} <= {"active", "inactive", "defunct"}
    measure = services["Schulanfang leicht gemacht"]
    assert measure["status"] != "active"
    for row in services.values():
        if row["status"] == "inactive":
            assert "zuletzt belegt" in row["alert"] and "last evidenced" in row["alert"]
    assert any(r["status"] != "active" for r in services.values())


def test_taxonomies_classify_services_and_organisations(dist):
    """Offer types, target groups and fields of activity are taxonomies; services link to their terms and to
    the Open Eligibility terms those map to (vocab/offer-type.ttl, vocab/target-group.ttl)."""
    taxonomies = {r["name"]: r for r in rows(dist, "taxonomies.csv")}
    assert "Open Eligibility" in taxonomies and len(taxonomies) == 4
    terms = {r["id"]: r for r in rows(dist, "taxonomy_terms.csv")}
    by_uri = {r["term_uri"]: r for r in terms.values()}
    refugees = by_uri["https://w3id.org/migrakg/vocab/target-group/refugees"]
    assert refugees["code"] == "target-group/refugees" and refugees["language"] == "deu"
    oe = [r for r in terms.values() if r["taxonomy"] == "Open Eligibility"]
    assert any(r["code"] == "human_situations:citizenship:refugees" and r["name"] == "Refugees" for r in oe)
    services = {r["id"]: r for r in rows(dist, "services.csv")}
    welcome = next(r for r in services.values() if r["name"].startswith("Welcome-Center"))
    linked = {terms[a["taxonomy_term_id"]]["code"] for a in rows(dist, "attributes.csv") if a["link_id"] == welcome["id"]}
    assert "offer-type/counselling" in linked and "human_services:care:navigating_the_system" in linked
    orgs = {r["id"] for r in rows(dist, "organizations.csv")}
    assert any(a["link_entity"] == "organization" and a["link_id"] in orgs for a in rows(dist, "attributes.csv"))


def test_schedules_are_read_from_the_hours_and_say_how_old_they_are(dist):
    services = {r["id"]: r["name"] for r in rows(dist, "services.csv")}
    schedules = rows(dist, "schedules.csv")
    welcome = [s for s in schedules if services[s["service_id"]].startswith("Welcome-Center")]
    assert {(s["byday"], s["opens_at"], s["closes_at"]) for s in welcome} == {("TU", "10:00", "12:00"), ("TH", "14:00", "16:00")}
    assert all(s["freq"] == "WEEKLY" and "zuletzt belegt 2017-07" in s["notes"] for s in welcome)
    assert len({s["service_id"] for s in schedules}) == 14  # every offer with a schedule text


def test_identifiers_and_change_records(dist):
    orgs = rows(dist, "organizations.csv")
    identifiers = {r["organization_id"]: r for r in rows(dist, "organization_identifiers.csv")}
    assert len(identifiers) == len(orgs)
    assert all(identifiers[o["id"]]["identifier"] == o["uri"] for o in orgs)
    merges = {r["previous_value"].rsplit("/", 1)[-1]: r for r in rows(dist, "metadata.csv")}
    giz = merges["gesellschaft-fuer-interkulturelle-zusammenarbeit-ev"]
    assert giz["replacement_value"].endswith("/organisation/giz-ggmbh") and giz["last_action_type"] == "merge"
    assert giz["resource_id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, giz["replacement_value"]))
