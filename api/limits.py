"""A cap on request bodies: bigger ones get ``413 Content Too Large`` as problem+json.

Checked twice: a declared ``Content-Length`` over the cap is refused before the body is read, and
a body sent without one (chunked) is counted as the route reads it, so no route ever buffers more
than the cap. (FastAPI's own ``max_body_size`` answers a plain-text 413 from inside each route,
past the app's exception handlers, so the API's errors would not all be problem+json.)
"""

from __future__ import annotations

import os

from fastapi import HTTPException, status
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

DEFAULT_MAX_BODY_BYTES = 1 << 20


def max_body_bytes(max_article_bytes: int) -> int:
    """``CLAIMGRAPH_MAX_BODY_BYTES``, else 1 MiB or twice the article cap (for JSON escapes)."""
    value = os.environ.get("CLAIMGRAPH_MAX_BODY_BYTES")
    limit = int(value) if value else max(DEFAULT_MAX_BODY_BYTES, 2 * max_article_bytes)
    if limit <= 0:
        raise ValueError("the request body limit must be positive")
    return limit


def _too_large(limit: int) -> str:
    return f"the request body is over the {limit}-byte limit"


class BodyLimit:
    """ASGI middleware refusing request bodies longer than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = problem(Request(scope), 413, _too_large(self.max_bytes))
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(
                        status.HTTP_413_CONTENT_TOO_LARGE, _too_large(self.max_bytes)
                    )
            return message

        await self.app(scope, counted, send)
