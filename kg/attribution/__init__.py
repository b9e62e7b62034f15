"""Attribution extraction over a spaCy parse: who (sources) said what (contents) via which cue.

Cue words pass the mined lexicon (``kg.cues``) in their complement frame; contents
(``content``) and sources (``sources``) are read off the dependency tree (``candidates``); a
small context model (``scoring``) rescores each candidate; headline colons and "in a poll"
findings come from patterns (``patterns``); overlapping candidates are resolved and quotation
marks (``kg.quotes``) widen contents to whole quotes and give orphan quotes to the neighbouring
speaker (``resolve``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.attribution.candidates import Candidate, build
from kg.attribution.output import to_attribution
from kg.attribution.patterns import colon_candidates, in_source
from kg.attribution.resolve import continue_quotes, resolve, widen_to_quotes
from kg.attribution.scoring import Scorer, load_scorer
from kg.cues import Lexicon, frame, load_lexicon
from kg.model import Attribution
from kg.quotes import find_quotes, quote_index

__all__ = ["extract"]

PREFILTER = 0.03
THRESHOLD = 0.25


def candidate(
    token: Token,
    lexicon: Lexicon,
    scorer: Scorer | None,
    qidx: list[int],
    quotes: list[tuple[int, int]],
) -> Candidate | None:
    """A scored candidate for ``token`` if the lexicon and the context model both allow it."""
    if lexicon.max_prob(token) < PREFILTER:
        return None
    kind = frame(token)
    prob = lexicon.prob(token, kind)
    if prob < PREFILTER:
        return None
    cand = build(token, kind, lexicon, qidx, quotes)
    if cand is None:
        return None
    if scorer is not None:
        cand.score = scorer.score(cand, kind, prob, qidx, lexicon)
    return cand if cand.score >= THRESHOLD else None


def extract(doc: Doc) -> list[Attribution]:
    """All attributions in ``doc`` (character offsets into ``doc.text``)."""
    lexicon, scorer = load_lexicon(), load_scorer()
    quotes = find_quotes(doc)
    qidx = quote_index(doc, quotes)
    cands = colon_candidates(doc, lexicon, qidx)
    for token in doc:
        if token.is_punct or token.is_space or qidx[token.i] >= 0:
            continue
        cand = in_source(token, lexicon) or candidate(token, lexicon, scorer, qidx, quotes)
        if cand is not None:
            widen_to_quotes(cand, quotes, qidx)
            cands.append(cand)
    kept = resolve(cands)
    continue_quotes(doc, kept, quotes, qidx)
    text = doc.text
    return [to_attribution(doc, c, qidx, text) for c in kept]
