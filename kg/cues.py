"""Cue lexicon: how likely a word, in a given complement frame, introduces an attribution.

The lexicon (``kg/data/cues.json``) is mined from PolNeAR train by ``scripts/mine_cues.py``:

* ``cues``: for every ``lemma|POS`` key and frame, ``[times a cue, times seen]``;
* ``roles``: for every cue key, ``[cues with an active subject, subject inside the content,
  cues with a direct object, object outside the content, cues with an object before an
  infinitive, that object inside the content]`` -- raising verbs ("X seems to ...")
  put their subject in the content (passive subjects always are, so they are not counted:
  "X is expected to" must not make "analysts expect" raising), addressee verbs ("told
  reporters") keep their object out of it, control verbs ("urged Congress to act") mostly
  keep it in;
* ``preps``: for every preposition under a cue, ``[times its object is content, times seen]``
  ("accused of X" is content, "said on Tuesday" is not);
* ``agents``: for common nouns heading a source, ``[times a source head, times seen]``
  ("officials", "poll"), to tell who can speak from what is spoken about;
* ``parts``: for a cue's dependents outside its content and sources, by ``part_keys``,
  ``[word in the cue, whole phrase in the cue, times seen]`` ("has said", "said of",
  "said in a statement", "the question of");
* ``tails``: for dependents after the head of a content, by ``tail_key``, ``[times inside the
  content, times seen]`` ("because ..." stays, ", while ..." and ", which ..." mostly do not).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

CUES_PATH = Path(__file__).resolve().parent / "data" / "cues.json"
CLAUSE_DEPS = frozenset({"ccomp", "parataxis"})
SMOOTHING = 2.0
TIME_ENTS = frozenset({"DATE", "TIME"})
WORD_DEPS = frozenset({"prep", "advmod", "aux", "auxpass", "neg", "prt", "agent", "mark", "det"})
TYPE_DEPS = frozenset({"npadvmod", "dobj", "dative", "nsubj", "attr", "nsubjpass", "poss"})
MIN_PART = 5
MIN_TAIL = 10
RARE = "*"
PART_RATE = 0.65
NO_ROLES = [0, 0, 0, 0, 0, 0]


def pos_group(token: Token) -> str:
    """Coarse part of speech used in lexicon keys."""
    if token.pos_ in ("VERB", "AUX"):
        return "V"
    if token.pos_ in ("NOUN", "PROPN"):
        return "N"
    return token.pos_


def key(token: Token) -> str:
    return f"{token.lemma_.lower()}|{pos_group(token)}"


def lexeme(token: Token) -> str:
    """A word as a learned key: its lowercase lemma, but a name, number or other entity by its
    class ("<PERSON>", "<CARDINAL>", "<PROPN>"), so no weight or count hangs on one name."""
    if token.ent_type_ or token.pos_ in ("PROPN", "NUM") or token.like_num:
        return f"<{token.ent_type_ or token.pos_}>"
    return token.lemma_.lower()


def prep_objects(token: Token) -> list[tuple[Token, Token]]:
    """``(preposition, object)`` pairs under ``token``, skipping time phrases ("on Monday")."""
    out = []
    for prep in token.children:
        if prep.dep_ != "prep":
            continue
        for obj in prep.children:
            if obj.dep_ in ("pobj", "pcomp") and obj.ent_type_ not in TIME_ENTS:
                out.append((prep, obj))
                break
    return out


def part_keys(child: Token, head: Token, outside: set[int]) -> tuple[str, str]:
    """(specific, general) keys of a cue's dependent: side, relation, word or entity type, and
    ``@`` when its phrase holds content or source words ("referring to [X]" vs "said to
    reporters"); the specific one adds a preposition's object ("R|prep:in>statement")."""
    side = "L" if child.i < head.i else "R"
    general = f"{side}|{child.dep_}"
    if any(t.i in outside for t in child.subtree):
        general = f"@{general}"
    if child.dep_ in WORD_DEPS:
        general += f":{child.lower_}"
    elif child.dep_ in TYPE_DEPS:
        general += f":{child.ent_type_ or child.pos_}"
    objs = [c for c in child.children if c.dep_ == "pobj"]
    specific = f"{general}>{lexeme(objs[0])}" if child.dep_ == "prep" and objs else general
    return specific, general


def tail_key(child: Token) -> str:
    """Key of a dependent after a content's head: relation, its marker, preposition or verb
    form, and ``,`` when a comma sets it off ("advcl:while,", "relcl,", "prep:on")."""
    k = child.dep_
    mark = next((c.lower_ for c in child.children if c.dep_ == "mark"), None)
    if mark:
        k += f":{mark}"
    elif child.dep_ in ("advcl", "acl", "xcomp"):
        k += f":{child.tag_}"
    elif child.dep_ in ("prep", "advmod", "cc"):
        k += f":{child.lower_}"
    elif child.dep_ == "npadvmod":
        k += f":{child.ent_type_ or child.pos_}"
    edge = child.left_edge.i
    if edge > 0 and child.doc[edge - 1].text in (",", "—", "–", "-", ";"):
        k += ","
    return k


def controlled_object(token: Token) -> Token | None:
    """The direct object before an infinitive complement of ``token`` ("urged [Congress] to")."""
    xcomp = next((c for c in token.rights if c.dep_ == "xcomp"), None)
    if xcomp is None:
        return None
    return next((c for c in token.rights if c.dep_ == "dobj" and c.i < xcomp.i), None)


def frame(token: Token) -> str:
    """Which complement a potential cue takes: the dependency that would hold its content.

    ``inverted`` is a cue hanging off the clause it reports (``..., he told reporters``).
    """
    deps = {c.dep_ for c in token.children}
    if deps & CLAUSE_DEPS:
        return "ccomp"
    if token.dep_ == "parataxis" and token.head.i != token.i:
        return "inverted"
    for dep in ("xcomp", "dobj", "acl"):
        if dep in deps:
            return dep
    if any(c.text == ":" for c in token.rights):
        return "colon"
    if prep_objects(token):
        return "prep"
    return "none"


class Lexicon:
    """Mined counts turned into smoothed per-frame probabilities (precomputed once)."""

    def __init__(self, data: dict) -> None:
        counts: dict[str, dict[str, list[int]]] = data["cues"]
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
        self.roles: dict[str, list[int]] = data.get("roles", {})
        self.preps: dict[str, list[int]] = data.get("preps", {})
        self.agents: dict[str, list[int]] = data.get("agents", {})
        self.parts: dict[str, list[int]] = data.get("parts", {})
        self.tails: dict[str, list[int]] = data.get("tails", {})

    def known(self, token: Token) -> str:
        """The token's lexicon key, or its part of speech's pool of rare words."""
        k = key(token)
        return k if k in self.probs else f"{RARE}|{pos_group(token)}"

    def prob(self, token: Token, token_frame: str) -> float:
        """P(cue | lemma, POS, frame), backing off to the lemma's rate for unseen frames and to
        the rare words of its part of speech for unseen lemmas."""
        k = self.known(token)
        return self.probs[k].get(token_frame, self.prior[k]) if k in self.probs else 0.0

    def max_prob(self, token: Token) -> float:
        """Best probability over frames: a cheap filter before computing the frame."""
        return self.best.get(self.known(token), 0.0)

    def role(self, token: Token) -> list[int]:
        """The cue's ``roles`` counts (zeros when unseen)."""
        return self.roles.get(key(token), NO_ROLES)

    def raising(self, token: Token) -> bool:
        """Does this cue usually put its subject inside the content ("X is expected to ...")?"""
        with_subj, inside = self.role(token)[:2]
        return with_subj >= 3 and inside > with_subj / 2

    def addressee(self, token: Token) -> bool:
        """Is this cue's direct object usually the hearer, not the content ("told reporters")?"""
        with_obj, outside = self.role(token)[2:4]
        return with_obj >= 3 and outside > with_obj / 2

    def controls(self, token: Token) -> bool:
        """Does the content of this cue keep the object before its infinitive ("urged [Congress
        to act]"), unlike a hearer ("told reporters [to wait]")? Unseen cues do."""
        seen, inside = self.role(token)[4:6]
        return (inside + 1) / (seen + 2) >= 0.5

    def prep_rate(self, prep: Token) -> float:
        """How often the object of this preposition under a cue is (part of) the content."""
        inside, seen = self.preps.get(prep.lemma_.lower(), (0, 0))
        return (inside + 1) / (seen + 2)

    def cue_part(self, child: Token, head: Token, outside: set[int]) -> str | None:
        """Does the gold cue usually take this dependent of cue ``head``: ``"phrase"`` (its
        subtree), ``"word"``, ``"none"``; None when seen too rarely or annotators disagree."""
        for k in part_keys(child, head, outside):
            word, phrase, seen = self.parts.get(k, (0, 0, 0))
            if seen >= MIN_PART:
                if phrase >= PART_RATE * seen:
                    return "phrase"
                if word >= PART_RATE * seen:
                    return "word"
                return "none" if word <= (1 - PART_RATE) * seen else None
        return None

    def tail_rate(self, child: Token) -> float | None:
        """How often the annotators keep this dependent of a content's head in the content;
        None when it was seen too rarely."""
        inside, seen = self.tails.get(tail_key(child), (0, 0))
        return inside / seen if seen >= MIN_TAIL else None

    def agent_rate(self, token: Token) -> float:
        """How often this noun heads a source mention when it occurs."""
        heads, seen = self.agents.get(token.lemma_.lower(), (0, 0))
        return heads / (seen + 1)


@lru_cache(maxsize=2)
def load_lexicon(path: Path = CUES_PATH) -> Lexicon:
    with open(path, encoding="utf-8") as f:
        return Lexicon(json.load(f))
