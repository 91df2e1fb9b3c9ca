"""The Datenregister record validates against the Berlin Open Data JSON Schema, and `publish --push`
talks CKAN (package_show → package_create / package_update) to a stand-in CKAN API on 127.0.0.1."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="module")
def schema(shared) -> dict:
    return json.loads((shared / "standards" / "berlin-od-schema" / "berlin_od_schema.json").read_text(encoding="utf-8"))


def check(record: dict, schema: dict) -> list[str]:
    """Schema errors, plus the portal's own validators the JSON Schema names but cannot express:
    `isodate_notime` dates and http(s)/mailto addresses where the schema says format uri."""
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(record)]
    for key in ("date_released", "date_updated", "temporal_coverage_from", "temporal_coverage_to"):
        if key in record and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", record[key]):
            errors.append(f"{key} is not YYYY-MM-DD")
    for key in ("url", "author_email", "maintainer_email"):
        if key in record and not re.match(r"^(https?://|mailto:)\S+$", record[key]):
            errors.append(f"{key} is not a URI")
    for resource in record.get("resources", []):
        if not re.match(r"^https?://\S+$", resource["url"]):
            errors.append(f"resource url {resource['url']} is not a URL")
    return errors


def test_record_validates_against_the_berlin_schema(dist, schema):
    record = json.loads((dist / "datenregister.json").read_text(encoding="utf-8"))
    assert check(record, schema) == []
    assert record["license_id"] == "cc-by/4.0"
    assert record["resources"] and all(r.get("hash") for r in record["resources"] if r["format"] != "SPARQL")


def test_the_check_catches_a_bad_record(dist, schema):
    record = json.loads((dist / "datenregister.json").read_text(encoding="utf-8"))
    del record["author"]
    record["license_id"] = "cc-by/4.0/"
    record["groups"] = [{"name": "migration"}]
    assert len(check(record, schema)) >= 3


class StandInCkan:
    """The part of the CKAN Action API the push uses, checking what the real Datenregister checks."""

    def __init__(self, schema: dict):
        self.schema = schema
        self.packages: dict[str, dict] = {}
        self.calls: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                self.answer(405, {"success": False, "error": {"message": "use POST"}})

            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                match = re.fullmatch(r"/api/3/action/(package_show|package_create|package_update)", self.path)
                if not match:
                    return self.answer(404, {"success": False, "error": {"__type": "Not Found", "message": "unknown action"}})
                action = match.group(1)
                outer.calls.append(action)
                if self.headers.get("authorization") != TOKEN:
                    return self.answer(
                        403, {"success": False, "error": {"__type": "Authorization Error", "message": "Access denied"}}
                    )
                if action == "package_show":
                    if body.get("id") in outer.packages:
                        return self.answer(200, {"success": True, "result": outer.packages[body["id"]]})
                    return self.answer(404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}})
                errors = check(body, outer.schema)
                if errors:
                    return self.answer(409, {"success": False, "error": {"__type": "Validation Error", "schema": errors}})
                if action == "package_create" and body["name"] in outer.packages:
                    return self.answer(
                        409, {"success": False, "error": {"__type": "Validation Error", "name": ["already in use"]}}
                    )
                outer.packages[body["name"]] = {**body, "id": "pkg-" + body["name"]}
                return self.answer(200, {"success": True, "result": outer.packages[body["name"]]})

            def answer(self, status, payload):
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ckan(schema):
    with StandInCkan(schema) as server:
        yield server


@pytest.fixture
def cli(settings, monkeypatch, tmp_path):
    from migrakg.cli import main

    monkeypatch.setenv("MIGRAKG_ROOT", str(settings.root))
    monkeypatch.setenv("MIGRAKG_BUILD", str(settings.build_path))
    monkeypatch.delenv("MIGRAKG_CKAN_TOKEN", raising=False)
    return lambda *args: main(["publish", "--quiet", "--out", str(tmp_path / "dist"), *args])


def test_push_creates_then_updates(ckan, cli, capsys):
    assert cli("--push", ckan.url, "--token", TOKEN) == 2  # a Datenregister record needs its owner_org
    assert "owner_org" in capsys.readouterr().err and ckan.calls == []
    assert cli("--push", ckan.url, "--token", TOKEN, "--owner-org", "senasgiva") == 0
    assert ckan.calls == ["package_show", "package_create"]
    assert "package_create" in capsys.readouterr().out
    assert cli("--push", ckan.url, "--token", TOKEN, "--owner-org", "senasgiva") == 0
    assert ckan.calls[2:] == ["package_show", "package_update"]
    stored = ckan.packages["migrakg-migrantenorganisationen-berlin"]
    assert stored["owner_org"] == "senasgiva" and stored["id"] == "pkg-migrakg-migrantenorganisationen-berlin"


def test_refused_token_is_a_clear_message_exit_2(ckan, cli, capsys):
    assert cli("--push", ckan.url, "--token", "wrong-token-000000", "--owner-org", "senasgiva") == 2
    err = capsys.readouterr().err
    assert "token" in err.lower() and "Traceback" not in err


def test_ckan_validation_error_is_reported(ckan, cli, capsys, monkeypatch):
    from migrakg.publishing import datenregister

    original = datenregister.record
    monkeypatch.setattr(datenregister, "record", lambda *a, **k: {**original(*a, **k), "license_id": "wtfpl"})
    import migrakg.publishing.release as publish_module

    monkeypatch.setattr(publish_module, "datenregister_record", datenregister.record)
    assert cli("--push", ckan.url, "--token", TOKEN, "--owner-org", "senasgiva") == 2
    err = capsys.readouterr().err
    assert "package_create" in err and "Validation Error" in err and "Traceback" not in err


def test_unreachable_ckan_is_a_clear_message_exit_2(cli, capsys):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert cli("--push", f"http://127.0.0.1:{port}", "--token", TOKEN, "--owner-org", "senasgiva") == 2
    err = capsys.readouterr().err
    assert "cannot reach" in err or "nicht erreichbar" in err
    assert "Traceback" not in err


def test_push_needs_a_token(cli, capsys):
    assert cli("--push", "http://127.0.0.1:9") == 2
    assert "--token" in capsys.readouterr().err
