"""Attributions without a cue word: headline and transcript colons (``Senator Vance: Tariffs
will fall``) and findings reported "in" a poll or survey (``In a March poll, 40% ...``)."""

from __future__ import annotations

from functools import lru_cache

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.attribution.candidates import Candidate
from kg.attribution.tree import head_clause, is_agentive, subtree, trim
from kg.cues import Lexicon

COLON_SCORE = 0.6
IN_SOURCE_SCORE = 0.9
IN_SOURCE_RATE = 0.2
MIN_CONTENT_WORDS = 3
SPEAKER = {"POS": {"IN": ["PROPN", "NOUN", "ADJ", "DET", "PART", "NUM"]}, "OP": "{1,6}"}


@lru_cache(maxsize=4)
def colon_matcher(vocab: Vocab) -> Matcher:
    matcher = Matcher(vocab)
    matcher.add("SPEAKER_COLON", [[SPEAKER, {"ORTH": ":"}]])
    return matcher


def line_start(doc: Doc, i: int) -> bool:
    """Does token ``i`` open a line (or follow a dash that separates a headline)?"""
    if i == 0:
        return True
    prev = doc[i - 1]
    return "\n" in prev.text_with_ws or prev.text in ("-", "—", "–")


def line_end(doc: Doc, i: int) -> int:
    """Index just past the last non-space token of the line holding token ``i``."""
    j = i
    while j < len(doc) and "\n" not in doc[j].text_with_ws:
        j += 1
    j = min(j, len(doc) - 1)
    while j > i and doc[j].is_space:
        j -= 1
    return j + 1


def colon_candidates(doc: Doc, lexicon: Lexicon, qidx: list[int]) -> list[Candidate]:
    """``Speaker: what they said`` at the start of a line, the speaker a name or a noun that
    often heads sources (``Poll: ...``, ``Newspaper: ...``)."""
    out = []
    for _, start, end in colon_matcher(doc.vocab)(doc):
        colon = end - 1
        if not line_start(doc, start) or qidx[colon] >= 0:
            continue
        speaker = doc[start:colon]
        head = speaker.root
        if len(head.text) < 2 or head.is_upper or not speaker[0].is_title:
            continue
        if head.pos_ != "PROPN" and not is_agentive(head, lexicon.agent_rate(head)):
            continue
        content = set(range(colon + 1, line_end(doc, colon)))
        if sum(not doc[i].is_punct for i in content) < MIN_CONTENT_WORDS:
            continue
        if doc[max(content) - 1].text == "?" or doc[max(content)].text == "?":
            continue
        idx = trim(set(range(start, colon)), doc)
        out.append(Candidate(doc[colon], COLON_SCORE, {colon}, trim(content, doc), [idx]))
    return longest_speakers(out)


def longest_speakers(cands: list[Candidate]) -> list[Candidate]:
    """The matcher yields every suffix of a speaker; keep one candidate per colon."""
    best: dict[int, Candidate] = {}
    for cand in cands:
        i = cand.anchor.i
        if i not in best or min(cand.sources[0]) < min(best[i].sources[0]):
            best[i] = cand
    return list(best.values())


def in_source(token: Token, lexicon: Lexicon) -> Candidate | None:
    """``In a March poll, 40% backed the plan``: the poll is the source, the clause the
    content, the preposition the cue."""
    if token.lower_ != "in" or token.dep_ != "prep" or token.head.pos_ not in ("VERB", "AUX"):
        return None
    if token.head.i < token.i:
        return None
    obj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if obj is None or obj.ent_type_ or obj.tag_ != "NN":
        return None
    if lexicon.agent_rate(obj) < IN_SOURCE_RATE:
        return None
    content = trim(head_clause(token), token.doc)
    if sum(not token.doc[i].is_punct for i in content) < MIN_CONTENT_WORDS:
        return None
    return Candidate(token, IN_SOURCE_SCORE, {token.i}, content, [subtree(obj)])
