"""One living knowledge base, end to end with real processes: `migrakg serve` on a fresh store; while it
runs, a spreadsheet imported from the command line and another through POST /import show in search and on
their pages at once; a link decision shows on both records; `migrakg publish --store` and /catalog count
them with the landing page and SPARQL; after a restart everything is still there."""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

import httpx
from openpyxl import Workbook

from .procs import Server, migrakg

BASE = "https://w3id.org/migrakg/"
COLUMNS = ["slug", "name", "districts", "source_url", "source_date"]
ORGS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <https://w3id.org/migrakg/ontology#Organisation> }"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def sparql_count(url: str) -> int:
    answer = httpx.get(url + "/sparql", params={"query": ORGS}, headers={"Accept": "application/sparql-results+json"}).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


def landing_count(url: str) -> int:
    page = httpx.get(url + "/", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    return int(re.search(r'<a href="/search\?kind=organisation"><strong>(\d+)</strong>', page).group(1))


def catalog_count(url: str, expected: int | None = None, wait: float = 60.0) -> int:
    """Organisations in the served release. The server publishes it after a change in the background (a
    request never publishes), so it may take a moment to catch up: wait for *expected*, then report."""
    deadline = time.monotonic() + wait
    while True:
        response = httpx.get(url + "/dumps/release.json", timeout=120)
        count = int(response.json()["records"]["organisation"]) if response.status_code == 200 else -1
        if expected is None or count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.2)


def found(url: str, text: str) -> list[str]:
    answer = httpx.get(url + "/search.json", params={"q": text}).json()
    return [r["iri"] for r in answer["results"]]


def test_one_living_knowledge_base(tmp_path):
    store = tmp_path / "kb"
    cli_sheet = write_csv(
        tmp_path / "lichtenberg.csv",
        [["verein-lichtblick", "Verein Lichtblick", "lichtenberg", "https://example.org/lichtenberg", "2025"]],
    )
    http_sheet = write_xlsx(
        tmp_path / "pankow.xlsx", [["verein-brueckenbau", "Verein Brückenbau", "pankow", "https://example.org/pankow", "2025"]]
    )
    lichtblick = f"{BASE}id/organisation/lichtenberg--verein-lichtblick"
    brueckenbau = f"{BASE}id/organisation/pankow--verein-brueckenbau"
    narud = f"{BASE}id/organisation/narud-ev"

    with Server(store) as server:
        url = server.url
        before = sparql_count(url)

        # a spreadsheet from the command line, while the server holds the store
        result = migrakg("import", str(cli_sheet), "--source", "lichtenberg", "--store", str(store))
        assert result.returncode == 0, result.stderr
        assert "lock" not in (result.stdout + result.stderr).lower()
        assert lichtblick in found(url, "Lichtblick")
        assert (
            httpx.get(url + "/id/organisation/lichtenberg--verein-lichtblick", headers={"Accept": "text/html"}).status_code == 200
        )

        # another through POST /import with a district's token
        secret = migrakg("token", "add", "pankow-team", "--source", "pankow", "links", "--store", str(store)).stdout.strip()
        auth = {"Authorization": f"Bearer {secret}"}
        with http_sheet.open("rb") as handle:
            response = httpx.post(
                url + "/import", params={"source": "pankow"}, files={"file": ("pankow.xlsx", handle)}, headers=auth, timeout=120
            )
        assert response.status_code == 200, response.text
        assert response.json()["diff"]["added"] == [brueckenbau]
        assert brueckenbau in found(url, "Brückenbau")
        page = httpx.get(
            url + "/id/organisation/pankow--verein-brueckenbau", headers={"Accept": "text/html", "Accept-Language": "en"}
        ).text
        assert "Verein Brückenbau" in page and "pankow-team" in page  # its history names the token

        # a link decision shows on both records
        response = httpx.post(
            url + "/links/decision", json={"ours": narud, "theirs": brueckenbau, "decision": "accept"}, headers=auth
        )
        assert response.status_code == 200, response.text
        for path, other in (
            ("/id/organisation/narud-ev", "pankow--verein-brueckenbau"),
            ("/id/organisation/pankow--verein-brueckenbau", "narud-ev"),
        ):
            assert other in httpx.get(url + path, headers={"Accept": "text/html"}).text

        # the figures agree everywhere
        after = sparql_count(url)
        assert after == before + 2
        assert landing_count(url) == after
        assert catalog_count(url, after) == after
        result = migrakg("publish", "--store", str(store), "--out", str(tmp_path / "dist"))
        assert result.returncode == 0, result.stderr
        assert json.loads((tmp_path / "dist/release.json").read_text())["records"]["organisation"] == after
        result = migrakg("backup", str(tmp_path / "backup"), "--store", str(store))  # while serving
        assert result.returncode == 0, result.stderr
        latest = httpx.get(url + "/changes").json()["latest"]
        assert json.loads((tmp_path / "backup/backup.json").read_text())["change"] == latest
        changes = httpx.get(url + "/changes").json()["changes"]
        assert [c["activity"] for c in changes[:3]] == ["links", "import", "import"]
        assert {c["agent"]["name"] for c in changes[:3]} == {"pankow-team", "command line"}

    with Server(store) as server:  # after a restart everything is still there
        assert sparql_count(server.url) == after
        assert lichtblick in found(server.url, "Lichtblick")
        # the accepted link made one entry: the curated record stands for both (docs/linking.md, links that merge)
        assert found(server.url, "Brückenbau") == [narud]
        assert (
            "pankow--verein-brueckenbau"
            in httpx.get(server.url + "/id/organisation/narud-ev", headers={"Accept": "text/html"}).text
        )
