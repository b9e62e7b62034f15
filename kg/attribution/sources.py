"""Source mentions of a cue: its (inherited) subject, an agent, a possessor, or the noun it
modifies ("officials familiar with the talks", "critics angry at the plan")."""

from __future__ import annotations

from spacy.tokens import Token

from kg.attribution.tree import (
    is_agentive,
    misplaced_conjunct,
    misplaced_participle,
    subtree,
    trim,
)
from kg.cues import Lexicon

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "prep", "acomp", "acl"})
MODIFIER_DEPS = frozenset({"acl", "amod", "appos"})
LIGHT_VERBS = frozenset({"make", "issue", "release", "give", "offer", "express", "voice", "send"})
NOUN_SOURCE_PREPS = frozenset({"by", "from"})
MAX_CLIMB = 4
DETACHED_DEPS = frozenset({"acl", "advcl", "ccomp", "dep"})


def own_subject(token: Token) -> Token | None:
    """A subject or passive agent directly under ``token`` (the agent beats a passive
    subject: in "X was praised by Y" the source is Y)."""
    passive = None
    for child in token.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
        elif child.dep_ == "nsubjpass":
            passive = child
        elif child.dep_ in SUBJECT_DEPS:
            return child
    return passive


def noun_source(token: Token, lexicon: Lexicon) -> Token | None:
    """Who owns a noun cue: ``his claim``, ``a statement from the union``, ``Democratic
    allegations``."""
    for child in token.children:
        if child.dep_ == "poss":
            return child
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in NOUN_SOURCE_PREPS:
            for pobj in child.children:
                if pobj.dep_ == "pobj" and is_agentive(pobj, lexicon.agent_rate(pobj)):
                    return pobj
    for child in token.children:
        if child.dep_ in ("compound", "amod") and child.ent_type_ in ("PERSON", "ORG", "NORP"):
            return child
    return None


def subject(token: Token, lexicon: Lexicon, depth: int = 0) -> Token | None:
    """The subject of ``token``, climbing through xcomp/advcl/conj/prep chains and from
    participles and adjectives to the agentive noun they modify."""
    found = own_subject(token)
    if found is not None:
        return found
    if token.pos_ in ("NOUN", "PROPN"):
        found = noun_source(token, lexicon)
        if found is not None or token.dep_ != "dobj" or token.head.lemma_ not in LIGHT_VERBS:
            return found
    head = token.head
    if depth >= MAX_CLIMB or head.i == token.i:
        return None
    if (
        token.dep_ in MODIFIER_DEPS
        and (token.dep_ != "acl" or token.tag_ == "VBG")
        and is_agentive(head, lexicon.agent_rate(head))
    ):
        return head
    if misplaced_conjunct(token) or misplaced_participle(token):
        return subject(head.head, lexicon, depth + 1)
    if token.dep_ in CLIMB_DEPS or token.pos_ in ("NOUN", "PROPN"):
        return subject(head, lexicon, depth + 1)
    return None


def source_spans(head: Token) -> list[set[int]]:
    """The source mention: the head's phrase, conjuncts together (``X and Y`` is one span, as
    annotated; ``kg.speakers`` splits it), without the clauses and participles after it that
    the annotators mostly leave out (``officials, speaking on Monday,``)."""
    drop = {t.i for c in head.rights if c.dep_ in DETACHED_DEPS for t in c.subtree}
    return [trim(subtree(head) - drop, head.doc)]


def sources_of(token: Token, lexicon: Lexicon) -> list[set[int]]:
    """Source mentions: ``according to X`` -> X; else the (inherited) subject, if any."""
    if token.dep_ == "prep":
        objs = [o for c in token.children for o in c.children if o.dep_ == "pobj"]
        return [subtree(o) for o in objs[:1]]
    subj = subject(token, lexicon)
    if subj is None or (subj.lower_ == "it" and subj.dep_ == "nsubjpass"):
        return []
    return source_spans(subj)
