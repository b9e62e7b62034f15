"""``POST /articles``: ingest one article through the same pipeline as ``claimgraph ingest``."""

from __future__ import annotations

import threading

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep, WriterDep
from kg.ingest import read_text
from kg.nlp import load_nlp
from kg.pipeline import ingest

router = APIRouter(tags=["articles"])
_ingest_lock = threading.Lock()


class ArticleIn(BaseModel):
    """An article as a JSONL record: the text and what is known about it."""

    text: str = Field(min_length=1, description="The article text as scraped.")
    url: str | None = None
    title: str | None = None
    published: str | None = Field(None, description="ISO 8601 date of publication.")
    outlet: str | None = None


class IngestOut(BaseModel):
    """What the ingest stored and found."""

    article: str
    claims: int
    contradictions: int


@router.post(
    "/articles",
    status_code=status.HTTP_201_CREATED,
    response_model=IngestOut,
    dependencies=[WriterDep],
)
def post_article(body: ArticleIn, store: StoreDep, settings: SettingsDep) -> IngestOut:
    """Ingest an article (replacing an earlier version with the same URL or text)."""
    if len(body.text.encode("utf-8")) > settings.max_article_bytes:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"article text is over the {settings.max_article_bytes}-byte limit",
        )
    try:
        raw = read_text(
            body.text,
            url=body.url,
            title=body.title,
            published=body.published,
            outlet=body.outlet,
        )
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    with _ingest_lock:
        report = ingest([raw], store, load_nlp(settings.model))
    return IngestOut(
        article=report.articles[0], claims=report.claims, contradictions=report.contradictions
    )
