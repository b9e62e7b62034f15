"""Typed records that cross step boundaries in the pipeline.

Data flows one way: ``RawArticle`` -> ``Article`` (cleaned text + offset map) -> spaCy ``Doc``
-> ``Attribution`` -> ``Speaker`` / ``Claim`` -> RDF -> store -> ``Contradiction``.

Offsets: every ``TextSpan`` produced by extraction is in *cleaned-text* coordinates
(``Article.text``); ``Article.to_raw`` maps them back to the raw text as ingested, which is
what claims, RDF and the API expose (code points, end exclusive).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

ClaimKind = Literal["direct", "indirect", "mixed"]
Stance = Literal["positive", "negative", "neutral"]
SpeakerType = Literal["person", "organization", "anonymous", "group", "unknown"]


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A half-open character range ``[start, end)`` with the text it covers."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as read from disk or a request, before any cleaning."""

    raw: str
    origin: str  # file path, "path:line" for JSONL records, or "request"
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    outlet: str | None = None

    @property
    def id(self) -> str:
        """Stable article id: a hash of the URL when known, else of the raw text."""
        basis = self.url if self.url else self.raw
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """Cleaned article text plus the map from cleaned offsets back to raw offsets.

    ``offsets[i]`` is the raw offset of cleaned character ``i``; ``offsets[len(text)]`` is the
    raw offset just past the last kept character, so spans map with ``to_raw``.
    """

    source: RawArticle
    text: str
    offsets: tuple[int, ...]

    @property
    def id(self) -> str:
        return self.source.id

    @property
    def raw(self) -> str:
        return self.source.raw

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned-text span to the raw-text span it came from."""
        if end <= start:
            raw_start = self.offsets[start]
            return raw_start, raw_start
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: one cue, its source mentions and content spans (cleaned-text offsets).

    ``sources`` may be empty (no explicit source); ``contents`` may have several spans (a quote
    split around its cue). ``kind`` says whether the content is quoted, paraphrased or both.
    """

    cue: TextSpan | None
    sources: tuple[TextSpan, ...]
    contents: tuple[TextSpan, ...]
    kind: ClaimKind
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Speaker:
    """One real speaker (or anonymous/group source) within an article.

    ``key`` is stable across articles for named people and organisations (normalized name) and
    article-local for anonymous sources and crowds.
    """

    key: str
    name: str
    type: SpeakerType
    aliases: tuple[str, ...] = ()
    description: str | None = None
    count: int | None = None  # "at least three executives" -> 3
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One speaker's statement: the content, its cue, and where it sits in the raw text."""

    article_id: str
    speaker: Speaker
    text: str
    start: int  # raw-text offsets of the content (first to last content span)
    end: int
    kind: ClaimKind
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    outlet: str | None = None  # the outlet it was told to ("told CNN")
    topics: tuple[str, ...] = ()
    stance: Stance = "neutral"
    stance_score: float = 0.0
    co_speakers: tuple[str, ...] = field(default=())  # keys of speakers sharing this statement

    @property
    def id(self) -> str:
        """Claim id from article, span and speaker: re-ingesting yields the same id."""
        basis = f"{self.article_id}:{self.start}:{self.end}:{self.speaker.key}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two claims that conflict, the rule that found it and why."""

    id: str
    claims: tuple[str, str]  # claim IRIs
    rule: str
    reason: str
    confidence: float
    target: str | None = None
