"""One candidate attribution per cue word: lexicon score, cue tokens, content and sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.attribution.content import content_of
from kg.attribution.sources import sources_of
from kg.attribution.tree import (
    head_of,
    is_agentive,
    misplaced_conjunct,
    set_off,
    subtree,
    trim,
)
from kg.cues import Lexicon, frame

CUE_DEPS = frozenset({"aux", "auxpass", "neg", "prt", "acomp"})
CHAIN_DEPS = frozenset({"xcomp", "acomp"})
QUOTE_FRAMES = frozenset({"none", "prep"})
POSTVERBAL_DEPS = frozenset({"dobj", "attr", "npadvmod", "dative", "oprd"})
TAIL_RATE = 0.4
REPORT_TAIL = 0.5


@dataclass(slots=True)
class Candidate:
    """A cue with its content and sources as token indices, before overlap resolution."""

    anchor: Token
    score: float
    cue: set[int]
    content: set[int]
    sources: list[set[int]] = field(default_factory=list)


def cue_tokens(token: Token, extra: set[int]) -> set[int]:
    """The cue word with its auxiliaries, negation, particles and close adverbs."""
    idx = {token.i, *extra}
    for child in token.children:
        if child.dep_ in CUE_DEPS:
            idx.add(child.i)
        elif (
            child.dep_ == "advmod"
            and child.tag_ != "WRB"
            and child.i < token.i
            and token.i - child.i <= 2
        ):
            idx.add(child.i)
    return idx


def mined_parts(token: Token, cue: set[int], outside: set[int], lexicon: Lexicon) -> set[int]:
    """Adjust the cue by how the annotators treat each dependent of the cue word ("said of",
    "said in a statement", "the question of"), learned from train (``Lexicon.cue_part``)."""
    cue = set(cue)
    for child in token.children:
        if child.i in outside or child.is_punct:
            continue
        part = lexicon.cue_part(child, token, outside)
        if part == "none":
            cue -= subtree(child)
        elif part == "word":
            cue.add(child.i)
        elif part == "phrase":
            cue |= subtree(child) - outside
    return cue


def verb_chain(token: Token, cue: set[int], taken: set[int]) -> set[int]:
    """Grow the cue up its control chain: ``refused to discuss``, ``was quick to add``."""
    while token.dep_ in CHAIN_DEPS and token.head.i != token.i and token.head.i not in taken:
        token = token.head
        cue |= cue_tokens(token, set()) - taken
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            break
    return cue


def adjacent_quote(
    token: Token, taken: set[int], qidx: list[int], quotes: list[tuple[int, int]]
) -> set[int]:
    """The quote right before or after the cue and its sources (``"...," he said``), within
    the same paragraph; the cue's own modifiers may sit between (``told reporters: "..."``),
    but not another verb, whose quote it is (``responded, calling it "..."``)."""
    doc = token.doc
    own = subtree(token)
    for step, start in ((-1, min(taken) - 1), (1, max(taken) + 1)):
        i = start
        while 0 <= i < len(doc) and qidx[i] < 0:
            if "\n" in doc[i].text_with_ws or not (doc[i].is_punct or doc[i].is_space or i in own):
                break
            if doc[i].pos_ == "VERB":
                break
            i += step
        if 0 <= i < len(doc) and qidx[i] >= 0:
            s, e = quotes[qidx[i]]
            return set(range(s, e + 1))
    return set()


def leading_content(token: Token, content: set[int], quote: set[int]) -> set[int]:
    """Parse content after the cue that runs into a quote ("campaigned against hiring firms
    for jobs deemed \"essential\"") stays with it: the quote only widens it."""
    start = min(quote)
    before = {i for i in content if token.i < i < start}
    if not before or (not quote & content and max(before) < start - 2):
        return set()
    return set(range(min(before), start))


def sentence_rest(token: Token, taken: set[int]) -> set[int]:
    """Fallback content when the parse offers none: the sentence after the cue, else before."""
    sent = token.sent
    after = {t.i for t in sent if t.i > token.i and not t.is_punct} - taken
    if after:
        return {i for i in range(min(after), sent.end)} - taken
    return {t.i for t in sent if t.i < token.i} - taken


def inverted_source(token: Token, content: set[int]) -> list[set[int]]:
    """``"...," added a senior aide``: a nominal right after a cue whose content precedes it
    (the parser often reads it as an object) is the speaker."""
    for child in token.rights:
        if child.dep_ in POSTVERBAL_DEPS and child.pos_ in ("NOUN", "PROPN"):
            idx = subtree(child) - content
            return [trim(idx, token.doc)] if idx else []
    return []


NOUN_CHUNKS_KEY = "kg.attribution.noun_chunks"


def _noun_chunks(doc: Doc) -> list[Span]:
    """The doc's noun chunks, found once per doc (a sentence's own ``noun_chunks`` walks the
    whole parse again on every call: a tenth of extraction). Chunks never cross sentences."""
    chunks = doc.user_data.get(NOUN_CHUNKS_KEY)
    if chunks is None:
        chunks = doc.user_data[NOUN_CHUNKS_KEY] = list(doc.noun_chunks)
    return chunks


def nearest_agent(token: Token, taken: set[int], lexicon: Lexicon) -> list[set[int]]:
    """Fallback source when the parse gives none: the closest agentive noun phrase before the
    cue in its sentence (participles and adjuncts the parser attached elsewhere)."""
    if any(c.dep_ in ("nsubjpass", "auxpass", "expl") for c in token.children):
        return []
    best = None
    sent = token.sent
    for chunk in _noun_chunks(token.doc):
        if chunk.start < sent.start or chunk.end > token.i or any(t.i in taken for t in chunk):
            continue
        if is_agentive(chunk.root, lexicon.agent_rate(chunk.root)):
            best = chunk
    return [trim({t.i for t in best}, token.doc)] if best is not None else []


def quote_first(token: Token, kind: str, lexicon: Lexicon) -> bool:
    """Does a neighbouring quote beat what the parse offers as content?"""
    if token.dep_ == "prep":
        return False
    return kind in QUOTE_FRAMES or (kind == "dobj" and lexicon.addressee(token))


def reporting_tail(child: Token, lexicon: Lexicon) -> bool:
    """A verb set off after a content that is a likely cue itself (", warning that ...",
    ", adding that ..."): its own attribution, never part of another's content."""
    if child.dep_ not in ("advcl", "conj") or child.pos_ != "VERB" or not set_off(child):
        return False
    return lexicon.prob(child, frame(child)) >= REPORT_TAIL


def prune_tail(token: Token, content: set[int], lexicon: Lexicon, qidx: list[int]) -> set[int]:
    """Cut a parsed content before the first dependent of its head that the annotators mostly
    leave out (", while ...", ", which ...", "on Facebook"); quotes are kept whole."""
    if not content or any(qidx[i] >= 0 for i in content):
        return content
    head = head_of(token.doc, content)
    for child in head.rights:
        if child.i not in content or child.is_punct:
            continue
        rate = lexicon.tail_rate(child)
        if (rate is not None and rate < TAIL_RATE) or reporting_tail(child, lexicon):
            cut = child.left_edge.i
            return {i for i in content if i < cut} or content
    return content


def cue_conjunct(token: Token, content: set[int], qidx: list[int]) -> set[int]:
    """Cut a content before a verb coordinated with its clause that really carries on the cue
    (``misplaced_conjunct``: "said he makes $41,000 [and questioned how ...]"), unlike a
    second verb of the content ("said he would raise taxes and cut spending")."""
    doc = token.doc
    for i in sorted(content):
        if qidx[i] < 0 and doc[i].head.head.i == token.i and misplaced_conjunct(doc[i]):
            ccs = [c.i for c in doc[i].head.children if c.dep_ == "cc" and c.i < i]
            cut = max(ccs, default=doc[i].left_edge.i)
            return {j for j in content if j < cut} or content
    return content


def for_complementizer(cue: set[int], content: set[int], doc: Doc) -> tuple[set[int], set[int]]:
    """The "for" of "pushing for [the state to act]" belongs to the cue, not the content."""
    first = doc[min(content)] if content else None
    if first is not None and first.dep_ == "mark" and first.lower_ == "for":
        return cue | {first.i}, content - {first.i}
    return cue, content


def build(
    token: Token, kind: str, lexicon: Lexicon, qidx: list[int], quotes: list[tuple[int, int]]
) -> Candidate | None:
    """Cue, content and sources of ``token`` read as a cue in frame ``kind`` (unscored)."""
    srcs = sources_of(token, lexicon)
    content, extra = content_of(token, kind, lexicon, qidx)
    if token.dep_ == "prep":
        extra = {c.i for c in token.children if c.dep_ == "prep"}
        content -= subtree(token)
    cue = cue_tokens(token, extra) - content
    if quote_first(token, kind, lexicon):
        quote = adjacent_quote(token, cue.union(*srcs), qidx, quotes)
        if quote:
            content, cue = leading_content(token, content, quote) | quote, cue_tokens(token, set())
    srcs = [s for s in srcs if not s & content]
    taken = cue.union(*srcs)
    if not content - taken and kind in QUOTE_FRAMES:
        content = sentence_rest(token, taken)
    content = prune_tail(token, content - taken, lexicon, qidx)
    content = trim(cue_conjunct(token, content, qidx), token.doc)
    cue, content = for_complementizer(cue, content, token.doc)
    if not content:
        return None
    if not srcs and max(content) < token.i:
        srcs = inverted_source(token, content)
    if not srcs and token.pos_ in ("VERB", "NOUN", "ADJ") and not lexicon.raising(token):
        srcs = nearest_agent(token, content | cue, lexicon)
    taken = content.union(*srcs)
    cue = mined_parts(token, cue, taken, lexicon)
    cue = verb_chain(token, cue - content, taken)
    return Candidate(token, lexicon.prob(token, kind), cue, content, srcs)
