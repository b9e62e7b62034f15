"""The FastAPI application: SPARQL endpoint, REST read API, article pages and graph explorer.

``create_app`` does all the work (nothing happens at import); the store is opened when the app
starts and closed when it stops, unless the caller passed one in (then the caller owns it).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import StoreDep
from api.docs import add_docs
from api.limits import BodyLimit, max_body_bytes
from api.problems import PROBLEM_JSON, problem, problems
from api.routers import articles, claims, contradictions, explorer, ingest, sparql, speakers
from api.schemas import Health
from kg.config import Settings
from kg.store import Store, open_store

STATIC_DIR = Path(__file__).resolve().parent / "static"
VIS_VERSION = "vis-9.1.2"
__all__ = ["PROBLEM_JSON", "create_app", "problem"]


async def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem(request, exc.status_code, detail, headers=exc.headers)


async def _validation_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors(), exclude={"ctx", "input", "url"})
    return problem(request, 422, "the request parameters are invalid", errors=errors)


def _vis_dir() -> Path:
    """vis-network (MIT/Apache-2.0) as bundled by the installed pyvis package, served locally."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed")
    return Path(spec.submodule_search_locations[0]) / "lib" / VIS_VERSION


def _open(settings: Settings) -> Store:
    """Read-only unless writes are enabled; an absent store is created empty first."""
    writable = bool(settings.api_token)
    if not writable and not Path(settings.store).exists():
        open_store(settings.store).close()
    return open_store(settings.store, read_only=not writable)


def _cors_origins() -> list[str]:
    value = os.environ.get("CLAIMGRAPH_CORS_ORIGINS", "*")
    return [origin.strip() for origin in value.split(",") if origin.strip()]


def _include_routes(app: FastAPI) -> None:
    """The routers and static files; writes document their auth and size errors."""
    for router in (sparql, claims, speakers, contradictions, articles, explorer):
        app.include_router(router.router)
    app.include_router(ingest.router, responses=problems(400, 401, 403, 413))
    app.mount("/static/vis", StaticFiles(directory=_vis_dir()), name="vis")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def _add_meta_routes(app: FastAPI, settings: Settings) -> None:
    @app.get("/health", response_model=Health, tags=["meta"])
    def health(store: StoreDep) -> Health:
        """Liveness plus the size of the store."""
        quads, graphs = store.quad_count(), len(store.graphs())
        return Health(status="ok", quads=quads, graphs=graphs, writes=bool(settings.api_token))

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/explore")


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    cors_origins: Sequence[str] | None = None,
    max_body: int | None = None,
) -> FastAPI:
    """Build the app. ``cors_origins`` (default ``CLAIMGRAPH_CORS_ORIGINS`` or ``*``) get GET
    access from other sites; an empty list turns CORS off. Request bodies over ``max_body``
    bytes (default: ``api.limits.max_body_bytes``) are refused with 413."""
    settings = settings or Settings()
    body_limit = max_body or max_body_bytes(settings.max_article_bytes)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store if store is not None else _open(settings)
        try:
            yield
        finally:
            if store is None:
                app.state.store.close()

    app = FastAPI(
        title="claimgraph",
        summary="Who said what in the news, and where they contradict each other.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses=problems(422),
    )
    app.state.settings = settings
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_middleware(sparql.SparqlGetPath, on_http_error=_http_problem)
    origins = list(_cors_origins() if cors_origins is None else cors_origins)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET"])
    app.add_middleware(BodyLimit, max_bytes=body_limit)
    add_docs(app)
    _include_routes(app)
    _add_meta_routes(app, settings)
    return app
