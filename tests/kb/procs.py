"""Real processes for the knowledge-base tests: `migrakg serve` on a free port, `migrakg …` commands."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT, free_port


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "MIGRAKG_ROOT": str(ROOT), "MIGRAKG_LANG": "en", **extra}


class Server:
    """`migrakg serve --store STORE` as a subprocess on 127.0.0.1."""

    def __init__(self, store: Path, *, workers: int = 1):
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "migrakg.cli", "serve", "--store", str(store), "--port", str(self.port), "--workers", str(workers)],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self, seconds: float = 60) -> Server:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server ended: {self.proc.stderr.read() if self.proc.stderr else ''}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200 and (self.store / "server.json").exists():
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise AssertionError("server did not start")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Server:
        return self.wait()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def migrakg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migrakg.cli", *args], env=env(), capture_output=True, text=True, timeout=timeout)
