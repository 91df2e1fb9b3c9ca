"""What every response and every request body go through before a route sees them: body and address
limits (413 / 414 before anything is read or parsed) and the security headers (CSP, nosniff,
Referrer-Policy, no framing). docs/operating.md ("Hardening") describes both."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from starlette.requests import Request

from ..errors import MigrakgError, Text
from ..settings import Settings
from .errors import error_response

UPLOAD_PATHS = ("/import",)  # routes that take files: the upload limit instead of the body limit
# A refused body up to this many times the limit is read and thrown away (never kept) after the 413, so that
# the client, still sending, gets to read the answer; a larger one closes the connection instead.
DRAIN_AT_MOST = 16


class BodyTooLarge(MigrakgError):
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            Text(
                f"der Inhalt der Anfrage ist größer als {_size(limit)} (Grenze dieses Servers)",
                f"the request body is larger than {_size(limit)} (this server's limit)",
            )
        )


class UriTooLong(MigrakgError):
    status = 414

    def __init__(self, limit: int) -> None:
        super().__init__(
            Text(
                f"die Adresse ist länger als {_size(limit)}; lange Abfragen bitte per POST senden",
                f"the address is longer than {_size(limit)}; send long queries with POST",
            )
        )


def _size(n: int) -> str:
    return f"{n / 1048576:g} MiB" if n >= 1048576 else f"{n / 1024:g} KiB" if n >= 1024 else f"{n} B"


class BodyLimit:
    """Pure ASGI middleware: a request whose Content-Length (or address) is over the limit is answered
    413 (414) before its body is read; a body without Content-Length (chunked) is counted as it is
    received, and reading stops with 413 at the first byte past the limit. The server (uvicorn) discards
    what still arrives of a refused body; past DRAIN_AT_MOST × the limit the connection is closed."""

    def __init__(self, app: Any, settings: Settings):
        self.app = app
        self.settings = settings

    def limit_for(self, path: str) -> int:
        return self.settings.upload_limit if path.startswith(UPLOAD_PATHS) else self.settings.body_limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        refused: MigrakgError | None = None
        close = False
        if len(scope.get("query_string", b"")) + len(scope.get("raw_path") or b"") > self.settings.body_limit:
            refused = UriTooLong(self.settings.body_limit)
        else:
            for name, value in scope.get("headers", []):
                if name == b"content-length":
                    try:
                        declared = int(value)
                    except ValueError:
                        declared = -1
                    if declared < 0 or declared > limit:
                        refused = BodyTooLarge(limit)
                        close = declared > DRAIN_AT_MOST * limit
        if refused is not None:
            await _answer(scope, send, refused, close=close)
            return
        received = 0

        async def counted() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # the app's error handler answers 413
            return message

        await self.app(scope, counted, send)


async def _answer(scope: dict, send: Any, error: MigrakgError, *, close: bool) -> None:
    response = error_response(Request(scope), error.status, error.text)
    if close:  # not worth reading even to throw it away
        response.headers["connection"] = "close"

    async def nothing() -> dict:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


# --- headers -------------------------------------------------------------------------------------

CSP_DEFAULT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REFERRER_POLICY = "strict-origin-when-cross-origin"


def content_security_policy(*, scripts: tuple[str, ...] = (), styles: tuple[str, ...] = (), framed_by: str | None = None) -> str:
    """The site's CSP, with hashes of inline scripts / styles a page needs (`'sha256-…'`), and who
    may frame it (default: nobody)."""
    policy = dict(CSP_DEFAULT)
    if scripts:
        policy["script-src"] += " " + " ".join(scripts)
    if styles:
        policy["style-src"] += " " + " ".join(styles)
    if framed_by:
        policy["frame-ancestors"] = framed_by
    return "; ".join(f"{key} {value}" for key, value in policy.items())


_INLINE = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1\s*>", re.S | re.I)


def inline_hashes(html: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """('sha256-…' of each inline script, of each <style> element) in *html*. JSON-LD and other data
    blocks are not scripts (the browser never runs them) and need no hash.

    >>> inline_hashes('<style>p{}</style><script type="application/ld+json">{}</script>')[0]
    ()
    """
    scripts: list[str] = []
    styles: list[str] = []
    for tag, attributes, body in _INLINE.findall(html):
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        if tag.lower() == "style":
            styles.append(digest)
        elif "src=" not in (attributes or "") and "application/ld+json" not in (attributes or ""):
            scripts.append(digest)
    return tuple(dict.fromkeys(scripts)), tuple(dict.fromkeys(styles))


def csp_for_page(html: str, *, framed_by: str | None = None) -> str:
    """The CSP of a page that carries its own inline script or style (the stand-alone report)."""
    scripts, styles = inline_hashes(html)
    return content_security_policy(scripts=scripts, styles=styles, framed_by=framed_by)


class SecurityHeaders:
    """Pure ASGI middleware: every response gets nosniff, a Referrer-Policy and, unless the route set
    its own, the strict CSP and X-Frame-Options DENY."""

    def __init__(self, app: Any):
        self.app = app
        self.csp = content_security_policy().encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", REFERRER_POLICY.encode()))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", self.csp))
                    headers.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
