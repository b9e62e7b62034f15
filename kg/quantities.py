"""Quantities a claim states about a counted thing ("2.3 million listeners", "thousands of fans").

A number is read from the parse of the claim's text: a numeric modifier of a noun (``nummod``,
with its own modifiers: "2.3 million", "700,000", "about 40") or a vague plural head ("thousands
of listeners", "dozens of stalls"). Values become a ``[low, high]`` range: exact numbers are a
point, vague plurals the range they cover ("thousands": 2,000 to 999,999). The counted thing is
the lowercase lemma of the noun ("listener").

``quantity_graph`` states them as schema.org ``QuantitativeValue`` nodes the claim
``schema:mentions`` (``minValue``, ``maxValue``, ``unitText`` the thing, ``description`` the
words), which ``ontology/rules/quantity-conflict.rq`` compares within ``TOLERANCE``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from spacy.tokens import Doc, Token

from kg.graph import new_graph
from kg.nlp import ParsedMemo
from kg.vocab import ID_BASE, RDF, SCHEMA, XSD

TOLERANCE = 0.25  # the rule's factor 1.25: values within 25% of each other do not conflict
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
VAGUE = {
    "dozens": (24.0, 199.0),
    "hundreds": (200.0, 1_999.0),
    "thousands": (2_000.0, 999_999.0),
    "millions": (2e6, 999e6),
    "billions": (2e9, 999e9),
}
WORDS = dict(
    zip(
        "two three four five six seven eight nine ten eleven twelve twenty fifty".split(),
        (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 50),
        strict=True,
    )
)
HAS_NUMBER = re.compile(r"\d|\b(?:" + "|".join([*WORDS, *VAGUE, *SCALES]) + r")\b", re.I)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A count of ``thing`` stated as ``text``, between ``low`` and ``high``."""

    thing: str
    low: float
    high: float
    text: str


def _number(tokens: Iterable[Token]) -> float | None:
    value: float | None = None
    scale = 1.0
    for tok in tokens:
        word = tok.lower_.replace(",", "")
        if word in SCALES:
            scale *= SCALES[word]
        elif word in WORDS:
            value = float(WORDS[word])
        elif re.fullmatch(r"\d+(?:\.\d+)?", word):
            value = float(word)
    return None if value is None else value * scale


def _thing(noun: Token) -> str | None:
    if noun.pos_ not in {"NOUN", "PROPN"}:
        return None
    return noun.lemma_.lower()


def _found(tok: Token) -> Quantity | None:
    if tok.lower_ in VAGUE:
        of = next((c for c in tok.children if c.lower_ == "of"), None)
        noun = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        low, high = VAGUE[tok.lower_]
        thing = _thing(noun) if noun is not None else None
        return Quantity(thing, low, high, f"{tok.text} of {noun.text}") if thing else None
    if tok.dep_ != "nummod":
        return None
    thing = _thing(tok.head)
    words = [t for t in tok.subtree if t.i < tok.head.i]
    value = _number(words)
    if thing is None or value is None:
        return None
    text = tok.doc[words[0].i : tok.head.i + 1].text
    return Quantity(thing, value, value, text)


def quantities_in(doc: Doc) -> list[Quantity]:
    """Every counted thing in a parsed text, in order."""
    return [q for tok in doc if (q := _found(tok)) is not None]


def _has_number(text: str) -> bool:
    return HAS_NUMBER.search(text) is not None


_memo = ParsedMemo(lambda doc: tuple(quantities_in(doc)), (), wanted=_has_number)


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
    for (claim, _), found_here in zip(claims, found, strict=True):
        for i, q in enumerate(found_here):
            digest = hashlib.sha256(f"{claim}\n{i}".encode()).hexdigest()[:16]
            node = URIRef(f"{ID_BASE}quantity/{digest}")
            g.add((claim, SCHEMA.mentions, node))
            g.add((node, RDF.type, SCHEMA.QuantitativeValue))
            g.add((node, SCHEMA.minValue, _decimal(q.low)))
            g.add((node, SCHEMA.maxValue, _decimal(q.high)))
            g.add((node, SCHEMA.unitText, Literal(q.thing)))
            g.add((node, SCHEMA.description, Literal(q.text)))
    return g
