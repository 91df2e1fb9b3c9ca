"""A small SPARQL lexer: what kind of request a text is, and which SERVICE endpoints it would reach.

It does not parse SPARQL (the engine does); it finds the tokens that decide safety before the
engine sees the text. It errs on the safe side: `\\u` escapes are decoded first, strings, IRIs and
comments are skipped, and keywords are only taken where they cannot be part of a name or variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*?:[\w.\-:%\\\u00B7-\uFFFF]*|:[\w.\-:%\\\u00B7-\uFFFF]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_escapes(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return "\ufffd"

    return _ESCAPE.sub(repl, text)


@dataclass
class Scan:
    form: str | None = None  # SELECT | ASK | CONSTRUCT | DESCRIBE, or None
    update: bool = False
    update_keywords: list[str] = field(default_factory=list)
    services: list[str | None] = field(default_factory=list)  # endpoint IRIs; None for a variable endpoint
    prefixes: dict[str, str] = field(default_factory=dict)
    has_dataset_clause: bool = False  # FROM / FROM NAMED / USING
    depth: int = 0  # deepest nesting of { ( [ — the engine's parser recurses once per level


def scan(text: str) -> Scan:
    """Scan a query or update text.

    >>> scan('SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }').services
    ['http://x/sparql']
    >>> scan('PREFIX service: <http://x/> SELECT ?service { ?service service:p 1 }').services
    []
    >>> scan('SELECT * { OPTIONAL { ?s ?p "{{{" FILTER((?o)) } }').depth
    4
    """
    text = decode_escapes(text)
    result = Scan()
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("comment",)]
    level = 0
    for kind, value in tokens:
        if kind == "other":
            if value in "{([":
                level += 1
                result.depth = max(result.depth, level)
            elif value in "})]":
                level -= 1
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        upper = value.upper()
        if kind == "word":
            if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname" and tokens[i + 2][0] == "iri":
                result.prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
                i += 3
                continue
            if upper in QUERY_FORMS and result.form is None and not result.update:
                result.form = upper
            elif upper in UPDATE_KEYWORDS and result.form is None:
                result.update = True
                result.update_keywords.append(upper)
            elif upper in ("FROM", "USING"):
                result.has_dataset_clause = True
            elif upper == "SERVICE":
                j = i + 1
                if j < len(tokens) and tokens[j][1].upper() == "SILENT":
                    j += 1
                if j < len(tokens):
                    tkind, tvalue = tokens[j]
                    if tkind == "iri":
                        result.services.append(tvalue[1:-1])
                    elif tkind == "pname":
                        prefix, _, local = tvalue.partition(":")
                        base = result.prefixes.get(prefix)
                        result.services.append(base + local if base is not None else None)
                    else:
                        result.services.append(None)
                else:
                    result.services.append(None)
        i += 1
    return result
