"""Contradictions found by owlrl plus the rules, on hand-made claims in a real embedded store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from owlrl import DeductiveClosure, OWLRL_Semantics
from rdflib import BNode, Graph, Literal

from kg.config import PROJECT_ROOT as ROOT
from kg.graph import article_graph, graph_iri
from kg.model import Article, Claim, RawArticle, Speaker
from kg.nlp import load_nlp
from kg.pipeline import ingest
from kg.reasoning import (
    NEIGHBOURS,
    Semantics,
    _tbox,
    gather,
    neighbourhood,
    reason_all,
    reason_article,
    remove_article,
)
from kg.store.embedded import EmbeddedStore
from kg.vocab import CG, OWL, PROV, SCHEMA, article_iri, inferred_graph_iri

CONTRADICTS = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
SELECT ?a ?b WHERE { ?a cg:contradicts ?b }
"""
NODES = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
SELECT ?g ?x WHERE { GRAPH ?g { ?x a cg:Contradiction } }
"""

OKAFOR = Speaker("lena okafor", "Lena Okafor", "person")
BRANDT = Speaker("piet brandt", "Piet Brandt", "person")
INSPECTOR = Speaker("former inspector", "a former safety inspector", "anonymous")


def make_article(raw: str, url: str) -> Article:
    return Article(RawArticle(raw, "test", url=url), raw, tuple(range(len(raw) + 1)))


def says(
    art: Article,
    speaker: Speaker,
    content: str,
    stance: str,
    score: float,
    topics: Sequence[str] = ("water treatment plant",),
    co_speakers: tuple[str, ...] = (),
) -> Claim:
    start = art.raw.index(content)
    return Claim(
        art.id,
        speaker,
        content,
        start,
        start + len(content),
        "direct",
        cue="said",
        topics=tuple(topics),
        stance=stance,
        stance_score=score,
        co_speakers=co_speakers,
    )


def put(store: EmbeddedStore, art: Article, claims: list[Claim]) -> None:
    store.replace_graph(str(graph_iri(art.id)), article_graph(art, claims))


@pytest.fixture
def store(tmp_path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(str(tmp_path / "store"))
    yield s
    s.close()


PRAISE = "the new water treatment plant is a remarkable success"
SLAM = "the water treatment plant is a costly failure"


def test_opposite_stances_of_two_speakers_on_a_topic_conflict(store) -> None:
    art = make_article(f"Okafor: {PRAISE}. An inspector: {SLAM}.", "https://t.example/1")
    put(
        store,
        art,
        [says(art, OKAFOR, PRAISE, "positive", 0.7), says(art, INSPECTOR, SLAM, "negative", -0.6)],
    )
    [found] = reason_article(store, art.id)
    assert found.rule == "opposite-stance"
    assert "Lena Okafor" in found.reason and "a former safety inspector" in found.reason
    assert "water treatment plant" in found.reason
    assert 0 < found.confidence <= 1
    assert found.target and found.target.endswith("water-treatment-plant")
    pairs = {(str(r["a"]), str(r["b"])) for r in store.select(CONTRADICTS)}
    a, b = found.claims
    assert pairs == {(a, b), (b, a)}
    assert {str(r["g"]) for r in store.select(NODES)} == {str(inferred_graph_iri(art.id))}


@pytest.mark.parametrize(
    ("second_speaker", "second_stance", "topics"),
    [
        (OKAFOR, "negative", ("water treatment plant",)),  # same speaker changes their mind
        (INSPECTOR, "positive", ("water treatment plant",)),  # they agree
        (INSPECTOR, "neutral", ("water treatment plant",)),  # no stance
        (INSPECTOR, "negative", ("harbour dredging",)),  # different topics
    ],
)
def test_no_conflict_without_two_speakers_opposing_on_one_topic(
    store, second_speaker, second_stance, topics
) -> None:
    art = make_article(f"Okafor: {PRAISE}. Later: {SLAM}.", "https://t.example/2")
    put(
        store,
        art,
        [
            says(art, OKAFOR, PRAISE, "positive", 0.7),
            says(art, second_speaker, SLAM, second_stance, -0.6, topics=topics),
        ],
    )
    assert reason_article(store, art.id) == []
    assert store.select(CONTRADICTS) == []


def test_co_speakers_are_never_opposed(store) -> None:
    art = make_article(f"Okafor: {PRAISE}. Brandt: {SLAM}.", "https://t.example/3")
    put(
        store,
        art,
        [
            says(art, OKAFOR, PRAISE, "positive", 0.7, co_speakers=("piet brandt",)),
            says(art, BRANDT, SLAM, "negative", -0.6, co_speakers=("lena okafor",)),
        ],
    )
    assert reason_article(store, art.id) == []


def test_stronger_stances_on_the_main_topic_are_more_confident(store) -> None:
    art = make_article(f"Okafor: {PRAISE}. Brandt: {SLAM}.", "https://t.example/4")
    put(
        store,
        art,
        [says(art, OKAFOR, PRAISE, "positive", 0.9), says(art, BRANDT, SLAM, "negative", -0.9)],
    )
    [strong] = reason_article(store, art.id)
    put(
        store,
        art,
        [
            says(art, OKAFOR, PRAISE, "positive", 0.2, topics=("budget", "plant")),
            says(art, BRANDT, SLAM, "negative", -0.2, topics=("plant",)),
        ],
    )
    [weak] = reason_article(store, art.id)
    assert weak.confidence < strong.confidence
    assert weak.id == strong.id, "the id depends on the claim pair and rule only"
    assert weak.target and weak.target.endswith("/plant")


def test_cross_article_conflict_appears_and_disappears_on_reingest(store) -> None:
    first = make_article(f"Okafor: {PRAISE}.", "https://t.example/a")
    put(store, first, [says(first, OKAFOR, PRAISE, "positive", 0.7)])
    assert reason_article(store, first.id) == []

    raw = f"An inspector: {SLAM}. Brandt: the weather was mild."
    second = make_article(raw, "https://t.example/b")
    slam = says(second, INSPECTOR, SLAM, "negative", -0.6)
    mild = says(second, BRANDT, "the weather was mild", "neutral", 0.0, topics=("weather",))
    put(store, second, [slam, mild])
    [found] = reason_article(store, second.id)
    assert found.claims[0] != found.claims[1]

    quads = store.quad_count()
    assert [c.id for c in reason_article(store, first.id)] == [found.id]
    assert [c.id for c in reason_article(store, second.id)] == [found.id]
    assert store.quad_count() == quads, "reasoning again must not duplicate contradictions"
    assert len(store.select(NODES)) == 1

    put(store, second, [mild])
    assert reason_article(store, second.id) == []
    assert store.select(CONTRADICTS) == [] and store.select(NODES) == []


def test_across_articles_a_stance_opposes_only_on_what_both_claims_are_mainly_about(
    store,
) -> None:
    """A claim's stance is the claim's: across articles it meets another only on the topic both
    are mainly about, not on a name one of them merely mentions."""
    first = make_article(f"Okafor: {PRAISE}.", "https://t.example/main-a")
    put(store, first, [says(first, OKAFOR, PRAISE, "positive", 0.7)])
    aside = "the budget is a costly failure, like the water treatment plant"
    second = make_article(f"An inspector: {aside}.", "https://t.example/main-b")
    topics = ("city budget", "water treatment plant")
    put(store, second, [says(second, INSPECTOR, aside, "negative", -0.6, topics=topics)])
    assert reason_article(store, second.id) == []

    put(store, second, [says(second, INSPECTOR, aside, "negative", -0.6, topics=topics[::-1])])
    [found] = reason_article(store, second.id)
    assert found.rule == "opposite-stance" and found.target.endswith("water-treatment-plant")


def test_removing_the_other_side_prunes_the_contradiction_it_left_behind(store) -> None:
    first = make_article(f"Okafor: {PRAISE}. Also: the weather was mild.", "https://t.example/c")
    praise = says(first, OKAFOR, PRAISE, "positive", 0.7)
    mild = says(first, BRANDT, "the weather was mild", "neutral", 0.0, topics=("weather",))
    put(store, first, [praise, mild])
    second = make_article(f"An inspector: {SLAM}.", "https://t.example/d")
    put(store, second, [says(second, INSPECTOR, SLAM, "negative", -0.6)])
    reason_article(store, first.id)
    [found] = reason_article(store, second.id)
    assert {str(r["g"]) for r in store.select(NODES)} == {str(inferred_graph_iri(second.id))}

    put(store, first, [mild])  # first article re-ingested without the praise
    assert reason_article(store, first.id) == []
    assert store.select(NODES) == [] and store.select(CONTRADICTS) == []

    put(store, first, [praise, mild])
    assert [c.id for c in reason_all(store)] == [found.id]
    remove_article(store, first.id)
    assert store.select(NODES) == []
    assert str(graph_iri(first.id)) not in store.graphs()


def test_neighbourhood_is_capped_yet_keeps_the_most_relevant_claims(store) -> None:
    def dated(raw: str, url: str, published: str) -> Article:
        source = RawArticle(raw, "test", url=url, published=published)
        return Article(source, raw, tuple(range(len(raw) + 1)))

    for n in range(NEIGHBOURS + 50):
        old = dated(f"Source {n}: {PRAISE}.", f"https://t.example/n{n}", f"2024-01-{n % 28 + 1:02}")
        source = Speaker(f"source {n}", f"Source {n}", "person")
        put(store, old, [says(old, source, PRAISE, "positive", 0.6)])
    oldest = dated(f"Okafor: {SLAM}.", "https://t.example/old", "2020-05-01")
    put(store, oldest, [says(oldest, OKAFOR, SLAM, "negative", -0.7)])
    newest = dated(f"Brandt: {SLAM}.", "https://t.example/new", "2025-02-01")
    put(store, newest, [says(newest, BRANDT, SLAM, "negative", -0.7)])
    art = dated(f"Okafor: {PRAISE}.", "https://t.example/now", "2025-03-01")
    put(store, art, [says(art, OKAFOR, PRAISE, "positive", 0.8)])

    g = neighbourhood(store, art.id)
    mine = set(g.subjects(SCHEMA.appearance, article_iri(art.id)))
    foreign = set(g.subjects(SCHEMA.appearance, None)) - mine
    assert 0 < len(foreign) <= NEIGHBOURS
    found = {c.rule: c for c in reason_article(store, art.id)}
    assert "Piet Brandt" in found["opposite-stance"].reason, "the newest article is kept"
    assert "2020-05-01" in found["self-contradiction"].reason, "the same speaker is kept"


def test_the_trimmed_owl_rl_rules_derive_what_owlrl_derives(store) -> None:
    """``Semantics`` skips eq-ref and hands owlrl's rule groups only the triples they branch on.
    On a real neighbourhood, with an owl:sameAs link between two speakers and two disjoint stances
    on one claim, its closure is owlrl's minus the reflexive links, with the same errors."""
    path = ROOT / "examples" / "twitter-spaces-desantis-launch.txt"
    raw = RawArticle(path.read_text(encoding="utf-8"), str(path), url="https://e.example/launch")
    ingest([raw], store, load_nlp())
    [article] = [str(a).rsplit("/", 1)[1] for a in store.graphs() if "/graph/article/" in a]
    data = [t for t in gather(store, article).triples if not isinstance(t[2], Literal)]
    said = sorted({(s, o) for s, p, o in data if p == PROV.wasAttributedTo})
    claim_a, first = said[0]
    claim_b, second = next(pair for pair in said if pair[1] != first)
    data += [(first, OWL.sameAs, second), (claim_b, CG.stance, CG.Positive),
             (claim_b, CG.stance, CG.Negative)]  # fmt: skip

    def close(semantics: type) -> tuple[set, list[str]]:
        g = Graph()
        g += _tbox()
        for triple in data:
            g.add(triple)
        DeductiveClosure(
            semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
        ).expand(g)
        plain = {
            t for t in g
            if not any(isinstance(term, BNode) for term in t)
            and not (t[1] == OWL.sameAs and t[0] == t[2])
        }  # fmt: skip
        errors = sorted(str(o) for s, p, o in g if isinstance(o, Literal) and "rror" in str(p))
        return plain, errors

    full, full_errors = close(OWLRL_Semantics)
    trimmed, trimmed_errors = close(Semantics)
    assert trimmed == full
    assert trimmed_errors == full_errors and trimmed_errors, "the stance clash is reported"
    assert (second, CG.madeClaim, claim_a) in trimmed, "eq-rep still merges the two speakers"
