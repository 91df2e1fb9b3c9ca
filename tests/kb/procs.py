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
            [
                sys.executable,
                "-m",
                "migrakg.cli",
                "serve",
                "--store",
                str(store),
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
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
    return subprocess.run(
        [sys.executable, "-m", "migrakg.cli", *args], env=env(), capture_output=True, text=True, timeout=timeout
    )


class Launcher:
    """tests/kb/launcher.py as a subprocess: forks `migrakg` commands (real processes), waits, kills."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.kb.launcher"],
            cwd=str(ROOT),
            env=env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _ask(self, request: dict) -> object:
        import json

        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def start(self, *argv: str) -> int:
        return int(self._ask({"start": list(argv)}))  # type: ignore[arg-type]

    def wait(self, pid: int, timeout: float) -> int | None:
        """The command's exit code, or None if it still runs after *timeout* seconds."""
        return self._ask({"wait": pid, "timeout": timeout})  # type: ignore[return-value]

    def kill(self, pid: int) -> None:
        """SIGKILL, and reap it."""
        self._ask({"kill": pid})

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
