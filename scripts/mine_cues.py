"""Mine the cue lexicon (kg/data/cues.json) from PolNeAR TRAIN only.

For every gold attribution the cue's anchor token (the cue word governing the content, else
the cue's syntactic head) is counted under its ``lemma|POS`` key and complement frame; every
token of the corpus with that key is counted as seen. Deterministic for a given model.

    .venv/bin/python scripts/mine_cues.py [--train ../shared/data/polnear/train] [--min-cues 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from spacy.tokens import Doc, Token

from kg.cues import CUES_PATH, frame, key
from kg.nlp import load_nlp
from kg.polnear import GoldAttribution, read_gold, read_texts

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


def mine(docs: list[tuple[Doc, list[GoldAttribution]]], min_cues: int) -> dict:
    cues: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for doc, golds in docs:
        anchors = {a.i for a in (anchor(doc, g) for g in golds) if a is not None}
        for token in doc:
            if token.is_punct or token.is_space:
                continue
            cell = cues[key(token)][frame(token)]
            cell[1] += 1
            cell[0] += token.i in anchors
    kept = {
        k: {f: list(v) for f, v in sorted(frames.items())}
        for k, frames in sorted(cues.items())
        if sum(c for c, _ in frames.values()) >= min_cues
    }
    return {"meta": {"source": "PolNeAR train", "min_cues": min_cues}, "cues": kept}


def write(lexicon: dict, path: Path) -> None:
    """One lexicon entry per line, so diffs stay readable."""
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in lexicon["cues"].items()]
    body = ",\n".join(lines)
    meta = json.dumps(lexicon["meta"])
    path.write_text(f'{{"meta": {meta},\n"cues": {{\n{body}\n}}}}\n', encoding="utf-8")


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


if __name__ == "__main__":
    main()
