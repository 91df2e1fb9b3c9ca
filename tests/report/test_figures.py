"""Each figure of the actor analysis against a count taken directly from the store's quads."""

from __future__ import annotations

from collections import Counter

import pytest
from reportdata import BASE, DCTERMS, LEGAL, MKG, ORG, PANKOW, SCHEMA, SKOS

ADVISORY = [BASE + "vocab/offer-type/" + t for t in ("counselling", "guidance", "consultation-hour")]


def bars(report, fid) -> dict[str | None, int]:
    """figure rows → {IRI or literal key (None for unknown): count}"""
    return {(row[0] or None): row[2] for row in report.figures[fid].rows}


def per_value(records, values_of) -> Counter:
    counts: Counter = Counter()
    for record in records:
        values = values_of(record)
        for v in values or [None]:
            counts[v] += 1
    return counts


def test_organisations_by_district(berlin, direct):
    figure = bars(berlin, "organisations-by-district")
    districts = direct.instances(MKG + "District")
    assert len(districts) == 12 and set(figure) - {None} == districts
    for d in districts:
        assert figure[d] == len(direct.organisations(d)), d
    unknown = {o for o in direct.organisations() if not direct.districts_of(o)}
    assert figure[None] == len(unknown) >= 1  # senstadt has no district: said explicitly


@pytest.mark.parametrize("scope", ["berlin", "pankow"])
def test_organisations_by_legal_form_field_and_year(scope, request, direct):
    report = request.getfixturevalue(scope)
    orgs = direct.organisations(PANKOW if scope == "pankow" else None)
    assert report.totals["organisations"] == len(orgs)
    assert bars(report, "organisations-by-legal-form") == per_value(orgs, lambda o: direct.objects(o, LEGAL + "companyType"))
    assert bars(report, "organisations-by-field") == per_value(orgs, lambda o: direct.objects(o, MKG + "fieldOfActivity"))
    years = per_value(orgs, lambda o: {d[:4] for d in direct.objects(o, SCHEMA + "foundingDate")})
    assert bars(report, "organisations-by-founding-year") == years
    assert years[None] > 0  # unknown founding years are counted, not dropped


@pytest.mark.parametrize("scope", ["berlin", "pankow"])
def test_offers_by_type_language_and_target_group(scope, request, direct):
    report = request.getfixturevalue(scope)
    offers = direct.offers(PANKOW if scope == "pankow" else None)
    assert report.totals["offers"] == len(offers)
    assert bars(report, "offers-by-type") == per_value(offers, lambda o: direct.objects(o, MKG + "offerType"))
    assert bars(report, "offers-by-language") == per_value(offers, lambda o: direct.objects(o, DCTERMS + "language"))
    assert bars(report, "offers-by-target-group") == per_value(offers, lambda o: direct.objects(o, SCHEMA + "audience"))


def test_language_matrix_counts_and_empty_cells(berlin, pankow, direct):
    languages = direct.subjects(SKOS + "inScheme", BASE + "vocab/language")
    assert len(languages) == 38
    matrix = berlin.language_matrix
    assert set(matrix.rows) == languages and len(matrix.columns) == 12
    empty = set()
    for d in matrix.columns:
        for lang in languages:
            count = sum(1 for o in direct.offers(d) if lang in direct.objects(o, DCTERMS + "language"))
            assert matrix.cells[(lang, d)].count == count
            if count == 0:
                empty.add((lang, d))
    assert {(c.row, c.column) for c in matrix.empty_cells()} == empty
    # no Spandau offer is given in Somali (the Tigrinya cell filled when the integration guides' languages were recorded)
    assert (BASE[:0] + "http://publications.europa.eu/resource/authority/language/SOM", BASE + "id/district/spandau") in empty
    pankow_empty = {(c.row, c.column) for c in pankow.language_matrix.empty_cells(pankow.scope)}
    assert pankow_empty == {e for e in empty if e[1] == PANKOW}


def test_field_matrix(berlin, direct):
    fields = direct.subjects(SKOS + "inScheme", BASE + "vocab/field")
    matrix = berlin.field_matrix
    for d in matrix.columns:
        for f in fields:
            orgs = sum(1 for o in direct.organisations(d) if f in direct.objects(o, MKG + "fieldOfActivity"))
            offers = sum(1 for o in direct.offers(d) if f in direct.objects(o, MKG + "fieldOfActivity"))
            cell = matrix.cells[(f, d)]
            assert (cell.count, cell.extra) == (orgs, offers), (f, d)


@pytest.mark.parametrize("scope", ["berlin", "pankow"])
def test_counselling_gap_list_has_every_empty_cell(scope, request, direct):
    report = request.getfixturevalue(scope)
    languages = direct.subjects(SKOS + "inScheme", BASE + "vocab/language")
    districts = [PANKOW] if scope == "pankow" else sorted(direct.instances(MKG + "District"))
    expected = set()
    for d in districts:
        for kind in ADVISORY:
            for lang in languages:
                if not any(
                    kind in direct.objects(o, MKG + "offerType") and lang in direct.objects(o, DCTERMS + "language")
                    for o in direct.offers(d)
                ):
                    expected.add((d, kind, lang))
    got = {(g.district, g.offer_type, g.language) for g in report.gaps}
    assert got == expected
    assert len(report.figures["counselling-gaps"].rows) == len(expected)
    if scope == "berlin":  # the seed's example: no counselling in Tigrinya in Spandau
        assert (BASE + "id/district/spandau", ADVISORY[0], "http://publications.europa.eu/resource/authority/language/TIR") in got
    else:  # the Welcome-Center counsels in Arabic in Pankow: not a gap
        assert (PANKOW, ADVISORY[0], "http://publications.europa.eu/resource/authority/language/ARA") not in got


def test_network_holds_every_membership_carrier_role_and_funding(berlin, direct):
    net = berlin.network
    by_relation = {e.relation: e for e in net.edges if e.relation}
    memberships = direct.instances(ORG + "Membership")
    assert memberships and memberships <= set(by_relation)
    for m in memberships:
        edge = by_relation[m]
        assert edge.type == "membership"
        assert {edge.source} == direct.objects(m, ORG + "member") and {edge.target} == direct.objects(m, ORG + "organization")
    for role in direct.instances(MKG + "CarrierRole"):
        assert by_relation[role].type == "carrier"
    fundings = direct.instances(MKG + "Funding")
    funding_edges = [e for e in net.edges if e.type == "funding"]
    assert len(funding_edges) == sum(len(direct.objects(f, SCHEMA + "fundedItem")) for f in fundings)
    expected_nodes = (
        direct.instances(MKG + "Organisation")
        | direct.instances(MKG + "Network")
        | direct.instances(MKG + "Project")
        | {t for f in fundings for t in direct.objects(f, SCHEMA + "fundedItem")}
    )
    assert set(net.nodes) == expected_nodes


def test_centrality(berlin):
    net = berlin.network
    neighbours: dict[str, set[str]] = {n: set() for n in net.nodes}
    for e in net.edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    for iri, node in net.nodes.items():
        assert node.degree == len(neighbours[iri])
    top = net.ranked()[0]
    assert top.betweenness > 0 and top.kind in ("network", "project")
    leaves = [n for n in net.nodes.values() if n.degree == 1]
    assert leaves and all(n.betweenness == 0 for n in leaves)
    lingua = net.nodes[BASE + "id/network/ak-lingua-pankow"]
    assert lingua.degree >= 20  # the Arbeitskreis connects the Pankow organisations


def test_network_is_scoped_to_the_district(pankow, direct):
    net = pankow.network
    for e in net.edges:
        assert PANKOW in direct.districts_of(e.source) | direct.districts_of(e.target)
    lingua = direct.subjects(ORG + "organization", BASE + "id/network/ak-lingua-pankow")
    assert lingua <= {e.relation for e in net.edges}
    assert BASE + "id/project/migraktiv-spandau" not in net.nodes


def test_timeline(berlin, pankow, direct, data_rows):
    items = direct.instances(MKG + "Project") | direct.instances(MKG + "CarrierRole")
    rows = berlin.figures["timeline"].rows
    fundings = sum(len(direct.objects(f, SCHEMA + "fundedItem")) for f in direct.instances(MKG + "Funding"))
    assert len(rows) == len(items) + fundings
    for row in rows:
        item, start, end = row[0], row[4], row[5]
        assert start == (next(iter(direct.objects(item, SCHEMA + "startDate")), ""))
        assert end == (next(iter(direct.objects(item, SCHEMA + "endDate")), ""))
    kinds = {
        r["slug"]: kind
        for kind, table in (("project", "projects"), ("offer", "offers"), ("organisation", "organisations"))
        for r in data_rows(table)
        if "pankow" in r["districts"].split(" | ")
    }
    funded = {s for f in data_rows("fundings") for s in f["funded"].split(" | ")}
    in_pankow = {slug for slug, kind in kinds.items() if kind == "project" or slug in funded}
    assert {r[2] for r in pankow.figures["timeline"].rows} == {f"{BASE}id/{kinds[s]}/{s}" for s in in_pankow}
    assert "2015" in berlin.figures["timeline"].svg and "2026" in berlin.figures["timeline"].svg


def latest(date: str) -> str:
    return date + "-12-31" if len(date) == 4 else date + "-31" if len(date) == 7 else date[:10]


def earliest(date: str) -> str:
    return date + "-01-01" if len(date) == 4 else date + "-01" if len(date) == 7 else date[:10]


@pytest.mark.parametrize("scope", ["berlin", "pankow"])
def test_data_quality(scope, request, direct, kb_store):
    import pyoxigraph as ox

    report = request.getfixturevalue(scope)
    district = PANKOW if scope == "pankow" else None
    orgs, offers = direct.organisations(district), direct.offers(district)
    records = set(orgs) | set(offers)
    for cls in ("Network", "Project"):
        records |= {r for r in direct.instances(MKG + cls) if district is None or district in direct.districts_of(r)}
    providers = {q.object.value for q in kb_store.store.quads_for_pattern(None, ox.NamedNode(SCHEMA + "provider"), None, None)}
    assert set(report.quality["organisations-without-offers"]) == orgs - providers
    assert set(report.quality["offers-without-language"]) == {o for o in offers if not direct.objects(o, DCTERMS + "language")}
    assert set(report.quality["without-contact"]) == {r for r in records if not direct.objects(r, SCHEMA + "contactPoint")}
    all_dates = {q.object.value for q in kb_store.store.quads_for_pattern(None, ox.NamedNode(MKG + "sourceDate"), None, None)}
    reference = max(earliest(d) for d in all_dates)
    assert report.reference_date == reference
    cutoff = f"{int(reference[:4]) - 2}{reference[4:]}"
    dated = {r: next(iter(direct.objects(r, MKG + "sourceDate")), None) for r in records}
    assert set(report.quality["outdated-sources"]) == {r for r, d in dated.items() if d and latest(d) < cutoff}
    assert set(report.quality["undated-sources"]) == {r for r, d in dated.items() if not d}
    assert report.quality["outdated-sources"]  # the data holds sources from 2015–2022


def test_as_of_moves_the_cutoff(service, settings, berlin):
    from migrakg.reporting import build_report

    early = build_report(service.select, root=settings.root, as_of="2018-01-01")
    assert early.reference_date == "2018-01-01"
    assert 0 < len(early.quality["outdated-sources"]) < len(berlin.quality["outdated-sources"])
    assert all(r in berlin.quality["outdated-sources"] for r in early.quality["outdated-sources"])


def test_unknown_district_and_bad_date(service, settings):
    from migrakg.errors import UsageError
    from migrakg.reporting import UnknownDistrict, build_report

    with pytest.raises(UnknownDistrict) as caught:
        build_report(service.select, root=settings.root, districts=("atlantis",))
    assert caught.value.status == 404 and "pankow" in caught.value.message("en")
    with pytest.raises(UsageError):
        build_report(service.select, root=settings.root, as_of="2024-13-99")
    with pytest.raises(UnknownDistrict):  # no IRI injection through the district
        build_report(service.select, root=settings.root, districts=("pankow> } ?s ?p ?o { <x",))


def test_network_layout_is_deterministic(service, settings, berlin):
    from migrakg.reporting import build_report

    again = build_report(service.select, root=settings.root, base=settings.base_iri, lang="de")
    assert again.figures["network-nodes"].svg == berlin.figures["network-nodes"].svg
    xs = [(n.x, n.y) for n in berlin.network.nodes.values()]
    assert len(set(xs)) == len(xs)  # no two nodes on the same spot


def test_network_shows_a_nomination_as_such(berlin):
    """The 2012 Spandau list was a nomination: its relations read "benannt (noch nicht berufen)", never current."""
    nominated = [e for e in berlin.network.edges if e.relation and e.relation.endswith("--behar-ev--member")]
    assert nominated and all(
        e.role.startswith("benannt") and e.status == "unknown" and e.evidenced == "2012-10-30" for e in nominated
    )
