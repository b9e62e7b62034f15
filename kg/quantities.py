"""Quantities a claim states about a counted thing ("2.3 million listeners", "thousands of fans").

A number is read from the parse of the claim's text: a numeric modifier of a noun (``nummod``,
with its own modifiers: "2.3 million", "700,000", "about 40") or a vague plural head ("thousands
of listeners", "dozens of stalls"). Values become a ``[low, high]`` range: exact numbers are a
point, vague plurals the range they cover ("thousands": 2,000 to 999,999). The counted thing is
the lowercase lemma of the noun ("listener").

``quantity_graph`` states them as schema.org ``QuantitativeValue`` nodes the claim
``schema:mentions`` (``minValue``, ``maxValue``, ``unitText`` the thing, ``description`` the
words, ``unitCode`` "P1" for a percentage), which ``ontology/rules/quantity-conflict.rq``
compares within ``TOLERANCE``. Shares ("40 percent of tenants", "two in five tenants") are
percentages of the noun after "of", or of the counted noun. Number words are read by
``word2number``; "1.2m", "4bn" and "3k" by their suffix. ``measuredProperty`` is the counted
noun's role ("hire patient", "leave agent"): 1,200 nurses hired and 300 nurses who left are two
measurements, not a conflict, so the rule compares counts whose verb or role is the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from spacy.tokens import Doc, Token
from word2number import w2n

from kg.graph import mentions, new_graph
from kg.nlp import ParsedMemo
from kg.vocab import RDF, SCHEMA, XSD

PERCENT_CODE = "P1"  # UN/CEFACT common code for percent, schema:unitCode of a share
TOLERANCE = 0.25  # the rule's factor 1.25: values within 25% of each other do not conflict
SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12,
}  # fmt: skip
VAGUE = {
    "dozens": (24.0, 199.0),
    "hundreds": (200.0, 1_999.0),
    "thousands": (2_000.0, 999_999.0),
    "millions": (2e6, 999e6),
    "billions": (2e9, 999e9),
}
ROLES = {"nsubj": "agent", "nsubjpass": "patient", "dobj": "patient"}
SHARE = frozenset({"in", "out"})  # "one in ten", "three out of four"
PLURAL = frozenset({"NNS", "NNPS"})
PERCENT = frozenset({"percent", "%", "cent", "pct"})
NUMERAL = re.compile(r"(\d+(?:\.\d+)?)(k|m|mn|bn|tn)?", re.I)
HAS_NUMBER = re.compile(
    r"\d|\b(?:" + "|".join([*w2n.american_number_system, *VAGUE]) + r")\b", re.I
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A count of ``thing`` stated as ``text``, between ``low`` and ``high``.

    ``unit`` is ``"count"``, or ``"percent"`` for a share of the things ("40 percent of
    tenants", "two in five tenants"), so a share is never compared with a count. ``role`` is the
    verb the counted noun depends on and whether it is its agent or patient ("hire patient" for
    "hired 1,200 nurses", "leave agent" for "300 nurses left"), when it has one.
    """

    thing: str
    low: float
    high: float
    text: str
    unit: str = "count"
    role: str | None = None


def _words_value(words: list[str]) -> float | None:
    try:
        return float(w2n.word_to_num(" ".join(words)))
    except ValueError:
        return None


def _number(tokens: Iterable[Token]) -> float | None:
    """Value of number tokens: numerals ("700,000", "1.2m"), scales, or number words."""
    value: float | None = None
    scale = 1.0
    words: list[str] = []
    for tok in tokens:
        word = tok.lower_.replace(",", "")
        if (numeral := NUMERAL.fullmatch(word)) is not None:
            value = float(numeral[1]) * SCALES.get((numeral[2] or "").lower(), 1.0)
        elif word in SCALES and (value is not None or word.isalpha() and len(word) > 2):
            scale *= SCALES[word]
            words.append(word)
        elif tok.like_num and word.isalpha():
            words.append(word)
        elif words and word not in {"and", "-"}:
            break  # one number only: "three [out of] four" is two
    if value is not None:
        return value * scale
    return _words_value(words) if words else None


def _thing(noun: Token | None) -> str | None:
    if noun is None or noun.pos_ not in {"NOUN", "PROPN"}:
        return None
    return noun.lemma_.lower()


def _of(tok: Token) -> Token | None:
    """The noun of an "of" phrase under ``tok`` ("thousands of fans", "40 percent of tenants")."""
    of = next((c for c in tok.children if c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of else None


def _vague(tok: Token) -> Quantity | None:
    noun = _of(tok)
    thing = _thing(noun)
    low, high = VAGUE[tok.lower_]
    return Quantity(thing, low, high, f"{tok.text} of {noun.text}") if thing else None


def _share(tok: Token, words: list[Token]) -> Quantity | None:
    """ "N in M things" (quantmod "in"), or "N percent of things", as a percentage."""
    split = next((i for i, w in enumerate(words) if w.lower_ in SHARE), None)
    if split is not None:
        part, whole = _number(words[:split]), _number(words[split + 1 :])
        if part is None or not whole:
            return None
        value, noun = 100.0 * part / whole, tok.head
    else:
        value, noun = _number(words), _of(tok.head)
    thing = _thing(noun)
    if value is None or thing is None:
        return None
    text = tok.doc[words[0].i : noun.i + 1].text
    return Quantity(thing, value, value, text, "percent")


def _glued_noun(tok: Token) -> Token | None:
    """For a numeral with a scale suffix ("4bn", "1.2" + "m"), the noun right after it, which
    the parser often misattaches; ``None`` when ``tok`` is no such numeral."""
    numeral = NUMERAL.fullmatch(tok.lower_.replace(",", ""))
    if numeral is None:
        return None
    doc, after = tok.doc, tok.i + 1
    if numeral[2] is None:
        if tok.whitespace_ or after >= len(doc) or doc[after].lower_ not in SCALES:
            return None
        after += 1
    return doc[after] if after < len(doc) and doc[after].pos_ == "NOUN" else None


def _counted(tok: Token) -> Token | None:
    """The noun a number counts."""
    if (noun := _glued_noun(tok)) is not None:
        return noun
    if tok.dep_ != "nummod":
        return None
    head = tok.head
    while head.lower_ in SCALES and head.dep_ in {"compound", "nummod"}:
        head = head.head  # "1.2 million passengers" parsed with the scale as the number's head
    return head


def _role(noun: Token) -> str | None:
    """ "verb agent" or "verb patient" for a noun that is a verb's subject or object."""
    role = ROLES.get(noun.dep_)
    if role is None or noun.head.pos_ not in {"VERB", "AUX"}:
        return None
    return f"{noun.head.lemma_.lower()} {role}"


def _share_start(tok: Token) -> int | None:
    """Where "N in M" or "N out of M" starts, when ``tok`` is its M (read from the tokens, as
    the parse of such phrases varies)."""
    doc, i = tok.doc, tok.i - 1
    if i >= 1 and doc[i].lower_ == "of" and doc[i - 1].lower_ == "out":
        i -= 1
    if i >= 1 and doc[i].lower_ in SHARE and doc[i - 1].like_num:
        return i - 1
    return None


def _found(tok: Token) -> Quantity | None:
    if tok.lower_ in VAGUE:
        return _vague(tok)
    head = _counted(tok)
    if head is None or head.i <= tok.i:
        return None
    share = _share_start(tok)
    start = tok.left_edge.i if share is None else min(share, tok.left_edge.i)
    words = list(tok.doc[start : head.i])
    if head.lower_ in PERCENT or share is not None:
        return _share(tok, [w for w in words if w.lower_ != "per"])
    thing = _thing(head)
    value = _number(words)
    if thing is None or value is None or (value != 1 and head.tag_ not in PLURAL):
        return None  # "a 50m pool", "a 40-seat bus": a measure of one thing, not a count
    return Quantity(thing, value, value, tok.doc[words[0].i : head.i + 1].text, role=_role(head))


def quantities_in(doc: Doc) -> list[Quantity]:
    """Every counted thing in a parsed text, in order."""
    return [q for tok in doc if (q := _found(tok)) is not None]


def _has_number(text: str) -> bool:
    return HAS_NUMBER.search(text) is not None


_memo = ParsedMemo(lambda doc: tuple(quantities_in(doc)), (), wanted=_has_number, disable=["ner"])


def quantities(text: str) -> tuple[Quantity, ...]:
    """Quantities in a claim's text (parsed only if it holds a number word or digit)."""
    return _memo([text])[0]


def _decimal(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=XSD.double)


def quantity_graph(claims: Sequence[tuple[URIRef, str]]) -> Graph:
    """``schema:mentions`` a ``QuantitativeValue`` per quantity of each (claim IRI, text).

    The texts not seen recently are parsed together, in one ``nlp.pipe`` call.
    """
    g = new_graph()
    found = _memo([text for _, text in claims])
    for node, q in mentions(g, claims, found, "quantity"):
        g.add((node, RDF.type, SCHEMA.QuantitativeValue))
        g.add((node, SCHEMA.minValue, _decimal(q.low)))
        g.add((node, SCHEMA.maxValue, _decimal(q.high)))
        g.add((node, SCHEMA.unitText, Literal(q.thing)))
        g.add((node, SCHEMA.description, Literal(q.text)))
        if q.role is not None:
            g.add((node, SCHEMA.measuredProperty, Literal(q.role)))
        if q.unit == "percent":
            g.add((node, SCHEMA.unitCode, Literal(PERCENT_CODE)))
    return g
