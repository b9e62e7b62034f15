"""The proposition a claim asserts or denies: main-clause subject, predicate, object, polarity.

From the parse of a claim's text, the main clause's predicate is its root verb, or for a copula
("the plant is safe") its adjective or noun complement; its subject is the head noun of the
nominal subject (pronoun subjects are skipped: "it" names nothing the rule could compare); its
object the head of a direct object, if any. Keys are lowercase lemmas, so "the reactor was not
safe" and "the reactor is safe" are one proposition, ``reactor | safe``, with opposite polarity.
Polarity is negative when a negator scopes over the predicate (``kg.stance.negated``), or when
the root is a negative implicative verb ("failed to finish the bridge": ``bridge | finish``
denied). A hedged clause ("the bridge may not be safe", ``kg.stance.hedged``) asserts nothing
and yields no proposition.

``proposition_graph`` states them as reified ``rdf:Statement`` nodes the claim
``schema:mentions`` (subject and object as topic IRIs, predicate under ``id/predicate/``,
``schema:value`` false when negated), read by ``ontology/rules/proposition-negation.rq``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from spacy.tokens import Doc, Token

from kg.graph import mentions, new_graph
from kg.nlp import ParsedMemo
from kg.stance import hedged, negated
from kg.vocab import ID_BASE, RDF, RDFS, SCHEMA, XSD, slug, topic_iri

SUBJECTS = frozenset({"nsubj", "nsubjpass"})
COMPLEMENTS = frozenset({"acomp", "attr", "oprd"})
# Negative implicative verbs (Karttunen 1971): "failed to finish X" entails "did not finish X".
IMPLICATIVE_NEGATIVE = frozenset({"fail", "neglect", "refuse", "decline", "omit"})


@dataclass(frozen=True, slots=True)
class Proposition:
    """``subject predicate [object]``, asserted (``positive``) or denied."""

    subject: str
    predicate: str
    object: str | None
    positive: bool


def _lemma(tok: Token) -> str:
    """Lowercase lemma with its compound modifiers ("bus routes" -> "bus route")."""
    compounds = [c.lower_ for c in tok.lefts if c.dep_ == "compound"]
    return " ".join([*compounds, tok.lemma_.lower()])


def _implied(root: Token) -> tuple[Token, bool]:
    """The verb a negative implicative entails the negation of ("failed to pay" -> not pay)."""
    if root.lemma_ in IMPLICATIVE_NEGATIVE:
        xcomp = next((c for c in root.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if xcomp is not None:
            return xcomp, True
    return root, False


def _clause(root: Token) -> Proposition | None:
    subject = next((c for c in root.children if c.dep_ in SUBJECTS), None)
    if subject is None or subject.pos_ not in {"NOUN", "PROPN"}:
        return None
    predicate, flipped = _implied(root)
    if root.lemma_ == "be":
        predicate = next((c for c in root.children if c.dep_ in COMPLEMENTS), None)
        if predicate is None:
            return None
    if hedged(predicate) or hedged(root):
        return None
    obj = next((c for c in predicate.children if c.dep_ == "dobj"), None)
    positive = (negated(predicate) or negated(root)) == flipped
    return Proposition(
        _lemma(subject), _lemma(predicate), _lemma(obj) if obj is not None else None, positive
    )


def propositions_in(doc: Doc) -> list[Proposition]:
    """The main-clause proposition of each sentence of a parsed text, when it has one."""
    return [p for sent in doc.sents if (p := _clause(sent.root)) is not None]


_memo = ParsedMemo(lambda doc: tuple(propositions_in(doc)), (), disable=["ner"])


def propositions(text: str) -> tuple[Proposition, ...]:
    """Propositions of a claim's text."""
    return _memo([text])[0]


def proposition_graph(claims: Sequence[tuple[URIRef, str]]) -> Graph:
    """A reified ``rdf:Statement`` per proposition of each (claim IRI, text).

    The texts not seen recently are parsed together, in one ``nlp.pipe`` call.
    """
    g = new_graph()
    found = _memo([text for _, text in claims])
    for node, p in mentions(g, claims, found, "proposition"):
        words = [p.subject, p.predicate, *([p.object] if p.object else [])]
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.subject, topic_iri(p.subject)))
        g.add((node, RDF.predicate, URIRef(f"{ID_BASE}predicate/{slug(p.predicate)}")))
        g.add((node, RDF.object, topic_iri(p.object) if p.object else RDF.nil))
        g.add((node, SCHEMA.value, Literal(p.positive, datatype=XSD.boolean)))
        g.add((node, RDFS.label, Literal(" ".join(words))))
    return g
