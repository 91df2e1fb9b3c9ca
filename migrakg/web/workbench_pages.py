"""The coordinator's workbench in the browser: `/werkbank` (German) and `/workbench` (English), plus the
release of one source — `POST /publish?source=NAME` (write token for that source) makes it, `GET
/releases/{source}/{file}` serves its files.

The page's script sends her file to `POST /import` (preview, then apply) and her link decisions to
`POST /links/decision`, with her token in the Authorization header only; without script the page says
how the same steps go from the command line. See docs/koordination.md.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import workbench
from ..errors import Text
from ..importing import check_source_name
from ..kb.checks import OutOfScope
from .auth import WriterDep
from .deps import State, page_context
from .errors import BadRequest, NotFound
from .i18n import LANGS
from .releases import open_release

router = APIRouter()

PAGES = {"/werkbank": "de", "/workbench": "en"}


def _page(own_lang: str):
    def handler(request: Request, state: State) -> Response:
        asked = request.query_params.get("lang")
        context = page_context(request, writes=state.kb is not None)
        context["lang"] = asked if asked in LANGS else own_lang
        return state.templates.TemplateResponse(request, "workbench.html", context)

    handler.__name__ = f"workbench_{own_lang}"
    return handler


for _path, _lang in PAGES.items():
    router.add_api_route(_path, _page(_lang), methods=["GET"], include_in_schema=False)


@router.post(
    "/publish",
    summary="Publish the release of one source (token for that source): dumps, DCAT-AP.de catalogue, checksums",
    tags=["write"],
    responses={401: {"description": "no or wrong token"}, 403: {"description": "source outside the token's sources"}},
)
async def publish_source(request: Request, state: State, writer: WriterDep) -> JSONResponse:
    kb = state.kb
    assert kb is not None
    source = request.query_params.get("source", "")
    if not source:
        raise BadRequest(Text("Quelle fehlt: ?source=NAME", "source missing: ?source=NAME"))
    check_source_name(source)
    if not writer.may(source):
        raise OutOfScope(
            Text(
                f"„{writer.name}“ darf die Quelle „{source}“ nicht veröffentlichen",
                f"'{writer.name}' may not publish the source '{source}'",
            )
        )

    def work() -> JSONResponse:
        folder = workbench.publish_source(state.settings, state.store.store, kb.root, source, lock=state.store.lock)
        release = open_release(folder)
        assert release is not None
        files = [
            {
                "name": name,
                "url": f"/releases/{source}/{name}",
                "bytes": (folder / name).stat().st_size,
                "media_type": release.media_type(name),
            }
            for name in release.names
        ]
        return JSONResponse(
            {
                "status": "ok",
                "source": source,
                "released": release.manifest.get("released"),
                "records": release.manifest.get("records", {}),
                "files": files,
            }
        )

    return await run_in_threadpool(work)


@router.api_route("/releases/{source}/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
def release_file(source: str, name: str, request: Request, state: State) -> Response:
    """A file of a source's release; only files the release names (manifest, SHA256SUMS) are served."""
    release = None
    if state.kb is not None and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source):
        release = open_release(workbench.release_folder(state.kb.root, source))
    path = release.path(name) if release is not None else None
    if release is None or path is None:
        raise NotFound(
            Text(
                f"„{name}“ gehört zu keiner Veröffentlichung der Quelle „{source}“",
                f"'{name}' is not part of a release of the source '{source}'",
            )
        )
    body = b"" if request.method == "HEAD" else path.read_bytes()
    headers = {
        "ETag": release.etag(name),
        "Cache-Control": "no-cache",
        "Content-Disposition": f'inline; filename="{name.rsplit("/", 1)[-1]}"',
    }
    return Response(body, media_type=release.media_type(name), headers=headers)
