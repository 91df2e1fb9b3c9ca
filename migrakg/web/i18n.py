"""The page language: ?lang=, then the remembered cookie, then Accept-Language; German or English."""

from __future__ import annotations

from fastapi import Request

LANGS = ("de", "en")
COOKIE = "migrakg_lang"


def request_lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return cookie
    header = request.headers.get("accept-language", "")
    best, best_q = "de", -1.0
    for part in header.split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()[:2]
        q = 1.0
        for p in pieces[1:]:
            if p.strip().startswith("q="):
                try:
                    q = float(p.strip()[2:])
                except ValueError:
                    q = 0.0
        if tag in LANGS and q > best_q:
            best, best_q = tag, q
    return best


def t(lang: str, de: str, en: str) -> str:
    return de if lang == "de" else en
