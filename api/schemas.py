"""Response models: the JSON shapes of the REST API (and of its OpenAPI document)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ClaimKind = Literal["direct", "indirect", "mixed"]
Stance = Literal["positive", "negative", "neutral"]
SpeakerType = Literal["person", "organization", "anonymous", "group", "unknown"]


def total_header(name: str) -> dict:
    """OpenAPI note for list routes: the total number of matches travels in a header."""
    header = {name: {"description": "Matches over all pages.", "schema": {"type": "integer"}}}
    return {200: {"headers": header}}


class SpeakerRef(BaseModel):
    id: str
    name: str
    type: SpeakerType


class CoSpeaker(BaseModel):
    id: str
    name: str


class ClaimOut(BaseModel):
    """A claim; ``start``/``end`` are code-point offsets into the article's raw text."""

    id: str
    text: str
    kind: ClaimKind
    speaker: SpeakerRef
    cue: str | None = None
    outlet: str | None = None
    article: str
    start: int
    end: int
    topic: str | None = None
    stance: Stance
    topics: list[str] = []
    co_speakers: list[CoSpeaker] = []


class ClaimDetail(ClaimOut):
    """A claim with its stance score, cue offsets and the surrounding article text."""

    stance_score: float | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    context: str | None = None
    context_start: int | None = None


class SpeakerOut(BaseModel):
    id: str
    name: str
    type: SpeakerType
    claims: int
    aliases: list[str] = []
    description: str | None = None
    count: int | None = None
    affiliation: str | None = None


class SpeakerDetail(SpeakerOut):
    claim_list: list[ClaimOut]


class ContradictionOut(BaseModel):
    """Two conflicting claims, the rule that flagged them and why."""

    id: str
    claims: list[ClaimOut] = Field(min_length=2, max_length=2)
    reason: str
    confidence: float
    rule: str
    target: str | None = None
    target_id: str | None = None


class ArticleOut(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    claims: int


class ArticleDetail(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    raw_text: str
    claims: list[ClaimOut]


class Health(BaseModel):
    status: Literal["ok"]
    quads: int
    graphs: int
    writes: bool = Field(description="Whether writes are enabled (an API token is set).")


class Problem(BaseModel):
    """An RFC 9457 problem detail (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict] | None = None
