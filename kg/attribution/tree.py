"""Token-set helpers over the dependency tree shared by the attribution steps."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.quotes import is_quote

EDGE_TRIM = frozenset({"cc", "punct"})
AGENT_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def head_of(doc: Doc, idx: set[int]) -> Token:
    """The token of ``idx`` whose head lies outside it (first in text order)."""
    for i in sorted(idx):
        if doc[i].head.i not in idx or doc[i].head.i == i:
            return doc[i]
    return doc[min(idx)]


def head_clause(token: Token) -> set[int]:
    """The clause ``token`` hangs off, minus ``token``'s own subtree (``..., he said``)."""
    return subtree(token.head) - subtree(token)


def trim(idx: set[int], doc: Doc) -> set[int]:
    """Drop edge punctuation/conjunctions (quote marks stay) and whitespace tokens."""
    keep = sorted(i for i in idx if not doc[i].is_space)
    while keep and doc[keep[0]].dep_ in EDGE_TRIM and not is_quote(doc[keep[0]]):
        keep.pop(0)
    while keep and doc[keep[-1]].dep_ in EDGE_TRIM and not is_quote(doc[keep[-1]]):
        keep.pop()
    return set(keep)


def is_agentive(token: Token, agent_rate: float) -> bool:
    """Can this nominal say something: a named person/organisation, a pronoun, or a noun
    whose mined rate as a source head (``agent_rate``) is high enough?"""
    if token.ent_type_ in AGENT_ENTS:
        return True
    if token.pos_ == "PRON":
        return token.lower_ not in ("it", "this", "that", "which", "what")
    return token.pos_ in ("NOUN", "PROPN") and agent_rate >= 0.1


def set_off(token: Token) -> bool:
    """Does a comma (or dash) open ``token``'s phrase?"""
    edge = token.left_edge.i
    return edge > 0 and token.doc[edge - 1].text in (",", "—", "–", "-")


def misplaced_participle(token: Token) -> bool:
    """A participle set off after a complement clause, which it does not modify: it carries on
    the verb above that clause ("said the storm damaged the port, warning that ...")."""
    return (
        token.dep_ == "advcl"
        and token.tag_ == "VBG"
        and token.head.dep_ == "ccomp"
        and set_off(token)
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    )


def misplaced_conjunct(token: Token) -> bool:
    """A verb without a subject coordinated with a complement clause but in the form of the
    verb above that clause, which it really continues ("said he makes $41,000 and
    questioned ..."; "urged them to wait and tried ...")."""
    head = token.head
    return (
        token.dep_ == "conj"
        and token.pos_ == "VERB"
        and head.dep_ in ("ccomp", "xcomp")
        and head.tag_ != token.tag_
        and head.head.tag_ == token.tag_
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    )
