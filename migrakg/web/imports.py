"""POST /import — a file for a source (write token for that source): preview of the diff, or apply it.

`multipart/form-data` with the file in the field `file`; `?source=NAME` (the token must be allowed to
change it), `?format=csv|xlsx|hsds|osm|rdf` (default: from the file name), `?dry_run=1` for a preview.
All or nothing, as `migrakg import`: every bad row is named with row and column in the requester's
language (400 unreadable, 422 breaks the shapes); nothing is written unless everything is right.

For a coordinator's own sheet (the workbench, docs/koordination.md) the answer also has the mapping of
each sheet (`mappings`), the preview by name with "read as" notes and warnings (`preview`) and her
organisations beside the records they may duplicate (`duplicates`), all in the requester's language
(`?lang=`, else Accept-Language). The form field `mapping` (JSON `{sheet: {header: field}}`) corrects
columns; `remember=1` keeps the mapping for the source once the import is applied.

A preview's reading and verdict are kept in this process for the apply of the same file and mapping
(docs/importing.md).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from .. import workbench
from ..errors import NotConforming, SourceError, Text
from ..importing import FORMATS, check_source_name, prepare_import, run_import
from ..kb.checks import OutOfScope
from ..kb.operations import import_outcome_json
from .auth import WriterDep, read_limited
from .deps import State
from .errors import BadRequest, UnsupportedMediaType
from .i18n import request_lang

router = APIRouter(tags=["write"])


def _safe_name(name: str) -> str:
    """Her file name as she gave it, as far as it is safe as a file name here (letters of any script,
    digits, spaces and a few signs; no folders): the messages and the provenance name her file."""
    stem = re.sub(r"[^\w .,()+-]+", "-", Path((name or "upload").replace("\\", "/")).name).strip(" .-") or "upload"
    return stem[:100]


@router.post(
    "/import",
    summary="Import a file (CSV/XLSX template, HSDS JSON, OSM table, RDF) as one source: preview or apply",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "mapping": {
                                "type": "string",
                                "description": "her corrections, JSON {sheet title: {her header: field name, or '' for not taken}}",
                            },
                        },
                    }
                }
            },
        },
        "parameters": [
            {
                "name": "source",
                "in": "query",
                "required": True,
                "schema": {"type": "string"},
                "description": "source name (slug); the token must be allowed to change it",
            },
            {"name": "format", "in": "query", "schema": {"type": "string", "enum": list(FORMATS)}},
            {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}, "description": "only show what would change"},
            {
                "name": "remember",
                "in": "query",
                "schema": {"type": "boolean"},
                "description": "keep the (corrected) mapping of her sheet for this source once the import is applied",
            },
            {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["de", "en"]}},
        ],
    },
    responses={
        400: {"description": "unreadable file: every bad row with row and column"},
        401: {"description": "no or wrong token"},
        403: {"description": "source outside the token's sources"},
        413: {"description": "file too large"},
        422: {"description": "breaks the shapes, with row and column"},
    },
)
async def import_file(request: Request, state: State, writer: WriterDep) -> JSONResponse:
    kb = state.kb
    assert kb is not None
    source = request.query_params.get("source", "")
    fmt = request.query_params.get("format") or None
    dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes", "on")
    remember = request.query_params.get("remember", "").lower() in ("1", "true", "yes", "on")
    lang = request_lang(request)
    if not source:
        raise BadRequest(Text("Quelle fehlt: ?source=NAME", "source missing: ?source=NAME"))
    check_source_name(source)
    if fmt is not None and fmt not in FORMATS:
        raise BadRequest(Text(f"Format {fmt} unbekannt ({', '.join(FORMATS)})", f"unknown format {fmt} ({', '.join(FORMATS)})"))
    if not writer.may(source):
        raise OutOfScope(
            Text(
                f"„{writer.name}“ darf die Quelle „{source}“ nicht ändern",
                f"'{writer.name}' may not change the source '{source}'",
            )
        )
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            Text("erwartet multipart/form-data mit dem Feld file", "expected multipart/form-data with the field file")
        )
    request._body = await read_limited(request, state.settings.upload_limit)  # starlette's form parser reads it from here
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise BadRequest(Text("das Feld file mit der Datei fehlt", "the field file with the file is missing"))
    corrections = _corrections(form.get("mapping"))
    data = await upload.read()
    name = _safe_name(upload.filename or "upload")
    memory = workbench.memory_for(kb.root)
    with tempfile.TemporaryDirectory(prefix="migrakg-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)

        def work() -> dict[str, object]:
            extra: dict[str, object] = {}
            views, mappings = workbench.read_with_mappings(
                path, source=source, display=name, fmt=fmt, memory=memory, corrections=corrections, lang=lang
            )
            if views is not None:
                extra["mappings"] = views
            try:
                if dry_run:
                    outcome, _delta = prepare_import(
                        state.settings,
                        path,
                        store=kb.store,
                        fmt=fmt,
                        source=source,
                        agent=writer.name,
                        kb=kb,
                        mappings=mappings,
                    )
                else:
                    outcome = run_import(state.settings, path, kb=kb, fmt=fmt, source=source, writer=writer, mappings=mappings)
            except (SourceError, NotConforming) as exc:
                report = getattr(exc, "report", None)
                located = [workbench.problem_view(p, lang) for p in getattr(exc, "problems", None) or []]
                located += [workbench.result_view(r, lang) for r in (report.violations if report is not None else [])]
                setattr(exc, "details", {**extra, "problem_details": located})  # noqa: B010 (read by web/errors.py)
                raise
            answer = import_outcome_json(outcome)
            if mappings is not None:
                extra["preview"] = workbench.outcome_view(outcome, answer["names"], lang)
                extra["duplicates"] = workbench.duplicates(kb.store, state.settings.iris, outcome.parsed.graph, lang)
                if remember and not dry_run:
                    workbench.remember(memory, source, mappings)
                    extra["remembered"] = True
            return {**answer, **extra}

        answer = await run_in_threadpool(work)
    return JSONResponse({"status": "ok", "dry_run": dry_run, **answer})


def _corrections(value: object) -> dict[str, dict[str, str | None]]:
    """The form field `mapping`: her corrections (JSON), or none."""
    if value is None or value == "":
        return {}
    if not isinstance(value, str):
        raise BadRequest(Text("das Feld mapping ist Text (JSON)", "the field mapping is text (JSON)"))
    try:
        return workbench.parse_corrections(json.loads(value))
    except ValueError:
        raise BadRequest(Text("das Feld mapping ist kein gültiges JSON", "the field mapping is not valid JSON")) from None
