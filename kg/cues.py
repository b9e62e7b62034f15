"""Cue lexicon: how likely a word, in a given complement frame, introduces an attribution.

The lexicon (``kg/data/cues.json``) is mined from PolNeAR train by ``scripts/mine_cues.py``:
for every ``lemma|POS`` key and frame it stores ``[times a cue, times seen]``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

CUES_PATH = Path(__file__).resolve().parent / "data" / "cues.json"
CONTENT_DEPS = ("ccomp", "xcomp", "dobj")
CLAUSE_DEPS = frozenset({"ccomp", "parataxis"})
SMOOTHING = 2.0


def pos_group(token: Token) -> str:
    """Coarse part of speech used in lexicon keys."""
    if token.pos_ in ("VERB", "AUX"):
        return "V"
    if token.pos_ in ("NOUN", "PROPN"):
        return "N"
    return token.pos_


def key(token: Token) -> str:
    return f"{token.lemma_.lower()}|{pos_group(token)}"


def frame(token: Token) -> str:
    """Which complement a potential cue takes: the dependency that would hold its content."""
    deps = {c.dep_ for c in token.children}
    if deps & CLAUSE_DEPS:
        return "ccomp"
    for dep in ("xcomp", "dobj", "acl"):
        if dep in deps:
            return dep
    if any(
        c.dep_ == "prep" and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        for c in token.children
    ):
        return "prep"
    if any(c.text == ":" for c in token.rights):
        return "colon"
    return "none"


class Lexicon:
    """Mined counts turned into smoothed per-frame probabilities (precomputed once)."""

    def __init__(self, counts: dict[str, dict[str, list[int]]]) -> None:
        self.probs: dict[str, dict[str, float]] = {}
        self.prior: dict[str, float] = {}
        for k, entry in counts.items():
            cue_all = sum(c for c, _ in entry.values())
            seen_all = sum(n for _, n in entry.values())
            prior = cue_all / seen_all if seen_all else 0.0
            self.prior[k] = prior
            self.probs[k] = {
                f: (c + SMOOTHING * prior) / (n + SMOOTHING) for f, (c, n) in entry.items()
            }
        self.best = {k: max([*v.values(), self.prior[k]]) for k, v in self.probs.items()}

    def prob(self, token: Token, token_frame: str) -> float:
        """P(cue | lemma, POS, frame), backing off to the lemma's rate for unseen frames."""
        k = key(token)
        return self.probs[k].get(token_frame, self.prior[k]) if k in self.probs else 0.0

    def max_prob(self, token: Token) -> float:
        """Best probability over frames: a cheap filter before computing the frame."""
        return self.best.get(key(token), 0.0)


@lru_cache(maxsize=2)
def load_lexicon(path: Path = CUES_PATH) -> Lexicon:
    with open(path, encoding="utf-8") as f:
        return Lexicon(json.load(f)["cues"])
