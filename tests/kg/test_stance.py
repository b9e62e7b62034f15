"""Stance on sentences written for these tests: lexicon, negation scope, neutral reports."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.nlp import load_nlp
from kg.stance import THRESHOLD, hedged, negated, stance_of, stance_of_parts


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The new ferry terminal is a good sign for the harbor.", "positive"),
        ("The library is a wonderful place for our children.", "positive"),
        ("The reactor is reliable.", "positive"),
        ("The payroll system works.", "positive"),
        ("The bridge is not ready for heavy traffic.", "negative"),
        ("The software was largely a mockup, not a finished product.", "negative"),
        ("The new turbine never worked.", "negative"),
        ("The reactor is not reliable.", "negative"),
        ("The bridge was rushed and unsafe.", "negative"),
        ("The app is buggy and crashed twice.", "negative"),
        ("The launch was scheduled for 6 p.m. on Wednesday.", "neutral"),
        ("The city bought 300 buses for 40 million dollars.", "neutral"),
        ("She works at a bank in the old town.", "neutral"),
    ],
)
def test_stance_of_sentences(nlp: Language, sentence: str, expected: str) -> None:
    stance, score = stance_of(nlp(sentence)[:])
    assert stance == expected, score
    assert -1.0 <= score <= 1.0
    assert (abs(score) >= THRESHOLD) == (expected != "neutral")


@pytest.mark.parametrize("sentence", ["The rollout was not a disaster.", "The food is not bad."])
def test_negated_negative_is_not_negative(nlp: Language, sentence: str) -> None:
    stance, _ = stance_of(nlp(sentence)[:])
    assert stance != "negative"


def test_negation_flips_the_same_predicate(nlp: Language) -> None:
    _, plain = stance_of(nlp("The dam is safe.")[:])
    _, negative = stance_of(nlp("The dam is not safe.")[:])
    assert plain > 0 > negative


@pytest.mark.parametrize(
    ("hedged_sentence", "asserted"),
    [
        ("The dam may not be safe in a flood.", "The dam is not safe in a flood."),
        ("The new depot could be unreliable.", "The new depot is unreliable."),
        ("The ferry terminal is perhaps a failure.", "The ferry terminal is a failure."),
    ],
)
def test_hedged_predicates_take_no_side(nlp: Language, hedged_sentence: str, asserted: str) -> None:
    assert stance_of(nlp(hedged_sentence)[:])[0] == "neutral"
    assert stance_of(nlp(asserted)[:])[0] == "negative"


def test_hedge_scope_is_the_clause(nlp: Language) -> None:
    doc = nlp("The pier may reopen soon, and the new cafe is excellent.")
    assert stance_of(doc[:])[0] == "positive"
    assert [hedged(t) for t in doc if t.lower_ in {"reopen", "excellent"}] == [True, False]


def test_negation_scope_follows_the_parse(nlp: Language) -> None:
    doc = nlp("The tunnel is not, according to the report, ready. The station is ready.")
    readies = [t for t in doc if t.lower_ == "ready"]
    assert [negated(t) for t in readies] == [True, False]


def test_proper_names_carry_no_sentiment(nlp: Language) -> None:
    assert stance_of(nlp("Joy Hope met Grace Love in Paris.")[:]) == ("neutral", 0.0)


def test_parts_of_a_split_quote_add_up(nlp: Language) -> None:
    text = '"The roof is unsafe," the inspector said. "The wiring is unreliable."'
    doc = nlp(text)
    first = doc.char_span(1, text.index(","))
    start = text.index("The wiring")
    second = doc.char_span(start, text.rindex("."))
    assert first is not None and second is not None
    _, one = stance_of(first)
    stance, both = stance_of_parts([first, second])
    assert stance == "negative"
    assert both < one < 0
