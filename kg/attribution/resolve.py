"""Overlap resolution between candidates and quote bookkeeping (widening, continuations)."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.attribution.candidates import Candidate
from kg.quotes import is_quote


def widen_to_quotes(cand: Candidate, quotes: list[tuple[int, int]], qidx: list[int]) -> None:
    """Grow a content that touches a quote to the whole quote, marks included."""
    touched = {qidx[i] for i in cand.content if qidx[i] >= 0}
    for q in touched:
        s, e = quotes[q]
        span = set(range(s, e + 1)) - cand.cue - set().union(*cand.sources)
        cand.content |= span


def resolve(cands: list[Candidate]) -> list[Candidate]:
    """Keep each token in at most one attribution: higher score first, outer before inner."""
    kept: list[Candidate] = []
    used: set[int] = set()
    for cand in sorted(cands, key=lambda c: (-c.score, c.anchor.i)):
        if cand.cue & used or cand.anchor.i in used:
            continue
        if len(cand.content & used) > len(cand.content) / 2:
            continue
        cand.content -= used
        kept.append(cand)
        used |= cand.content | cand.cue
    return sorted(kept, key=lambda c: min(c.content))


def quoted_share(doc: Doc, cand: Candidate, qidx: list[int]) -> float:
    words = [i for i in cand.content if not doc[i].is_punct]
    return sum(qidx[i] >= 0 for i in words) / len(words) if words else 0.0


def rank(doc: Doc, cand: Candidate, qidx: list[int], end: int) -> tuple[bool, int, int]:
    """Which speaker a following quote continues: one quoted in full first ("'A,' she said,
    adding that 'x' ... 'B'"), then the main clause's cue over cues nested in it, then the
    last one."""
    depth = sum(1 for _ in cand.anchor.ancestors)
    return quoted_share(doc, cand, qidx) == 1.0, -depth, end


def previous_speaker(
    doc: Doc, kept: list[Candidate], start: int, qidx: list[int]
) -> Candidate | None:
    """The attribution a quote opening at ``start`` continues: one in the sentence just before
    it (a quoting one first, else the last), if only its own words or other attributions'
    tokens lie between them. Across a paragraph break only a quoting one does: a paraphrase
    followed by a new quoted paragraph is mostly someone else speaking."""
    j = start - 1
    while j >= 0 and (doc[j].is_space or doc[j].is_punct) and qidx[j] < 0:
        j -= 1
    if j < 0:
        return None
    sent = doc[j].sent
    end = {id(c): max(c.content | c.cue) for c in kept}
    near = [c for c in kept if sent.start <= c.anchor.i < sent.end and end[id(c)] < start]
    quoting = [c for c in near if quoted_share(doc, c, qidx) > 0]
    if doc[start].sent.start == sent.start:
        quoting = []
    prev = max(quoting or near, key=lambda c: rank(doc, c, qidx, end[id(c)]), default=None)
    if prev is None:
        return None
    if not quoting and "\n" in doc.text[doc[j].idx : doc[start].idx]:
        return None
    own = {t.i for t in prev.anchor.subtree}
    owned = own.union(*(c.content | c.cue | set().union(*c.sources) for c in near))
    gap = range(end[id(prev)] + 1, start)
    return prev if all(doc[i].is_punct or doc[i].is_space or i in owned for i in gap) else None


def sentence_continuation(
    doc: Doc, kept: list[Candidate], start: int, end: int, used: set[int], qidx: list[int]
) -> tuple[Candidate | None, set[int]]:
    """A sentence with a quote but no cue of its own, right after a sentence whose last
    attribution, itself quoting, it carries on (``"...," he said. Prices can fall, but only "if
    rates drop."``)."""
    sent = doc[start].sent
    if any(sent.start <= c.anchor.i < sent.end for c in kept) or sent.start == 0:
        return None, set()
    j = sent.start - 1
    while j > 0 and doc[j].is_space:
        j -= 1
    if "\n" in doc.text[doc[j].idx : doc[sent.start].idx]:
        return None, set()
    before = doc[j].sent
    near = [c for c in kept if before.start <= c.anchor.i < before.end]
    if not near:
        return None, set()
    prev = max(near, key=lambda c: max(c.content | c.cue))
    if not any(qidx[i] >= 0 for i in prev.content):
        return None, set()
    return prev, set(range(sent.start, end + 1)) - used


def continue_quotes(
    doc: Doc, kept: list[Candidate], quotes: list[tuple[int, int]], qidx: list[int]
) -> None:
    """Give a quote nobody claimed to the quoted speaker next to it.

    ``"A," she said. "B."`` and a quote running on into the next paragraphs become one
    attribution with several content spans, as long as only punctuation (or words of the
    cue's own phrase, ``told reporters``) separates them. An unclosed quote paragraph joins the
    quote that follows it.
    """
    used = set().union(*(c.content | c.cue for c in kept)) if kept else set()
    for s, e in quotes:
        if s in used:
            continue
        prev = previous_speaker(doc, kept, s, qidx)
        span = set(range(s, e + 1))
        if prev is None:
            prev, span = sentence_continuation(doc, kept, s, e, used, qidx)
        if prev is not None:
            prev.content |= span
            used |= span
            continue
        if is_quote(doc[e]) and e > s:
            continue
        nxt = min(
            (c for c in kept if min(c.content) > e), key=lambda c: min(c.content), default=None
        )
        if (
            nxt is not None
            and qidx[min(nxt.content)] >= 0
            and all(doc[i].is_space for i in range(e + 1, min(nxt.content)))
        ):
            nxt.content |= set(range(s, e + 1))
            used |= set(range(s, e + 1))
