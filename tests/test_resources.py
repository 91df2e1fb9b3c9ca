"""Core pieces of the pages: resource descriptions, the script-safe JSON, the district map."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from migrakg.linkeddata import geo, resources
from migrakg.namespaces import Iris


def test_json_for_script_cannot_close_the_element():
    text = resources.json_for_script({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


def test_targets_refuse_malformed_names():
    iris = Iris()
    assert resources.record_target(iris, "organisation", "narud-ev").iri == "https://w3id.org/migrakg/id/organisation/narud-ev"
    for kind, slug in (("unicorn", "x"), ("organisation", "Bad Slug"), ("organisation", "a>b")):
        with pytest.raises(resources.ResourceNotFound) as info:
            resources.record_target(iris, kind, slug)
        assert info.value.status == 404
    with pytest.raises(resources.ResourceNotFound):
        resources.scheme_target(iris, "../etc")


def test_view_of_an_organisation(service):
    target = resources.record_target(Iris(), "organisation", "sprachcafe-polnisch-ev")
    view = resources.view(service, target, Iris().base)
    assert view.label(target.iri, "de") == "SprachCafé Polnisch e.V."
    offers = view.inbound_by("schema:provider", "mkg:Offer")
    assert [o.iri for o in offers] == ["https://w3id.org/migrakg/id/offer/sprachcafe-polnisch"]
    assert view.other_labels("http://publications.europa.eu/resource/authority/language/POL") == [("pl", "polski")]
    assert view.href("http://publications.europa.eu/resource/authority/language/POL") == "/vocab/language/POL"
    data = resources.schema_org(view, "de")
    assert data["@type"] == "NGO" and data["areaServed"][0]["name"] == "Pankow"


def test_district_figures(service):
    per_district, totals = resources.district_figures(service)
    assert len(per_district) == 12 and totals["organisation"] == 52
    pankow = next(d for d in per_district if d["notation"] == "03")
    assert pankow["organisation"] > 0 and pankow["offer"] > 0 and pankow["network"] > 0


def test_douglas_peucker_and_map(tmp_path, shared):
    script = Path(__file__).resolve().parent.parent / "scripts" / "simplify_districts.py"
    simplify = runpy.run_path(str(script))  # one-off data preparation, kept outside the package
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (3.0, 5.0), (4.0, 6.0)]
    assert simplify["douglas_peucker"](line, 0.1) == [(0.0, 0.0), (2.0, 0.0), (3.0, 5.0), (4.0, 6.0)]
    target = tmp_path / "d.geojson"
    out = simplify["simplify_file"](shared / "data/lor/berlin-lor-districts.geojson", target)
    assert len(out["features"]) == 12
    assert json.loads(target.read_text()) == json.loads(geo.DEFAULT_FILE.read_text())  # the committed copy is reproducible
    for feature in out["features"]:
        points = sum(len(r) for poly in feature["geometry"]["coordinates"] for r in poly)
        assert 50 <= points <= 600
    m = geo.berlin_map({"03"}, [(13.4, 52.55, "x")])
    assert m is not None and len(m.districts) == 12 and [d.notation for d in m.districts if d.highlighted] == ["03"]
    assert 0 <= m.points[0].x <= m.width and 0 <= m.points[0].y <= m.height
    assert geo.parse_wkt_point("POINT(13.4 52.5)") == (13.4, 52.5)
    assert geo.parse_wkt_point("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(13.4 52.5)") == (13.4, 52.5)
    assert geo.parse_wkt_point("LINESTRING(1 2, 3 4)") is None


def test_view_reads_only_its_neighbourhood(service):
    """Regression: `{record}#contact` + '#address' is no IRI; the unbound subject once joined every triple."""
    iris = Iris()
    view = resources.view(service, resources.record_target(iris, "organisation", "narud-ev"), iris.base)
    assert "https://w3id.org/migrakg/id/organisation/narud-ev#contact" in view.nodes
    assert len(view.nodes) < 20
    assert all(s.startswith(iris.base + "id/") for s in view.nodes)
    project = resources.view(service, resources.record_target(iris, "project", "migraktiv-spandau"), iris.base)
    assert len(project.nodes) < 40


def test_inbound_records_are_capped(service, monkeypatch):
    iris = Iris()
    monkeypatch.setattr(resources, "INBOUND_LIMIT", 3)
    view = resources.view(service, resources.record_target(iris, "district", "pankow"), iris.base)
    assert len({s for s, _ in view.inbound}) == 3 and view.inbound_total > 3
