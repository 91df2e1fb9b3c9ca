"""The search index without a store: normalisation, AND + prefix matching, facets."""

from __future__ import annotations

from migrakg.linkeddata.search import SearchIndex, normalise, tokens

B = "https://w3id.org/migrakg/"


def index():
    text = [
        (B + "id/organisation/a", "organisation", "name", "de", "SprachCafé Polnisch e.V."),
        (B + "id/organisation/b", "organisation", "name", "de", "Straßenfest Verein"),
        (B + "id/organisation/b", "organisation", "alt", "de", "SFV"),
        (B + "id/offer/c", "offer", "name", "de", "Beratung auf Arabisch"),
        (B + "id/offer/c", "offer", "name", "en", "Counselling in Arabic"),
        (B + "id/offer/c", "offer", "description", "de", "Im Café Polnisch"),
    ]
    facets = [
        (B + "id/organisation/a", "district", B + "id/district/pankow"),
        (B + "id/offer/c", "district", B + "id/district/spandau"),
        (B + "id/offer/c", "language", "http://publications.europa.eu/resource/authority/language/ARA"),
    ]
    labels = [
        (B + "id/district/pankow", "de", "Pankow"),
        ("http://publications.europa.eu/resource/authority/language/ARA", "de", "Arabisch"),
        ("http://publications.europa.eu/resource/authority/language/ARA", "ar", "العربية"),
    ]
    return SearchIndex.from_rows(text, facets, labels)


def test_normalise():
    assert normalise("SprachCafé Straße") == "sprachcafe strasse"
    assert normalise("ŞİŞLİ Łódź Ørsted") == "sisli lodz orsted"
    assert tokens("e.V. — Café8TV") == ["e", "v", "cafe8tv"]


def test_and_prefix_accents():
    idx = index()
    assert [i.iri for i in idx.search("sprachcafe polnisch").items] == [B + "id/organisation/a"]
    assert idx.search("STRASSE").total == 1 and idx.search("sfv").total == 1
    assert idx.search("polnisch").total == 2
    assert idx.search("polnisch").items[0].iri == B + "id/organisation/a"  # name hit before description hit
    assert idx.search("polnisch beratung").total == 1
    assert idx.search("xyz").total == 0
    assert idx.search("arab").items[0].name("en") == "Counselling in Arabic"


def test_facets():
    idx = index()
    r = idx.search("", filters={"language": ["ARA"]})
    assert r.total == 1 and r.kind_counts == {"organisation": 0, "offer": 1}
    lang = r.facets["language"][0]
    assert (lang.code, lang.label, lang.count, lang.selected, lang.other_labels) == (
        "ARA",
        "Arabisch",
        1,
        True,
        (("ar", "العربية"),),
    )
    assert idx.search("", filters={"district": ["pankow", "spandau"]}).total == 2
    assert idx.search("polnisch", filters={"district": ["pankow"]}).total == 1
    assert idx.search("", kind="organisation").total == 2
    assert idx.search("", per_page=1, page=3).items[0].kind
    all_counts = {v.code: v.count for v in idx.search("").facets["district"]}
    assert all_counts == {"pankow": 1, "spandau": 1}


def test_build_index_pages_past_the_row_limit(kb_store):
    """With a tiny result limit every query is read in ordered pages; the index is the same."""
    from migrakg.linkeddata.search import build_index
    from migrakg.sparql.service import QueryService

    small = QueryService(kb_store, workers=1, timeout=30, limit=7)
    small.start()
    try:
        paged = build_index(small)
    finally:
        small.close()
    big = QueryService(kb_store, workers=1, timeout=30)
    big.start()
    try:
        whole = build_index(big)
    finally:
        big.close()
    assert len(paged.items) == len(whole.items) == 66
    assert [(i.iri, i.names, i.facets) for i in paged.items] == [(i.iri, i.names, i.facets) for i in whole.items]
    assert paged.search("sprachcafe polnisch", filters={"district": ["pankow"]}).total >= 2
