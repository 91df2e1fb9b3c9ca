"""The coordinator's workbench in a real browser (headless Debian Chromium) against a real server
(uvicorn on 127.0.0.1) over a knowledge base of its own: upload her messy file, correct one column's
mapping, see the bad row with her row number and header, fix the file and upload again, confirm, accept
one proposed duplicate and reject another, publish her source's release — then find her records, their
addresses and languages on the site's pages and in the release files.

The files are SYNTHETIC (invented organisations, `.example` web addresses), except that two rows name
organisations the knowledge base already has, so that the duplicate review has something to review.
Screenshots of each step at 375 and 1280 px go to test-artifacts/."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import httpx
import openpyxl
import pytest

from tests.browser.test_accessibility import AXE, run_axe
from tests.browser.test_browser_pages import Watch
from tests.browser.test_html_valid import validate
from tests.conftest import LiveServer
from tests.sources.synthetic import NOTE

pytestmark = pytest.mark.browser

BASE = "https://w3id.org/migrakg/"

# -- the files ------------------------------------------------------------------------------------

XLSX_HEADERS = ["Lfd. Nr.", "Name der Organisation", "Straße + Hausnr.", "PLZ", "Ort", "Webseite", "Sprachen", "Angebote", "Ansprechpartner"]  # fmt: skip
XLSX_ROWS = [
    ["Synthetischer Nachbarschaftsverein Friedrichsfelde e.V.", "Alt-Friedrichsfelde 12", 10315, "Lichtenberg", "www.snf.example", "Arabisch, Farsi", "Sprachcafé", "Erika Beispiel"],
    ["Synthetische Elterninitiative Karlshorst", "Treskowallee 50", 10318, "Karlshorst", "snek.example", "Vietnamesisch; Deutsch", "Elterncafé", ""],
    ["Synthetischer Sportverein Hohenschönhausen", "Zingster Str. 5", 14467, "Neu-Hohenschönhausen", "www.ssh.example", "Russisch", "Fußball für alle", ""],
    ["NARUD e.V.", "Möllendorffstr. 40", 10367, "lichtenberg", "www.narud-synthetisch.example", "Englisch, Französisch", "Beratung für Geflüchtete", ""],
    ["AfEBB e.V.", "Rummelsburger Str. 30", 10315, "Lichtenberg", "www.afebb-synthetisch.example", "Französisch", "Elternberatung", ""],
]  # fmt: skip
BAD_ROW = 5  # Excel row of the Sportverein: a title line, the header in row 2, its data row is the third


def write_xlsx(path: Path, *, fixed: bool) -> Path:
    """Her Lichtenberg workbook: a title line, her headers, "Ort" holding the district, a person's name
    column, an instruction sheet — and (unless *fixed*) a Potsdam postcode in one row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "MSO Lichtenberg"
    sheet.append(["Migrant*innenorganisationen in Lichtenberg – " + NOTE])
    sheet.append(XLSX_HEADERS)
    for number, row in enumerate(XLSX_ROWS, start=1):
        cells = list(row)
        if fixed and cells[2] == 14467:
            cells[2] = 13051
        sheet.append([number, *cells])
    notes = book.create_sheet("Hinweise")
    notes.append([NOTE])
    book.save(path)
    return path


CSV_HEADERS = ["Organisation", "Anschrift", "Ortsteil", "Homepage", "Tel.", "Sprache", "Info", "Bemerkung"]
CSV_ROWS = [
    ["Synthetischer Treffpunkt Gesundbrunnen", "Badstraße 10, 13357 Berlin", "Gesundbrunnen", "www.stg.example", "030 555 30 01", "Türkisch; Kurmancî", "Offene Sprechstunde", NOTE],
    ["Synthetische Frauengruppe Moabit", "Turmstraße 20, 14467 Potsdam", "Moabit", "www.sfm.example", "030 555 30 02", "Arabisch", "Frauenfrühstück", ""],
    ["SprachCafe Polnisch", "Stromstraße 1, 10551 Berlin", "Moabit", "www.scp-synthetisch.example", "", "Polnisch", "Sprachcafé", ""],
    ["KoopKultur e.V.", "Lehrter Straße 5, 10557 Berlin", "Moabit", "www.koop-synthetisch.example", "", "Spanisch, Deutsch", "Kulturabend", ""],
]  # fmt: skip


def write_csv(path: Path, *, fixed: bool) -> Path:
    """A semicolon CSV in Windows-1252 of another shape: one address cell, "Info" holding the offers."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in CSV_ROWS:
        cells = [c.replace("14467 Potsdam", "10551 Berlin") if fixed else c for c in row]
        writer.writerow(cells)
    path.write_bytes(out.getvalue().replace("Kurmancî", "Kurdisch").encode("cp1252"))
    return path


# -- the server -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbench_server(settings, kb_template, tmp_path_factory):
    """A real server over a knowledge base of its own (the real data), with a coordinator's token."""
    from migrakg.kb import KnowledgeBase
    from migrakg.sparql.service import QueryService
    from migrakg.web.app import create_app

    root = tmp_path_factory.mktemp("workbench") / "kb"
    shutil.copytree(kb_template, root)
    kb = KnowledgeBase.open(root, settings)
    app = create_app(settings, kb.readers, service=QueryService(kb.readers, workers=1, timeout=20), kb=kb)
    secret = app.state.kb.tokens.add("koordination", ["lichtenberg", "mitte", "links"])
    with LiveServer(app) as server:
        yield server, secret, root
    kb.close()


class Checks:
    """axe-core (WCAG 2.1 A/AA) on the page at each step, at 1280 and 375 px, with screenshots of the page
    and of the step's section; at the end the filled page at 320 px (reflow) and through the Nu HTML Checker."""

    def __init__(self, p, axe_source: str, artifacts: Path, lang: str):
        self.p, self.axe_source, self.artifacts, self.lang = p, axe_source, artifacts, lang
        self.found: dict[str, list[dict]] = {}

    def step(self, name: str, section: str) -> None:
        for width in (1280, 375):
            self.p.set_viewport_size({"width": width, "height": 900})
            shot = self.artifacts / f"workbench-{self.lang}-{name}-{width}"
            self.p.screenshot(path=f"{shot}.png", full_page=True)
            self.p.locator(section).screenshot(path=f"{shot}-step.png")
        self.p.evaluate(
            "document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; d.dataset.opened = '1'; })"
        )
        for width in (1280, 375):  # with every folded part open: the hidden parts must pass as well
            self.p.set_viewport_size({"width": width, "height": 900})
            violations = run_axe(self.p, self.axe_source)
            if violations:
                self.found[f"{name} at {width} px"] = violations
        self.p.evaluate(
            "document.querySelectorAll('details[data-opened]').forEach(d => { d.open = false; delete d.dataset.opened; })"
        )
        self.p.set_viewport_size({"width": 1280, "height": 900})

    def finish(self, tmp_path: Path) -> None:
        self.p.set_viewport_size({"width": 320, "height": 640})
        width = self.p.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        self.p.set_viewport_size({"width": 1280, "height": 900})
        page = tmp_path / f"workbench-filled-{self.lang}.html"
        html = self.p.evaluate("""() => { const copy = document.documentElement.cloneNode(true);
            copy.querySelectorAll('script:not([src])').forEach(s => s.remove());  // axe-core, put in by the test
            return copy.outerHTML; }""")
        page.write_text("<!DOCTYPE html>\n" + html, encoding="utf-8")
        errors = validate([page])
        assert not self.found, json.dumps(self.found, indent=1, ensure_ascii=False)[:6000]
        assert width <= 320, width
        assert not errors, [f"{m.get('lastLine')}: {m.get('message')}" for m in errors]


def status(p) -> str:
    return p.locator("#wb-status").inner_text()


def mapping_row(p, header: str):
    return p.locator("#wb-mapping tbody tr").filter(has=p.locator("th", has_text=header))


def upload(p, url: str, secret: str, source: str, bad: Path, checks: Checks) -> None:
    """Her first upload: the file with one bad row is refused whole."""
    p.goto(url + ("/werkbank" if checks.lang == "de" else "/workbench"))
    assert p.locator("html").get_attribute("lang") == checks.lang
    p.fill("#wb-source", source)
    p.fill("#wb-token", secret)
    p.set_input_files("#wb-file", str(bad))
    checks.step("1-upload", "#step-upload")
    p.click("#wb-check")
    p.locator("#wb-problems table").wait_for()
    assert ("nichts wurde geändert" if checks.lang == "de" else "nothing was changed") in status(p)


def upload_again(p, good: Path) -> str:
    """The corrected file, checked with her corrected mapping: the preview's text."""
    p.set_input_files("#wb-file", str(good))
    p.click("#wb-check")
    p.locator("#wb-apply").wait_for(state="visible")
    return p.locator("#wb-preview").inner_text()


def decide_and_publish(p, checks: Checks, *, accept, reject) -> None:
    """Her decisions on two proposed duplicates (each answered on its card), then her source's release."""
    linked, rejected = ("Verknüpft", "Abgelehnt") if checks.lang == "de" else ("Linked", "Rejected")
    accept.locator("button.decide-accept").click()
    accept.locator(".wb-decision", has_text=linked).wait_for()
    reject.locator("button.decide-reject").click()
    reject.locator(".wb-decision", has_text=rejected).wait_for()
    p.click("#wb-publish")
    p.locator("#wb-files a").first.wait_for(timeout=120_000)
    checks.step("5-published", "#step-publish")


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def test_her_xlsx_from_upload_to_release(browser, workbench_server, axe_source, tmp_path, artifacts):
    server, secret, root = workbench_server
    url = server.url
    bad = write_xlsx(tmp_path / "MSO Lichtenberg.xlsx", fixed=False)
    good = write_xlsx(tmp_path / "MSO Lichtenberg - korrigiert.xlsx", fixed=True)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe-core
    p = context.new_page()
    watch = Watch(p)
    checks = Checks(p, axe_source, artifacts, "de")
    sent: list[dict[str, str]] = []
    p.on("request", lambda r: sent.append({"url": r.url, "auth": r.headers.get("authorization", ""), "body": r.post_data or ""}))

    # 1. upload: the bad row is named with her Excel row and her header, and nothing is taken
    upload(p, url, secret, "lichtenberg", bad, checks)
    problems = p.locator("#wb-problems tbody tr")
    assert problems.count() == 1
    assert problems.first.locator("td").nth(0).inner_text().startswith(str(BAD_ROW))
    assert problems.first.locator("td").nth(1).inner_text() == "PLZ"
    assert "14467 liegt nicht in Berlin" in problems.first.inner_text()
    assert "row" not in p.locator("#wb-problems").inner_text().lower()  # German only

    # 2. the mapping: "Ort" was read as the city; she says it is the district
    assert mapping_row(p, "Ort").locator("select").input_value() == "city"
    assert mapping_row(p, "Ansprechpartner").locator("select").input_value() == "person"
    assert "Erika Beispiel" not in p.locator("#wb-mapping").inner_text()  # a person's name is not echoed
    assert "Alt-Friedrichsfelde 12" in mapping_row(p, "Straße + Hausnr.").inner_text()  # her values as examples
    checks.step("2-mapping", "#step-mapping")
    checks.step("2-error", "#step-preview")
    mapping_row(p, "Ort").locator("select").select_option("district")

    # 3. the fixed file, checked again with her mapping: a preview by name
    preview = upload_again(p, good)
    assert "Vorschau bereit" in status(p)
    assert "Synthetischer Nachbarschaftsverein Friedrichsfelde e.V." in preview and "https://" not in preview
    assert " neu, 0 geändert" in p.locator(".wb-counts").inner_text()
    assert not p.locator("#wb-problems *").count()
    checks.step("3-preview", "#step-preview")

    # 4. confirm: through the write path, with her token in the header only
    p.click("#wb-apply")
    p.locator("#wb-duplicates .wb-pair").first.wait_for()
    assert "Übernommen" in status(p)
    pairs = p.locator("#wb-duplicates .wb-pair")
    assert pairs.count() >= 2
    checks.step("4-duplicates", "#step-duplicates")
    narud = pairs.filter(has_text="NARUD e.V.").first
    afebb = pairs.filter(has_text="Afrikanische Eltern Verein").first
    for card in (narud, afebb):  # side by side, with the evidence
        text = card.inner_text()
        assert "Wissensbasis" in text and "Ihre Liste" in text and "Übereinstimmung" in text
    assert "Möllendorffstr. 40" in narud.inner_text()
    decide_and_publish(p, checks, accept=narud, reject=afebb)
    files = [a.get_attribute("href") for a in p.locator("#wb-files a").all()]
    assert "/releases/lichtenberg/migrakg.ttl" in files and "/releases/lichtenberg/organisations.csv" in files

    # the token went in the Authorization header of the writes, and nowhere else
    writes = [r for r in sent if r["url"].split("?")[0].endswith(("/import", "/links/decision", "/publish"))]
    assert writes and all(r["auth"] == f"Bearer {secret}" for r in writes)
    assert not any(secret in r["url"] or secret in r["body"] for r in sent)
    watch.failed = [f for f in watch.failed if "/import" not in f]  # the refused first upload is a 400 on purpose
    watch.errors = [e for e in watch.errors if "400" not in e]
    watch.check(url)
    checks.finish(tmp_path)
    context.close()

    # her records, addresses and languages on the site …
    org = "/id/organisation/lichtenberg--synthetischer-nachbarschaftsverein-friedrichsfelde-ev"
    page = httpx.get(url + org, headers={"Accept": "text/html", "Accept-Language": "de"}).text
    assert "Synthetischer Nachbarschaftsverein Friedrichsfelde e.V." in page
    assert "Lichtenberg" in page  # the district, from the corrected column
    place = httpx.get(url + "/id/place/lichtenberg--synthetischer-nachbarschaftsverein-friedrichsfelde-ev", headers={"Accept": "text/html"}).text  # fmt: skip
    assert "Alt-Friedrichsfelde" in place and "10315" in place
    offer = httpx.get(url + "/id/offer/lichtenberg--synthetischer-nachbarschaftsverein-friedrichsfelde-ev-sprachcafe", headers={"Accept": "text/html", "Accept-Language": "de"}).text  # fmt: skip
    assert "Arabisch" in offer and "Persisch" in offer
    found = httpx.get(url + "/search.json", params={"q": "Nachbarschaftsverein Friedrichsfelde"}).json()
    assert any(r["iri"].endswith("lichtenberg--synthetischer-nachbarschaftsverein-friedrichsfelde-ev") for r in found["results"])
    # … the accepted duplicate on both pages, the rejected one linked nowhere
    assert "lichtenberg--narud-ev" in httpx.get(url + "/id/organisation/narud-ev", headers={"Accept": "text/html"}).text
    assert "lichtenberg--afebb-ev" not in httpx.get(url + "/id/organisation/afebb-ev", headers={"Accept": "text/html"}).text
    # … and in the release of her source
    turtle = httpx.get(url + "/releases/lichtenberg/migrakg.ttl").text
    assert "Synthetischer Nachbarschaftsverein Friedrichsfelde e.V." in turtle and "Alt-Friedrichsfelde" in turtle
    assert "lang:FAS" in turtle and "lang:ARA" in turtle
    organisations = httpx.get(url + "/releases/lichtenberg/organisations.csv").text
    assert "Synthetische Elterninitiative Karlshorst" in organisations and "NARUD e.V.\n" not in organisations
    assert "narud-ev," not in organisations.replace("lichtenberg--narud-ev", "")  # only her records, not ours

    # the corrected mapping is remembered for her source: next month's file maps straight away, and her
    # decisions on the duplicates stand
    remembered = json.loads((root / "mappings" / "lichtenberg.json").read_text(encoding="utf-8"))
    columns = next(iter(remembered.values()))["columns"]
    assert next(c for c in columns if c["header"] == "Ort")["field"] == "district"
    files = {"file": (good.name, good.read_bytes())}
    auth = {"Authorization": f"Bearer {secret}"}
    again = httpx.post(url + "/import", params={"source": "lichtenberg", "dry_run": "1"}, files=files, headers=auth, timeout=120)
    assert again.status_code == 200, again.text
    assert again.json()["mappings"][0]["remembered"] and again.json()["preview"]["counts"]["added"] == 0
    decided = {d["ours"].rsplit("/", 1)[1]: d["decided"] for d in again.json()["duplicates"]}
    assert decided.get("narud-ev") == "accept" and decided.get("afebb-ev") == "reject"


def test_her_semicolon_csv_in_windows_1252_in_english(browser, workbench_server, axe_source, tmp_path, artifacts):
    """The same flow with a CSV of another shape, on the English page (/workbench), on a phone."""
    server, secret, _root = workbench_server
    url = server.url
    bad = write_csv(tmp_path / "mitte.csv", fixed=False)
    good = write_csv(tmp_path / "mitte-neu.csv", fixed=True)
    context = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 800}, bypass_csp=True)  # axe-core
    p = context.new_page()
    checks = Checks(p, axe_source, artifacts, "en")

    upload(p, url, secret, "mitte", bad, checks)
    problem = p.locator("#wb-problems tbody tr").first
    assert problem.locator("td").nth(0).inner_text().startswith("3")  # her second organisation, below the header
    assert problem.locator("td").nth(1).inner_text() == "Anschrift"  # her header, as she wrote it
    assert "14467 is not in Berlin" in problem.inner_text() and "Zeile" not in p.locator("#wb-problems").inner_text()
    assert mapping_row(p, "Info").locator("select").input_value() == ""  # not recognised
    checks.step("2-mapping", "#step-mapping")
    mapping_row(p, "Info").locator("select").select_option("offers")

    preview = upload_again(p, good)
    assert "Synthetische Frauengruppe Moabit" in preview and "Offene Sprechstunde" in preview
    assert "Preview ready" in status(p)
    checks.step("3-preview", "#step-preview")
    p.click("#wb-apply")
    p.locator("#wb-duplicates .wb-pair").first.wait_for()
    cafe = p.locator("#wb-duplicates .wb-pair").filter(has_text="SprachCafé Polnisch e.V.").first
    koop = p.locator("#wb-duplicates .wb-pair").filter(has_text="KoopKultur e.V.").first
    assert "Knowledge base" in cafe.inner_text() and "Match" in cafe.inner_text()
    checks.step("4-duplicates", "#step-duplicates")
    decide_and_publish(p, checks, accept=koop, reject=cafe)
    checks.finish(tmp_path)
    context.close()

    offer = httpx.get(url + "/id/offer/mitte--synthetischer-treffpunkt-gesundbrunnen-offene-sprechstunde", headers={"Accept": "text/html", "Accept-Language": "de"}).text  # fmt: skip
    assert "Offene Sprechstunde" in offer and "Türkisch" in offer and "Kurdisch" in offer
    place = httpx.get(url + "/id/place/mitte--synthetische-frauengruppe-moabit", headers={"Accept": "text/html"}).text
    assert "Turmstraße" in place and "10551" in place
    assert "mitte--koopkultur-ev" in httpx.get(url + "/id/organisation/koopkultur-ev", headers={"Accept": "text/html"}).text
    turtle = httpx.get(url + "/releases/mitte/migrakg.ttl").text
    assert "Synthetischer Treffpunkt Gesundbrunnen" in turtle and "Badstraße" in turtle and "lang:TUR" in turtle
    assert "Synthetischer Nachbarschaftsverein" not in turtle  # her release holds her source only


def test_without_script_the_page_says_how_to_do_it(browser, live_server):
    """No script: no form that could send a token anywhere, and the page says why and gives the commands."""
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    p = context.new_page()
    p.goto(live_server.url + "/werkbank")
    text = p.locator("main").inner_text()
    assert "Diese Seite braucht JavaScript" in text and "migrakg import liste.xlsx --source lichtenberg" in text
    assert p.locator("#wb-form").is_hidden()
    assert "nimmt keine Änderungen an" in text  # a server without a knowledge base says so
    context.close()


def test_the_script_runs_under_the_sites_csp(browser, workbench_server):
    """With the site's CSP in force (scripts from /static only) the page's script runs without complaint."""
    server, _secret, _root = workbench_server
    context = browser.new_context(locale="en-GB")
    p = context.new_page()
    watch = Watch(p)
    response = p.goto(server.url + "/workbench")
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    p.locator("#wb-form").wait_for(state="visible")
    assert p.locator(".wb-steps li[aria-current=step]").inner_text().endswith("Upload")
    assert p.locator("html").get_attribute("lang") == "en" and "nimmt" not in p.locator("main").inner_text()
    watch.check(server.url)
    context.close()


def test_the_api_says_what_is_wrong(workbench_server, tmp_path):
    """The additions of POST /import and POST /publish refuse bad input clearly and keep the token rules."""
    server, secret, _root = workbench_server
    auth = {"Authorization": f"Bearer {secret}"}
    sheet = write_xlsx(tmp_path / "liste.xlsx", fixed=True)

    def send(data: dict[str, str], **params: str) -> httpx.Response:
        files = {"file": (sheet.name, sheet.read_bytes())}
        return httpx.post(server.url + "/import", params={"source": "lichtenberg", **params}, files=files, data=data, headers=auth, timeout=120)  # fmt: skip

    answer = send({"mapping": "{kein json"}, dry_run="1", lang="de")
    assert answer.status_code == 400 and "kein gültiges JSON" in answer.json()["message"]
    answer = send({"mapping": json.dumps({"MSO Lichtenberg": {"Gibt es nicht": "name"}})}, dry_run="1", lang="en")
    assert answer.status_code == 400 and "Gibt es nicht" in answer.json()["message"]
    answer = send({"mapping": json.dumps({"MSO Lichtenberg": {"Webseite": ""}})}, dry_run="1", lang="en")
    assert answer.status_code == 200
    column = next(c for c in answer.json()["mappings"][0]["columns"] if c["header"] == "Webseite")
    assert column["field"] == "" and column["label"] == "not taken"
    assert httpx.post(server.url + "/publish", params={"source": "spandau"}, headers=auth).status_code == 403
    assert httpx.post(server.url + "/publish", params={"source": "lichtenberg"}).status_code == 401
    assert httpx.post(server.url + "/publish", params={"source": "lichtenberg", "token": secret}).status_code == 400
    assert httpx.get(server.url + "/releases/lichtenberg/..%2F..%2Ftokens.json").status_code == 404
    assert httpx.get(server.url + "/releases/spandau/migrakg.ttl").status_code == 404
    assert "access-control-allow-origin" not in httpx.options(server.url + "/publish").headers
