"""An article and hand-made claims become the documented triples, the same ones every time."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from factories import make_claim
from rdflib import BNode, Literal
from rdflib.compare import isomorphic

from kg import vocab
from kg.graph import article_graph, graph_iri, speaker_node
from kg.model import Article, Claim, RawArticle, Speaker
from kg.vocab import (
    CG,
    OA,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    article_iri,
    claim_iri,
    inferred_graph_iri,
    outlet_iri,
    short_id,
    speaker_iri,
    topic_iri,
)

RAW = (
    "Harbour Weekly\n"
    'Councillor Mira Santos said the tram extension "will pay for itself within a decade".\n'
    "An engineer at the transit agency told the Courier that the tram extension was rushed.\n"
)
SANTOS = Speaker("mira santos", "Mira Santos", "person", aliases=("Santos",))
ENGINEER = Speaker(
    "engineer at the transit agency",
    "an engineer at the transit agency",
    "anonymous",
    description="engineer",
    affiliation="the transit agency",
)


def article(raw: str = RAW, url: str = "https://news.example/tram") -> Article:
    source = RawArticle(
        raw, "test", url=url, title="Tram row", published="2025-03-04", outlet="Harbour Weekly"
    )
    return Article(source, raw, tuple(range(len(raw) + 1)))


def claim(art: Article, speaker: Speaker, content: str, cue: str, **kw) -> Claim:
    return make_claim(art, speaker, content, cue, kind=kw.pop("kind", "direct"), strip='"', **kw)


@pytest.fixture
def claims() -> tuple[Article, list[Claim]]:
    art = article()
    praise = claim(
        art,
        SANTOS,
        '"will pay for itself within a decade"',
        "said",
        topics=("tram extension", "budget"),
        stance="positive",
        stance_score=0.62,
    )
    doubt = claim(
        art,
        ENGINEER,
        "the tram extension was rushed",
        "told",
        kind="indirect",
        outlet="the Courier",
        topics=("tram extension",),
        stance="negative",
        stance_score=-0.4,
    )
    return art, [praise, doubt]


def test_article_node_keeps_metadata_and_raw_text(claims) -> None:
    art, found = claims
    g = article_graph(art, found)
    node = article_iri(art.id)
    assert (node, RDF.type, SCHEMA.NewsArticle) in g
    assert g.value(node, CG.rawText) == Literal(RAW)
    assert g.value(node, SCHEMA.headline) == Literal("Tram row")
    assert g.value(node, SCHEMA.datePublished) == Literal("2025-03-04", datatype=vocab.XSD.date)
    assert g.value(g.value(node, SCHEMA.publisher), SCHEMA.name) == Literal("Harbour Weekly")
    assert str(g.value(node, SCHEMA.identifier)) == art.id


def test_claim_triples_carry_speaker_cue_span_topics_and_stance(claims) -> None:
    art, (praise, doubt) = claims
    g = article_graph(art, [praise, doubt])
    node = claim_iri(praise.id)
    assert (node, RDF.type, SCHEMA.Claim) in g
    assert (node, SCHEMA.appearance, article_iri(art.id)) in g
    assert g.value(node, CG.kind) == CG.DirectQuote
    assert g.value(node, CG.cue) == Literal("said")
    assert RAW[int(g.value(node, CG.cueStart)) : int(g.value(node, CG.cueEnd))] == "said"
    speaker = g.value(node, PROV.wasAttributedTo)
    assert (speaker, RDF.type, SCHEMA.Person) in g
    assert g.value(speaker, SCHEMA.name) == Literal("Mira Santos")
    assert g.value(speaker, SCHEMA.alternateName) == Literal("Santos")
    selectors = list(g.objects(g.value(node, CG.span), OA.hasSelector))
    position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g)
    quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in g)
    start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
    assert (start, end) == (praise.start, praise.end)
    assert str(g.value(quote, OA.exact)) == RAW[start:end]
    assert set(g.objects(node, CG.about)) == {topic_iri("tram extension"), topic_iri("budget")}
    assert g.value(node, CG.mainTopic) == topic_iri("tram extension")
    assert g.value(topic_iri("budget"), RDFS.label) == Literal("budget")
    assert g.value(node, CG.stance) == CG.Positive
    assert float(g.value(node, CG.stanceScore)) == pytest.approx(0.62)


def test_anonymous_source_and_outlet(claims) -> None:
    art, (praise, doubt) = claims
    g = article_graph(art, [praise, doubt])
    node = claim_iri(doubt.id)
    assert g.value(node, CG.kind) == CG.IndirectSpeech
    assert g.value(node, CG.toldTo) == outlet_iri("the Courier")
    assert g.value(outlet_iri("the Courier"), SCHEMA.name) == Literal("the Courier")
    speaker = g.value(node, PROV.wasAttributedTo)
    assert (speaker, RDF.type, CG.AnonymousSource) in g
    assert g.value(speaker, CG.affiliation) == Literal("the transit agency")
    assert g.value(speaker, CG.description) == Literal("engineer")


def test_output_is_deterministic_and_free_of_blank_nodes(claims) -> None:
    art, found = claims
    first, second = article_graph(art, found), article_graph(art, list(reversed(found)))
    assert set(first) == set(second)
    assert isomorphic(first, second)
    assert not any(isinstance(t, BNode) for triple in first for t in triple)


def test_named_speakers_are_shared_and_anonymous_ones_are_per_article() -> None:
    one, two = article(), article(RAW + "More.", url="https://news.example/tram-2")
    assert (
        speaker_node(SANTOS, one.id) == speaker_node(SANTOS, two.id) == speaker_iri("Mira Santos")
    )
    assert speaker_node(ENGINEER, one.id) != speaker_node(ENGINEER, two.id)


def test_co_speakers_point_at_each_other() -> None:
    raw = 'Ana Ruiz and Tom Reyes said "the depot must stay open".'
    art = article(raw)
    ruiz, reyes = (
        Speaker("ana ruiz", "Ana Ruiz", "person"),
        Speaker("tom reyes", "Tom Reyes", "person"),
    )
    a = claim(art, ruiz, '"the depot must stay open"', "said", co_speakers=("tom reyes",))
    b = claim(art, reyes, '"the depot must stay open"', "said", co_speakers=("ana ruiz",))
    g = article_graph(art, [a, b])
    assert g.value(claim_iri(a.id), CG.coSpeaker) == speaker_iri("tom reyes")
    assert g.value(claim_iri(b.id), CG.coSpeaker) == speaker_iri("ana ruiz")


def test_claim_from_another_article_is_rejected(claims) -> None:
    art, found = claims
    other = article(RAW, url="https://news.example/other")
    with pytest.raises(ValueError):
        article_graph(other, found)


def test_iris_are_percent_safe_and_short_ids_invert() -> None:
    node = speaker_iri("José Ñúñez / Q&A")
    parts = urlsplit(str(node))
    assert " " not in str(node) and "&" not in parts.path and not parts.query
    assert speaker_iri(short_id(node)) == node
    assert short_id(speaker_iri("jose", "abc123")) == "jose@abc123"
    assert graph_iri("abc") != inferred_graph_iri("abc")
    assert topic_iri("Tram Extension") == topic_iri("tram  extension")
