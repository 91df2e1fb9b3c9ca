"""`migrakg replica start|load|status|stop` and `migrakg serve --replica DIR` as commands: the server takes a
write through its one write path and answers it back from the replica; /health shows the position."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import httpx

from migrakg.replica import Instance
from tests.test_serve_cli import ROOT, start

ORG = "https://w3id.org/migrakg/ontology#Organisation"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{ORG}> }}"


def migrakg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrakg.cli", *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


def test_replica_commands_and_serve_with_a_replica(settings, built, kb_template, tmp_path):
    env = {"MIGRAKG_BUILD": str(settings.build_path), "MIGRAKG_ROOT": str(ROOT)}
    store = shutil.copytree(kb_template, tmp_path / "kb")
    folder = tmp_path / "replica"
    started = migrakg("replica", "start", "--dir", str(folder), "--memory", "200", env=env)
    assert started.returncode == 0, started.stderr
    try:
        assert "127.0.0.1" in started.stdout
        loaded = migrakg("replica", "load", "--dir", str(folder), "--store", str(store), env=env)
        assert loaded.returncode == 0, loaded.stderr
        status = json.loads(migrakg("replica", "status", "--dir", str(folder), "--store", str(store), env=env).stdout)
        assert status["lag"] == 0 and status["position"] == status["head"] > 0
        proc, url = start(["--store", str(store), "--replica", str(folder)], env)
        try:
            health = httpx.get(url + "/health").json()
            assert health["replica"]["lag"] == 0 and health["replica"]["error"] is None
            answer = httpx.get(url + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
            assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == built.counts["organisation"]
            refused = httpx.get(url + "/sparql", params={"query": "SELECT * { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }"})
            assert refused.status_code == 400 and "bif" in refused.json()["message_en"]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        assert migrakg("replica", "stop", "--dir", str(folder), env=env).returncode == 0
    assert not Instance.open(folder).running()
