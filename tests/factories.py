"""Small builders for test data: real model records, located in a real article's raw text."""

from __future__ import annotations

from typing import Any

from kg.model import Article, Claim, Speaker


def make_claim(
    article: Article,
    speaker: Speaker,
    content: str,
    cue: str,
    *,
    topic: str | None = None,
    kind: str = "indirect",
    strip: str = "",
    **fields: Any,
) -> Claim:
    """A claim whose content and cue are the first occurrences of those strings in the raw text;
    ``strip`` names quote marks to drop from the claim text (the span keeps them)."""
    start, cue_at = article.raw.index(content), article.raw.index(cue)
    if topic is not None:
        fields["topics"] = (topic,)
    return Claim(
        article.id,
        speaker,
        content.strip(strip) if strip else content,
        start,
        start + len(content),
        kind,  # type: ignore[arg-type]
        cue=cue,
        cue_start=cue_at,
        cue_end=cue_at + len(cue),
        **fields,
    )
