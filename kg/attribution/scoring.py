"""Context model over cue candidates: the lexicon says how often a word in a frame is a cue;
this logistic model (fitted on PolNeAR train by ``scripts/mine_cues.py``, stored as feature
weights in ``kg/data/cue_model.json``) recalibrates that with what the parse found around it:
the kind of source, the shape and side of the content, voice, negation, dependency, the
neighbouring words and the word itself. It predicts whether the whole candidate (cue, content
and source) would match a gold attribution, so a right cue read with a wrong content loses."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from kg.attribution.candidates import Candidate
from kg.attribution.tree import AGENT_ENTS, head_of
from kg.cues import Lexicon, key, lexeme, pos_group

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "cue_model.json"
CLAUSE_MARKS = frozenset({"that", "whether", "if", "how", "what", "why", "who", "when", "to"})
EPS = 1e-3
PROB_BUCKETS = (0.1, 0.2, 0.4, 0.7, 1.01)


def source_type(doc: Doc, sources: list[set[int]]) -> str:
    if not sources or not sources[0]:
        return "none"
    head = head_of(doc, sources[0])
    if head.pos_ == "PRON":
        return f"pron:{head.lower_}"
    if head.ent_type_ in AGENT_ENTS:
        return f"ent:{head.ent_type_}"
    return f"{head.pos_}:{head.dep_}"


def length_bucket(n: int) -> str:
    return "1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"


def prob_bucket(prob: float) -> str:
    return next(f"<{b}" for b in PROB_BUCKETS if prob < b)


def features(
    cand: Candidate, kind: str, prob: float, qidx: list[int], lexicon: Lexicon
) -> list[str]:
    """Categorical features of a candidate (its lexicon probability also enters as a logit)."""
    token, doc = cand.anchor, cand.anchor.doc
    word = key(token)
    words = [i for i in cand.content if not doc[i].is_punct]
    first = doc[min(cand.content)]
    quoted = sum(qidx[i] >= 0 for i in words)
    side = "both"
    if max(cand.content) < token.i or min(cand.content) > token.i:
        side = "left" if max(cand.content) < token.i else "right"
    src = source_type(doc, cand.sources)
    deps = {c.dep_ for c in token.children}
    feats = [
        f"frame={kind}",
        f"tag={token.tag_}",
        f"dep={token.dep_}",
        f"src={src}",
        f"len={length_bucket(len(words))}",
        f"quote={'all' if words and quoted == len(words) else 'some' if quoted else 'none'}",
        f"side={side}",
        f"first={first.lower_ if first.lower_ in CLAUSE_MARKS else first.pos_}",
        f"verb={any(doc[i].pos_ in ('VERB', 'AUX') for i in words)}",
        f"neg={'neg' in deps}",
        f"pass={'auxpass' in deps or 'nsubjpass' in deps}",
        f"frame={kind}|src={src.split(':')[0]}",
        f"frame={kind}|side={side}",
        f"tag={token.tag_}|dep={token.dep_}",
        f"lex={prob_bucket(prob)}",
        f"lex={prob_bucket(prob)}|frame={kind}",
        f"key={word}|src={src.split(':')[0]}",
        f"root={head_of(doc, cand.content).pos_}|frame={kind}",
        f"headline={not token.sent[-1].is_punct}",
        f"key={word}|frame={kind}",
        f"key={word}|dep={token.dep_}",
        f"prev={neighbour(doc, token.i - 1)}",
        f"next={neighbour(doc, token.i + 1)}",
        f"head={head_key(token)}|dep={token.dep_}",
        f"clause={any(doc[i].dep_ in ('nsubj', 'nsubjpass') for i in cand.content)}|frame={kind}",
        f"src={src}|side={side}",
        f"srcrate={source_rate(doc, cand.sources, lexicon)}",
    ]
    return feats


def head_key(token: Token) -> str:
    """The word ``token`` hangs from, names and numbers by their class (``kg.cues.lexeme``)."""
    if token.dep_ == "ROOT":
        return "ROOT"
    return f"{lexeme(token.head)}|{pos_group(token.head)}"


def neighbour(doc: Doc, i: int) -> str:
    """A close word, as itself if it is a function word, else its tag."""
    if not 0 <= i < len(doc):
        return "EDGE"
    tok = doc[i]
    return tok.lower_ if tok.is_punct or tok.is_stop else tok.tag_


def source_rate(doc: Doc, sources: list[set[int]], lexicon: Lexicon) -> str:
    """How often the source's head noun heads sources in train (bucketed)."""
    if not sources or not sources[0]:
        return "none"
    head = head_of(doc, sources[0])
    if head.pos_ != "NOUN" or head.ent_type_:
        return "other"
    return prob_bucket(lexicon.agent_rate(head))


class Scorer:
    """Logistic model: intercept + weight * logit(lexicon prob) + feature weights."""

    def __init__(self, data: dict) -> None:
        self.intercept: float = data["intercept"]
        self.lex_weight: float = data["lex"]
        self.weights: dict[str, float] = data["weights"]

    def score(
        self, cand: Candidate, kind: str, prob: float, qidx: list[int], lexicon: Lexicon
    ) -> float:
        p = min(max(prob, EPS), 1 - EPS)
        z = self.intercept + self.lex_weight * math.log(p / (1 - p))
        z += sum(self.weights.get(f, 0.0) for f in features(cand, kind, prob, qidx, lexicon))
        return 1 / (1 + math.exp(-z))


@lru_cache(maxsize=2)
def load_scorer(path: Path = MODEL_PATH) -> Scorer | None:
    """The fitted context model, or None (lexicon probabilities alone) if it is absent."""
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as f:
        return Scorer(json.load(f))
