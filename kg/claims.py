"""Claims: attributions turned into one claim per (attribution, speaker) with topic and stance.

``Claim.text`` is the raw text from the first content span's start to the last one's end, so a
quote split around its cue ("'A,' she said. 'B.'") keeps the cue in between; the span offsets
are exactly that range, which keeps ``raw[start:end] == text``. Stance sums the parts only.
Identical statements (same speaker, same normalized text) are emitted once per article, so a
duplicated caption does not give two claims. Attributions without content are skipped; without
a resolvable source the speaker is an article-local "unattributed" unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from kg.model import Article, Attribution, Claim, Speaker, TextSpan
from kg.speakers import AttributionSpeakers, resolve_speakers
from kg.stance import stance_of_parts
from kg.topics import topics_of


def normalized_text(text: str) -> str:
    """Text compared for duplicates: folded quotes and punctuation, lowercase."""
    folded = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\W+", " ", folded).lower().strip()


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _context(doc: Doc, attribution: Attribution) -> Span:
    """The sentences covering the attribution's cue, sources and contents."""
    parts = [*attribution.contents, *attribution.sources]
    if attribution.cue is not None:
        parts.append(attribution.cue)
    spans = [s for p in parts if (s := _span(doc, p.start, p.end)) is not None]
    start = min(s.sent.start for s in spans)
    end = max(s.sent.end for s in spans)
    return doc[start:end]


def _characterized(content: Span, cue: Span | None) -> Span | None:
    """The cue's clause when the content is a bare predicate ('called the plan "a mess"'):
    what the predicate characterizes is named there, not in the content."""
    if cue is None or any(t.dep_ in {"nsubj", "nsubjpass"} for t in content):
        return None
    root = cue.root
    return content.doc[root.left_edge.i : root.right_edge.i + 1]


def _names(speaker: Speaker) -> list[str]:
    """Names that are never topics of the speaker's claims (descriptions may be topics)."""
    return [speaker.name, *speaker.aliases] if speaker.type in {"person", "organization"} else []


def _unattributed(article: Article) -> Speaker:
    return Speaker(key=f"unknown:{article.id}:unattributed", name="unattributed", type="unknown")


def _raw(article: Article, span: TextSpan) -> tuple[int, int]:
    return article.to_raw(span.start, span.end)


def _claims_for(
    article: Article,
    doc: Doc,
    attribution: Attribution,
    resolved: AttributionSpeakers,
    article_speakers: list[str],
) -> list[Claim]:
    contents = sorted(attribution.contents, key=lambda s: s.start)
    parts = [s for c in contents if (s := _span(doc, c.start, c.end)) is not None]
    if not parts:
        return []
    start, _ = _raw(article, contents[0])
    _, end = _raw(article, contents[-1])
    cue_start = cue_end = None
    if attribution.cue is not None:
        cue_start, cue_end = _raw(article, attribution.cue)
    stance, score = stance_of_parts(parts)
    content = doc[parts[0].start : parts[-1].end]
    context = _context(doc, attribution)
    sources = [
        s for src in attribution.sources if (s := _span(doc, src.start, src.end)) is not None
    ]
    skip = {t.i for s in sources for t in s}
    cue = _span(doc, attribution.cue.start, attribution.cue.end) if attribution.cue else None
    about = _characterized(content, cue)
    speakers = resolved.speakers or (_unattributed(article),)
    claims = []
    for speaker in speakers:
        exclude = [*_names(speaker), resolved.outlet or ""]
        topics = topics_of(
            doc,
            content,
            context,
            exclude=exclude,
            article_speakers=article_speakers,
            skip=skip,
            about=about,
        )
        claims.append(
            Claim(
                article_id=article.id,
                speaker=speaker,
                text=article.raw[start:end],
                start=start,
                end=end,
                kind=attribution.kind,
                cue=article.raw[cue_start:cue_end] if cue_start is not None else None,
                cue_start=cue_start,
                cue_end=cue_end,
                outlet=resolved.outlet,
                topics=topics,
                stance=stance,
                stance_score=score,
                co_speakers=tuple(s.key for s in speakers if s.key != speaker.key),
            )
        )
    return claims


def build_claims(article: Article, doc: Doc, attributions: Sequence[Attribution]) -> list[Claim]:
    """Claims of one article, in text order; offsets are raw-text offsets."""
    resolved = resolve_speakers(doc, attributions, article_id=article.id)
    article_speakers = sorted({n for r in resolved for s in r.speakers for n in _names(s) if n})
    pairs = sorted(
        zip(attributions, resolved, strict=True),
        key=lambda p: min((c.start for c in p[0].contents), default=0),
    )
    claims: list[Claim] = []
    seen: set[tuple[str, str]] = set()
    for attribution, speakers in pairs:
        for claim in _claims_for(article, doc, attribution, speakers, article_speakers):
            keys = {
                (claim.speaker.key, normalized_text(claim.text)),
                (claim.speaker.key, f"{claim.start}:{claim.end}"),
            }
            if keys & seen:
                continue
            seen |= keys
            claims.append(claim)
    return claims
