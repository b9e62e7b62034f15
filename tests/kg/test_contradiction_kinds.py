"""Each contradiction kind fires on articles written for these tests, and stays quiet on agreement.

Articles live in tests/data/articles/contradictions/ and go through the real pipeline (cleaning,
spaCy, attribution, claims, store, reasoning); precision rules are also checked on hand-made
claims in a real embedded store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.graph import article_graph, graph_iri
from kg.model import Article, Claim, Contradiction, RawArticle, Speaker
from kg.nlp import load_nlp
from kg.pipeline import analyse, store_analysis
from kg.propositions import propositions
from kg.quantities import quantities
from kg.reasoning import MIN_CONFIDENCE, reason_article
from kg.signals import ClaimRef, conflict_signals
from kg.store.embedded import EmbeddedStore
from kg.views import list_contradictions

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "tests" / "data" / "articles" / "contradictions"
EXAMPLE = ROOT / "examples" / "twitter-spaces-desantis-launch.txt"


@pytest.fixture
def store(tmp_path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(str(tmp_path / "store"))
    yield s
    s.close()


def ingest(store: EmbeddedStore, path: Path, published: str | None = None) -> list[Contradiction]:
    raw = RawArticle(
        path.read_text(encoding="utf-8"), str(path), url=f"https://t.example/{path.stem}",
        published=published,
    )  # fmt: skip
    [analysis] = list(analyse([raw], load_nlp()))
    return store_analysis(store, analysis)[1]


def speakers_of(store: EmbeddedStore, rule: str) -> list[set[str]]:
    return [
        {c["speaker"]["name"] for c in x["claims"]}
        for x in list_contradictions(store)
        if x["rule"] == rule
    ]


# ---------------------------------------------------------------- journalist's signal


def test_journalist_signal_links_the_assessment_to_the_complaints(store) -> None:
    found = ingest(store, ARTICLES / "bus-routes-signal.txt")
    signal = [c for c in found if c.rule == "journalist-signal"]
    assert signal, [c.reason for c in found]
    best = max(signal, key=lambda c: c.confidence)
    assert best.confidence >= 0.9
    assert "at odds with" in best.reason and "Maria Delgado" in best.reason
    assert any("Maria Delgado" in p and "one parent" in p for p in speakers_of(store, best.rule))


def test_an_echoing_article_yields_no_contradiction(store) -> None:
    assert ingest(store, ARTICLES / "bus-routes-agreement.txt") == []


def ref(raw: str, iri: str, content: str, name: str, outlet: str | None = None) -> ClaimRef:
    start = raw.index(content)
    return ClaimRef(iri, start, start + len(content), f"urn:{name}", (name,), outlet=outlet)


def test_signal_inside_a_quote_is_the_speakers_word_not_the_journalists() -> None:
    quoted = (
        "Councillor Ruth Amadi said the levee repairs were finished. "
        '"We never denied the delays," engineer Jonas Weber told the Delta Star. '
        "Weber told the Delta Star the pumps were new."
    )
    unquoted = quoted.replace('"We never denied the delays,"', "Nobody denied the delays, as")
    for raw, expected in ((quoted, []), (unquoted, ["denied"])):
        claims = [
            ref(raw, "urn:a", "the levee repairs were finished", "Ruth Amadi"),
            ref(raw, "urn:c", "the pumps were new", "Jonas Weber", "Delta Star"),
        ]
        if raw is quoted:
            claims.append(ref(raw, "urn:b", "We never denied the delays", "Jonas Weber"))
        assert [s.cue for s in conflict_signals(raw, claims)] == expected


def test_denial_cue_links_the_denier_to_the_earlier_statement() -> None:
    raw = (
        "Councillor Ruth Amadi said the levee repairs were finished. "
        "Engineer Jonas Weber denied that the repairs were finished."
    )
    start = raw.index("the levee")
    amadi = ClaimRef("urn:a", start, raw.index(". Engineer"), "urn:amadi", ("Ruth Amadi",))
    cue = raw.index("denied")
    weber = ClaimRef(
        "urn:b", raw.index("that the repairs"), len(raw) - 1, "urn:weber", ("Jonas Weber",),
        cue_start=cue,
    )  # fmt: skip
    unknown = ClaimRef("urn:c", 0, 10, "urn:x", ("unattributed",), unknown=True)
    [signal] = conflict_signals(raw, [amadi, weber, unknown])
    assert (signal.before, signal.after, signal.cue) == ("urn:a", "urn:b", "denied")


# ---------------------------------------------------------------- quantities


def test_numbers_are_normalized() -> None:
    [big] = quantities("about 2.3 million listeners tuned in")
    [vague] = quantities("thousands of listeners tuned in")
    [plain] = quantities("700,000 listeners tuned in")
    assert (big.thing, big.low) == ("listener", 2_300_000)
    assert vague.thing == "listener" and vague.low < 700_000 < vague.high
    assert plain.low == plain.high == 700_000


def test_conflicting_counts_of_one_thing(store) -> None:
    found = ingest(store, ARTICLES / "harvest-festival-counts.txt")
    [count] = [c for c in found if c.rule == "quantity-conflict"]
    assert "45,000" in count.reason and "12,000" in count.reason and "visitor" in count.reason
    assert speakers_of(store, "quantity-conflict") == [{"Tomas Lindqvist", "Anna Berg"}]


def test_counts_within_tolerance_agree(store) -> None:
    assert ingest(store, ARTICLES / "harvest-festival-agreement.txt") == []


# ---------------------------------------------------------------- asserted and denied


def test_propositions_keep_polarity() -> None:
    [yes] = propositions("the sea wall met the standard")
    [no] = propositions("the sea wall never met the standard")
    assert (yes.subject, yes.predicate, yes.object) == (no.subject, no.predicate, no.object)
    assert yes.subject == "sea wall" and yes.positive and not no.positive
    assert propositions("it met the standard") == ()


def test_a_proposition_asserted_and_denied(store) -> None:
    found = ingest(store, ARTICLES / "ferry-timetable-denial.txt")
    [denial] = [c for c in found if c.rule == "proposition-negation"]
    assert "ferry timetable change" in denial.reason
    assert speakers_of(store, "proposition-negation") == [{"Kofi Mensah", "Ingrid Holm"}]


def test_a_proposition_asserted_twice_is_no_conflict(store) -> None:
    assert ingest(store, ARTICLES / "ferry-timetable-agreement.txt") == []


# ---------------------------------------------------------------- self-contradiction


def test_a_speaker_reversing_across_articles_is_dated(store) -> None:
    assert ingest(store, ARTICLES / "tram-line-march.txt", "2025-03-03") == []
    found = ingest(store, ARTICLES / "tram-line-june.txt", "2025-06-13")
    [turn] = [c for c in found if c.rule == "self-contradiction"]
    assert "Petra Novak" in turn.reason and "east tram line" in turn.reason
    assert (
        turn.reason.index("2025-03-03")
        < turn.reason.index("later")
        < turn.reason.index("2025-06-13")
    )


def test_a_speaker_repeating_a_position_is_consistent(store) -> None:
    ingest(store, ARTICLES / "tram-line-march.txt", "2025-03-03")
    assert ingest(store, ARTICLES / "tram-line-june-agreement.txt", "2025-06-13") == []


# ---------------------------------------------------------------- phrasing varied as in news

DATES = ("2025-04-03", "2025-10-08")


@pytest.mark.parametrize(
    ("files", "rule"),
    [
        (("protest-march-counts.txt",), "quantity-conflict"),
        (("airport-passengers-counts.txt",), "quantity-conflict"),
        (("rent-arrears-share.txt",), "quantity-conflict"),
        (("clinic-hours-denial.txt",), "proposition-negation"),
        (("footbridge-contractor-denial.txt",), "proposition-negation"),
        (("audit-report-denial.txt",), "proposition-negation"),
        (("hospital-wing-stance.txt",), "opposite-stance"),
        (("water-supply-disputed.txt",), "journalist-signal"),
        (("library-closures-pushback.txt",), "journalist-signal"),
        (("ferry-strike-rejected.txt",), "journalist-signal"),
        (("cycle-lane-april.txt", "cycle-lane-october.txt"), "self-contradiction"),
        (("marathon-runners-counts.txt",), "quantity-conflict"),
        (("market-stalls-denial.txt",), "proposition-negation"),
        (("school-meals-odds.txt",), "journalist-signal"),
    ],
)
def test_each_kind_fires_on_varied_phrasing(store, files: tuple[str, ...], rule: str) -> None:
    for name, date in zip(files, DATES, strict=False):
        found = ingest(store, ARTICLES / name, date)
    assert {c.rule for c in found} == {rule}, [c.reason for c in found]


@pytest.mark.parametrize(
    "files",
    [
        ("protest-march-agreement.txt",),
        ("airport-passengers-agreement.txt",),
        ("rent-arrears-agreement.txt",),
        ("rent-arrears-count-nearmiss.txt",),
        ("clinic-hours-agreement.txt",),
        ("clinic-hours-nearmiss.txt",),
        ("footbridge-hedged.txt",),
        ("stadium-pitch-notdisaster.txt",),
        ("stadium-permit-nearmiss.txt",),
        ("bus-drivers-dispute-nearmiss.txt",),
        ("swimming-pool-february.txt", "swimming-pool-september-agreement.txt"),
        ("cycle-lane-april.txt", "cycle-lane-october-hedged.txt"),
        ("hospital-nurses-nearmiss.txt",),
        ("marathon-runners-agreement.txt",),
        ("market-stalls-agreement.txt",),
        ("school-meals-confirmed.txt",),
    ],
)
def test_agreement_and_near_misses_stay_quiet(store, files: tuple[str, ...]) -> None:
    for name, date in zip(files, DATES, strict=False):
        found = ingest(store, ARTICLES / name, date)
    assert found == [], [c.reason for c in found]


@pytest.mark.parametrize(
    ("text", "thing", "value", "unit"),
    [
        ("the terminal handled 1.2m passengers", "passenger", 1_200_000, "count"),
        ("about three thousand protesters marched", "protester", 3_000, "count"),
        ("nearly 3,000 protesters marched", "protester", 3_000, "count"),
        ("some 4bn euros were spent", "euro", 4e9, "count"),
        ("40 percent of tenants fell behind", "tenant", 40, "percent"),
        ("40% of tenants fell behind", "tenant", 40, "percent"),
        ("two in five tenants fell behind", "tenant", 40, "percent"),
        ("one in ten tenants fell behind", "tenant", 10, "percent"),
        ("three out of four tenants paid on time", "tenant", 75, "percent"),
        ("three hundred and forty stalls closed", "stall", 340, "count"),
    ],
)
def test_numbers_as_news_writes_them(text: str, thing: str, value: float, unit: str) -> None:
    [q] = quantities(text)
    assert (q.thing, q.unit) == (thing, unit)
    assert q.low == q.high == pytest.approx(value)


def test_a_count_knows_its_role_and_a_measure_is_no_count() -> None:
    [hired] = quantities("the depot hired 120 drivers")
    [left] = quantities("40 drivers left the depot")
    [passive] = quantities("120 drivers were hired")
    assert (hired.role, left.role, passive.role) == ("hire patient", "leave agent", "hire patient")
    assert quantities("the town opened a 50m pool") == ()


def test_negative_implicatives_deny_and_hedges_assert_nothing() -> None:
    [did] = propositions("the council paid the cleaners")
    [failed] = propositions("the council failed to pay the cleaners")
    assert (did.predicate, did.object) == (failed.predicate, failed.object) == ("pay", "cleaner")
    assert did.positive and not failed.positive
    assert propositions("the council may not pay the cleaners") == ()


def test_a_noun_is_not_a_journalists_signal() -> None:
    noun = (
        "Union leader Carl Jensen said the offer was fair. "
        "After a long dispute with the depot, driver Sara Lind told the Times that drivers would "
        "return."
    )
    verb = noun.replace("After a long dispute with the depot,", "Sara Lind disputed that, and")
    for raw, expected in ((noun, []), (verb, ["disputed"])):
        claims = [
            ref(raw, "urn:a", "the offer was fair", "Carl Jensen"),
            ref(raw, "urn:b", "drivers would return", "Sara Lind", "Times"),
        ]
        assert [s.cue for s in conflict_signals(raw, claims)] == expected


# ---------------------------------------------------------------- precision of opposite stance

NAVARRO = Speaker("eva navarro", "Eva Navarro", "person")
KOWALSKI = Speaker("jan kowalski", "Jan Kowalski", "person")


def make_article(raw: str, url: str) -> Article:
    return Article(RawArticle(raw, "test", url=url), raw, tuple(range(len(raw) + 1)))


def says(art: Article, speaker: Speaker, content: str, score: float, topics: tuple) -> Claim:
    start = art.raw.index(content)
    stance = "positive" if score > 0 else "negative"
    return Claim(
        art.id, speaker, content, start, start + len(content), "indirect", cue="said",
        topics=topics, stance=stance, stance_score=score,
    )  # fmt: skip


def put(store: EmbeddedStore, art: Article, claims: list[Claim]) -> None:
    store.replace_graph(str(graph_iri(art.id)), article_graph(art, claims))


def test_unresolved_speakers_take_no_part(store) -> None:
    praise, slam = "the solar farm is a fine asset", "the solar farm is an awful blight"
    art = make_article(f"Navarro: {praise}. Someone: {slam}.", "https://t.example/p1")
    nobody = Speaker(f"unknown:{art.id}:unattributed", "unattributed", "unknown")
    put(store, art, [says(art, NAVARRO, praise, 0.8, ("solar farm",)),
                     says(art, nobody, slam, -0.8, ("solar farm",))])  # fmt: skip
    assert reason_article(store, art.id) == []


@pytest.mark.parametrize(("topic", "linked"), [("event", False), ("solar farm", True)])
def test_across_articles_only_specific_topics_link(store, topic: str, linked: bool) -> None:
    first = make_article("Navarro: it was a fine day.", "https://t.example/p2")
    second = make_article("Kowalski: it was an awful day.", "https://t.example/p3")
    put(store, first, [says(first, NAVARRO, "it was a fine day", 0.8, (topic,))])
    put(store, second, [says(second, KOWALSKI, "it was an awful day", -0.8, (topic,))])
    found = reason_article(store, second.id)
    assert bool(found) is linked


def test_weak_matches_fall_below_the_reporting_threshold(store) -> None:
    art = make_article("Navarro: fairly fine. Kowalski: a bit poor.", "https://t.example/p4")
    claims = [says(art, NAVARRO, "fairly fine", 0.05, ("budget", "plan")),
              says(art, KOWALSKI, "a bit poor", -0.05, ("plan",))]  # fmt: skip
    put(store, art, claims)
    assert reason_article(store, art.id) == []
    put(store, art, [says(art, NAVARRO, "fairly fine", 0.9, ("plan",)),
                     says(art, KOWALSKI, "a bit poor", -0.9, ("plan",))])  # fmt: skip
    [found] = reason_article(store, art.id)
    assert found.confidence >= MIN_CONFIDENCE


# ---------------------------------------------------------------- the founding example


def test_founding_example_conflict_comes_from_the_journalists_signal(store) -> None:
    found = ingest(store, EXAMPLE)
    listed = list_contradictions(store)
    assert len(listed) == len(found)
    assert all(c["speaker"]["type"] != "unknown" for x in listed for c in x["claims"])
    pairs = [
        x for x in listed
        if {"good sign", "finished product"} <= {w for c in x["claims"]
                                                 for w in ("good sign", "finished product")
                                                 if w in c["text"]}
    ]  # fmt: skip
    assert pairs and pairs[0]["rule"] == "journalist-signal" and pairs[0]["confidence"] >= 0.9
    [explained] = [c for c in found if c.id == pairs[0]["id"]]
    assert explained.target is not None, "the explanation names what the two disagree about"
    assert "David Sacks (positive) said" in explained.reason
    assert "a former staffer (negative) said" in explained.reason
