"""`migrakg serve` and `migrakg query` as commands: the knowledge base (--store PATH), `--store memory`
(latest build), --data FILE."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/migrakg/ontology#Organisation> }"


def start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrakg.cli", "serve", "--port", str(port), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read())
    proc.kill()
    raise AssertionError("server did not start")


@pytest.mark.parametrize("mode", ["memory", "disk", "data"])
def test_serve_modes(mode, settings, built, tmp_path):
    env = {"MIGRAKG_BUILD": str(settings.build_path), "MIGRAKG_ROOT": str(ROOT)}
    args = {
        "memory": ["--store", "memory"],
        "disk": ["--store", str(tmp_path / "store")],
        "data": ["--data", str(built.out_dir / "migrakg.nq")],
    }[mode]
    proc, url = start(args, env)
    try:
        health = httpx.get(url + "/health").json()
        assert health["status"] == "ok" and health["triples"] == built.triples
        assert health["store"] == ("disk" if mode == "disk" else "memory")
        answer = httpx.get(url + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"}).json()
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == built.counts["organisation"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_without_build_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "migrakg.cli", "serve", "--store", "memory", "--port", str(free_port())],
        env={**os.environ, "MIGRAKG_BUILD": str(tmp_path / "none"), "MIGRAKG_ROOT": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "run `migrakg build`" in result.stderr and "Traceback" not in result.stderr


def test_query_command(settings, built, tmp_path):
    env = {**os.environ, "MIGRAKG_BUILD": str(settings.build_path), "MIGRAKG_ROOT": str(ROOT)}

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "migrakg.cli", "query", *a],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    result = run(COUNT, "--format", "csv")
    assert result.returncode == 0 and result.stdout.splitlines()[1] == str(built.counts["organisation"])
    result = run(str(ROOT / "queries/02-members-ak-lingua-pankow.rq"), "--format", "json")
    assert result.returncode == 0 and '"bindings"' in result.stdout
    assert run("SELECT * WHERE { ?s a <urn:nothing> }").returncode == 1
    assert run("SELECT * WHERE {").returncode == 2
    assert run("CONSTRUCT WHERE { ?s a <https://w3id.org/migrakg/ontology#Network> }", "--format", "turtle").returncode == 0
    assert run("INSERT DATA { <urn:a> <urn:b> <urn:c> }").returncode == 2
