"""The public face in a real browser (headless Debian Chromium): landing page, search with a facet, an
organisation page, the SPARQL page — no console errors, no failed and no external requests; screenshots
go to test-artifacts/. Injected scripts in the data never run."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


class Watch:
    """Records every request, failure, console error and dialog of a page."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: self.failed.append(f"{r.url} {r.status}") if r.status >= 400 else None)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check(self, origin: str) -> None:
        assert not self.errors, self.errors
        assert not self.failed, self.failed
        assert not self.dialogs, self.dialogs
        outside = [u for u in self.requests if not u.startswith(origin + "/")]
        assert not outside, outside


@pytest.fixture(scope="module")
def page(browser, live_server):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    yield page, watch, live_server.url
    context.close()
    watch.check(live_server.url)


def test_landing_page(page, artifacts):
    p, watch, url = page
    p.goto(url + "/")
    assert p.locator("html").get_attribute("lang") == "de"
    assert p.locator("h1").count() == 1
    assert p.locator("main").count() == 1 and p.locator("nav").count() >= 1
    assert p.locator("figure.map svg title").count() >= 1  # the map with links: not an image, named by its title
    assert "Pankow" in p.locator("table").first.inner_text()
    p.screenshot(path=str(artifacts / "pages-landing.png"), full_page=True)
    watch.check(url)


def test_search_with_facet(page, artifacts):
    p, watch, url = page
    p.goto(url + "/search")
    p.fill("#q", "Polnisch")
    p.keyboard.press("Enter")
    p.wait_for_url("**/search?q=Polnisch")
    p.click("a.facet[data-facet=district][data-value=pankow]")
    p.wait_for_url("**district=pankow**")
    hits = p.locator("ol.hits").inner_text()
    assert "SprachCafé Polnisch e.V." in hits
    assert p.locator("a.facet.selected[data-value=pankow]").count() == 1
    p.screenshot(path=str(artifacts / "pages-search-facet.png"), full_page=True)
    watch.check(url)


def test_organisation_page_and_language_switch(page, artifacts):
    p, watch, url = page
    p.goto(url + "/search?q=sprachcafe+polnisch")
    p.click("ol.hits a:has-text('SprachCafé Polnisch e.V.')")
    p.wait_for_url("**/id/organisation/sprachcafe-polnisch-ev")
    assert p.locator("h1").inner_text() == "SprachCafé Polnisch e.V."
    assert p.locator("text=AK Lingua Pankow").count() >= 1
    assert p.locator("figure.map svg path.district.on").count() >= 1
    p.screenshot(path=str(artifacts / "pages-organisation.png"), full_page=True)
    p.click("header.site a[hreflang=en]")
    assert p.locator("html").get_attribute("lang") == "en"
    p.goto(url + "/id/network/ak-lingua-pankow")  # remembered without ?lang=
    assert p.locator("html").get_attribute("lang") == "en"
    assert p.locator("h2:has-text('Members')").count() == 1
    p.screenshot(path=str(artifacts / "pages-network-en.png"), full_page=True)
    p.goto(url + "/?lang=de")
    watch.check(url)


def test_district_and_concept_pages(page, artifacts):
    p, watch, url = page
    p.goto(url + "/vocab/district")
    p.click("a:has-text('Pankow')")
    p.wait_for_url("**/id/district/pankow")
    assert p.locator("figure.map path.district.on").count() == 1
    assert p.locator("a:has-text('SprachCafé Polnisch e.V.')").count() == 1
    p.screenshot(path=str(artifacts / "pages-district.png"), full_page=True)
    p.goto(url + "/vocab/language/ARA")
    assert p.locator("[lang=ar]").count() >= 1
    p.screenshot(path=str(artifacts / "pages-concept.png"), full_page=True)
    watch.check(url)


def test_sparql_page_runs_an_example(page, artifacts):
    p, watch, url = page
    p.goto(url + "/sparql")
    p.locator("button.example").first.click()
    p.locator("#results table tbody tr").first.wait_for(timeout=10_000)
    assert p.locator("#results table tbody tr").count() >= 1
    p.screenshot(path=str(artifacts / "pages-sparql.png"), full_page=True)
    watch.check(url)


def test_keyboard_reaches_search(page):
    p, watch, url = page
    p.goto(url + "/")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.className") == "skip"
    p.keyboard.press("Enter")
    watch.check(url)


def test_injected_scripts_never_run(browser, settings, kb_store, artifacts):
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app
    from tests.conftest import LiveServer
    from tests.web.test_pages_safety import PAGES, injected_store

    store = injected_store(kb_store)
    app = create_app(settings, store, service=QueryService(store, workers=1, timeout=10))
    with LiveServer(app) as server:
        context = browser.new_context()
        p = context.new_page()
        watch = Watch(p)
        live_scripts = (
            "() => [...document.scripts].filter(s => s.type !== 'application/ld+json' && s.text.includes('alert(1)')).length"
        )
        for path in PAGES:
            p.goto(server.url + path)
            # the injected markup stays text: no script element carries it (JSON-LD holds it escaped, as data)
            assert p.evaluate(live_scripts) == 0, path
        p.goto(server.url + "/id/organisation/evil")
        assert "<script>alert(1)</script>" in p.locator("h1").inner_text()
        p.screenshot(path=str(artifacts / "pages-injected.png"), full_page=True)
        context.close()
        watch.check(server.url)
