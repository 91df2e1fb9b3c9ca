"""SPARQL Update as a delta: the update runs once on a scratch copy of the store, and the difference is
the change — which then goes through the knowledge base's write path (scope, form, references, SHACL,
change log) like every other change. The update text never runs on the live store.

LOAD and SERVICE are refused in updates, checked on the final text (after the protocol's
`using-graph-uri` / `using-named-graph-uri` are written in, each checked to be a plain IRI).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import MigrakgError, Text
from ..kb.base import Proposal
from ..kb.checks import Writer, source_of
from ..kb.delta import Delta
from .guard import _TOKEN, decode_escapes
from .service import LoadNotAllowed, QuerySyntaxError, check_update

_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


class DatasetConflict(MigrakgError):
    status = 400


def with_using(text: str, using: list[str], using_named: list[str]) -> str:
    """Add protocol `using-graph-uri` / `using-named-graph-uri` as USING clauses before each top-level WHERE
    of DELETE/INSERT operations. Refuses an update that already has USING or WITH (SPARQL 1.1 Protocol §2.2.3)."""
    if not using and not using_named:
        return text
    clause = "".join(f" USING <{g}>" for g in using) + "".join(f" USING NAMED <{g}>" for g in using_named) + " "
    decoded = decode_escapes(text)
    out: list[str] = []
    depth = 0
    last = 0
    conflict = False
    for match in _TOKEN.finditer(decoded):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and value.upper() in ("USING", "WITH"):
            conflict = True
        if kind == "other" and value == "{":
            depth += 1
        elif kind == "other" and value == "}":
            depth -= 1
        elif kind == "word" and value.upper() == "WHERE" and depth == 0:
            out.append(decoded[last : match.start()])
            out.append(clause)
            last = match.start()
    if conflict:
        raise DatasetConflict(
            Text(
                "using-graph-uri/using-named-graph-uri und USING/WITH im Update schließen einander aus",
                "using-graph-uri/using-named-graph-uri cannot be combined with USING/WITH in the update",
            )
        )
    out.append(decoded[last:])
    return "".join(out)


def check_graph_iris(values: Iterable[str]) -> list[str]:
    """Protocol `using-graph-uri` / `using-named-graph-uri` values: absolute IRIs and nothing else (they
    are written into the update as `<…>`, so a `>` must never get through). Raises DatasetConflict."""
    out = []
    for value in values:
        bad = not value or _IRI_FORBIDDEN.search(value) is not None
        if not bad:
            try:
                ox.NamedNode(value)
            except ValueError:
                bad = True
        if bad:
            raise DatasetConflict(Text(f"keine gültige Graph-IRI: {value!r}", f"not a valid graph IRI: {value!r}"))
        out.append(value)
    return out


def checked_update_text(text: str, using: Iterable[str] = (), using_named: Iterable[str] = ()) -> str:
    """The update to run: protocol dataset added, then checked as a whole — LOAD and SERVICE are refused
    in updates (nothing may be fetched while changing the store). Raises LoadNotAllowed,
    ServiceNotAllowed, DatasetConflict."""
    text = with_using(text, check_graph_iris(using), check_graph_iris(using_named))
    found = check_update(text, ())
    if "LOAD" in found.update_keywords:
        raise LoadNotAllowed()
    return text


def update_delta(store: ox.Store, text: str, *, base_iri: str | None = None) -> Delta:
    """What *text* (already checked) would change in *store*: it runs once on a scratch copy and the
    difference is the delta; the live store is not touched. Raises QuerySyntaxError, MigrakgError."""
    scratch = ox.Store()
    scratch.bulk_extend(store)
    try:
        scratch.update(text, base_iri=base_iri)
    except SyntaxError as exc:
        raise QuerySyntaxError(Text(f"SPARQL-Update-Syntaxfehler: {exc}", f"SPARQL Update syntax error: {exc}")) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise UpdateFailed(Text(f"Update fehlgeschlagen: {exc}", f"update failed: {exc}")) from None
    before = set(store)
    after = set(scratch)
    return Delta(after - before, before - after)


class UpdateFailed(MigrakgError):
    status = 400


def update_proposal(store: ox.Store, text: str, writer: Writer, *, kb_base: str, base_iri: str | None = None) -> Proposal:
    """The change *text* makes, as a proposal for `KnowledgeBase.commit` (checked there: scope, form,
    references, shapes)."""
    delta = update_delta(store, text, base_iri=base_iri)
    sources = sorted({s for q in delta.quads() if (s := source_of(q.graph_name, kb_base)) is not None})
    return Proposal(
        delta,
        writer,
        source=",".join(sources) or "-",
        graph="",
        activity="update",
        summary="SPARQL Update",
    )
