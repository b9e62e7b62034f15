"""Claims from attributions: raw offsets, one claim per speaker, dedup, stance and topics."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from kg.claims import build_claims, normalized_text
from kg.model import Article, Attribution, Claim, RawArticle, TextSpan
from kg.nlp import load_nlp

ROOT = Path(__file__).resolve().parents[2]
NOISE = "Advertisement\n\n"
TEXT = (
    "City leaders split over the reopened ferry terminal.\n\n"
    'Mayor Paul Brandt called the ferry terminal "a triumph for the region."\n\n'
    '"The terminal is not safe for crowds," a city engineer told the Lakeside Ledger.\n\n'
    "Brandt and councilwoman Rita Osei said the ferry terminal was finished on time.\n\n"
    '"The ferry terminal is a triumph for the region," Brandt said.\n\n'
    '"The ferry terminal is a triumph for the region," Brandt said.'
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def article_with_noise(text: str) -> Article:
    """An article whose cleaned text dropped a raw prefix, so raw and cleaned offsets differ."""
    raw = NOISE + text
    offsets = tuple(range(len(NOISE), len(raw) + 1))
    return Article(source=RawArticle(raw=raw, origin="test"), text=text, offsets=offsets)


def span(text: str, fragment: str, anchor: str = "", last: bool = False) -> TextSpan:
    start = text.rindex(fragment) if last else text.index(fragment, text.index(anchor))
    return TextSpan(start, start + len(fragment), fragment)


def attribution(
    text: str,
    anchor: str,
    cue: str,
    sources: list[str],
    content: str,
    kind: str,
    last: bool = False,
) -> Attribution:
    find = (lambda f: span(text, f, last=True)) if last else (lambda f: span(text, f, anchor))
    return Attribution(
        cue=find(cue),
        sources=tuple(find(s) for s in sources),
        contents=(find(content),),
        kind=kind,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def claims(nlp: Language) -> tuple[Article, list[Claim]]:
    article = article_with_noise(TEXT)
    t = TEXT
    praise = "The ferry terminal is a triumph for the region"
    joint = "the ferry terminal was finished"
    atts = [
        attribution(t, "Mayor", "called", ["Mayor Paul Brandt"], "a triumph", "direct"),
        attribution(t, '"The t', "told", ["a city engineer"], "The terminal is not safe", "direct"),
        attribution(
            t, "Brandt and", "said", ["Brandt and councilwoman Rita Osei"], joint, "indirect"
        ),
        attribution(t, '"The ferry', "said", ["Brandt"], praise, "direct"),
        attribution(t, "", "said", ["Brandt"], praise, "direct", last=True),
    ]
    return article, build_claims(article, nlp(TEXT), atts)


def by_text(claims: list[Claim], fragment: str) -> list[Claim]:
    return [c for c in claims if fragment in c.text]


def test_offsets_are_raw_offsets(claims) -> None:
    article, found = claims
    assert found
    for claim in found:
        assert article.raw[claim.start : claim.end] == claim.text
        assert claim.cue is not None and claim.cue_start is not None
        assert article.raw[claim.cue_start : claim.cue_end] == claim.cue
        assert claim.start >= len(NOISE)


def test_joint_statement_gives_one_claim_per_speaker(claims) -> None:
    _, found = claims
    joint = by_text(found, "was finished")
    assert {c.speaker.key for c in joint} == {"person:paul-brandt", "person:rita-osei"}
    assert len({(c.start, c.end, c.text) for c in joint}) == 1
    for claim in joint:
        assert claim.co_speakers == tuple(
            k for k in {c.speaker.key for c in joint} if k != claim.speaker.key
        )


def test_duplicated_statement_is_emitted_once(claims) -> None:
    _, found = claims
    assert len(by_text(found, "The ferry terminal is a triumph")) == 1
    seen = [(c.speaker.key, normalized_text(c.text)) for c in found]
    assert len(seen) == len(set(seen))


def test_praise_and_criticism_have_opposite_stances_on_a_shared_topic(claims) -> None:
    _, found = claims
    [praise] = [c for c in found if c.text == "a triumph"]
    [criticism] = by_text(found, "is not safe")
    assert praise.speaker.name == "Paul Brandt"
    assert (criticism.speaker.type, criticism.outlet) == ("anonymous", "Lakeside Ledger")
    assert criticism.kind == "direct"
    assert (praise.stance, criticism.stance) == ("positive", "negative")
    assert set(praise.topics) & set(criticism.topics)


def test_founding_example_praise_and_staffer_criticism(nlp: Language) -> None:
    from kg.clean import clean

    raw = (ROOT / "examples" / "twitter-spaces-desantis-launch.txt").read_text(encoding="utf-8")
    article = clean(RawArticle(raw=raw, origin="example"))
    t = article.text
    quote = t[
        t.index("“", t.index("largely a prototype") - 20) + 1 : t.index(",”", t.index("largely a"))
    ]
    atts = [
        attribution(t, "who during the call", "labeled", ["who"], "a good sign", "direct"),
        attribution(t, quote, "told", ["a former staffer"], quote, "direct"),
    ]  # fmt: skip
    praise, criticism = build_claims(article, nlp(t), atts)
    assert praise.speaker.type == "person" and praise.cue == "labeled"
    assert (criticism.speaker.type, criticism.outlet) == ("anonymous", "CNN")
    assert (praise.stance, criticism.stance) == ("positive", "negative")
    # Topics are named by the claim itself, never borrowed from a neighbouring sentence: what
    # links these two is the journalist's signal (tests/kg/test_contradiction_kinds.py).
    assert criticism.topics
    assert all(word in criticism.text.lower() for t in criticism.topics for word in t.split())
    assert raw[criticism.start : criticism.end] == criticism.text


def test_whole_chain_on_an_article_written_for_tests(nlp: Language) -> None:
    attribution_module = pytest.importorskip("kg.attribution")
    from kg.clean import clean

    path = ROOT / "tests" / "data" / "articles" / "harbor-bridge-dispute.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    article = clean(RawArticle(raw=path.read_text(encoding="utf-8"), origin=str(path)))
    doc = nlp(article.text)
    found = build_claims(article, doc, attribution_module.extract(doc))
    mayor = [c for c in found if "Okafor" in c.speaker.name and c.stance == "positive"]
    engineer = [c for c in found if c.speaker.type == "anonymous" and c.stance == "negative"]
    assert mayor and engineer
    assert any(set(m.topics) & set(e.topics) for m in mayor for e in engineer)
    assert any(c.outlet == "Riverside Gazette" for c in engineer)
