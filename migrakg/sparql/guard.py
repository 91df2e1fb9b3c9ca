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
    has_base: bool = False  # a BASE declaration
    first_word: str | None = None  # the first keyword (DEFINE: a Virtuoso pragma, no SPARQL)
    used_prefixes: set[str] = field(default_factory=set)  # prefixes of the prefixed names used
    iris: list[str] = field(default_factory=list)  # every <IRI> written out


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
        if kind == "pname":
            result.used_prefixes.add(value.partition(":")[0])
        elif kind == "iri":
            result.iris.append(value[1:-1])
        if kind == "word":
            if result.first_word is None:
                result.first_word = upper
            if upper == "BASE":
                result.has_base = True
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


#: IRIs that reach Virtuoso's SQL procedures or its own metadata from a query (`bif:`, `sql:` functions)
VIRTUOSO_REACH = ("bif:", "sql:", "http://www.openlinksw.com/")


def virtuoso_reach(found: Scan) -> str | None:
    """What in a scanned query would reach past SPARQL on Virtuoso (None: nothing). Virtuoso knows prefixes
    of its own (`bif:`, `sql:`, …) and `DEFINE` pragmas; a query through migrakg's front may use neither,
    just as on the embedded store, where they are syntax errors.

    >>> virtuoso_reach(scan('SELECT * { ?s ?p ?o FILTER(bif:contains(?o, "x")) }'))
    'the prefix bif: is not declared'
    >>> virtuoso_reach(scan('DEFINE get:soft "replace" SELECT * { ?s ?p ?o }'))
    'DEFINE is no SPARQL'
    >>> virtuoso_reach(scan('PREFIX s: <sql:> SELECT * { ?s ?p ?o }'))
    '<sql:> is not available here'
    >>> virtuoso_reach(scan('PREFIX ex: <http://example.org/> SELECT * { ?s ex:p ?o }')) is None
    True
    """
    if found.first_word == "DEFINE":
        return "DEFINE is no SPARQL"
    for prefix in sorted(found.used_prefixes - set(found.prefixes)):
        return f"the prefix {prefix}: is not declared"
    for iri in found.iris + list(found.prefixes.values()):
        if iri.lower().startswith(VIRTUOSO_REACH):
            return f"<{iri}> is not available here"
    return None


def describe_as_construct(text: str) -> str | None:
    """`DESCRIBE <iri> …` (IRIs or prefixed names, nothing after them) as the CONSTRUCT of every triple with
    those subjects — what the embedded store's DESCRIBE gives for our data (it has no blank nodes) —, so
    that a store whose DESCRIBE differs (Virtuoso's leaves triples out) answers the same. None for any
    other query.

    >>> describe_as_construct('PREFIX ex: <http://ex.org/> DESCRIBE ex:a <http://ex.org/b>')
    'PREFIX ex: <http://ex.org/> CONSTRUCT { ?describe_s ?describe_p ?describe_o } WHERE { VALUES ?describe_s { ex:a <http://ex.org/b> } ?describe_s ?describe_p ?describe_o }'
    >>> describe_as_construct('DESCRIBE ?x WHERE { ?x a <http://ex.org/C> }') is None
    True
    """
    tokens = [m for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]
    for index, match in enumerate(tokens):
        if match.lastgroup == "word" and match.group().upper() == "DESCRIBE":
            targets = tokens[index + 1 :]
            if not targets or any(t.lastgroup not in ("iri", "pname") for t in targets):
                return None
            subjects = " ".join(t.group() for t in targets)
            return (
                text[: match.start()]
                + "CONSTRUCT { ?describe_s ?describe_p ?describe_o } WHERE { VALUES ?describe_s { "
                + subjects
                + " } ?describe_s ?describe_p ?describe_o }"
            )
        if match.lastgroup == "word" and match.group().upper() in QUERY_FORMS:
            return None
    return None
