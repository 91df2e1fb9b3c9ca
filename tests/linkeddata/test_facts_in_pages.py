"""Pages show what the sources say and no more: nominations, the Senate's money allocated by a district,
merged and renamed networks, the evidence of the migrant-organisation flag; retired IRIs answer with a
permanent redirect to the record that replaced them (data/retired-slugs.csv)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

RETIRED = [
    ("gesellschaft-fuer-interkulturelle-zusammenarbeit-ev", "giz-ggmbh"),
    ("deutsch-arabische-freundschaft-familienbegegnung", "daf-ev"),
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@pytest.mark.parametrize("old,new", RETIRED)
def test_retired_iri_redirects_permanently_over_http(live_server, old: str, new: str):
    opener = urllib.request.build_opener(NoRedirect)
    for suffix in ("", ".ttl"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(f"{live_server.url}/id/organisation/{old}{suffix}", timeout=10)
        assert answer.value.code == 308
        assert answer.value.headers["Location"] == f"/id/organisation/{new}{suffix}"
    with urllib.request.urlopen(f"{live_server.url}/id/organisation/{old}", timeout=10) as followed:
        assert followed.status == 200 and followed.url.endswith(f"/id/organisation/{new}")


def test_a_merged_network_keeps_its_page(client):
    page = client.get("/id/network/ag-mehrsprachigkeit-pankow?lang=de", follow_redirects=False)
    assert page.status_code == 200
    assert "Aufgegangen in" in page.text and "AK Lingua Pankow" in page.text and "2022-12" in page.text
    lingua = client.get("/id/network/ak-lingua-pankow?lang=de").text
    assert "Hierin aufgegangen" in lingua and "nimmt regelmäßig teil" in lingua


def test_nomination_reads_as_nomination_not_membership(client):
    page = client.get("/id/network/mib-spandau?lang=de").text
    assert "benannt (noch nicht berufen)" in page
    assert "zuletzt belegt 2012-10-30" in page
    assert "Namen im Zeitverlauf" in page and "Partizipation und Integration Spandau" in page
    assert "tel:+4930902793270" in page  # the board office line (2013, 2018), a functional contact


def test_integrationsfonds_names_the_senate_and_the_allocating_district(client):
    page = client.get("/id/funding/integrationsfonds-spandau-2016-schulanfang?lang=de").text
    assert "Senat von Berlin" in page and "Vergeben durch" in page and "Bezirksamt Spandau" in page
    assert "beschlossen, noch nicht bewilligt" in page


def test_migrant_organisation_flag_shows_its_evidence(client):
    giz = client.get("/id/organisation/giz-ggmbh?lang=de").text
    assert "Beleg A: die Quelle sagt es ausdrücklich" in giz
    assert "Gesellschaft für interkulturelles Zusammenleben e.V." in giz and "2013–2016" in giz
    greek = client.get("/id/organisation/hellenische-gemeinde-ev?lang=en").text
    assert "evidence B" in greek and "Working languages" in greek and "Greek" in greek
    turtle = client.get("/id/organisation/giz-ggmbh.ttl").text
    assert "evidenceClass" in turtle and "nameInTime" in turtle
