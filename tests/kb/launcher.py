"""Starts `migrakg` commands as real processes quickly: this process imports migrakg once, then forks a
fresh process per command and answers with its pid. The forked process is the command — a server or an
import — and is what the crash trials kill with SIGKILL. Requests are JSON lines on stdin:
`{"start": [argv…]}` → pid; `{"wait": pid, "timeout": s}` → exit code or null; `{"kill": pid}` → exit code."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import migrakg.cli
import migrakg.commands.import_cmd
import migrakg.commands.serve_cmd
import migrakg.importing
import migrakg.kb.curated
import migrakg.web.app  # imported once here, shared by every forked command


def wait(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.005)


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if "wait" in request:
            print(json.dumps(wait(request["wait"], request["timeout"])), flush=True)
            continue
        if "kill" in request:
            try:
                os.kill(request["kill"], signal.SIGKILL)
            except ProcessLookupError:
                pass
            print(json.dumps(wait(request["kill"], 60)), flush=True)
            continue
        argv = request["start"]
        pid = os.fork()
        if pid == 0:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            try:
                code = migrakg.cli.main(argv)
            except SystemExit as exc:
                code = int(exc.code or 0)
            except BaseException:
                code = 70
            os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
