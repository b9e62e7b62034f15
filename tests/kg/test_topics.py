"""Topic keys, article-level linking and the fallback chain, on text written for these tests."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import load_nlp
from kg.topics import ArticleTopics, topics_of

TEXT = (
    "The Harbor Street bridge reopened on Monday after two years of work.\n\n"
    "Mayor Linda Okafor said the bridge was a triumph for the city. "
    "An engineer said it was unsafe. "
    "Residents said the new parking fees were too high. "
    "The bridge carries 40,000 cars a day, and the fees fund the bridge repairs."
)


@pytest.fixture(scope="module")
def doc() -> Doc:
    nlp: Language = load_nlp()
    return nlp(TEXT)


def chars(doc: Doc, fragment: str, anchor: str = "") -> Span:
    start = TEXT.index(fragment, TEXT.index(anchor) if anchor else 0)
    span = doc.char_span(start, start + len(fragment))
    assert span is not None
    return span


def test_compound_keys_link_to_the_more_frequent_head(doc: Doc) -> None:
    topics = ArticleTopics.of(doc)
    assert topics.counts["harbor street bridge"] == 1
    assert topics.key("harbor street bridge") == "bridge"
    assert topics.salient("bridge")
    assert not topics.salient("triumph")
    assert ArticleTopics.of(doc) is topics


def test_content_topics_exclude_the_speaker_and_rank_the_subject_first(doc: Doc) -> None:
    content = chars(doc, "the bridge was a triumph for the city")
    context = content.sent
    found = topics_of(doc, content, context, exclude=["Linda Okafor"])
    assert found[0] == "bridge"
    assert "linda okafor" not in found and "okafor" not in found


def test_pronoun_content_falls_back_to_a_shared_article_topic(doc: Doc) -> None:
    praise = topics_of(doc, chars(doc, "the bridge was a triumph"), chars(doc, "Mayor").sent)
    content = chars(doc, "it was unsafe")
    criticism = topics_of(doc, content, content.sent, skip={t.i for t in chars(doc, "An engineer")})
    assert "bridge" in set(praise) & set(criticism)


def test_claims_about_different_things_do_not_share_topics(doc: Doc) -> None:
    fees = chars(doc, "the new parking fees were too high")
    bridge = chars(doc, "the bridge was a triumph for the city")
    found_fees = topics_of(doc, fees, fees.sent)
    found_bridge = topics_of(doc, bridge, bridge.sent)
    assert found_fees[0] == ArticleTopics.of(doc).key("parking fee") == "fee"
    assert not set(found_fees) & set(found_bridge)


def test_quantities_and_dates_are_not_topics(doc: Doc) -> None:
    topics = ArticleTopics.of(doc)
    assert not {"monday", "two years", "40 000"} & set(topics.counts)


def test_only_a_pronoun_subject_borrows_the_previous_sentences_topic() -> None:
    text = (
        "The ferry pier reopened.\nThe ferry pier is busy again. "
        "A clerk said the kiosk opened late. The ferry pier was packed. "
        "A guard said it was crowded."
    )
    doc = load_nlp()(text)

    def found(fragment: str, source: str) -> tuple[str, ...]:
        start = text.index(fragment)
        content = doc.char_span(start, start + len(fragment))
        skip = {t.i for t in doc.char_span(text.index(source), text.index(source) + len(source))}
        return topics_of(doc, content, content.sent, skip=skip)

    assert "ferry pier" not in found("the kiosk opened late", "A clerk")
    assert "kiosk" in found("the kiosk opened late", "A clerk")
    assert "ferry pier" in found("it was crowded", "A guard")
