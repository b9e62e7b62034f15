"""Speaker resolution on articles written for these tests (names, descriptions, pronouns)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.model import Attribution, TextSpan
from kg.nlp import load_nlp
from kg.speakers import AttributionSpeakers, resolve_speakers, slug

BRIDGE = (
    "Mayor Linda Okafor on Monday hailed the rebuilt Harbor Street bridge. "
    '"This bridge is safe," Okafor said. '
    "But a senior engineer who worked on the project told the Riverside Gazette that the bridge "
    "was rushed. "
    '"The bridge is not ready," the engineer said. '
    "Gov. Tom Hale and Okafor said repairs were done. "
    "Critics said the cost was too high. "
    "Two city officials told the Gazette that inspections were cut short. "
    "At least three Acme executives said the steel was late. "
    "They said the contract was unfair. "
    "A White House official said the funds were released. "
    "The city's transportation department said inspections would continue."
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def span(text: str, fragment: str, anchor: str = "") -> TextSpan:
    start = text.index(fragment, text.index(anchor) if anchor else 0)
    return TextSpan(start, start + len(fragment), fragment)


def attribution(
    text: str, anchor: str, cue: str, sources: list[str], content: str, kind: str = "indirect"
) -> Attribution:
    """An attribution whose parts are the first matches at or after ``anchor``."""
    return Attribution(
        cue=span(text, cue, anchor),
        sources=tuple(span(text, s, anchor) for s in sources),
        contents=(span(text, content, anchor),),
        kind=kind,  # type: ignore[arg-type]
    )


def resolve(doc: Doc, *attributions: Attribution) -> list[AttributionSpeakers]:
    return resolve_speakers(doc, attributions, article_id="art1")


@pytest.fixture(scope="module")
def bridge(nlp: Language) -> tuple[Doc, list[Attribution], list[AttributionSpeakers]]:
    doc = nlp(BRIDGE)
    t = BRIDGE
    atts = [
        attribution(t, '"This bridge', "said", ["Okafor"], "This bridge is safe", "direct"),
        attribution(t, "But a senior", "told", ["a senior engineer"], "the bridge was rushed"),
        attribution(t, '"The bridge is', "said", ["the engineer"], "The bridge is not ready"),
        attribution(t, "Gov.", "said", ["Gov. Tom Hale and Okafor"], "repairs were done"),
        attribution(t, "Critics", "said", ["Critics"], "the cost was too high"),
        attribution(t, "Two city", "told", ["Two city officials"], "inspections were cut short"),
        attribution(
            t, "At least", "said", ["At least three Acme executives"], "the steel was late"
        ),
        attribution(t, "They said", "said", ["They"], "the contract was unfair"),
        attribution(t, "A White", "said", ["A White House official"], "the funds were released"),
        attribution(
            t, "The city's", "said", ["The city's transportation department"], "inspections would"
        ),
    ]
    return doc, atts, resolve(doc, *atts)


def test_named_person_clusters_surname_and_strips_title(bridge) -> None:
    _, _, result = bridge
    [okafor] = result[0].speakers
    assert okafor.key == "person:linda-okafor"
    assert okafor.name == "Linda Okafor"
    assert okafor.type == "person"


def test_coordinated_sources_give_one_speaker_each(bridge) -> None:
    _, _, result = bridge
    assert [s.key for s in result[3].speakers] == ["person:tom-hale", "person:linda-okafor"]


def test_anonymous_source_with_outlet_and_later_definite_reference(bridge) -> None:
    _, _, result = bridge
    [engineer] = result[1].speakers
    assert engineer.type == "anonymous"
    assert "senior engineer" in engineer.name
    assert engineer.key.startswith("anon:art1:")
    assert engineer.count == 1
    assert result[1].outlet == "Riverside Gazette"
    assert result[2].speakers == (engineer,)
    assert result[2].outlet is None


def test_counts_affiliations_and_outlets_of_anonymous_sources(bridge) -> None:
    _, _, result = bridge
    [officials] = result[5].speakers
    assert (officials.type, officials.count, result[5].outlet) == ("anonymous", 2, "Gazette")
    [executives] = result[6].speakers
    assert (executives.type, executives.count, executives.affiliation) == ("anonymous", 3, "Acme")
    [official] = result[8].speakers
    assert (official.type, official.affiliation) == ("anonymous", "White House")


def test_plural_pronoun_resolves_to_preceding_plural_source(bridge) -> None:
    _, _, result = bridge
    assert result[7].speakers == result[6].speakers


def test_crowds_are_groups_and_institutions_organizations(bridge) -> None:
    _, _, result = bridge
    [critics] = result[4].speakers
    assert (critics.type, critics.name) == ("group", "Critics")
    [department] = result[9].speakers
    assert department.type == "organization"
    assert "transportation department" in department.name


def test_same_person_in_two_articles_has_one_key(nlp: Language) -> None:
    text = 'City manager Zoë Ortiz-Lane opened the meeting. "We are on budget," Ortiz-Lane said.'
    doc = nlp(text)
    [result] = resolve(doc, attribution(text, '"We', "said", ["Ortiz-Lane"], "We are on budget"))
    assert result.speakers[0].key == "person:" + slug("Zoë Ortiz-Lane")
    assert result.speakers[0].key == "person:zoe-ortiz-lane"


def test_singular_pronoun_and_relative_pronoun(nlp: Language) -> None:
    text = (
        "Harold Finch, who founded the company, said profits were up. "
        "Analysts expected a loss. He said the quarter was strong."
    )
    doc = nlp(text)
    first, second = resolve(
        doc,
        attribution(text, "Harold", "said", ["who"], "profits were up"),
        attribution(text, "He said", "said", ["He"], "the quarter was strong"),
    )
    assert first.speakers[0].key == "person:harold-finch"
    assert second.speakers == first.speakers


def test_definite_description_resolves_to_salient_person(nlp: Language) -> None:
    text = (
        "Investor Harold Finch bought the stadium last year. "
        '"It will be full every night," the 70-year-old billionaire said.'
    )
    doc = nlp(text)
    [result] = resolve(
        doc,
        attribution(text, '"It', "said", ["the 70-year-old billionaire"], "It will be full"),
    )
    assert result.speakers[0].key == "person:harold-finch"


def test_description_given_by_apposition(nlp: Language) -> None:
    text = (
        "Maria Lopez, the agency's chief scientist, presented the data. "
        "Board members asked questions. The weather was calm. "
        "The scientist said the samples were clean."
    )
    doc = nlp(text)
    [result] = resolve(
        doc, attribution(text, "The scientist", "said", ["The scientist"], "the samples were")
    )
    assert result.speakers[0].key == "person:maria-lopez"


def test_indefinite_pronoun_sources_are_unnamed_groups(nlp: Language) -> None:
    text = '"The park is lovely," someone wrote. "The park is filthy," another wrote.'
    doc = nlp(text)
    a, b = resolve(
        doc,
        attribution(text, '"The park is l', "wrote", ["someone"], "The park is lovely"),
        attribution(text, '"The park is f', "wrote", ["another"], "The park is filthy"),
    )
    for result in (a, b):
        [speaker] = result.speakers
        assert speaker.type == "group"
        assert "another" not in speaker.name.lower()
    assert a.speakers[0].key != b.speakers[0].key


def test_outlets_from_interview_and_speaking_to(nlp: Language) -> None:
    text = (
        "The coach said in an interview with Fox News that the team was tired. "
        "Two players speaking to The Chronicle said the trip was long. "
        "The owner told reporters the price was fair."
    )
    doc = nlp(text)
    interview, speaking, reporters = resolve(
        doc,
        attribution(text, "The coach", "said", ["The coach"], "the team was tired"),
        attribution(
            text,
            "Two players",
            "said",
            ["Two players speaking to The Chronicle"],
            "the trip was long",
        ),
        attribution(text, "The owner", "told", ["The owner"], "the price was fair"),
    )
    assert interview.outlet == "Fox News"
    assert speaking.outlet == "The Chronicle"
    assert reporters.outlet is None


def test_unresolvable_pronoun_is_unknown(nlp: Language) -> None:
    text = "The river rose overnight. She said the dam would hold."
    doc = nlp(text)
    [result] = resolve(doc, attribution(text, "She", "said", ["She"], "the dam would hold"))
    [speaker] = result.speakers
    assert (speaker.type, speaker.name) == ("unknown", "She")


def test_attribution_without_source_has_no_speaker(nlp: Language) -> None:
    text = '"We will win," the banner read.'
    doc = nlp(text)
    result = resolve_speakers(
        doc, [Attribution(None, (), (span(text, "We will win"),), "direct")], article_id="x"
    )
    assert result == [AttributionSpeakers((), None)]
