"""Noise removal rules, the offset map back to raw text, and no damage to clean articles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.clean import (
    clean,
    clean_with_report,
    has_no_letters,
    headline,
    is_boilerplate,
    is_server_error,
    normalize,
)
from kg.model import Article, RawArticle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "twitter-spaces-desantis-launch.txt"
POLNEAR_TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"

BODY = (
    "The city council voted on Tuesday to close the old ferry terminal, a decision that "
    "surprised residents who had campaigned for years to keep it open."
)
QUOTE = "\u201cWe listened, and we disagreed,\u201d said council member Ines Halvorsen."


def _raw(*paras: str, title: str | None = None) -> RawArticle:
    return RawArticle("\n\n".join(paras), origin="test", title=title)


def _rules(raw: RawArticle) -> dict[str, str]:
    _, removals = clean_with_report(raw)
    return {raw.raw[r.start : r.end]: r.rule for r in removals}


def _assert_offsets(article: Article) -> None:
    raw, text, offsets = article.raw, article.text, article.offsets
    assert len(offsets) == len(text) + 1
    assert list(offsets) == sorted(offsets)
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert raw[offsets[i]] == ch, (i, ch)


@pytest.mark.parametrize(
    "line",
    [
        "Warning: Undefined array key 3 in /var/www/html/wp-content/themes/x/single.php on line 12",
        "Notice: Trying to access array offset on value of type null in /srv/www/a.php on line 7",
        "PHP Fatal error:  Uncaught Error: Call to undefined function foo() in /home/ed/app.php:4",
        "Deprecated: Function create_function() is deprecated on line 88",
        "Stack trace:",
        "#0 /var/www/site/wp-includes/class-wp-hook.php(310): render_widget()",
        "#1 {main}",
        "Traceback (most recent call last):",
        'File "/opt/app/views.py", line 41, in render',
        "at org.example.feed.Parser.read(Parser.java:118)",
        "/var/www/vhosts/example.org/httpdocs/wp-content/plugins/cache/lib/cache.php",
        "Undefined index: author_name on line 214",
    ],
)
def test_server_error_lines_are_detected(line: str) -> None:
    assert is_server_error(line)


@pytest.mark.parametrize(
    "line",
    [
        "Warning: the river is expected to crest on Friday, forecasters said.",
        "Fatal error, the coach admitted, was leaving the goal unguarded.",
        "Undefined index funds are a growing worry for regulators, analysts said.",
        "The file was stored on a server in Ohio, the agency said.",
    ],
)
def test_prose_that_looks_like_errors_is_kept(line: str) -> None:
    assert not is_server_error(line)


@pytest.mark.parametrize(
    "line",
    [
        "Scroll down for video",
        "SCROLL DOWN TO WATCH",
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Click here to read the full report",
        "Share this article",
        "Share",
        "Read more: Why the port strike ended early",
        "READ MORE",
        "Related: Five things to know about the budget",
        "Sign up for our morning newsletter",
        "Subscribe to our podcast here.",
        "Follow us on Instagram",
        "Follow @valleyledger",
        "\u00a9 2024 The Valley Ledger. All rights reserved.",
        "12 Comments",
        "Leave a comment",
        "Jane Doe/Getty Images",
        "(Photo by Sam Lee/AP)",
        "Photo: Harbour Authority",
        "Please enable JavaScript to view this content",
    ],
)
def test_boilerplate_lines_are_detected(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Read more books, the librarian urged the crowd.",
        "Advertisement revenue fell 12 percent, the company said.",
        "Copyright lawyers said the ruling would be appealed.",
        "The figures were first reported by Reuters.",
        "Share prices fell sharply after the announcement.",
        "Sign up for " + "the new programme was slower than expected, officials said " * 4,
    ],
)
def test_prose_starting_like_boilerplate_is_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_letterless_lines_go_but_list_markers_stay() -> None:
    assert has_no_letters("1685024157")
    assert has_no_letters("* * *")
    assert has_no_letters("2024-05-01 14:02:11")
    assert not has_no_letters("3.")
    assert not has_no_letters("(12)")
    assert not has_no_letters("42 percent")


def test_numbered_repeats_of_the_title_or_earlier_lines_are_removed() -> None:
    headline = "Mayor\u2019s budget plan \u2018collapses\u2019 \u2014 but council vows to try again"
    raw = _raw(
        headline,
        BODY,
        "1700000001 17 Mayor budget plan collapses \u2014 but",
        "1700000002 411 Mayor budget plan collapses \u2014 but council vo",
        "88 The city council voted on Tuesday to close",
        "2:15 p.m.: the council voted again on a smaller plan.",
        "12 senators said they would oppose the bill.",
        title=headline,
    )
    rules = _rules(raw)
    assert rules == {
        "1700000001 17 Mayor budget plan collapses \u2014 but": "counter_fragment",
        "1700000002 411 Mayor budget plan collapses \u2014 but council vo": "counter_fragment",
        "88 The city council voted on Tuesday to close": "counter_fragment",
    }


def test_title_metadata_is_used_for_counter_fragments() -> None:
    raw = _raw(BODY, "1700000003 5 Harbour talks stall again", title="Harbour talks stall again")
    assert _rules(raw) == {"1700000003 5 Harbour talks stall again": "counter_fragment"}
    assert _rules(_raw(BODY, "1700000003 5 Harbour talks stall again")) == {}


def test_exact_duplicates_ignore_quote_dash_space_and_case_differences() -> None:
    first = "Residents didn't expect the vote - many had already left for the holiday"
    second = "Residents didn\u2019t  expect the vote \u2014 many had ALREADY left for the holiday"
    raw = _raw(first, BODY, second, QUOTE)
    article, removals = clean_with_report(raw)
    assert [(raw.raw[r.start : r.end], r.rule) for r in removals] == [(second, "duplicate")]
    assert article.text.count("expect the vote") == 1 and first in article.text


def test_near_duplicate_caption_keeps_the_complete_body_paragraph() -> None:
    caption = BODY.replace("surprised", "stunned").rstrip(".")
    raw = _raw(caption, QUOTE, BODY, "Another paragraph follows here with more detail.")
    rules = _rules(raw)
    assert rules == {caption: "near_duplicate"}
    assert BODY in clean(raw).text


def test_near_duplicate_keeps_the_fuller_copy_and_first_on_ties() -> None:
    said = (
        "The new bridge over the estuary will be finished on time and on budget, and it will "
        "carry trams and cyclists by the spring of 2030"
    )
    pull = f"\u201c{said}.\u201d"
    full = f"\u201c{said},\u201d she said."
    assert _rules(_raw(pull, BODY, full)) == {pull: "near_duplicate"}
    later = BODY.replace("Tuesday", "Wednesday")
    assert _rules(_raw(BODY, QUOTE, later)) == {later: "near_duplicate"}


def test_short_and_far_apart_repeats_are_kept() -> None:
    short = "\u201cNo,\u201d she said."
    filler = [f"Paragraph {n} about the harbour budget and its many details." for n in range(15)]
    far = BODY.replace("Tuesday", "Wednesday")
    raw = _raw(short, BODY, *filler, short, far)
    assert _rules(raw) == {}


def test_truncated_prefix_lines_are_removed() -> None:
    cut = "The ruling on the dam - now described as a"
    full = (
        "The ruling on the dam \u2013 now described as a \u201clandmark\u201d by both sides "
        "\u2013 was read out."
    )
    teaser = "The city council voted on Tuesday to close the old ferry terminal"
    raw = _raw(BODY, QUOTE, teaser, cut, full)
    assert _rules(raw) == {teaser: "truncated_prefix", cut: "truncated_prefix"}


def test_mid_word_cut_is_a_prefix_but_complete_sentences_and_headings_are_not() -> None:
    assert _rules(_raw("The ruling on the dam was wel", "The ruling on the dam was welcomed.")) == {
        "The ruling on the dam was wel": "truncated_prefix"
    }
    sentence = "The ruling on the dam was welcomed."
    assert _rules(_raw(sentence, sentence[:-1] + " by farmers, a union said.")) == {}
    assert _rules(_raw("The ruling", "The ruling on the dam was welcomed by farmers.")) == {}


def test_noise_free_text_is_unchanged_with_identity_offsets() -> None:
    raw = RawArticle(f"\n  {BODY}\r\n{QUOTE}\n\n\n  Last line, he said.  \n", origin="test")
    article = clean(raw)
    assert article.text == raw.raw.strip()
    assert article.offsets == tuple(range(3, 3 + len(article.text) + 1))


def test_separator_over_removed_lines_maps_to_end_of_previous_paragraph() -> None:
    raw = _raw(BODY, "Advertisement", QUOTE)
    article = clean(raw)
    assert article.text == BODY + "\n\n" + QUOTE
    assert article.offsets[len(BODY)] == article.offsets[len(BODY) + 1] == len(BODY)
    start = article.text.index("said council")
    raw_start, raw_end = article.to_raw(start, start + len("said council"))
    assert raw.raw[raw_start:raw_end] == "said council"
    assert article.offsets[-1] == len(raw.raw)


def test_all_noise_gives_empty_text() -> None:
    article = clean(_raw("Advertisement", "1685000000", "Share this article"))
    assert article.text == "" and article.offsets == (0,)


NOISE = [
    "Advertisement",
    "Warning: Undefined index: id in /var/www/a.php on line 3",
    "1712345678 99 the old ferry terminal",
    "* * *",
    "Scroll down for video",
]
PROSE = [
    BODY,
    QUOTE,
    "Ferry users said they would \u2018keep fighting\u2019 \u2014 and a petition has 4,000 names.",
    "A spokesperson for the operator declined to comment.",
    "The council's decision \u2013 widely seen as a",
    "\u00c9lodie Marchand, 41, told the meeting: \u201cIt is our only link to the mainland.\u201d",
]


def test_offsets_round_trip_on_random_documents() -> None:
    rng = random.Random(1234)
    seps = ["\n", "\n\n", "\r\n", "\n \n", "\n\t\n\n"]
    for _ in range(300):
        lines = [rng.choice(PROSE + NOISE) for _ in range(rng.randint(0, 12))]
        text = "".join(rng.choice(["", "  "]) + line + rng.choice(seps) for line in lines)
        article, removals = clean_with_report(RawArticle(text or " ", origin="fuzz"))
        _assert_offsets(article)
        dropped = {i for r in removals for i in range(r.start, r.end)}
        assert not any(
            article.offsets[i] in dropped for i, ch in enumerate(article.text) if not ch.isspace()
        )
        for line in NOISE[:2] + NOISE[3:]:
            assert line not in article.text


def test_example_article_is_cleaned() -> None:
    raw = RawArticle(EXAMPLE.read_text(encoding="utf-8"), origin=str(EXAMPLE))
    article, removals = clean_with_report(raw)
    text = article.text
    _assert_offsets(article)
    assert "Warning:" not in text and "/var/www" not in text
    assert "1685024157" not in text and "1685024159" not in text
    assert "Scroll down for video" not in text
    assert text.count("took place on the social media site on Wednesday, but was marred") == 1
    assert text.count("hold back as they denounced the technical flaws") == 1
    assert "now labeled a\n" not in text + "\n" and "now labeled a \u201cdisaster\u201d" in text
    raw_quote_paras = [p for p in raw.raw.split("\n") if "\u201c" in p or "\u201d" in p]
    assert raw_quote_paras
    assert all(p.strip() in text for p in raw_quote_paras)
    assert {r.rule for r in removals} >= {"server_error", "boilerplate", "counter_fragment"}


@pytest.mark.polnear
def test_polnear_articles_are_not_damaged() -> None:
    if not POLNEAR_TRAIN.is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR_TRAIN}")
    files = sorted(POLNEAR_TRAIN.glob("*.txt"))[:300]
    paragraphs = removed = near = 0
    for path in files:
        raw = RawArticle(path.read_text(encoding="utf-8"), origin=str(path))
        article, removals = clean_with_report(raw)
        _assert_offsets(article)
        paragraphs += sum(1 for line in raw.raw.split("\n") if line.strip())
        kept_words = [r for r in removals if r.rule != "no_letters"]
        removed += len(kept_words)
        near += sum(r.rule == "near_duplicate" for r in removals)
    print(f"PolNeAR: {removed} worded paragraphs of {paragraphs} removed, {near} near-dup")
    assert removed <= 0.01 * paragraphs
    assert near <= 3


def test_normalize_folds_typography() -> None:
    assert normalize("  \u201cIt\u2019s  DONE\u201d \u2014 ok ") == '"it\'s done" - ok'


def test_headline_is_the_first_short_line_unless_the_source_named_one() -> None:
    text = "Council delays vote on harbor plan\n\nThe council voted on Tuesday to wait a month."
    assert headline(clean(RawArticle(text, "t.txt"))) == "Council delays vote on harbor plan"
    titled = RawArticle(text, "t.html", title="Harbor plan on hold")
    assert headline(clean(titled)) == "Harbor plan on hold"
    prose = "The council voted on Tuesday to wait a month.\n\nMore later."
    assert headline(clean(RawArticle(prose, "p.txt"))) is None
