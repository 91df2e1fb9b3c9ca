"""The report in headless Chromium: no request leaves the page, the network map reacts to hover,
screenshots and a PDF for people to look at (test-artifacts/)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def watch(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    return requests


def test_served_report_makes_no_other_request_and_prints(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE")
    page = context.new_page()
    requests = watch(page)
    page.goto(f"{live_server.url}/report/pankow?lang=de", wait_until="networkidle")
    assert page.locator("h1").inner_text().startswith("Akteursanalyse")
    # in the site's layout: the site's own stylesheet, nothing else
    own = (f"{live_server.url}/report/pankow", f"{live_server.url}/favicon.ico", f"{live_server.url}/static/style.css")
    others = [u for u in requests if u.split("?")[0] not in own]
    assert others == [], others
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    network = page.locator("#network-map")
    network.scroll_into_view_if_needed()
    network.screenshot(path=str(artifacts / "report-network-map.png"))
    # hover a network: it and its neighbours stay, the rest fades
    hub = page.locator("svg#network-map g.node-network").first
    hub.hover()
    assert "focus" in (page.locator("svg#network-map").get_attribute("class") or "")
    lit = page.locator("svg#network-map g.node.on").count()
    assert lit == 1 + len((hub.get_attribute("data-neighbours") or "").split())
    assert page.locator("svg#network-map line.edge.on").count() >= lit - 1
    # print: no SVG wider than an A4 page, sections start on new pages, navigation hidden
    page.set_viewport_size({"width": 703, "height": 1000})
    page.emulate_media(media="print")
    widths = page.evaluate("""() => Array.from(document.querySelectorAll('svg')).map(s => {
        const r = s.getBoundingClientRect(); return [r.left, r.right, document.documentElement.clientWidth]; })""")
    assert widths and all(left >= -0.5 and right <= width + 0.5 for left, right, width in widths), widths
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('#offers')).breakBefore") in ("page", "always")
    pdf = page.pdf(path=str(artifacts / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert (artifacts / "report.pdf").stat().st_size == len(pdf)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 6  # one section per page at least
    context.close()


def test_standalone_file_makes_no_request(browser, tmp_path, settings, built, monkeypatch, artifacts):
    from migrakg import cli

    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    out = tmp_path / "report"
    assert cli.main(["report", "--out", str(out), "--lang", "en"]) == 0
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = watch(page)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto((out / "report.html").as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert requests == [(out / "report.html").as_uri()] and not failed
    assert page.locator("svg").count() >= 10
    page.locator("#fig-timeline").screenshot(path=str(artifacts / "report-timeline.png"))
    page.close()
