"""The search index without a store: normalisation, AND + prefix matching, facets."""

from __future__ import annotations

from migrakg.search import SearchIndex, normalise, tokens

S = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
D = "http://purl.org/dc/terms/"
B = "https://w3id.org/migrakg/"


def lit(text, lang=None):
    return ("literal", text, lang, None)


def uri(iri):
    return ("uri", iri, None, None)


def index():
    text = [
        [uri(B + "id/organisation/a"), lit("organisation"), uri(SKOS + "prefLabel"), lit("SprachCafé Polnisch e.V.", "de")],
        [uri(B + "id/organisation/b"), lit("organisation"), uri(SKOS + "prefLabel"), lit("Straßenfest Verein", "de")],
        [uri(B + "id/organisation/b"), lit("organisation"), uri(SKOS + "altLabel"), lit("SFV", "de")],
        [uri(B + "id/offer/c"), lit("offer"), uri(S + "name"), lit("Beratung auf Arabisch", "de")],
        [uri(B + "id/offer/c"), lit("offer"), uri(S + "name"), lit("Counselling in Arabic", "en")],
        [uri(B + "id/offer/c"), lit("offer"), uri(D + "description"), lit("Im Café Polnisch", "de")],
    ]
    facets = [
        [uri(B + "id/organisation/a"), lit("district"), uri(B + "id/district/pankow")],
        [uri(B + "id/offer/c"), lit("district"), uri(B + "id/district/spandau")],
        [uri(B + "id/offer/c"), lit("language"), uri("http://publications.europa.eu/resource/authority/language/ARA")],
    ]
    labels = [[uri(B + "id/district/pankow"), lit("Pankow", "de")],
              [uri("http://publications.europa.eu/resource/authority/language/ARA"), lit("Arabisch", "de")],
              [uri("http://publications.europa.eu/resource/authority/language/ARA"), lit("العربية", "ar")]]
    return SearchIndex.from_rows(text, facets, labels)


def test_normalise():
    assert normalise("SprachCafé Straße") == "sprachcafe strasse"
    assert normalise("ŞİŞLİ Łódź") .startswith("sisli")
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
    assert (lang.code, lang.label, lang.count, lang.selected, lang.other_labels) == ("ARA", "Arabisch", 1, True, (("ar", "العربية"),))
    assert idx.search("", filters={"district": ["pankow", "spandau"]}).total == 2
    assert idx.search("polnisch", filters={"district": ["pankow"]}).total == 1
    assert idx.search("", kind="organisation").total == 2
    assert idx.search("", per_page=1, page=3).items[0].kind
    all_counts = {v.code: v.count for v in idx.search("").facets["district"]}
    assert all_counts == {"pankow": 1, "spandau": 1}
