"""BITV 2.0 / WCAG 2.1 AA on every page kind, in a real browser (headless Debian Chromium):

- axe-core (the npm package, installed into .cache/axe/ by scripts/install-system-deps.sh) finds no
  violation of the WCAG 2.1 A/AA rules, in German and English, at 1280 and at 375 px;
- every page reflows at 320 px: nothing wider than the window (WCAG 1.4.10), "Alle Angaben" open too;
- the focus ring has at least 3:1 against the page (1.4.11);
- screenshots of the main page kinds at 375 and 1280 px go to test-artifacts/.

The HTML validation of the same pages is in test_html_valid.py."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One address per page kind (the records exist in data/; membership and carrier role are looked up).
PAGES: dict[str, str] = {
    "landing": "/",
    "organisation": "/id/organisation/sprachcafe-polnisch-ev",
    "network": "/id/network/ak-lingua-pankow",
    "district": "/id/district/pankow",
    "offer": "/id/offer/welcome-center-pankow",
    "project": "/id/project/migraktiv-spandau",
    "funding": "/id/funding/fein-migraktiv-spandau",
    "place": "/id/place/sprachcafe-polnisch-ev-schulzestrasse",
    "membership": "membership",
    "carrier-role": "carrier-role",
    "concept": "/vocab/language/ARA",
    "scheme": "/vocab/offer-type",
    "ontology": "/ontology",
    "catalogue": "/catalog",
    "report": "/report",
    "report-district": "/report/pankow",
    "search": "/search?q=Beratung",
    "search-empty": "/search?q=xyzxyz",
    "sparql": "/sparql",
    "not-found": "/id/organisation/gibt-es-nicht",
    "accessibility": "/barrierefreiheit",
    "easy-language": "/leichte-sprache",
    "sign-language": "/gebaerdensprache",
    "workbench": "/werkbank",  # as a server without a knowledge base shows it; its filled steps: test_workbench.py
}
SCREENSHOTS = ("landing", "organisation", "network", "district", "search", "sparql", "report", "catalogue", "accessibility")


def page_paths(url: str) -> dict[str, str]:
    """PAGES with the membership and carrier-role addresses filled in from the data."""
    import urllib.parse
    import urllib.request

    def first(kind: str) -> str:
        query = f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/migrakg/id/{kind}/')) }} LIMIT 1"
        req = urllib.request.Request(
            url + "/sparql?query=" + urllib.parse.quote(query), headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            iri = json.load(r)["results"]["bindings"][0]["s"]["value"]
        return "/" + iri.split("https://w3id.org/migrakg/", 1)[1].split("#")[0]

    return {name: (first(path) if not path.startswith("/") else path) for name, path in PAGES.items()}


@pytest.fixture(scope="module")
def paths(live_server) -> dict[str, str]:
    return page_paths(live_server.url)


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE.relative_to(ROOT)} is missing: run scripts/install-system-deps.sh (or make test)"
    return AXE.read_text(encoding="utf-8")


@contextmanager
def window(browser, width: int, height: int = 900, lang: str = "de", *, bypass_csp: bool = False):
    """A fresh browser context with one page of *width* × *height* CSS pixels, closed afterwards. With
    *bypass_csp*, a test tool may inject its own inline script (axe-core), which the site's CSP refuses."""
    context = browser.new_context(
        locale="de-DE" if lang == "de" else "en-GB", viewport={"width": width, "height": height}, bypass_csp=bypass_csp
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def open_page(p, url: str, path: str, name: str) -> None:
    p.goto(url + path)
    if name == "sparql":  # the results table and status are part of the page people use
        p.locator("button.example").first.click()
        p.locator("#results table tbody tr").first.wait_for(timeout=20_000)
    # every <details> open: the hidden parts must pass as well ("Alle Angaben", facets on phones)
    p.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def run_axe(p, axe_source: str) -> list[dict]:
    if not p.evaluate("typeof window.axe !== 'undefined'"):
        p.add_script_tag(content=axe_source)
    result = p.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.slice(0, 300))})))""",
        WCAG_TAGS,
    )
    return result


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_wcag_violation(browser, live_server, paths, axe_source, artifacts, lang, width):
    found: dict[str, list[dict]] = {}
    with window(browser, width, 900, lang, bypass_csp=True) as p:
        for name, path in paths.items():
            sep = "&" if "?" in path else "?"
            open_page(p, live_server.url, f"{path}{sep}lang={lang}", name)
            assert p.locator("html").get_attribute("lang") == lang, name
            violations = run_axe(p, axe_source)
            if violations:
                found[name] = violations
            if name in SCREENSHOTS:
                p.screenshot(path=str(artifacts / f"a11y-{name}-{lang}-{width}.png"), full_page=True)
    report = artifacts / f"axe-{lang}-{width}.json"
    report.write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)[:6000]


def test_every_page_reflows_at_320_px(browser, live_server, paths, artifacts):
    widths: dict[str, int] = {}
    with window(browser, 320, 640) as p:
        for lang in ("de", "en"):
            for name, path in paths.items():
                sep = "&" if "?" in path else "?"
                open_page(p, live_server.url, f"{path}{sep}lang={lang}", name)
                widths[f"{name} ({lang})"] = p.evaluate(
                    "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                )
    (artifacts / "widths-320.json").write_text(json.dumps(widths, indent=1), encoding="utf-8")
    too_wide = {name: w for name, w in widths.items() if w > 320}
    assert not too_wide, too_wide


MERGED_PAGES = {
    "organisation-also-recorded": "/id/organisation/narud-ev",
    "import-also-recorded": "/id/organisation/bezirksliste--narud",
}


def test_pages_with_also_recorded_pass_axe_and_reflow(browser, merged_server, axe_source, artifacts):
    """The section naming the other records of a reviewed link: no axe violation in either language at
    1280 and 375 px, and the page reflows at 320 px."""
    found: dict[str, list[dict]] = {}
    widths: dict[str, int] = {}
    for lang in ("de", "en"):
        for width in (1280, 375, 320):
            with window(browser, width, 900, lang, bypass_csp=True) as p:
                for name, path in MERGED_PAGES.items():
                    open_page(p, merged_server.url, f"{path}?lang={lang}", name)
                    assert p.locator("#also-h").count() == 1, name
                    if width == 320:
                        widths[f"{name} ({lang})"] = p.evaluate(
                            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                        )
                    elif violations := run_axe(p, axe_source):
                        found[f"{name} {lang} {width}"] = violations
    (artifacts / "axe-also-recorded.json").write_text(
        json.dumps({"violations": found, "widths-320": widths}, indent=1), encoding="utf-8"
    )
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)[:6000]
    assert all(w <= 320 for w in widths.values()), widths


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def lum(c: tuple[int, int, int]) -> float:
        def ch(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, bl = (ch(v) for v in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    parts = css[css.index("(") + 1 : css.index(")")].replace(",", " ").split()
    return int(float(parts[0])), int(float(parts[1])), int(float(parts[2]))


def test_focus_ring_has_3_to_1_on_page_and_header(browser, live_server):
    """The keyboard focus is visible: the outline has ≥ 3:1 against white and against the blue header."""
    with window(browser, 1280, 900) as p:
        p.goto(live_server.url + "/search?q=Beratung")
        for selector in ("main a", "header.site a", "#q", "footer a"):
            p.locator(selector).first.focus()
            style = p.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                return {colour: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle} }""")
            assert style["style"] != "none" and style["width"] >= 2, (selector, style)
            background = (0x0B, 0x53, 0x94) if selector.startswith("header") else (255, 255, 255)
            assert contrast(rgb(style["colour"]), background) >= 3, (selector, style)


def test_network_map_is_skippable_and_focus_highlights(browser, live_server):
    """The report's network map: a skip link over it, and a node with keyboard focus highlights its
    neighbours like the pointer does."""
    with window(browser, 1280, 900) as p:
        p.goto(live_server.url + "/report")
        skip = p.locator("a.skip-map")
        assert skip.count() == 1
        target = skip.get_attribute("href")
        assert target and p.locator(target).count() == 1
        node = p.locator("#network-map .node a").first
        node.focus()
        assert p.evaluate("document.getElementById('network-map').classList.contains('focus')")
        assert p.locator("#network-map .node.on").count() >= 2


def test_sparql_moves_focus_to_the_result_status(browser, live_server):
    with window(browser, 375, 800) as p:
        p.goto(live_server.url + "/sparql")
        p.locator("button.example").first.click()
        p.locator("#results table tbody tr").first.wait_for(timeout=20_000)
        assert p.evaluate("document.activeElement.id") == "status"
        assert p.locator("#status").inner_text().strip()
        assert p.locator("#status").get_attribute("aria-live") == "polite"


def test_search_results_come_before_the_facets_on_phones(browser, live_server):
    with window(browser, 375, 800) as p:
        p.goto(live_server.url + "/search?q=Beratung")
        results = p.locator("#results-h").bounding_box()
        facets = p.locator(".facets").bounding_box()
        assert results and facets and results["y"] < facets["y"]
        assert results["y"] < 800  # the first result heading is on the first screen
        assert p.locator(".facets details").count() >= 1


def test_language_switch_keeps_query_and_facets(browser, live_server):
    with window(browser, 1280, 900) as p:
        p.goto(live_server.url + "/search?q=Beratung&district=pankow&lang=de")
        p.click("header.site a[hreflang=en]")
        p.wait_for_load_state()
        assert p.locator("html").get_attribute("lang") == "en"
        assert p.locator("#q").input_value() == "Beratung"
        assert "district=pankow" in p.url
