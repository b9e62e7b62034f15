"""Swagger UI and ReDoc served from this server: the assets ship in the fastapi-offline wheel.

FastAPI's own ``/docs`` and ``/redoc`` load their scripts, styles, fonts and favicon from CDNs;
these pages load nothing from another host, so the docs work offline and leak no visits.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_STATIC = "/static/docs"
SWAGGER_PARAMETERS = {"validatorUrl": None}


def docs_assets() -> Path:
    """The directory of swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("fastapi-offline is not installed")
    return Path(spec.submodule_search_locations[0]) / "static"


def add_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Add Swagger UI at ``docs_url`` and ReDoc at ``redoc_url`` (to an app built without them)."""
    app.mount(DOCS_STATIC, StaticFiles(directory=docs_assets()), name="docs-static")
    redirect = f"{docs_url}/oauth2-redirect"

    def static(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{DOCS_STATIC}/{name}"

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=static(request, "swagger-ui-bundle.js"),
            swagger_css_url=static(request, "swagger-ui.css"),
            swagger_favicon_url=static(request, "favicon.png"),
            oauth2_redirect_url=redirect,
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - ReDoc",
            redoc_js_url=static(request, "redoc.standalone.js"),
            redoc_favicon_url=static(request, "favicon.png"),
            with_google_fonts=False,
        )
