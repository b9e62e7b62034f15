"""Mine the cue lexicon (kg/data/cues.json) and fit the cue context model
(kg/data/cue_model.json) from PolNeAR TRAIN only.

For every gold attribution the cue's anchor token (the cue word governing the content, else
the cue's syntactic head) is counted under its ``lemma|POS`` key and complement frame; every
token of the corpus with that key is counted as seen. Tokens inside quotation marks are skipped:
the annotators (and ``kg.attribution``) never take a cue from inside a quote. Role, preposition
and source-noun counts, cue-part and content-tail rates (see ``kg.cues``) come from the same
anchors; words seen as cues fewer than ``--min-cues`` times are pooled by part of speech. The
context model (``kg.attribution.scoring``, scikit-learn logistic regression, a dev dependency)
is fitted on the candidates ``kg.attribution`` builds, labelled by whether they match their gold
attribution, with two-fold cross-fitted lexicon probabilities.
Deterministic for a given model (about three minutes).

    .venv/bin/python scripts/mine_cues.py [--train ../shared/data/polnear/train] [--min-cues 3]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

from spacy.tokens import Doc, Token

from kg.attribution import PREFILTER
from kg.attribution.candidates import Candidate, build
from kg.attribution.resolve import widen_to_quotes
from kg.attribution.scoring import EPS, MODEL_PATH, features
from kg.cues import (
    CUES_PATH,
    MIN_PART,
    MIN_TAIL,
    RARE,
    Lexicon,
    controlled_object,
    frame,
    key,
    part_keys,
    prep_objects,
    tail_key,
)
from kg.nlp import load_nlp
from kg.polnear import GoldAttribution, read_gold, read_texts
from kg.quotes import find_quotes, quote_index

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train"


def span_tokens(doc: Doc, segments: list[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in segments:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if not t.is_space)
    return out


def top(doc: Doc, idx: set[int]) -> Token | None:
    """The token of ``idx`` whose head lies outside ``idx`` (first in text order)."""
    for i in sorted(idx):
        if doc[i].head.i not in idx or doc[i].head.i == i:
            return doc[i]
    return None


def anchor(doc: Doc, gold: GoldAttribution) -> Token | None:
    cue = span_tokens(doc, gold.cue)
    if not cue:
        return None
    root = top(doc, span_tokens(doc, gold.contents))
    if root is not None and root.head.i in cue:
        head = root.head
        if head.pos_ == "ADP" and head.head.i in cue and head.head.i != head.i:
            return head.head
        return head
    return top(doc, cue)


def role_counts(doc: Doc, gold: GoldAttribution, cue: Token, roles: dict, preps: dict) -> None:
    """Count where a gold cue's subject, object and prepositional objects fall."""
    content = span_tokens(doc, gold.contents)
    cell = roles[key(cue)]
    for child in cue.children:
        if child.dep_ == "nsubj":
            cell[0] += 1
            cell[1] += child.i in content
        elif child.dep_ == "dobj":
            cell[2] += 1
            cell[3] += child.i not in content
    obj = controlled_object(cue)
    if obj is not None:
        cell[4] += 1
        cell[5] += obj.i in content
    for prep, obj in prep_objects(cue):
        preps[prep.lemma_.lower()][1] += 1
        preps[prep.lemma_.lower()][0] += obj.i in content


def part_counts(doc: Doc, gold: GoldAttribution, cue: Token, parts: dict) -> None:
    """Count which dependents of a gold cue outside its content and sources are in the cue."""
    words = span_tokens(doc, gold.cue)
    outside = span_tokens(doc, gold.contents) | span_tokens(doc, gold.sources)
    for child in cue.children:
        if child.i in outside or child.is_punct:
            continue
        phrase = {t.i for t in child.subtree if not t.is_punct} <= words
        for k in set(part_keys(child, cue, outside)):
            cell = parts[k]
            cell[0] += child.i in words
            cell[1] += phrase
            cell[2] += 1


def rare_classes(cues: dict, kept: dict) -> dict[str, dict[str, list[int]]]:
    """Pool the words too rare to keep by part of speech (``*|V``): what an unseen word in a
    given frame is worth ("has intimated that ..." is a cue by its frame alone)."""
    pooled: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for k, frames in cues.items():
        if k in kept:
            continue
        for f, (c, n) in frames.items():
            cell = pooled[f"{RARE}|{k.rsplit('|', 1)[1]}"][f]
            cell[0] += c
            cell[1] += n
    return {k: {f: list(v) for f, v in sorted(fr.items())} for k, fr in sorted(pooled.items())}


def tail_counts(doc: Doc, gold: GoldAttribution, tails: dict) -> None:
    """Count which dependents after the head of a gold content the content keeps."""
    content = span_tokens(doc, gold.contents)
    head = top(doc, content)
    if head is None:
        return
    for child in head.rights:
        if not child.is_punct:
            cell = tails[tail_key(child)]
            cell[0] += child.i in content
            cell[1] += 1


def mine(docs: list[tuple[Doc, list[GoldAttribution]]], min_cues: int) -> dict:
    cues: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    roles: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    preps: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    agents: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    parts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    tails: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc, golds in docs:
        anchors = {}
        for gold in golds:
            head = top(doc, span_tokens(doc, gold.sources))
            if head is not None and head.pos_ == "NOUN" and not head.ent_type_:
                agents[head.lemma_.lower()][0] += 1
            token = anchor(doc, gold)
            if token is not None:
                anchors[token.i] = token
                role_counts(doc, gold, token, roles, preps)
                part_counts(doc, gold, token, parts)
            tail_counts(doc, gold, tails)
        qidx = quote_index(doc, find_quotes(doc))
        for token in doc:
            if token.is_punct or token.is_space or qidx[token.i] >= 0:
                continue
            if token.pos_ == "NOUN" and not token.ent_type_:
                agents[token.lemma_.lower()][1] += 1
            cell = cues[key(token)][frame(token)]
            cell[1] += 1
            cell[0] += token.i in anchors
    kept = {
        k: {f: list(v) for f, v in sorted(frames.items())}
        for k, frames in sorted(cues.items())
        if sum(c for c, _ in frames.values()) >= min_cues
    }
    kept.update(rare_classes(cues, kept))
    return {
        "meta": {"source": "PolNeAR train", "min_cues": min_cues},
        "cues": kept,
        "roles": {k: roles[k] for k in kept if k in roles},
        "preps": {p: v for p, v in sorted(preps.items()) if v[1] >= min_cues},
        "agents": {a: v for a, v in sorted(agents.items()) if v[0] >= min_cues and v[1]},
        "parts": {p: v for p, v in sorted(parts.items()) if v[2] >= MIN_PART},
        "tails": {t: v for t, v in sorted(tails.items()) if v[1] >= MIN_TAIL},
    }


def write(lexicon: dict, path: Path) -> None:
    """One lexicon entry per line, so diffs stay readable."""
    parts = []
    for name in ("cues", "roles", "preps", "agents", "parts", "tails"):
        lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in lexicon[name].items()]
        parts.append(f'"{name}": {{\n' + ",\n".join(lines) + "\n}")
    meta = json.dumps(lexicon["meta"])
    path.write_text(f'{{"meta": {meta},\n' + ",\n".join(parts) + "}\n", encoding="utf-8")


def training_rows(
    docs: list[tuple[Doc, list[GoldAttribution]]], lexicon: Lexicon
) -> tuple[list[dict[str, float]], list[int]]:
    """Context-model rows for every candidate ``kg.attribution`` would score, labelled by
    whether it would match the gold attribution of its cue word (a right cue with a wrong
    content or source is a false positive too); ``lexicon`` must not have seen these documents."""
    rows, labels = [], []
    for doc, golds in docs:
        anchors: dict[int, list[GoldAttribution]] = defaultdict(list)
        for gold in golds:
            if (a := anchor(doc, gold)) is not None:
                anchors[a.i].append(gold)
        quotes = find_quotes(doc)
        qidx = quote_index(doc, quotes)
        for token in doc:
            if token.is_punct or token.is_space or qidx[token.i] >= 0:
                continue
            if lexicon.max_prob(token) < PREFILTER:
                continue
            kind = frame(token)
            prob = lexicon.prob(token, kind)
            cand = build(token, kind, lexicon, qidx, quotes) if prob >= PREFILTER else None
            if cand is None:
                continue
            p = min(max(prob, EPS), 1 - EPS)
            row = {f: 1.0 for f in features(cand, kind, prob, qidx, lexicon)}
            row["lex"] = math.log(p / (1 - p))
            rows.append(row)
            widen_to_quotes(cand, quotes, qidx)
            labels.append(int(any(matches(cand, g) for g in anchors.get(token.i, []))))
    return rows, labels


def matches(cand: Candidate, gold: GoldAttribution) -> bool:
    """Would the scorer count this candidate as the gold attribution: half the gold content
    words covered and, if the gold one has a source, a shared source word?"""
    doc = cand.anchor.doc
    content = {i for i in span_tokens(doc, gold.contents) if not doc[i].is_punct}
    if len(content & cand.content) * 2 < len(content):
        return False
    source = span_tokens(doc, gold.sources)
    return not source or bool(source & set().union(*cand.sources))


def fit_scorer(docs: list[tuple[Doc, list[GoldAttribution]]], min_cues: int) -> dict:
    """Fit the context model with two-fold cross-fitting: the lexicon probability of each row
    comes from a lexicon mined on the other half, so rare cue words are not over-trusted."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    halves = (docs[0::2], docs[1::2])
    rows, labels = [], []
    for held, other in (halves, halves[::-1]):
        lexicon = Lexicon(mine(other, min_cues))
        r, y = training_rows(held, lexicon)
        rows += r
        labels += y
    vec = DictVectorizer()
    model = LogisticRegression(C=0.5, max_iter=2000).fit(vec.fit_transform(rows), labels)
    weights = dict(zip(vec.get_feature_names_out(), model.coef_[0], strict=True))
    lex = weights.pop("lex")
    return {
        "meta": {"source": "PolNeAR train", "rows": len(rows), "cues": sum(labels)},
        "intercept": round(float(model.intercept_[0]), 4),
        "lex": round(float(lex), 4),
        "weights": {f: round(float(w), 4) for f, w in sorted(weights.items()) if abs(w) >= 0.01},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    ap.add_argument("--min-cues", type=int, default=3)
    ap.add_argument("--out", type=Path, default=CUES_PATH)
    args = ap.parse_args()
    gold, texts = read_gold(args.train), read_texts(args.train)
    nlp = load_nlp()
    docs = list(zip(nlp.pipe(texts.values(), batch_size=16), gold.values(), strict=True))
    lexicon = mine(docs, args.min_cues)
    write(lexicon, args.out)
    sys.stdout.write(f"{len(lexicon['cues'])} cue keys -> {args.out}\n")
    model = fit_scorer(docs, args.min_cues)
    MODEL_PATH.write_text(json.dumps(model, indent=0) + "\n", encoding="utf-8")
    sys.stdout.write(f"{len(model['weights'])} context features -> {MODEL_PATH}\n")


if __name__ == "__main__":
    main()
