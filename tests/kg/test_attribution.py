"""Attribution extraction on sentences written for these tests (one construction each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.attribution import extract
from kg.cues import load_lexicon
from kg.model import Attribution
from kg.nlp import load_nlp

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "twitter-spaces-desantis-launch.txt"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def run(nlp, text: str) -> list[Attribution]:
    return extract(nlp(text))


def one(nlp, text: str) -> Attribution:
    atts = run(nlp, text)
    assert len(atts) == 1, [(a.cue, a.contents) for a in atts]
    return atts[0]


def texts(spans) -> list[str]:
    return [s.text for s in spans]


def test_offsets_are_doc_character_offsets(nlp):
    text = "Up front. The mayor said the bridge would reopen in May."
    for att in run(nlp, text):
        for span in (att.cue, *att.sources, *att.contents):
            assert text[span.start : span.end] == span.text


def test_direct_quote_curly_split_around_cue(nlp):
    att = one(nlp, "“We will win the vote,” Governor Alvarez said, “and then we will rest.”")
    assert att.kind == "direct"
    assert att.cue.text == "said"
    assert texts(att.sources) == ["Governor Alvarez"]
    assert texts(att.contents) == ["“We will win the vote,”", "“and then we will rest.”"]


def test_direct_quote_straight_marks_and_next_sentence(nlp):
    att = one(nlp, '"The bridge is unsafe," the engineer told reporters. "It should close."')
    assert att.cue.text == "told"
    assert texts(att.sources) == ["the engineer"]
    assert texts(att.contents) == ['"The bridge is unsafe,"', '"It should close."']


def test_multi_paragraph_quote_joins_its_speaker(nlp):
    text = (
        'The coach met the press on Monday.\n\n"We lost focus. We paid for it.\n\n'
        '"Next week will be different," she said.'
    )
    att = one(nlp, text)
    assert texts(att.sources) == ["she"]
    joined = " ".join(texts(att.contents))
    assert "We lost focus" in joined and "Next week will be different" in joined


def test_quote_after_colon(nlp):
    att = one(nlp, 'The chef said: "Nobody leaves this kitchen hungry."')
    assert att.kind == "direct"
    assert texts(att.sources) == ["The chef"]
    assert "Nobody leaves this kitchen hungry" in att.contents[0].text


def test_indirect_speech_with_and_without_that(nlp):
    att = one(nlp, "The inspector said that the wiring was faulty.")
    assert att.kind == "indirect"
    assert texts(att.contents) == ["that the wiring was faulty"]
    att = one(nlp, "The inspector argued the wiring was faulty.")
    assert att.cue.text == "argued"
    assert texts(att.contents) == ["the wiring was faulty"]


def test_according_to(nlp):
    att = one(nlp, "According to the health ministry, infections fell by a third last month.")
    assert att.cue.text == "According to"
    assert texts(att.sources) == ["the health ministry"]
    assert texts(att.contents) == ["infections fell by a third last month"]


def test_told_outlet_and_anonymous_source(nlp):
    att = one(nlp, "A former aide told the Gazette that the senator rarely read his briefings.")
    assert att.cue.text == "told"
    assert texts(att.sources) == ["A former aide"]
    assert texts(att.contents) == ["that the senator rarely read his briefings"]


def test_inverted_source_after_content(nlp):
    att = one(
        nlp, "The new tariffs will hurt farmers, said Petra Holm, an economist at Delmar Bank."
    )
    assert att.sources[0].text.startswith("Petra Holm")
    assert texts(att.contents) == ["The new tariffs will hurt farmers"]


def test_mined_cues_beyond_say_and_group_sources(nlp):
    for text, cue, source in [
        ("Officials warned that the storm could flood the coast.", "warned", "Officials"),
        ("She insisted the contract was legal.", "insisted", "She"),
        ("Polls suggest the incumbent is losing ground.", "suggest", "Polls"),
        ("The union claims the factory broke safety rules.", "claims", "The union"),
    ]:
        att = one(nlp, text)
        assert att.cue.text == cue and texts(att.sources) == [source]


def test_conjoined_sources_are_one_mention(nlp):
    att = one(nlp, "Mayor Jenkins and Councilor Park said the library would reopen in May.")
    assert texts(att.sources) == ["Mayor Jenkins and Councilor Park"]


def test_source_leaves_out_trailing_participle(nlp):
    att = one(nlp, "The governor, speaking at a rally on Monday, said taxes would fall next year.")
    assert texts(att.sources) == ["The governor"]
    assert texts(att.contents) == ["taxes would fall next year"]


def test_mixed_quote_inside_paraphrase(nlp):
    att = one(nlp, "The senator said the bill was “a disaster for rural towns.”")
    assert att.kind == "mixed"


def test_no_source_passive(nlp):
    atts = run(nlp, "It was reported that the plant would close next year.")
    assert any(not a.sources and "plant would close" in a.contents[0].text for a in atts)


def test_no_attribution_in_plain_narration(nlp):
    assert run(nlp, "The river rose two feet overnight and the ferry stopped running.") == []


def test_each_token_in_at_most_one_attribution(nlp):
    doc = nlp("The aide said the minister claimed that taxes would fall, and critics disagreed.")
    seen: set[int] = set()
    for att in extract(doc):
        for span in (att.cue, *att.contents):
            chars = set(range(span.start, span.end))
            assert not chars & seen
            seen |= chars


def test_founding_example_smoke(nlp):
    if not EXAMPLE.is_file():
        pytest.skip(f"example article missing: {EXAMPLE}")
    atts = extract(nlp(EXAMPLE.read_text(encoding="utf-8")))

    def find(fragment: str) -> Attribution:
        hits = [a for a in atts if any(fragment in c.text for c in a.contents)]
        assert hits, fragment
        return hits[0]

    assert "South African mogul" in " ".join(texts(find("Top Story on Earth Today").sources))
    assert texts(find("mass attention").sources) == ["he"]
    assert find("That was insane").kind == "direct"
    told = find("problem was server bandwidth")
    assert len(told.sources) == 1 and " and " in told.sources[0].text
    labeled = find("a good sign")
    assert labeled.cue.text == "labeled" and texts(labeled.sources) == ["who"]
    assert labeled.contents[0].text.startswith("traffic")
    assert labeled.kind == "mixed"


def test_called_object_with_quoted_complement(nlp):
    att = one(nlp, 'At the hearing, Senator Alvarez called the proposal "a gift to polluters."')
    assert att.cue.text == "called"
    assert texts(att.sources) == ["Senator Alvarez"]
    assert texts(att.contents) == ['the proposal "a gift to polluters."']
    assert att.kind == "mixed"


def test_described_and_labeled_as_complement(nlp):
    att = one(nlp, "The economist described the recovery as fragile.")
    assert texts(att.contents) == ["the recovery as fragile"]
    text = (
        'The planner, who during the meeting labeled cars parked on the bridge as "a hazard," left.'
    )
    att = one(nlp, text)
    assert att.cue.text == "labeled" and texts(att.sources) == ["who"]
    assert att.contents[0].text.startswith("cars parked") and '"a hazard,"' in att.contents[0].text


def test_addressee_object_is_not_the_content(nlp):
    att = one(nlp, "The budget will shrink next year, the treasurer told the council.")
    assert att.cue.text == "told"
    assert texts(att.sources) == ["the treasurer"]
    assert texts(att.contents) == ["The budget will shrink next year"]


def test_raising_and_passive_subjects_are_content(nlp):
    att = one(nlp, "The bill is expected to pass next week.")
    assert att.sources == ()
    assert texts(att.contents) == ["The bill", "to pass next week"]
    att = one(nlp, "The judge seemed unconvinced by the defense.")
    assert att.sources == () and att.contents[0].text == "The judge"
    att = one(nlp, "The plan was criticized by environmental groups.")
    assert texts(att.sources) == ["environmental groups"]
    assert texts(att.contents) == ["The plan"]


def test_headline_colon_speaker(nlp):
    att = one(nlp, "Mayor Okafor: Transit fares will not rise this year\n\nThe mayor spoke Monday.")
    assert att.cue.text == ":"
    assert texts(att.sources) == ["Mayor Okafor"]
    assert texts(att.contents) == ["Transit fares will not rise this year"]


def test_transcript_question_and_answer_markers_are_not_speakers(nlp):
    assert (
        run(nlp, "Q: Will you run again?\nA: Perhaps in four years, after the farm is sold.") == []
    )


def test_finding_reported_in_a_poll(nlp):
    att = one(nlp, "In a recent Gallup poll, most voters backed the measure.")
    assert att.cue.text == "In"
    assert texts(att.sources) == ["a recent Gallup poll"]
    assert texts(att.contents) == ["most voters backed the measure"]


def test_noun_cue_with_possessive_source(nlp):
    att = one(nlp, "The governor's claim that the deficit had vanished drew criticism.")
    assert att.cue.text == "claim"
    assert texts(att.sources) == ["The governor's"]
    assert texts(att.contents) == ["that the deficit had vanished"]


def test_control_chain_joins_the_cue(nlp):
    att = one(nlp, "The engineer was quick to add that the tunnel is safe.")
    assert att.cue.text == "was quick to add"
    assert texts(att.sources) == ["The engineer"]


def test_participle_inherits_the_clause_subject(nlp):
    att = one(nlp, "Protesters marched downtown, demanding that the council resign.")
    assert att.cue.text == "demanding" and texts(att.sources) == ["Protesters"]


def test_speaker_after_inverted_cue(nlp):
    att = one(nlp, '"We are not done," added a union spokesman.')
    assert texts(att.sources) == ["a union spokesman"]
    assert att.kind == "direct"


def test_quote_after_paraphrase_continues_it(nlp):
    att = one(nlp, 'The coach said the team was tired. "We need a week off."')
    assert texts(att.contents) == ["the team was tired", '"We need a week off."']
    assert att.kind == "mixed"


def test_content_keeps_complements_the_parser_hung_on_the_verb(nlp):
    att = one(nlp, "The minister praised the efforts of the envoy to broker a ceasefire.")
    assert texts(att.contents) == ["the efforts of the envoy to broker a ceasefire"]


def test_adjacent_quote_stays_in_its_paragraph(nlp):
    text = '"The vote was fair," the clerk said.\n\nThe mayor did not respond to requests.'
    others = [a for a in run(nlp, text) if a.cue.text != "said"]
    assert all("The vote was fair" not in c.text for a in others for c in a.contents)


def test_prepositional_content_running_into_a_quote(nlp):
    text = (
        "The nurses union has long argued against hiring agency staff "
        'for shifts it calls "too risky."'
    )
    att = one(nlp, text)
    assert texts(att.sources) == ["The nurses union"]
    assert att.contents[0].text.startswith("hiring agency staff")
    assert att.contents[-1].text.endswith('"too risky."')
    assert att.kind == "mixed"


def test_quote_belongs_to_the_participle_between_cue_and_quote(nlp):
    atts = run(nlp, 'The mayor responded on Twitter, calling the plan "reckless" and "cruel."')
    calling = [a for a in atts if a.cue.text == "calling"]
    assert len(calling) == 1
    assert texts(calling[0].contents) == ['the plan "reckless" and "cruel."']
    assert all("reckless" not in c.text for a in atts if a is not calling[0] for c in a.contents)


def test_active_subject_of_expect_is_the_source(nlp):
    att = one(nlp, "Analysts expect the central bank to raise rates in June.")
    assert texts(att.sources) == ["Analysts"]
    assert texts(att.contents) == ["the central bank to raise rates in June"]
    passive = one(nlp, "The toll is expected to rise next year.")
    assert not passive.sources
    assert passive.contents[0].text.startswith("The toll")


def test_colon_cue_takes_the_next_paragraph(nlp):
    text = "In a 2019 speech, the senator declared:\n\n“Our harbor will be rebuilt, and we stay.”\n"
    att = one(nlp, text)
    assert att.cue.text.startswith("declared")
    assert texts(att.sources) == ["the senator"]
    assert texts(att.contents) == ["“Our harbor will be rebuilt, and we stay.”"]


def test_next_quote_continues_the_fully_quoted_speaker(nlp):
    text = (
        "“We are ready,” the coach told the club radio on Sunday after hinting that “changes”"
        " would come. “Nobody is safe in this squad.”"
    )
    told = next(a for a in run(nlp, text) if a.cue.text == "told")
    assert texts(told.contents) == ["“We are ready,”", "“Nobody is safe in this squad.”"]


def test_coordinated_that_clause_stays_in_the_content(nlp):
    head = "The treasurer said the city would repay the loan"
    att = one(nlp, f"{head}, but that taxes would not rise.")
    assert texts(att.contents) == ["the city would repay the loan, but that taxes would not rise"]
    atts = run(nlp, f"{head}, and added that taxes would not rise.")
    assert [a.cue.text for a in atts] == ["said", "added"]
    assert texts(atts[0].contents) == ["the city would repay the loan"]


def test_unseen_verb_with_a_clause_backs_off_to_rare_words(nlp):
    assert "intimate|V" not in load_lexicon().probs
    att = one(nlp, "The senator intimated that the harbor vote would fail.")
    assert att.cue.text == "intimated"
    assert texts(att.sources) == ["The senator"]
    assert texts(att.contents) == ["that the harbor vote would fail"]


def test_quote_in_a_new_paragraph_does_not_continue_a_paraphrase(nlp):
    quote = '"We will cut taxes next year, and nobody will stop us."'
    att = one(nlp, f"The mayor said the budget was balanced.\n\n{quote}")
    assert texts(att.contents) == ["the budget was balanced"]


def test_next_sentence_continues_only_a_quoting_speaker(nlp):
    rest = 'They can fall, but only "if rates drop."'
    att = one(nlp, f'"Prices are high," the economist said. {rest}')
    assert texts(att.contents) == ['"Prices are high,"', rest]
    att = one(nlp, f"The economist said prices were high. {rest}")
    assert texts(att.contents) == ["prices were high"]


def test_unquoted_clause_before_the_cue_is_the_writers(nlp):
    att = one(nlp, "There is less consensus on trade: 47% say the tariffs should go.")
    assert texts(att.sources) == ["47%"]
    assert texts(att.contents) == ["the tariffs should go"]


def test_object_of_a_control_verb_is_content_but_a_hearer_is_not(nlp):
    att = one(nlp, "The senator urged Congress to pass the bill.")
    assert texts(att.contents) == ["Congress to pass the bill"]
    att = one(nlp, "The coach told reporters to wait outside.")
    assert texts(att.contents) == ["to wait outside"]


def test_date_after_the_object_stays_out_of_the_content(nlp):
    att = one(nlp, "The governor endorsed Ms. Lopez in December.")
    assert texts(att.contents) == ["Ms. Lopez"]


def test_verb_coordinated_inside_the_clause_but_continuing_the_cue(nlp):
    atts = run(
        nlp, "The farmer said he makes $41,000 a year and questioned how the plan would help him."
    )
    assert [(a.cue.text, texts(a.sources), texts(a.contents)) for a in atts] == [
        ("said", ["The farmer"], ["he makes $41,000 a year"]),
        ("questioned", ["The farmer"], ["how the plan would help him"]),
    ]
    att = one(nlp, "The senator said he would raise taxes and cut spending.")
    assert texts(att.contents) == ["he would raise taxes and cut spending"]


def test_for_before_an_infinitive_clause_belongs_to_the_cue(nlp):
    att = one(nlp, "The mayor called for the council to approve the budget.")
    assert att.cue.text == "called for"
    assert texts(att.contents) == ["the council to approve the budget"]


def test_reporting_participle_after_a_clause_is_its_own_attribution(nlp):
    atts = run(
        nlp, "Officials said the storm damaged the port, warning that repairs could take months."
    )
    assert [(a.cue.text, texts(a.sources), texts(a.contents)) for a in atts] == [
        ("said", ["Officials"], ["the storm damaged the port"]),
        ("warning", ["Officials"], ["that repairs could take months"]),
    ]
