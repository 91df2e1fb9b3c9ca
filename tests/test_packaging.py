"""The package as users get it: a wheel, installed (not editable) into a fresh virtual environment, runs
`migrakg build` in a project folder, `migrakg report` with MIGRAKG_ROOT, and `migrakg serve` (GET /health).

No network: the wheel is built with this environment's setuptools, and the new environment borrows this
one's dependencies through a path entry (after its own site-packages, so the installed migrakg wins)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

PROJECT_FOLDERS = ("ontology", "shapes", "vocab", "queries", "data")


def build_wheel(out: Path) -> Path:
    """The wheel of the current source (built from a copy, so no build/ or egg-info lands in the checkout)."""
    source = out / "source"
    shutil.copytree(ROOT / "migrakg", source / "migrakg", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("migrakg-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("packaging")
    wheel = build_wheel(work)
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "zz-borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    project = work / "project"
    for folder in PROJECT_FOLDERS:
        shutil.copytree(ROOT / folder, project / folder)
    return {"wheel": wheel, "env": env_dir, "project": project, "work": work}


def run(installed: dict[str, Path], *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MIGRAKG_") and k != "PYTHONPATH"}
    return subprocess.run(
        [str(installed["env"] / "bin" / "migrakg"), *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_package_is_the_wheel(installed):
    python = installed["env"] / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import migrakg; print(migrakg.__file__, migrakg.__version__)"],
        cwd=installed["work"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert where[0].startswith(str(installed["env"]))
    import migrakg

    assert where[1] == migrakg.__version__
    assert installed["wheel"].name.startswith(f"migrakg-{migrakg.__version__}-")


def test_build_report_and_serve_from_the_wheel(installed):
    project, work = installed["project"], installed["work"]
    built = run(installed, "build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert (project / "build" / "migrakg.nq").stat().st_size > 0

    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    reported = run(installed, "report", "--out", str(elsewhere / "report"), cwd=elsewhere, env={"MIGRAKG_ROOT": str(project)})
    assert reported.returncode == 0, reported.stderr
    html = (elsewhere / "report" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Pankow" in html

    port = free_port()
    server = subprocess.Popen(
        [str(installed["env"] / "bin" / "migrakg"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=project,
        env={k: v for k, v in os.environ.items() if not k.startswith("MIGRAKG_")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = None
        for _ in range(600):  # bounded: up to ~60 s on a busy machine
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    health = (response.status, json.loads(response.read()))
                    break
            except OSError:
                time.sleep(0.1)
        assert health is not None, server.stderr.read() if server.poll() is not None else "no answer from /health"
        assert health[0] == 200 and health[1]["status"] == "ok" and health[1]["triples"] > 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200 and b"migrakg" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_wheel_holds_every_file_the_package_reads(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    package_files = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "migrakg").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert package_files - names == set()
