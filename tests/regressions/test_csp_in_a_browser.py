"""The strict CSP holds in a real browser (headless Chromium): /api renders Swagger UI from the
package's own files, the report's hashed inline script still runs, and no page reports a violation or
asks another host for anything."""

from __future__ import annotations

import pytest

from tests.browser.test_browser_pages import Watch

pytestmark = pytest.mark.browser


@pytest.fixture()
def watched(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    yield page, watch, live_server.url
    context.close()


def test_api_docs_render_without_a_cdn(watched):
    page, watch, url = watched
    page.goto(url + "/api")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert "migrakg" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-summary-path", has_text="/health").count() >= 1
    watch.check(url)


def test_report_network_map_script_runs_under_the_csp(watched):
    page, watch, url = watched
    page.goto(url + "/report")
    node = page.locator("#network-map .node").first
    node.hover()
    assert "focus" in (page.locator("#network-map").get_attribute("class") or "")  # the inline script ran
    watch.check(url)
