"""``/articles``: article metadata, the text with its claims highlighted, and deletion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.deps import TOTAL_HEADER, Limit, Offset, StoreDep, WriterDep, not_found, page, templates
from api.negotiation import negotiate
from api.problems import problems
from api.schemas import ArticleDetail, ArticleOut, total_header
from kg.reasoning import remove_article
from kg.views import get_article, list_articles
from kg.vocab import graph_iri

router = APIRouter(tags=["articles"])
PALETTE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of article text and the claims covering all of it."""

    text: str
    claims: tuple[dict[str, Any], ...]
    anchors: tuple[str, ...]  # ids of claims that start here


def segments(text: str, claims: list[dict[str, Any]]) -> list[Segment]:
    """Cut ``text`` at every claim boundary; each piece knows which claims cover it."""
    spans = [c for c in claims if 0 <= c["start"] < c["end"] <= len(text)]
    cuts = sorted({0, len(text), *(c["start"] for c in spans), *(c["end"] for c in spans)})
    pieces = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        covering = tuple(c for c in spans if c["start"] <= lo and hi <= c["end"])
        anchors = tuple(c["id"] for c in covering if c["start"] == lo)
        pieces.append(Segment(text[lo:hi], covering, anchors))
    return pieces


def speaker_colours(claims: list[dict[str, Any]]) -> dict[str, int]:
    """A palette index per speaker id, in order of first appearance."""
    colours: dict[str, int] = {}
    for claim in claims:
        colours.setdefault(claim["speaker"]["id"], len(colours) % PALETTE_SIZE)
    return colours


def _web_url(url: str | None) -> str | None:
    """The article's URL if it is an http(s) link (never a ``javascript:`` one)."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def _article_page(request: Request, article: dict[str, Any]) -> HTMLResponse:
    claims = article["claims"]
    colours = speaker_colours(claims)
    speakers = {c["speaker"]["id"]: c["speaker"] for c in claims}
    return templates().TemplateResponse(
        request,
        "article.html",
        {
            "article": article,
            "source_url": _web_url(article.get("url")),
            "segments": segments(article["raw_text"], claims),
            "colours": colours,
            "speakers": [(speakers[sid], colour) for sid, colour in colours.items()],
        },
    )


@router.get("/articles", response_model=list[ArticleOut], responses=total_header(TOTAL_HEADER))
def articles(response: Response, store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> list:
    found = list_articles(store)
    return page(response, found, limit=limit, offset=offset)


@router.get("/articles/{article_id}.html", response_class=HTMLResponse, responses=problems(404))
def article_html(request: Request, store: StoreDep, article_id: str) -> HTMLResponse:
    """The article text with each claim highlighted in its speaker's colour."""
    found = get_article(store, article_id)
    if found is None:
        raise not_found("article", article_id)
    return _article_page(request, found)


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    responses={200: {"content": {"text/html": {}}}, **problems(404)},
)
def article(request: Request, store: StoreDep, article_id: str) -> Any:
    """The article and its claims as JSON, or as a page when the client prefers HTML."""
    found = get_article(store, article_id)
    if found is None:
        raise not_found("article", article_id)
    accept = request.headers.get("accept")
    if negotiate(accept, ["application/json", "text/html"]) == "text/html":
        return _article_page(request, found)
    return found


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    dependencies=[WriterDep],
    responses=problems(401, 403, 404),
)
def delete_article(store: StoreDep, article_id: str) -> Response:
    """Remove the article's graph, its inferred graph and contradictions involving its claims."""
    if str(graph_iri(article_id)) not in store.graphs():
        raise not_found("article", article_id)
    remove_article(store, article_id)
    return Response(status_code=204)
