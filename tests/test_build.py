"""The build: real data, determinism, provenance, stable IRIs, base IRI, and every broken input's message."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from migrakg.namespaces import MKG, ORG, SCHEMA
from migrakg.sources.records import RecordRef, Records
from migrakg.validate import locate

ROLE = Namespace("https://w3id.org/migrakg/vocab/role/")
STAGE = "https://w3id.org/migrakg/vocab/stage/"

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/migrakg/id/"


def run_cli(*args: str, root: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MIGRAKG_ROOT": str(root), "MIGRAKG_LANG": "en", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "migrakg.cli", *args], capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.fixture(scope="module")
def dataset(built) -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(built.out_dir / "migrakg.nq", format="nquads")
    return ds


def test_real_data_counts(built, dataset):
    assert built.report.conforms
    assert built.counts["organisation"] >= 40
    assert built.counts["district"] == 12
    assert built.counts["project"] >= 2
    lingua = URIRef(ID + "network/ak-lingua-pankow")
    memberships = {m for m in dataset.subjects(ORG.organization, lingua) if dataset.value(m, ORG.role) == ROLE.member}
    assert len(memberships) == 18  # the 2022 member list, each as a qualified org:Membership
    # the shortcut org:hasMember says "a member today": only for memberships whose status is current
    current = {m for m in memberships if str(dataset.value(m, MKG.status)).endswith("/current")}
    members_now = {dataset.value(m, ORG.member) for m in current}
    assert set(dataset.objects(lingua, ORG.hasMember)) == members_now
    for iri in (
        "organisation/narud-ev",
        "project/migraktiv-spandau",
        "project/migraup-pankow",
        "network/ak-lingua-pankow",
        "district/pankow",
        "district/spandau",
        "organisation/senstadt",
    ):
        assert (URIRef(ID + iri), RDF.type, None) in dataset, iri
    funders = set(dataset.objects(None, URIRef("https://schema.org/funder")))
    assert URIRef(ID + "organisation/senstadt") in funders


def test_facts_are_no_stronger_than_their_sources(dataset):
    """RESEARCH.md, facts waiting for the model: nominations, the Senate's money, regular participants,
    merged networks, the migrant-organisation evidence and the retired slugs, as the build writes them."""
    mib = URIRef(ID + "network/mib-spandau")
    nominated = set(dataset.subjects(MKG.stage, URIRef(STAGE + "nominated")))
    assert len(nominated) == 11  # the 2012 list: "vom Ausschuss benannt", not appointed
    for ms in nominated:
        assert str(dataset.value(ms, MKG.status)).endswith("/unknown")
        assert str(dataset.value(ms, MKG.lastEvidenced)) == "2012-10-30"
    behar = URIRef(ID + "organisation/behar-ev")
    assert (behar, ORG.memberOf, mib) not in dataset and (mib, ORG.hasMember, behar) not in dataset
    # Integrationsfonds: the Senate's money, allocated by the district office, 2016 measures not yet approved
    senate, spandau = URIRef(ID + "organisation/senat-von-berlin"), URIRef(ID + "organisation/bezirksamt-spandau")
    grant = URIRef(ID + "funding/integrationsfonds-spandau-2016-schulanfang")
    assert dataset.value(grant, SCHEMA.funder) == senate and dataset.value(grant, MKG.allocatedBy) == spandau
    assert dataset.value(grant, MKG.stage) == URIRef(STAGE + "decided-not-approved")
    # AK Lingua: the library and the youth office take part regularly since 2018, as participants, not members
    lingua = URIRef(ID + "network/ak-lingua-pankow")
    participants = {dataset.value(m, ORG.member) for m in dataset.subjects(ORG.role, ROLE["regular-participant"])}
    assert participants == {URIRef(ID + "organisation/stadtbibliothek-pankow"), URIRef(ID + "organisation/jugendamt-pankow")}
    assert (lingua, ORG.hasMember, URIRef(ID + "organisation/jugendamt-pankow")) not in dataset
    ag = URIRef(ID + "network/ag-mehrsprachigkeit-pankow")
    assert dataset.value(ag, MKG.mergedInto) == lingua and dataset.value(ag, DCTERMS.isReplacedBy) == lingua
    # the speaker of 2023 and the member of 2017 are two records with their own role and period
    gwv = URIRef(ID + "organisation/gemeinwesenverein-heerstrasse-nord-ev")
    roles = {dataset.value(m, ORG.role) for m in dataset.subjects(ORG.member, gwv) if dataset.value(m, ORG.organization) == mib}
    assert {ROLE.member, ROLE.speaker} <= roles
    # every "yes" names its evidence class and the page that carries it
    for org in dataset.subjects(MKG.isMigrantOrganisation, None):
        if "#" in str(org) or str(dataset.value(org, MKG.isMigrantOrganisation)) != "true":
            continue
        evidence = dataset.value(org, MKG.migrantOrganisationEvidence)
        assert evidence is not None, org
        assert str(dataset.value(evidence, MKG.evidenceClass)) in ("A", "B") and dataset.value(evidence, DCTERMS.source)
    # published IRIs of merged records point to the kept ones
    for old, new in (
        ("gesellschaft-fuer-interkulturelle-zusammenarbeit-ev", "giz-ggmbh"),
        ("deutsch-arabische-freundschaft-familienbegegnung", "daf-ev"),
    ):
        retired = URIRef(ID + "organisation/" + old)
        assert dataset.value(retired, DCTERMS.isReplacedBy) == URIRef(ID + "organisation/" + new)
        assert (retired, RDF.type, MKG.Organisation) not in dataset


def test_offers_take_place_through_service_channels(dataset):
    """Column `place` of an offer: one schema:ServiceChannel {offer}#at-{place} per place, with the place as its
    schema:serviceLocation and the offer's sources; no schema:location on a Service (schema.org gives it none)."""
    with (ROOT / "data" / "offers.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["place"].strip()]
    assert rows
    for row in rows:
        offer = URIRef(ID + "offer/" + row["slug"])
        places = {p.strip() for p in row["place"].split("|") if p.strip()}
        channels = set(dataset.objects(offer, SCHEMA.availableChannel))
        assert channels == {URIRef(f"{offer}#at-{p}") for p in places}, row["slug"]
        for channel in channels:
            assert (channel, RDF.type, SCHEMA.ServiceChannel) in dataset
            assert list(dataset.objects(channel, SCHEMA.serviceLocation)) == [
                URIRef(ID + "place/" + str(channel).rsplit("#at-", 1)[1])
            ]
            assert set(dataset.objects(channel, DCTERMS.source)) == set(dataset.objects(offer, DCTERMS.source))
    assert not list(dataset.subject_objects(SCHEMA.location))
    # a finding about a channel names the offer's row and its column `place`
    offer = URIRef(ID + "offer/" + rows[0]["slug"])
    records = Records({}, {offer: RecordRef("offer", rows[0]["slug"], "data/offers.csv", 2)}, [])
    found = locate(URIRef(f"{offer}#at-somewhere"), SCHEMA.serviceLocation, records)
    assert found is not None and (found.file, found.row, found.column) == ("data/offers.csv", 2, "place")


def test_every_record_has_provenance(built, dataset):
    kinds = (
        MKG.Organisation,
        MKG.Network,
        MKG.Project,
        MKG.Offer,
        MKG.Funding,
        MKG.Place,
        MKG.District,
        MKG.CarrierRole,
        ORG.Membership,
    )
    records = {s for k in kinds for s in dataset.subjects(RDF.type, k)}
    assert len(records) > 100
    for record in records:
        sources = list(dataset.objects(record, DCTERMS.source))
        assert sources, f"{record} has no source"
        assert all(str(s).startswith("http") for s in sources)
    for graph in ("organisations", "offers", "memberships"):
        iri = URIRef(f"https://w3id.org/migrakg/graph/{graph}")
        assert len(dataset.graph(iri)) > 0
        meta = dataset.graph(URIRef("https://w3id.org/migrakg/graph/meta"))
        assert meta.value(iri, MKG.sha256) is not None


def test_build_is_deterministic_across_processes(tmp_path):
    hashes = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        result = run_cli("build", "--out", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        hashes.append(
            {
                name: hashlib.sha256((out / name).read_bytes()).hexdigest()
                for name in ("migrakg.nq", "migrakg.ttl", "build-info.json")
            }
        )
    assert hashes[0] == hashes[1]


def test_iris_are_stable_across_rebuilds(built, settings, tmp_path):
    from migrakg.build import build

    again = build(settings, tmp_path / "again")
    first = json.loads((built.out_dir / "build-info.json").read_text())
    second = json.loads((again.out_dir / "build-info.json").read_text())
    assert first["records"] == second["records"]
    subjects = lambda p: {line.split(" ", 1)[0] for line in p.read_text().splitlines()}  # noqa: E731
    assert subjects(built.out_dir / "migrakg.nq") == subjects(again.out_dir / "migrakg.nq")


def test_base_iri_is_configurable(tmp_path):
    out = tmp_path / "rebased"
    result = run_cli("--base-iri", "https://example.org/kb/", "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = (out / "migrakg.nq").read_text()
    assert "<https://example.org/kb/id/organisation/narud-ev>" in text
    assert "<https://example.org/kb/ontology#Organisation>" in text
    assert "https://w3id.org/migrakg/id/" not in text


# --- broken input -------------------------------------------------------------------------------


@pytest.fixture()
def project(tmp_path) -> Path:
    """A copy of the project's data folders to break."""
    root = tmp_path / "project"
    for folder in ("data", "ontology", "vocab", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def assert_input_error(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def test_unknown_column(project):
    edit(project / "data/organisations.csv", "slug,name,", "slug,nmae,")
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(
        result, "data/organisations.csv row 1, column nmae: unknown column 'nmae'", "required column 'name' is missing"
    )


def test_bad_csv_syntax(project):
    with (project / "data/offers.csv").open("a", encoding="utf-8") as f:
        f.write('broken-row,"unterminated quote\n')
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(result, "data/offers.csv", "CSV syntax error")


def test_not_utf8(project):
    path = project / "data/networks.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(result, "data/networks.csv", "not UTF-8")


def test_unknown_district(project):
    edit(project / "data/organisations.csv", ",spandau,", ",spandow,")
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(result, "unknown district 'spandow'", "known districts: charlottenburg-wilmersdorf")


def test_duplicate_slug(project):
    path = project / "data/organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    result = run_cli("build", "--out", str(project / "build"), root=project)
    slug = lines[1].split(",")[0]
    assert_input_error(result, f"duplicate slug '{slug}' (already in data/organisations.csv row 2)")


def test_retired_slug_is_never_reused(project):
    """A slug in data/retired-slugs.csv names a published IRI that now redirects: no record may take it again."""
    path = project / "data/organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    reused = "daf-ev-2," + lines[1].split(",", 1)[1]
    path.write_text(
        "\n".join(lines + [reused.replace("daf-ev-2", "deutsch-arabische-freundschaft-familienbegegnung", 1)]) + "\n",
        encoding="utf-8",
    )
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(result, "slug 'deutsch-arabische-freundschaft-familienbegegnung' is retired and must never be reused")


def test_dangling_reference(project):
    edit(project / "data/memberships.csv", "ak-lingua-pankow,karussell-ev,", "ak-lingua-pankow,karusell-ev,")
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(result, "dangling reference 'karusell-ev'", "column member")


def test_unknown_vocabulary_code(project):
    edit(project / "data/offers.csv", ",counselling,", ",beratung,")
    result = run_cli("build", "--out", str(project / "build"), root=project)
    assert_input_error(result, "'beratung' is not a code of the vocabulary offer-type")


def test_bad_email_is_a_violation_naming_row_column_and_rule(project):
    edit(project / "data/organisations.csv", "info@narud.org", "info@")
    out = project / "build"
    out.mkdir()
    (out / "migrakg.nq").write_text("previous build\n")
    result = run_cli("build", "--out", str(out), root=project)
    assert result.returncode == 1, result.stderr
    assert "(narud-ev), column email" in result.stderr
    assert '("info@")' in result.stderr
    assert "mkgsh:Contact-email" in result.stderr
    assert (out / "migrakg.nq").read_text() == "previous build\n", "a failed build must not touch the output"
    german = run_cli("validate", root=project, env={"MIGRAKG_LANG": "de"})
    assert german.returncode == 1
    assert "Zeile" in german.stdout and "Spalte email" in german.stdout


def test_validate_formats(project):
    edit(project / "data/organisations.csv", "info@narud.org", "info@")
    as_json = run_cli("validate", "--format", "json", root=project)
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["conforms"] is False and report["violations"] >= 1
    bad = [r for r in report["results"] if r["severity"] == "Violation"][0]
    assert bad["file"] == "data/organisations.csv" and bad["column"] == "email" and bad["record"] == "narud-ev"
    as_turtle = run_cli("validate", "--format", "turtle", root=project)
    assert as_turtle.returncode == 1
    assert "sh:ValidationReport" in as_turtle.stdout


def test_validate_real_data_and_rdf_files(tmp_path):
    assert run_cli("validate").returncode == 0
    good = ROOT / "tests/shapes/valid"
    files = sorted(good.glob("*.ttl"))[:1]
    assert run_cli("validate", *map(str, files)).returncode == 0
    bad = sorted((ROOT / "tests/shapes/invalid").glob("*.ttl"))[:1]
    assert run_cli("validate", *map(str, bad)).returncode == 1
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .")
    assert_input_error(run_cli("validate", str(broken)), "broken.ttl", "cannot be read as turtle")
    assert_input_error(run_cli("validate", str(tmp_path / "missing.ttl")), "file not found")


def test_usage_errors_exit_2():
    assert run_cli("build", "--nonsense").returncode == 2
    assert run_cli("--base-iri", "not-an-iri", "build").returncode == 2
    assert run_cli().returncode == 2
