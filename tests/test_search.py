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


def test_build_index_pages_past_the_row_limit(kb_store, data_count):
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
    assert len(paged.items) == len(whole.items) == data_count("organisations") + data_count("offers")
    assert [(i.iri, i.names, i.facets) for i in paged.items] == [(i.iri, i.names, i.facets) for i in whole.items]
    assert paged.search("sprachcafe polnisch", filters={"district": ["pankow"]}).total >= 2


def _words_index():
    """Records for the word rules: gender forms, word forms, synonyms from labels, offers' texts, the
    migrant-organisation tag."""
    tg = B + "vocab/target-group/"
    text = [
        (B + "id/offer/lotsen", "offer", "name", "de", "Integrationslots*innen Spandau"),
        (B + "id/offer/familie", "offer", "name", "en", "Help for families"),
        (B + "id/organisation/verein", "organisation", "name", "de", "Deutsch-Afghanischer Kulturverein"),
        (B + "id/organisation/traeger", "organisation", "name", "de", "Träger gGmbH"),
        (B + "id/organisation/traeger", "organisation", "description", "de", "Beratung neu zugewanderter Frauen"),
        (B + "id/organisation/traeger", "organisation", "via", "de", "Deutschunterricht am Abend"),
        (B + "id/organisation/mso", "organisation", "name", "de", "Hellenische Gemeinde"),
        (B + "id/offer/kurs", "offer", "name", "de", "Deutschunterricht am Abend"),
    ]
    facets = [(B + "id/organisation/mso", "tag", tg + "migrant-organisations")]
    labels = [
        (B + "vocab/field/culture", "de", "Kultur"),
        (B + "vocab/field/culture", "en", "culture"),
        (tg + "newcomers", "de", "Neuzugewanderte"),
        (tg + "newcomers", "en", "newcomers"),
        (B + "vocab/offer-type/language-course", "de", "Sprachkurs"),
        (B + "vocab/offer-type/language-course", "de", "Deutschunterricht", "alt"),
        (tg + "migrant-organisations", "de", "Migrant*innenorganisationen"),
        (tg + "migrant-organisations", "en", "migrant organisations"),
        (tg + "migrant-organisations", "de", "Migrantenorganisationen", "alt"),
        (tg + "migrant-organisations", "de", "MSO", "alt"),
    ]
    return SearchIndex.from_rows(text, facets, labels)


def _found(idx, query):
    return [i.iri.rsplit("/", 1)[-1] for i in idx.search(query).items]


def test_gender_forms_and_word_forms():
    idx = _words_index()
    for query in ("Integrationslotsen", "Integrationslots*innen", "Integrationslots:innen", "IntegrationslotsInnen", "Lotsen"):
        assert _found(idx, query) == ["lotsen"], query
    assert _found(idx, "family") == _found(idx, "families") == _found(idx, "Familie") == ["familie"]


def test_labels_are_synonyms_of_the_words_they_start_or_end():
    idx = _words_index()
    assert _found(idx, "culture") == ["verein"]  # "Kulturverein" starts with the label "Kultur"
    assert _found(idx, "Neuzugewanderte") == ["traeger"]  # written apart: "neu zugewanderter"
    assert _found(idx, "newcomers") == ["traeger"]
    assert idx.search("Sprachkurs", kind="offer").total == 1  # "Deutschunterricht" is an alternative label


def test_offers_texts_find_their_provider_after_the_offer():
    idx = _words_index()
    assert _found(idx, "Deutschunterricht") == ["kurs", "traeger"]  # the offer's own name ranks first


def test_migrant_organisations_are_found_as_such():
    idx = _words_index()
    for query in (
        "Migrantenorganisation",
        "Migrant:innenorganisationen",
        "Migrant*innenorganisationen",
        "MSO",
        "migrant organisation",
    ):
        assert _found(idx, query) == ["mso"], query
