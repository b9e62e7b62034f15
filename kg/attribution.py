"""Attribution extraction over a spaCy parse: who (sources) said what (contents) via which cue.

Cue words are scored by the mined lexicon (``kg.cues``) in their complement frame; contents
and sources are read off the dependency tree; quotation marks (``kg.quotes``) widen contents
to whole quotes and give orphan quotes to the neighbouring speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.cues import Lexicon, frame, load_lexicon
from kg.model import Attribution, ClaimKind, TextSpan
from kg.quotes import find_quotes, is_quote, quote_index

THRESHOLD = 0.3
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
INHERIT_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "acl"})
CUE_DEPS = frozenset({"aux", "auxpass", "neg", "prt", "acomp"})
CONTENT_CHILD = {
    "ccomp": ("ccomp", "parataxis"),
    "xcomp": ("xcomp",),
    "dobj": ("dobj",),
    "acl": ("acl",),
}
EDGE_TRIM = frozenset({"cc", "punct"})
QUOTE_FRAMES = frozenset({"none", "prep"})


@dataclass(slots=True)
class Candidate:
    """A cue with its content and sources as token indices, before overlap resolution."""

    anchor: Token
    score: float
    cue: set[int]
    content: set[int]
    sources: list[set[int]] = field(default_factory=list)


def subject(token: Token, depth: int = 0) -> Token | None:
    """The subject of ``token``, climbing through xcomp/advcl/conj chains."""
    for child in token.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    if depth < 3 and token.dep_ in INHERIT_DEPS and token.head.i != token.i:
        return subject(token.head, depth + 1)
    return None


def source_spans(head: Token) -> list[set[int]]:
    """One token set per conjoined source (``X and Y`` -> two), relative clauses kept."""
    conjuncts = [head, *(c for c in head.children if c.dep_ == "conj")]
    if len(conjuncts) == 1:
        return [trim({t.i for t in head.subtree}, head.doc)]
    out = []
    for conj in conjuncts:
        skip = {t.i for c in conj.children if c.dep_ in ("conj", "cc") for t in c.subtree}
        if conj is not head:
            skip = set()
        out.append(trim({t.i for t in conj.subtree} - skip, head.doc))
    return [s for s in out if s]


def trim(idx: set[int], doc: Doc) -> set[int]:
    """Drop edge punctuation/conjunctions (quote marks stay) and whitespace tokens."""
    keep = sorted(i for i in idx if not doc[i].is_space)
    while keep and doc[keep[0]].dep_ in EDGE_TRIM and not is_quote(doc[keep[0]]):
        keep.pop(0)
    while keep and doc[keep[-1]].dep_ in EDGE_TRIM and not is_quote(doc[keep[-1]]):
        keep.pop()
    return set(keep)


def content_of(token: Token, kind: str) -> tuple[set[int], set[int]]:
    """(content tokens, extra cue tokens) for a cue in frame ``kind``."""
    if kind in CONTENT_CHILD:
        deps = CONTENT_CHILD[kind]
        idx = {t.i for c in token.children if c.dep_ in deps for t in c.subtree}
        return idx, set()
    if kind == "prep":
        for prep in token.children:
            if prep.dep_ != "prep":
                continue
            for obj in prep.children:
                if obj.dep_ in ("pobj", "pcomp"):
                    if token.dep_ == "prep":
                        return head_clause(token), set()
                    return {t.i for t in obj.subtree}, {prep.i}
    if kind == "colon":
        sent = token.sent
        colon = next(c for c in token.rights if c.text == ":")
        return {t.i for t in sent if t.i > colon.i}, {colon.i}
    if token.dep_ in ("parataxis", "ccomp", "advcl", "conj") and token.head.i != token.i:
        return head_clause(token), set()
    return set(), set()


def head_clause(token: Token) -> set[int]:
    """The clause ``token`` hangs off, minus ``token``'s own subtree (``..., he said``)."""
    own = {t.i for t in token.subtree}
    return {t.i for t in token.head.subtree} - own


def cue_tokens(token: Token, extra: set[int]) -> set[int]:
    idx = {token.i, *extra}
    for child in token.children:
        if child.dep_ in CUE_DEPS:
            idx.add(child.i)
        elif child.dep_ == "advmod" and child.i < token.i and token.i - child.i <= 2:
            idx.add(child.i)
    return idx


def adjacent_quote(
    doc: Doc, taken: set[int], qidx: list[int], quotes: list[tuple[int, int]]
) -> set[int]:
    """The quote right before or after the cue and its sources (``"...," he said``)."""
    for step, start in ((-1, min(taken) - 1), (1, max(taken) + 1)):
        i = start
        while 0 <= i < len(doc) and qidx[i] < 0 and (doc[i].is_punct or doc[i].is_space):
            i += step
        if 0 <= i < len(doc) and qidx[i] >= 0:
            s, e = quotes[qidx[i]]
            return set(range(s, e + 1))
    return set()


def sources_of(token: Token) -> list[set[int]]:
    """Source mentions: ``according to X`` -> X; else the (inherited) subject, if any."""
    if token.dep_ == "prep":
        return [
            {t.i for c in token.children for o in c.children if o.dep_ == "pobj" for t in o.subtree}
        ]
    subj = subject(token)
    if subj is None or (subj.lower_ == "it" and subj.dep_ == "nsubjpass"):
        return []
    return source_spans(subj)


def candidate(
    token: Token, lexicon: Lexicon, qidx: list[int], quotes: list[tuple[int, int]]
) -> Candidate | None:
    if lexicon.max_prob(token) < THRESHOLD:
        return None
    kind = frame(token)
    score = lexicon.prob(token, kind)
    if score < THRESHOLD:
        return None
    srcs = sources_of(token)
    content, extra = content_of(token, kind)
    if token.dep_ == "prep":
        extra = {c.i for c in token.children if c.dep_ == "prep"}
        content -= {t.i for t in token.subtree}
    cue = cue_tokens(token, extra)
    taken = cue.union(*srcs)
    if kind in QUOTE_FRAMES and token.dep_ != "prep":
        quote = adjacent_quote(token.doc, taken, qidx, quotes)
        if quote:
            content, cue = quote, cue_tokens(token, set())
            taken = cue.union(*srcs)
    content = trim(content - taken, token.doc)
    if not content:
        return None
    return Candidate(token, score, cue - content, content, srcs)


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
        prev = max(
            (c for c in kept if max(c.content | c.cue) < s),
            key=lambda c: max(c.content | c.cue),
            default=None,
        )
        if prev is not None and any(qidx[i] >= 0 for i in prev.content):
            own = {t.i for t in prev.anchor.subtree}
            gap = range(max(prev.content | prev.cue) + 1, s)
            if all(doc[i].is_punct or doc[i].is_space or i in own for i in gap):
                prev.content |= set(range(s, e + 1))
                used |= set(range(s, e + 1))
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


def extract(doc: Doc) -> list[Attribution]:
    """All attributions in ``doc`` (character offsets into ``doc.text``)."""
    lexicon = load_lexicon()
    quotes = find_quotes(doc)
    qidx = quote_index(doc, quotes)
    cands = []
    for token in doc:
        if token.is_punct or token.is_space or qidx[token.i] >= 0:
            continue
        cand = candidate(token, lexicon, qidx, quotes)
        if cand is not None:
            widen_to_quotes(cand, quotes, qidx)
            cands.append(cand)
    kept = resolve(cands)
    continue_quotes(doc, kept, quotes, qidx)
    text = doc.text
    return [to_attribution(doc, c, qidx, text) for c in kept]
