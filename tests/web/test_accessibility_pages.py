"""The accessibility statement with its feedback channel, the Leichte Sprache and DGS pages, their
footer links on every page, and words for people where the pages used the data model's terms."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.test_catalog import catalog_client  # noqa: F401 — the app that publishes on demand

HTML = {"Accept": "text/html"}


@pytest.mark.parametrize(
    "path,lang,heading",
    [
        ("/barrierefreiheit", "de", "Erklärung zur Barrierefreiheit"),
        ("/accessibility", "en", "Accessibility statement"),
        ("/leichte-sprache", "de", "migrakg in Leichter Sprache"),
        ("/easy-language", "en", "migrakg in easy language"),
        ("/gebaerdensprache", "de", "Informationen in Deutscher Gebärdensprache (DGS)"),
        ("/sign-language", "en", "Information in German Sign Language (DGS)"),
    ],
)
def test_statement_and_information_pages(client, path, lang, heading):
    r = client.get(path, headers=HTML)
    assert r.status_code == 200
    assert f'<html lang="{lang}">' in r.text and f"<h1>{heading}</h1>" in r.text
    other = "en" if lang == "de" else "de"
    assert client.get(f"{path}?lang={other}", headers=HTML).text.count(f'<html lang="{other}">') == 1


def test_statement_has_a_working_feedback_form(client, settings):
    page = client.get("/barrierefreiheit", headers=HTML).text
    assert 'id="feedback"' in page and 'name="message"' in page and 'action="/barrierefreiheit?lang=de#feedback"' in page
    stored = settings.build_path / "feedback" / "accessibility.jsonl"
    before = stored.read_text(encoding="utf-8").splitlines() if stored.exists() else []
    bad = client.post("/barrierefreiheit", data={"message": "   ", "reply_to": ""}, headers=HTML)
    assert bad.status_code == 400 and "Nachricht" in bad.text
    bad = client.post(
        "/accessibility?lang=en", data={"message": "x", "reply_to": "no address"}, headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400 and "email" in bad.json()["message"]
    assert (stored.read_text(encoding="utf-8").splitlines() if stored.exists() else []) == before  # nothing kept
    good = client.post("/barrierefreiheit", data={"message": "Kontrast der Karte zu schwach", "page": "/"}, headers=HTML)
    assert good.status_code == 200 and "Danke! Ihre Nachricht ist angekommen." in good.text
    lines = stored.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 1
    entry = json.loads(lines[-1])
    assert entry["message"] == "Kontrast der Karte zu schwach" and entry["page"] == "/" and entry["received"]


def test_operator_contact_replaces_the_form(settings, kb_store, service):
    from fastapi.testclient import TestClient

    from migrakg.web.app import create_app

    app = create_app(settings.with_(feedback_contact="mailto:barrierefreiheit@example.org"), kb_store, service=service)
    with TestClient(app) as c:
        page = c.get("/accessibility", headers=HTML).text
    assert 'href="mailto:barrierefreiheit@example.org"' in page and 'name="message"' not in page


def test_bad_contact_setting_is_refused(settings):
    from migrakg.errors import UsageError

    with pytest.raises(UsageError, match="feedback contact"):
        settings.with_(feedback_contact="jemand@example.org")


@pytest.mark.parametrize(
    "path", ["/", "/search?q=cafe", "/id/organisation/sprachcafe-polnisch-ev", "/sparql", "/report", "/nope"]
)
def test_every_footer_links_statement_easy_language_and_sign_language(client, path):
    for lang, links in (
        ("de", ("/barrierefreiheit", "/leichte-sprache", "/gebaerdensprache", "/barrierefreiheit#feedback")),
        ("en", ("/accessibility", "/easy-language", "/sign-language", "/accessibility#feedback")),
    ):
        sep = "&" if "?" in path else "?"
        page = client.get(f"{path}{sep}lang={lang}", headers=HTML).text
        footer = page[page.index('<footer class="site">') :]
        for link in links:
            assert f'href="{link}"' in footer, (path, lang, link)


def test_language_switch_keeps_query_and_facets(client):
    page = client.get("/search?q=Beratung&district=pankow&lang=de", headers=HTML).text
    assert 'href="/search?q=Beratung&amp;district=pankow&amp;lang=en"' in page


def test_pages_name_things_in_the_page_language(client):
    org = client.get("/id/organisation/sprachcafe-polnisch-ev?lang=de", headers=HTML).text
    rows = re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', org)
    assert "Art" in rows and "type" not in rows and "Quelle" in rows
    concept = client.get("/vocab/language/ARA?lang=de", headers=HTML).text
    rows = re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', concept)
    assert "Oberbegriff in" in rows and not {"topConceptOf", "inScheme", "type"} & set(rows)
    placeholder = re.search(r'placeholder="([^"]+)"', client.get("/?lang=en", headers=HTML).text)
    assert placeholder and placeholder.group(1) == "e.g. Arabic counselling"


def test_catalogue_counts_say_their_kind_in_plural(catalog_client):  # noqa: F811
    de = catalog_client.get("/catalog?lang=de", headers=HTML).text
    en = catalog_client.get("/catalog?lang=en", headers=HTML).text
    assert re.search(r"\d+ Organisationen", de) and re.search(r"\d+ Mitgliedschaften", de)
    assert re.search(r"\d+ organisations", en) and re.search(r"\d+ memberships", en)
    assert not re.search(r"\d+ (organisation|membership|network)[,<]", en)


def test_report_captions_are_for_people(client):
    page = client.get("/report?lang=de", headers=HTML).text
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page, flags=re.S)
    assert len(captions) == page.count("<figure")  # one caption per figure
    for caption in captions:
        text = re.sub(r'<span class="query">.*?</span>', "", caption, flags=re.S)  # the query link keeps its terms
        assert "mkg:" not in text and "VALUES" not in text and "schema:" not in text, text
    assert "Betweenness" not in page and "layout:" not in page and "Zeigen Sie auf" not in page


def test_texts_in_another_language_are_marked(client):
    """Editorial notes are English (@en) and marked so on German pages; a search result shown in another
    language than the page carries its lang."""
    page = client.get("/id/organisation/narud-ev?lang=de", headers=HTML).text
    note = re.search(r'<p class="note">.*?</p>', page, flags=re.S)
    assert note and '<span lang="en">' in note.group(0)
    results = client.get("/search?q=Migrationsberatung&lang=en", headers=HTML).text
    assert re.search(r'<p lang="de">Migrationsberatung', results) or re.search(r"<p>Migration counselling", results)
