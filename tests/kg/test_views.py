"""The read side over a real embedded store holding two hand-made articles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from factories import make_claim

from kg import views
from kg.graph import article_graph, graph_iri
from kg.model import Article, Claim, RawArticle, Speaker
from kg.reasoning import reason_article
from kg.store.embedded import EmbeddedStore

CLAIM_KEYS = {
    "id",
    "text",
    "kind",
    "speaker",
    "cue",
    "outlet",
    "article",
    "start",
    "end",
    "topic",
    "stance",
    "topics",
    "co_speakers",
}
FIRST = (
    "Valley Ledger\n"
    "Mayor Ingrid Solberg said the new ring road \u201cwill end the traffic jams for good.\u201d\n"
    "Residents gathered outside the hall on Monday.\n"
    "A planner at the county office told the Ledger the ring road will just move the jams "
    "elsewhere.\n"
)
SECOND = (
    "Solberg repeated that the ring road is good news for shops.\n"
    "Council members Ada Lind and Rui Costa said the budget for schools is sound.\n"
)
SOLBERG = Speaker("ingrid solberg", "Ingrid Solberg", "person", aliases=("Solberg",))
PLANNER = Speaker("planner", "a planner at the county office", "anonymous", description="planner")
LIND = Speaker("ada lind", "Ada Lind", "person")
COSTA = Speaker("rui costa", "Rui Costa", "person")


PUBLISHED = "2023-05-02T18:45:00-04:00"


def make_article(raw: str, url: str, title: str, published: str | None = None) -> Article:
    source = RawArticle(
        raw, "test", url=url, title=title, outlet="Valley Ledger", published=published
    )
    return Article(source, raw, tuple(range(len(raw) + 1)))


def claim(art: Article, speaker: Speaker, content: str, cue: str, **kw) -> Claim:
    return make_claim(
        art, speaker, content, cue, kind=kw.pop("kind", "indirect"), strip="\u201c\u201d", **kw
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[tuple[EmbeddedStore, dict[str, Claim]]]:
    s = EmbeddedStore(str(tmp_path_factory.mktemp("views") / "store"))
    one = make_article(FIRST, "https://t.example/ring-road", "Ring road row", PUBLISHED)
    two = make_article(SECOND, "https://t.example/schools", "Schools")
    claims = {
        "end_jams": claim(
            one,
            SOLBERG,
            "\u201cwill end the traffic jams for good.\u201d",
            "said",
            kind="direct",
            topics=("ring road", "traffic"),
            stance="positive",
            stance_score=0.8,
        ),
        "move_jams": claim(
            one,
            PLANNER,
            "the ring road will just move the jams elsewhere",
            "told",
            outlet="the Ledger",
            topics=("ring road",),
            stance="negative",
            stance_score=-0.5,
        ),
        "shops": claim(
            two,
            SOLBERG,
            "the ring road is good news for shops",
            "repeated",
            topics=("ring road",),
            stance="positive",
            stance_score=0.6,
        ),
    }
    schools = "the budget for schools is sound"
    claims["lind"] = claim(
        two, LIND, schools, "said", topics=("school budget",), co_speakers=("rui costa",)
    )
    claims["costa"] = claim(
        two, COSTA, schools, "said", topics=("school budget",), co_speakers=("ada lind",)
    )
    s.replace_graph(
        str(graph_iri(one.id)), article_graph(one, [claims["end_jams"], claims["move_jams"]])
    )
    s.replace_graph(
        str(graph_iri(two.id)),
        article_graph(two, [claims["shops"], claims["lind"], claims["costa"]]),
    )
    reason_article(s, one.id)
    reason_article(s, two.id)
    yield s, claims
    s.close()


def test_claims_have_exactly_the_documented_shape(store) -> None:
    s, made = store
    rows, total = views.list_claims(s)
    assert total == len(made) == len(rows)
    for row in rows:
        assert set(row) == CLAIM_KEYS
        assert set(row["speaker"]) == {"id", "name", "type"}
    by_id = {r["id"]: r for r in rows}
    planner = by_id[made["move_jams"].id]
    assert planner["speaker"]["type"] == "anonymous"
    assert planner["outlet"] == "the Ledger"
    assert planner["kind"] == "indirect" and planner["stance"] == "negative"
    assert FIRST[planner["start"] : planner["end"]] == made["move_jams"].text
    mayor = by_id[made["end_jams"].id]
    assert mayor["topic"] == "ring road" and mayor["topics"] == ["ring road", "traffic"]
    assert mayor["speaker"] == {"id": "ingrid-solberg", "name": "Ingrid Solberg", "type": "person"}
    assert by_id[made["lind"].id]["co_speakers"] == [{"id": "rui-costa", "name": "Rui Costa"}]


def test_claim_filters(store) -> None:
    s, made = store

    def ids(**kw) -> set[str]:
        return {r["id"] for r in views.list_claims(s, **kw)[0]}

    solberg = {made["end_jams"].id, made["shops"].id}
    assert ids(speaker="SOLBERG") == solberg
    assert ids(speaker="ingrid-solberg") == solberg
    assert ids(speaker="county office") == {made["move_jams"].id}
    assert ids(article=made["shops"].article_id) == {made[k].id for k in ("shops", "lind", "costa")}
    assert ids(topic="Traffic") == {made["end_jams"].id}
    assert ids(stance="negative") == {made["move_jams"].id}
    assert ids(kind="direct") == {made["end_jams"].id}
    assert ids(speaker="nobody at all") == set()
    with pytest.raises(ValueError):
        views.list_claims(s, stance="furious")


def test_text_search_is_a_bound_case_insensitive_substring(store) -> None:
    s, made = store

    def ids(**kw) -> set[str]:
        return {r["id"] for r in views.list_claims(s, **kw)[0]}

    assert ids(q="RING Road") == {made["move_jams"].id, made["shops"].id}
    assert ids(q="jams") == {made["end_jams"].id, made["move_jams"].id}
    assert ids(q="jams", speaker="solberg") == {made["end_jams"].id}
    assert ids(q='" || true || "') == set()
    assert ids(q="") == {c.id for c in made.values()}


def test_date_range_is_inclusive_and_drops_undated_articles(store) -> None:
    s, made = store
    first = {made["end_jams"].id, made["move_jams"].id}
    day = date(2023, 5, 2)

    def ids(**kw) -> set[str]:
        rows, total = views.list_claims(s, **kw)
        assert total == len(rows)
        return {r["id"] for r in rows}

    assert ids(since=day) == ids(until=day) == ids(since=day, until=day) == first
    assert ids(since=date(2023, 5, 3)) == set()
    assert ids(until=date(2023, 5, 1)) == set()
    assert ids(since=date(2000, 1, 1), until=date(2099, 12, 31)) == first
    assert ids(since=day, q="planner") == set()
    assert ids(since=day, q="elsewhere") == {made["move_jams"].id}


def test_paging_keeps_reading_order_and_total(store) -> None:
    s, _ = store
    everything, total = views.list_claims(s)
    page, page_total = views.list_claims(s, limit=2, offset=1)
    assert page_total == total
    assert [r["id"] for r in page] == [r["id"] for r in everything[1:3]]
    keys = [(r["article"], r["start"]) for r in everything]
    assert keys == sorted(keys)


def test_get_claim_adds_context(store) -> None:
    s, made = store
    got = views.get_claim(s, made["move_jams"].id)
    assert got is not None
    assert got["context"].startswith("A planner at the county office told")
    offset = got["start"] - got["context_start"]
    assert got["context"][offset : offset + len(got["text"])] == got["text"]
    assert FIRST[got["cue_start"] : got["cue_end"]] == "told"
    assert got["stance_score"] == pytest.approx(-0.5)
    assert views.get_claim(s, "0000000000000000") is None


def test_speakers(store) -> None:
    s, made = store
    speakers = views.list_speakers(s)
    assert speakers[0]["id"] == "ingrid-solberg" and speakers[0]["claims"] == 2
    planner = next(x for x in speakers if x["type"] == "anonymous")
    assert planner["description"] == "planner" and planner["claims"] == 1
    one = views.get_speaker(s, "ingrid-solberg")
    assert one is not None and one["aliases"] == ["Solberg"]
    assert {c["id"] for c in one["claim_list"]} == {made["end_jams"].id, made["shops"].id}
    assert views.get_speaker(s, "nobody") is None


def test_contradictions_name_both_sides(store) -> None:
    s, made = store
    found = views.list_contradictions(s)
    pairs = [{c["id"] for c in x["claims"]} for x in found]
    assert {made["end_jams"].id, made["move_jams"].id} in pairs
    assert {made["shops"].id, made["move_jams"].id} in pairs
    assert not any(made["lind"].id in p for p in pairs)
    first = found[0]
    assert set(first) >= {"id", "claims", "reason", "confidence", "rule", "target"}
    assert first["target"] == "ring road" and first["rule"] == "opposite-stance"
    assert all(set(c) == CLAIM_KEYS for c in first["claims"])
    assert views.get_contradiction(s, first["id"]) == first
    assert views.get_contradiction(s, "ffffffffffffffff") is None


def test_articles_and_summary(store) -> None:
    s, made = store
    articles = {a["id"]: a for a in views.list_articles(s)}
    one = articles[made["end_jams"].article_id]
    assert one["title"] == "Ring road row" and one["claims"] == 2
    assert one["url"] == "https://t.example/ring-road" and one["outlet"] == "Valley Ledger"
    full = views.get_article(s, one["id"])
    assert full is not None and full["raw_text"] == FIRST
    assert [c["id"] for c in full["claims"]] == [made["end_jams"].id, made["move_jams"].id]
    assert views.get_article(s, "nope") is None
    assert views.summary(s) == {
        "articles": 2,
        "claims": 5,
        "speakers": 4,
        "topics": 3,
        "contradictions": 2,
    }
