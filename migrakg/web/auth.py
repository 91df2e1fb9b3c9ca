"""Who may write: `Authorization: Bearer <token>` and nothing else.

A token in the address (`?token=`, `?access_token=` …) is refused with 400 and never looked at — URLs
end up in logs and browser histories. Tokens are compared in constant time (`TokenStore.find`). Failed
attempts slow a client down: each failure doubles the time it must wait before it may try again
(0.5 s, 1 s, 2 s … up to 60 s), and meanwhile it gets 429 with `Retry-After`.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from typing import Annotated

from fastapi import Depends, Request

from ..errors import MigrakgError, Text
from ..kb.checks import Writer
from .deps import AppState, State

URL_TOKEN_PARAMS = (
    "token",
    "access_token",
    "accesstoken",
    "auth",
    "authorization",
    "bearer",
    "api_key",
    "apikey",
    "key",
    "secret",
)
MAX_WAIT = 60.0


class WritesOff(MigrakgError):
    status = 403


class Unauthorized(MigrakgError):
    status = 401


class TokenInUrl(MigrakgError):
    status = 400


class SlowDown(MigrakgError):
    status = 429

    def __init__(self, seconds: float):
        super().__init__(
            Text(
                f"zu viele Fehlversuche; in {seconds:.0f} s noch einmal versuchen",
                f"too many failed attempts; try again in {seconds:.0f} s",
            )
        )
        self.retry_after = seconds


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _fail(state: AppState, client: str) -> float:
    failures, _until = state.auth_failures.get(client, (0, 0.0))
    failures += 1
    wait = min(MAX_WAIT, 0.5 * 2 ** (failures - 1))
    state.auth_failures[client] = (failures, time.monotonic() + wait)
    if len(state.auth_failures) > 10_000:  # bounded: forget the oldest clients
        for key in list(state.auth_failures)[:5_000]:
            state.auth_failures.pop(key, None)
    return wait


def authenticate(request: Request, state: AppState) -> Writer:
    """The writer the request's bearer token belongs to. Raises TokenInUrl, WritesOff, SlowDown, Unauthorized."""
    names = {key.lower() for key in request.query_params.keys()}
    if names & set(URL_TOKEN_PARAMS):
        raise TokenInUrl(
            Text(
                "Tokens nie in der Adresse übergeben (sie landen in Protokollen); nur im Kopf Authorization: Bearer …",
                "never put a token in the address (it ends up in logs); send it only as the header Authorization: Bearer …",
            )
        )
    if state.kb is None:
        raise WritesOff(
            Text(
                "dieser Server zeigt Dateien, wie sie sind (--data / memory); Änderungen gehen nur an die Wissensbasis",
                "this server shows files as they are (--data / memory); changes only go to the knowledge base",
            )
        )
    client = _client(request)
    failures, until = state.auth_failures.get(client, (0, 0.0))
    now = time.monotonic()
    if failures and now < until:
        raise SlowDown(until - now)
    header = request.headers.get("authorization", "")
    secret = header[7:].strip() if header[:7].lower() == "bearer " else ""
    writer = None
    if secret:
        if state.admin_token and hmac.compare_digest(secret.encode(), state.admin_token.encode()):
            writer = Writer("command line", "operator")
        elif state.tokens is not None:
            token = state.tokens.find(secret)
            writer = token.writer() if token is not None else None
    if writer is None:
        _fail(state, client)
        raise Unauthorized(
            Text(
                "Schreib-Token fehlt oder ist falsch (Authorization: Bearer …; migrakg token add)",
                "missing or wrong write token (Authorization: Bearer …; migrakg token add)",
            )
        )
    state.auth_failures.pop(client, None)
    return writer


async def require_writer(request: Request, state: State) -> Writer:
    try:
        return authenticate(request, state)
    except Unauthorized:
        await asyncio.sleep(0.25)  # every failure costs the guesser time as well
        raise


async def require_operator(request: Request, state: State) -> Writer:
    """Only the local admin token of this server (the commands of the store's owner)."""
    writer = await require_writer(request, state)
    if writer.sources is not None:
        raise Unauthorized(Text("nur für Befehle auf diesem Rechner", "only for commands on this machine"))
    return writer


WriterDep = Annotated[Writer, Depends(require_writer)]
OperatorDep = Annotated[Writer, Depends(require_operator)]


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 beyond *limit* bytes (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class TooLarge(MigrakgError):
    status = 413

    def __init__(self, limit: int):
        super().__init__(
            Text(
                f"die Anfrage ist größer als {limit} Bytes (Grenze dieses Servers)",
                f"the request is larger than {limit} bytes (this server's limit)",
            )
        )
