"""GET /api — the OpenAPI description (/openapi.json) as an interactive page, from Swagger UI files that
come with the Python package swagger-ui-bundle: no CDN, no request leaves the site."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from swagger_ui_bundle import swagger_ui_path

router = APIRouter()

ASSETS = Path(swagger_ui_path)  # swagger-ui-bundle.js, swagger-ui.css … served at /api/assets/
PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>migrakg — HTTP API</title>
<link rel="stylesheet" href="/api/assets/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg"></head>
<body><div id="swagger-ui"></div>
<script src="/api/assets/swagger-ui-bundle.js"></script>
<script src="/static/api.js"></script>
</body></html>
"""


@router.get("/api", include_in_schema=False)
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
