"""The index of each topic's newest claims gives what ranking every claim on the topic gives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import kg.recent
from kg.graph import article_graph, graph_iri
from kg.model import Article, Claim, RawArticle, Speaker
from kg.queries import query
from kg.recent import index_article, rebuild_index, recent_claims
from kg.store.embedded import EmbeddedStore
from kg.vocab import RECENT_GRAPH, article_iri, topic_iri

TOPIC = "harbour tax plan"
TEXT = "the harbour tax plan will raise fees for fishing crews"
OWNER = "SELECT ?article WHERE { ?claim <https://schema.org/appearance> ?article }"


@pytest.fixture
def store(tmp_path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(str(tmp_path / "store"))
    yield s
    s.close()


def write(store: EmbeddedStore, n: int, published: str | None) -> Article:
    """Article ``n`` with one claim on the topic, written and indexed as ingest does."""
    raw = f"Speaker {n} said {TEXT}."
    source = RawArticle(raw, "test", url=f"https://t.example/{n}", published=published)
    article = Article(source, raw, tuple(range(len(raw) + 1)))
    start = raw.index(TEXT)
    speaker = Speaker(f"speaker {n}", f"Speaker {n}", "person")
    claim = Claim(article.id, speaker, TEXT, start, start + len(TEXT), "indirect", cue="said",
                  topics=(TOPIC,), stance="negative", stance_score=-0.5)  # fmt: skip
    store.replace_graph(str(graph_iri(article.id)), article_graph(article, [claim]))
    index_article(store, article.id)
    return article


def ranked(store: EmbeddedStore, article: Article, wanted: int) -> list:
    """The full ranking (every claim on the topic), newest first."""
    bound = {"article": article_iri(article.id), "topic": topic_iri(TOPIC)}
    return [row["claim"] for row in store.select(query("neighbour-candidates"), bound)][:wanted]


def dates() -> Iterator[str | None]:
    """Out-of-order dates, some repeated, some missing: backfilled and undated articles."""
    for n in range(40):
        yield None if n % 9 == 4 else f"2024-{n * 7 % 12 + 1:02}-{n * 5 % 27 + 1:02}"


def test_index_matches_the_full_ranking_and_stays_small(store, monkeypatch) -> None:
    monkeypatch.setattr(kg.recent, "CAP", 12)
    articles = [write(store, n, day) for n, day in enumerate(dates())]
    latest = articles[-1]
    got = recent_claims(store, topic_iri(TOPIC), article_iri(latest.id), 8)
    assert got is not None and got == ranked(store, latest, 8)
    held = store.select(query("recent-claims"), {"topic": topic_iri(TOPIC), "index": RECENT_GRAPH})
    assert len(held) == 12


def test_removed_claims_leave_the_index_exact_or_silent(store, monkeypatch) -> None:
    monkeypatch.setattr(kg.recent, "CAP", 12)
    articles = [write(store, n, day) for n, day in enumerate(dates())]
    latest = articles[-1]
    newest_first = ranked(store, latest, 40)
    answers = []
    for claim in newest_first[:10]:
        [row] = store.select(OWNER, {"claim": claim})
        store.delete_graph(str(graph_iri(str(row["article"]).rsplit("/", 1)[1])))
        got = recent_claims(store, topic_iri(TOPIC), article_iri(latest.id), 4)
        answers.append(got)
        if got is not None:
            assert got == ranked(store, latest, 4)
    assert answers[0] is not None, "one removal leaves enough entries"
    assert answers[-1] is None, "after many removals the caller must rank in full"


def test_small_topic_asks_for_the_full_ranking(store) -> None:
    articles = [write(store, n, f"2024-05-0{n + 1}") for n in range(3)]
    assert recent_claims(store, topic_iri(TOPIC), article_iri(articles[-1].id), 60) is None


def test_rebuilt_index_equals_the_one_built_article_by_article(store, monkeypatch) -> None:
    monkeypatch.setattr(kg.recent, "CAP", 12)
    articles = [write(store, n, day) for n, day in enumerate(dates())]
    bound = {"topic": topic_iri(TOPIC), "index": RECENT_GRAPH}
    incremental = {row["claim"] for row in store.select(query("recent-claims"), bound)}
    store.delete_graph(str(RECENT_GRAPH))
    assert recent_claims(store, topic_iri(TOPIC), article_iri(articles[-1].id), 8) is None
    assert rebuild_index(store) == 12
    assert {row["claim"] for row in store.select(query("recent-claims"), bound)} == incremental
    got = recent_claims(store, topic_iri(TOPIC), article_iri(articles[-1].id), 8)
    assert got == ranked(store, articles[-1], 8)


def test_entries_index_article_returns_are_what_a_read_gives(store, monkeypatch) -> None:
    monkeypatch.setattr(kg.recent, "CAP", 12)
    articles = [write(store, n, day) for n, day in enumerate(dates())]
    latest = article_iri(articles[-1].id)
    known = index_article(store, articles[-1].id)
    assert set(known) == {topic_iri(TOPIC)} and len(known[topic_iri(TOPIC)]) == 12
    read = recent_claims(store, topic_iri(TOPIC), latest, 8)
    assert read is not None and recent_claims(store, topic_iri(TOPIC), latest, 8, known) == read
