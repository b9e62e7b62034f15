"""Stance of a claim's content: VADER valences, spaCy negation scope and a readiness lexicon.

Method (per token of the content, then summed and normalized like VADER's compound score):

* Valence comes from ``kg/data/evaluative.json`` (generic readiness, capability and quality
  words VADER lacks: "finished", "reliable", "unsafe", a system that "works"; keyed by part of
  speech and lemma), else from VADER's lexicon by word form, else by lemma. Only content words
  count (no proper nouns, determiners, pronouns, numbers), so names and quantities stay neutral.
  Lexicon verbs count only intransitively and not with a personal subject ("it works", not
  "she works at a bank").
* Negation: a token is negated when a negator ("not", "never", "no", "without", ...) governs it
  in the parse, looking up through modifier and predicate links (``SCOPE_DEPS``), or, as a
  fallback for misparses, stands among the three preceding tokens with no punctuation between.
  A negated valence is multiplied by VADER's ``N_SCALAR`` (-0.74): "not ready" is negative,
  "not bad" and "not a disaster" come out mildly positive.
* Hedging: a word under a modal of possibility or a hedging adverb ("may not be safe",
  "perhaps a failure") carries no valence: the speaker speculates and asserts nothing, so a
  hedged claim never takes a side against an assertion.
* Boosters ("very", "hardly") that modify a token adjust it as in VADER; after a contrastive
  "but" valences weigh 1.5, before it 0.5 (VADER's rule).
* ``score`` is VADER's normalization ``x / sqrt(x^2 + 15)`` in [-1, 1]; ``|score| < THRESHOLD``
  (0.1, a little above VADER's customary 0.05, to keep plain reports neutral) is neutral.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from spacy.tokens import Span, Token
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    N_SCALAR,
    SentimentIntensityAnalyzer,
    normalize,
    scalar_inc_dec,
)

from kg.model import Stance

THRESHOLD = 0.1
LEXICON_PATH = Path(__file__).parent / "data" / "evaluative.json"
CONTENT_POS = frozenset({"ADJ", "ADV", "NOUN", "VERB", "INTJ"})
NEGATORS = frozenset(
    {
        "not",
        "n't",
        "never",
        "no",
        "without",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "none",
        "hardly",
        "barely",
        "scarcely",
        "cannot",
        "lack",
        "lacks",
        "lacked",
        "lacking",
    }
)
SCOPE_DEPS = frozenset(
    {"amod", "acomp", "attr", "advmod", "compound", "appos", "xcomp", "oprd", "conj", "dobj"}
)
PERSONAL = frozenset({"i", "we", "you", "he", "she", "they"})
HEDGES = frozenset({"may", "might", "could", "perhaps", "possibly", "maybe"})


@cache
def _vader() -> dict[str, float]:
    return SentimentIntensityAnalyzer().lexicon


@cache
def _general() -> dict[str, dict[str, float]]:
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    return {pos: words for pos, words in data.items() if not pos.startswith("_")}


def _personal_subject(tok: Token) -> bool:
    return any(
        c.dep_ in {"nsubj", "nsubjpass"} and (c.lower_ in PERSONAL or c.ent_type_ == "PERSON")
        for c in tok.children
    )


def _lexical(tok: Token) -> float:
    """Prior valence of one token, 0.0 when it carries none."""
    if tok.pos_ not in CONTENT_POS or tok.lower_ in NEGATORS:
        return 0.0
    general = _general()
    lemma = tok.lemma_.lower()
    if tok.pos_ == "ADJ" or tok.tag_ == "VBN":
        if (value := general["ADJ"].get(tok.lower_)) is not None:
            return value
    if tok.pos_ == "VERB" and lemma in general["VERB"]:
        transitive = any(c.dep_ == "dobj" for c in tok.children)
        return 0.0 if transitive or _personal_subject(tok) else general["VERB"][lemma]
    if tok.pos_ == "NOUN" and lemma in general["NOUN"]:
        return general["NOUN"][lemma]
    vader = _vader()
    return vader.get(tok.lower_, vader.get(lemma, 0.0))


def _negator(tok: Token) -> bool:
    return tok.dep_ == "neg" or tok.lower_ in NEGATORS


def _own_clause(tok: Token) -> bool:
    """A conjoined clause with its own subject ("..., and the cafe is fine") is out of scope."""
    return tok.dep_ == "conj" and any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children)


def _in_scope(tok: Token, marks: Callable[[Token], bool]) -> bool:
    """Whether a child of ``tok`` or of its heads up through ``SCOPE_DEPS`` is a mark."""
    node = tok
    for _ in range(5):
        if any(marks(c) for c in node.children if c.dep_ in {"neg", "det", "advmod", "aux"}):
            return True
        if node.dep_ not in SCOPE_DEPS or node.head is node or _own_clause(node):
            return False
        node = node.head
    return False


def hedged(tok: Token) -> bool:
    """Whether a modal of possibility or a hedging adverb scopes over ``tok`` ("may be unsafe")."""
    return _in_scope(tok, lambda c: c.lower_ in HEDGES and c.tag_ in {"MD", "RB"})


def negated(tok: Token) -> bool:
    """Whether a negator scopes over ``tok`` (dependency scope, then a 3-token window)."""
    if _in_scope(tok, _negator):
        return True
    start = max(tok.sent.start, tok.i - 3)
    for prev in reversed(tok.doc[start : tok.i]):
        if prev.is_punct:
            return False
        if _negator(prev):
            return True
    return False


def _valence(tok: Token) -> float:
    value = _lexical(tok)
    if not value or hedged(tok):
        return 0.0
    for child in tok.children:
        if child.dep_ == "advmod" and child.lower_ in BOOSTER_DICT:
            value += scalar_inc_dec(child.text, value, False)
    return value * N_SCALAR if negated(tok) else value


def valence(span: Span) -> float:
    """Summed valence of a span, with VADER's "but" weighting."""
    but = next((t.i for t in span if t.lower_ == "but" and t.pos_ == "CCONJ"), None)
    total = 0.0
    for tok in span:
        weight = 1.0 if but is None else (0.5 if tok.i < but else 1.5)
        total += weight * _valence(tok)
    return total


def classify(score: float) -> Stance:
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


def stance_of_parts(spans: Sequence[Span]) -> tuple[Stance, float]:
    """Stance of a statement split in parts (a quote around its cue): valences add up."""
    score = round(normalize(sum(valence(s) for s in spans)), 4) if spans else 0.0
    return classify(score), score


def stance_of(span: Span) -> tuple[Stance, float]:
    """Stance and score in [-1, 1] of one content span."""
    return stance_of_parts([span])
