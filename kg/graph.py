"""One article and its claims as RDF: the triples written to the article's named graph.

The article keeps its raw text (``cg:rawText``) so that claim and cue offsets, which index the raw
text, can be shown in context by the API without the original file. Spans are Web Annotation
selectors on hash IRIs of the claim (no blank nodes), so the same input always yields the same
triples and re-ingesting an article rewrites an identical graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from rdflib import Graph, Literal, URIRef

from kg.clean import headline
from kg.model import Article, Claim, Speaker
from kg.vocab import (
    CG,
    ID_BASE,
    KIND_TERMS,
    LOCAL_SPEAKER_TYPES,
    OA,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SPEAKER_CLASSES,
    STANCE_TERMS,
    XSD,
    article_iri,
    claim_iri,
    graph_iri,
    inferred_graph_iri,
    outlet_iri,
    short_id,
    slug,
    speaker_iri,
    topic_iri,
)

__all__ = [
    "article_graph",
    "graph_iri",
    "inferred_graph_iri",
    "mentions",
    "speaker_node",
    "new_graph",
]
T = TypeVar("T")


def new_graph(store: str = "default") -> Graph:
    """An empty graph with the project's prefixes bound (for readable serializations)."""
    g = Graph(store=store)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def mentions(
    g: Graph, claims: Sequence[tuple[URIRef, str]], found: Sequence[Sequence[T]], kind: str
) -> Iterator[tuple[URIRef, T]]:
    """For each item ``found`` in each (claim IRI, text): a node ``id/<kind>/<hash>`` (stable for
    the claim and the item's position) that the claim ``schema:mentions`` in ``g``; yields
    (node, item) for the caller to describe."""
    for (claim, _), items in zip(claims, found, strict=True):
        for i, item in enumerate(items):
            digest = hashlib.sha256(f"{claim}\n{i}".encode()).hexdigest()[:16]
            node = URIRef(f"{ID_BASE}{kind}/{digest}")
            g.add((claim, SCHEMA.mentions, node))
            yield node, item


def speaker_node(speaker: Speaker, article_id: str) -> URIRef:
    """The speaker's IRI: shared across articles if named, scoped to the article otherwise."""
    scoped = speaker.type in LOCAL_SPEAKER_TYPES
    return speaker_iri(speaker.key, article_id if scoped else None)


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(float(value), 3))), datatype=XSD.decimal)


def _date(value: str) -> Literal:
    for parse, datatype in ((date.fromisoformat, XSD.date), (datetime.fromisoformat, XSD.dateTime)):
        try:
            parse(value)
        except ValueError:
            continue
        return Literal(value, datatype=datatype)
    return Literal(value)


def _add_outlet(g: Graph, name: str) -> URIRef:
    node = outlet_iri(name)
    g.add((node, RDF.type, SCHEMA.Organization))
    g.add((node, SCHEMA.name, Literal(name)))
    g.add((node, SCHEMA.identifier, Literal(short_id(node))))
    return node


def _add_article(g: Graph, article: Article) -> URIRef:
    node = article_iri(article.id)
    src = article.source
    g.add((node, RDF.type, SCHEMA.NewsArticle))
    g.add((node, SCHEMA.identifier, Literal(article.id)))
    g.add((node, CG.rawText, Literal(article.raw)))
    if src.url:
        g.add((node, SCHEMA.url, Literal(src.url, datatype=XSD.anyURI)))
    if title := headline(article):
        g.add((node, SCHEMA.headline, Literal(title)))
    if src.published:
        g.add((node, SCHEMA.datePublished, _date(src.published)))
    if src.outlet:
        g.add((node, SCHEMA.publisher, _add_outlet(g, src.outlet)))
    return node


def _add_speaker(g: Graph, speaker: Speaker, article_id: str) -> URIRef:
    node = speaker_node(speaker, article_id)
    g.add((node, RDF.type, SPEAKER_CLASSES[speaker.type]))
    g.add((node, SCHEMA.identifier, Literal(short_id(node))))
    g.add((node, SCHEMA.name, Literal(speaker.name)))
    for alias in speaker.aliases:
        if alias != speaker.name:
            g.add((node, SCHEMA.alternateName, Literal(alias)))
    if speaker.description:
        g.add((node, CG.description, Literal(speaker.description)))
    if speaker.count is not None:
        g.add((node, CG.count, Literal(speaker.count, datatype=XSD.integer)))
    if speaker.affiliation:
        g.add((node, CG.affiliation, Literal(speaker.affiliation)))
    return node


def _add_topic(g: Graph, topic: str) -> URIRef:
    node = topic_iri(topic)
    g.add((node, RDF.type, CG.Topic))
    g.add((node, RDFS.label, Literal(topic)))
    g.add((node, SCHEMA.identifier, Literal(slug(topic))))
    return node


def _add_span(g: Graph, claim: URIRef, article: URIRef, start: int, end: int, exact: str) -> None:
    span, position, quote = (URIRef(f"{claim}#{part}") for part in ("span", "position", "quote"))
    g.add((claim, CG.span, span))
    g.add((span, RDF.type, OA.SpecificResource))
    g.add((span, OA.hasSource, article))
    g.add((span, OA.hasSelector, position))
    g.add((span, OA.hasSelector, quote))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(exact)))


def _add_claim(g: Graph, article: Article, claim: Claim, speakers: dict[str, Speaker]) -> None:
    node = claim_iri(claim.id)
    art = article_iri(article.id)
    g.add((node, RDF.type, SCHEMA.Claim))
    g.add((node, SCHEMA.identifier, Literal(claim.id)))
    g.add((node, SCHEMA.text, Literal(claim.text)))
    g.add((node, SCHEMA.appearance, art))
    g.add((node, CG.kind, KIND_TERMS[claim.kind]))
    g.add((node, PROV.wasAttributedTo, _add_speaker(g, claim.speaker, article.id)))
    _add_span(g, node, art, claim.start, claim.end, article.raw[claim.start : claim.end])
    if claim.cue:
        g.add((node, CG.cue, Literal(claim.cue)))
    if claim.cue_start is not None and claim.cue_end is not None:
        g.add((node, CG.cueStart, Literal(claim.cue_start, datatype=XSD.integer)))
        g.add((node, CG.cueEnd, Literal(claim.cue_end, datatype=XSD.integer)))
    if claim.outlet:
        g.add((node, CG.toldTo, _add_outlet(g, claim.outlet)))
    for i, topic in enumerate(claim.topics):
        g.add((node, CG.about, _add_topic(g, topic)))
        if i == 0:
            g.add((node, CG.mainTopic, topic_iri(topic)))
    g.add((node, CG.stance, STANCE_TERMS[claim.stance]))
    g.add((node, CG.stanceScore, _decimal(claim.stance_score)))
    for key in claim.co_speakers:
        other = speakers.get(key)
        other_node = speaker_node(other, article.id) if other else speaker_iri(key)
        if other_node != speaker_node(claim.speaker, article.id):
            g.add((node, CG.coSpeaker, other_node))


def article_graph(article: Article, claims: Sequence[Claim]) -> Graph:
    """The article (with its raw text), its claims, their speakers, outlets, topics and spans."""
    g = new_graph("SimpleMemory")
    _add_article(g, article)
    speakers = {c.speaker.key: c.speaker for c in claims}
    for claim in claims:
        if claim.article_id != article.id:
            raise ValueError(f"claim {claim.id} belongs to article {claim.article_id}")
        _add_claim(g, article, claim, speakers)
    return g
