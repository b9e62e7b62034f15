"""FastAPI dependencies: settings, store, write permission, paging and the page templates."""

from __future__ import annotations

import hmac
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from kg.config import Settings
from kg.store import Store

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_bearer = HTTPBearer(auto_error=False, description="CLAIMGRAPH_API_TOKEN, for writes only.")


async def get_settings(request: Request) -> Settings:
    """Async, as are the other cheap dependencies: a sync one costs a thread hop per request."""
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the store is not open")
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]


async def require_writer(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Allow a write only if a token is configured and the request bears it."""
    if not settings.api_token:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "this server is read-only: set CLAIMGRAPH_API_TOKEN to enable writes",
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), settings.api_token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


WriterDep = Depends(require_writer)

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]


TOTAL_HEADER = "X-Total-Count"


def page(response: Response, items: list, total: int | None = None, *, limit: int, offset: int):
    """One page of ``items`` (already cut when ``total`` is given); the total goes in a header,
    so list bodies keep the documented shape: a plain JSON array."""
    if total is None:
        total, items = len(items), items[offset : offset + limit]
    response.headers[TOTAL_HEADER] = str(total)
    return items


def not_found(what: str, item_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no {what} with id {item_id!r}")


@cache
def templates() -> Jinja2Templates:
    """The Jinja2 templates of ``api/templates`` (autoescaping on for every template)."""
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    return Jinja2Templates(env=env)
