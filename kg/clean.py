"""Remove scraper noise from a raw article, keeping a map from cleaned to raw offsets.

Cleaning works on paragraphs, where a paragraph is one non-blank line. Each general rule below
decides whether a whole paragraph is noise; kept paragraphs are copied character for character
(surrounding whitespace aside), so every cleaned character maps to exactly one raw character.

Separators: between two kept paragraphs that were adjacent in the raw text, the raw whitespace
between them is copied as is (so a noise-free article cleans to ``raw.strip()`` with identity
offsets). Where removed paragraphs sat between them, the separator is ``"\\n\\n"`` and both of its
characters map to the raw offset just past the previous kept paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from kg.model import Article, RawArticle

NEAR_DUP_THRESHOLD = 0.9
NEAR_DUP_MIN_TOKENS = 8
EXACT_DUP_MIN_WORDS = 4
NEAR_DUP_WINDOW = 12
PREFIX_MIN_TOKENS = 4
PREFIX_WINDOW = 10
COUNTER_MIN_TOKENS = 3
COUNTER_MIN_CHARS = 12
CONTEXT_HEAD = 5
CONTEXT_RECENT = 50
BOILERPLATE_MAX_CHARS = 160
JOINER = "\n\n"

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "\u00a0": " ",
    }
)

_SERVER_ERROR = re.compile(
    r"""^(?:PHP\s+)?(?:Warning|Notice|Deprecated|Strict\s+Standards|(?:Catchable\s+)?Fatal\s+error
         |Parse\s+error)\s*:.*(?:\bon\s+line\s+\d+|\bin\s+/\S+|\bUndefined\b)
      | ^(?:Stack\s+trace:|Traceback\s+\(most\s+recent\s+call\s+last\))
      | ^\#\d+\s+(?:/\S+|\{main\}|\[internal\s+function\])
      | ^at\s+[\w$.<>]+\((?:[\w$.-]+:\d+|Native\s+Method|Unknown\s+Source)\)$
      | ^File\s+"[^"]+",\s+line\s+\d+
      | ^Server\s+Error\s+in\s+'[^']*'\s+Application""",
    re.IGNORECASE | re.VERBOSE,
)
_UNDEFINED = re.compile(
    r"\bUndefined\s+(?:index|array\s+key|offset|variable|property|constant)\b", re.IGNORECASE
)
_ON_LINE = re.compile(r"\bon\s+line\s+\d+\b", re.IGNORECASE)
_SERVER_PATH = re.compile(
    r"(?:/var/www/|/home/[^/\s]+/(?:public_html|www)/|/srv/(?:www|http)/|/usr/share/nginx/"
    r"|[A-Z]:\\(?:inetpub|xampp|wamp)\\)\S*"
)
_BOILERPLATE = re.compile(
    r"""(?:
        scroll\s+down\s+(?:for|to\s+(?:see|watch|read))\b.*
      | (?:(?:the\s+)?(?:story|article)\s+)?continues?\s+(?:reading\s+)?below\b.*
      | advert(?:isement)?s?\W* | sponsored(?:\s+content)?\W*
      | click\s+(?:here|to)\b.*
      | (?:share|tweet|email|print)(?:\s+(?:this|the)\s+(?:article|story|page))?(?:\s+on\s+\w+)?\W*
      | share\s+(?:this|or\s+comment\s+on\s+this)\s+(?:article|story)\b.*
      | (?:read\s+more|related(?:\s+(?:articles?|stories|coverage))?|see\s+also|recommended)
        (?:\s*[:…>»|-].*|\W*)
      | (?:sign\s+up|subscribe|register)\s+(?:for|to|now|here|today)\b.*
      | follow\s+(?:us|@\w+)\b.*
      | (?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}\b)?.* | .*\ball\s+rights\s+reserved\W*
      | (?:view|show|load|leave\s+a|post\s+a|add\s+a)\s+comments?\b.* | \d*\s*comments?\W*
      | loading\W* | please\s+enable\s+javascript\b.* | your\s+browser\s+does\s+not\s+support\b.*
      | (?:we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies)\b.*
      | \(?(?:image|photo|picture|video)s?\s*(?:credit|source)?\s*:[^.!?]{0,80}
      | .{0,80}[/|(]\s*(?:getty\s+images|ap(?:\s+photo)?|shutterstock|reuters|afp)\)?\W*
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_LIST_MARKER = re.compile(r"\(?\d{1,3}[.)]")
_COUNTER_PREFIX = re.compile(r"(?:\d[\d:.,/-]*\s+)+(?=\D)")


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed paragraph: its raw span ``[start, end)`` and the rule that removed it."""

    start: int
    end: int
    rule: str


@dataclass(slots=True)
class _Para:
    start: int
    end: int
    text: str
    norm: str
    tokens: tuple[str, ...]


def normalize(text: str) -> str:
    """Comparison form: NFKC, straight quotes, plain hyphens, single blanks, casefolded."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).casefold().split())


def is_server_error(text: str) -> bool:
    """PHP/Python/Java error output, stack-trace lines, and lines that are mostly a server path."""
    if _SERVER_ERROR.search(text):
        return True
    path = _SERVER_PATH.search(text)
    if _UNDEFINED.search(text) and (path or _ON_LINE.search(text)):
        return True
    return bool(path) and (path.end() - path.start()) >= 0.4 * len(text)


def is_boilerplate(text: str) -> bool:
    """Short page-furniture lines: ads, share buttons, sign-up prompts, credits, cookie notes."""
    return len(text) <= BOILERPLATE_MAX_CHARS and _BOILERPLATE.fullmatch(text) is not None


def has_no_letters(text: str) -> bool:
    """Lines with no letter at all (bare numbers, timestamps, dingbats like ``* * *``); list
    markers such as ``3.`` are kept, they belong to the text."""
    return not any(ch.isalpha() for ch in text) and not _LIST_MARKER.fullmatch(text)


LINE_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("server_error", is_server_error),
    ("boilerplate", is_boilerplate),
    ("no_letters", has_no_letters),
)


def is_counter_fragment(text: str, context: str) -> bool:
    """Leading numbers (ids, timestamps, counters) followed by a fragment of earlier text.

    ``context`` holds the words of the title and earlier paragraphs, blank-joined and blank-padded;
    the fragment's last word may be cut short.
    """
    prefix = _COUNTER_PREFIX.match(text)
    if not prefix:
        return False
    tokens = _fragment_tokens(text[prefix.end() :])
    if len(tokens) < COUNTER_MIN_TOKENS or sum(map(len, tokens)) < COUNTER_MIN_CHARS:
        return False
    return f" {' '.join(tokens)}" in context


def _fragment_tokens(text: str) -> list[str]:
    """Words for fragment matching; a possessive ``'s`` is dropped, as slug-like copies do."""
    return [t for t in _WORD.findall(normalize(text)) if t != "s"]


def is_truncated_prefix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short`` is the start of ``long`` cut off mid-sentence (its last word may be partial)."""
    n = len(short)
    if n < PREFIX_MIN_TOKENS or len(long) < n or long[:n] == short and len(long) == n:
        return False
    return short[:-1] == long[: n - 1] and long[n - 1].startswith(short[-1])


def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Order-aware token similarity in [0, 1] (difflib ratio), after cheap length and set-overlap
    gates that reject pairs which cannot reach ``NEAR_DUP_THRESHOLD``."""
    if min(len(a), len(b)) < NEAR_DUP_THRESHOLD * max(len(a), len(b)):
        return 0.0
    sa, sb = set(a), set(b)
    if len(sa & sb) < NEAR_DUP_THRESHOLD * len(sa | sb):
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def clean(raw: RawArticle) -> Article:
    """The article without scraper noise, with ``offsets`` mapping back to ``raw.raw``."""
    return clean_with_report(raw)[0]


HEADLINE_MAX_WORDS = 30


def headline(article: Article) -> str | None:
    """The title the source gave, else the first cleaned line when it reads like a headline
    (short, and not ending like a sentence) — plain-text scrapes usually start with one."""
    if article.source.title:
        return article.source.title
    first = article.text.lstrip().split("\n", 1)[0].strip()
    words = _WORD.findall(first)
    if not words or len(words) > HEADLINE_MAX_WORDS or _SENTENCE_END.search(first):
        return None
    return first


def clean_with_report(raw: RawArticle) -> tuple[Article, list[Removal]]:
    """``clean`` plus every removed paragraph (raw offsets) and the rule that removed it."""
    paras = _paragraphs(raw.raw)
    removed: dict[int, str] = {}
    _apply_line_rules(paras, removed, raw.title)
    _mark_duplicates(paras, removed)
    _mark_truncated(paras, removed)
    article = _assemble(raw, paras, removed)
    removals = [Removal(paras[i].start, paras[i].end, rule) for i, rule in sorted(removed.items())]
    return article, removals


def _paragraphs(raw: str) -> list[_Para]:
    paras = []
    for m in _LINE.finditer(raw):
        line = m.group()
        body = line.strip()
        if not body:
            continue
        start = m.start() + len(line) - len(line.lstrip())
        norm = normalize(body)
        paras.append(_Para(start, start + len(body), body, norm, tuple(_WORD.findall(norm))))
    return paras


def _apply_line_rules(paras: list[_Para], removed: dict[int, str], title: str | None) -> None:
    """Per-line rules, then counter fragments against the title, the first and recent lines."""
    head = [" ".join(_fragment_tokens(title or ""))]
    recent: deque[str] = deque(maxlen=CONTEXT_RECENT)
    for i, para in enumerate(paras):
        rule = next((name for name, test in LINE_RULES if test(para.text)), None)
        if rule is None and _COUNTER_PREFIX.match(para.text):
            context = " " + " | ".join([*head, *recent]) + " "
            rule = "counter_fragment" if is_counter_fragment(para.text, context) else None
        if rule:
            removed[i] = rule
        else:
            words = " ".join(_fragment_tokens(para.text))
            (head if len(head) <= CONTEXT_HEAD else recent).append(words)


def _mark_duplicates(paras: list[_Para], removed: dict[int, str]) -> None:
    """Exact (normalized) and near duplicates: keep one copy (see ``_prefer_later``)."""
    seen: dict[str, int] = {}
    kept: list[int] = []
    for i, para in enumerate(paras):
        if i in removed:
            continue
        match, rule = seen.get(para.norm), "duplicate"
        if match is None or _word_count(para.tokens) < EXACT_DUP_MIN_WORDS:
            match, rule = _near_duplicate_of(i, paras, kept), "near_duplicate"
        if match is None:
            seen.setdefault(para.norm, i)
            kept.append(i)
            continue
        loser = i
        seen.setdefault(para.norm, match)
        if _prefer_later(paras[match], para):
            loser = match
            kept.remove(match)
            kept.append(i)
            seen[para.norm] = seen[paras[match].norm] = i
        removed[loser] = rule


def _word_count(tokens: tuple[str, ...]) -> int:
    return sum(1 for t in tokens if not t.isdigit())


def _near_duplicate_of(i: int, paras: list[_Para], kept: list[int]) -> int | None:
    """The closest earlier kept paragraph within ``NEAR_DUP_WINDOW`` that ``paras[i]`` repeats
    with small edits; far-apart repeats are left alone (live blogs restate real text)."""
    tokens = paras[i].tokens
    if len(tokens) < NEAR_DUP_MIN_TOKENS:
        return None
    for j in reversed(kept):
        if i - j > NEAR_DUP_WINDOW:
            break
        other = paras[j].tokens
        if len(other) >= NEAR_DUP_MIN_TOKENS and similarity(tokens, other) >= NEAR_DUP_THRESHOLD:
            return j
    return None


def _prefer_later(first: _Para, later: _Para) -> bool:
    """Keep the fuller copy: more words (a pull quote vs the quote with its cue), else the one
    that ends a sentence (a caption vs the body paragraph), else the first."""
    if len(later.tokens) != len(first.tokens):
        return len(later.tokens) > len(first.tokens)
    return not _SENTENCE_END.search(first.text) and bool(_SENTENCE_END.search(later.text))


def _mark_truncated(paras: list[_Para], removed: dict[int, str]) -> None:
    """Short lines that are a cut-off start of a nearby kept paragraph (teasers, captions)."""
    for i, para in enumerate(paras):
        if i in removed or _SENTENCE_END.search(para.text):
            continue
        lo, hi = max(0, i - PREFIX_WINDOW), min(len(paras), i + PREFIX_WINDOW + 1)
        for j in range(lo, hi):
            if j != i and j not in removed and is_truncated_prefix(para.tokens, paras[j].tokens):
                removed[i] = "truncated_prefix"
                break


def _assemble(raw: RawArticle, paras: list[_Para], removed: dict[int, str]) -> Article:
    parts: list[str] = []
    offsets: list[int] = []
    prev: int | None = None
    for i, para in enumerate(paras):
        if i in removed:
            continue
        if prev is not None:
            if prev == i - 1:
                parts.append(raw.raw[paras[prev].end : para.start])
                offsets.extend(range(paras[prev].end, para.start))
            else:
                parts.append(JOINER)
                offsets.extend([paras[prev].end] * len(JOINER))
        parts.append(para.text)
        offsets.extend(range(para.start, para.end))
        prev = i
    offsets.append(paras[prev].end if prev is not None else 0)
    return Article(raw, "".join(parts), tuple(offsets))
