"""Candidate token sets -> ``Attribution`` records with character spans."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.attribution.candidates import Candidate
from kg.model import Attribution, ClaimKind, TextSpan


def to_span(doc: Doc, idx: set[int], text: str) -> TextSpan:
    start, end = doc[min(idx)].idx, doc[max(idx)].idx + len(doc[max(idx)])
    return TextSpan(start, end, text[start:end])


def segments(doc: Doc, idx: set[int]) -> list[set[int]]:
    """Split a token set into contiguous runs (ignoring whitespace tokens)."""
    runs: list[set[int]] = []
    prev = None
    for i in sorted(idx):
        if prev is not None and any(not doc[j].is_space for j in range(prev + 1, i)):
            runs.append(set())
        if not runs:
            runs.append(set())
        runs[-1].add(i)
        prev = i
    return runs


def kind_of(doc: Doc, content: set[int], qidx: list[int]) -> ClaimKind:
    words = [i for i in content if not doc[i].is_punct]
    quoted = sum(qidx[i] >= 0 for i in words)
    if words and quoted == len(words):
        return "direct"
    return "mixed" if quoted else "indirect"


def to_attribution(doc: Doc, cand: Candidate, qidx: list[int], text: str) -> Attribution:
    cue_runs = segments(doc, cand.cue)
    cue = to_span(doc, max(cue_runs, key=lambda r: cand.anchor.i in r), text)
    return Attribution(
        cue=cue,
        sources=tuple(to_span(doc, s, text) for s in cand.sources if s),
        contents=tuple(to_span(doc, r, text) for r in segments(doc, cand.content)),
        kind=kind_of(doc, cand.content, qidx),
        confidence=round(min(1.0, cand.score), 3),
    )
