"""Pair quotation marks over spaCy tokens into quote spans (token ranges, marks included)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

OPENING = frozenset({"“", "``", "„"})
CLOSING = frozenset({"”"})
STRAIGHT = frozenset({'"', "''"})
QUOTE_MARKS = OPENING | CLOSING | STRAIGHT


def is_quote(token: Token) -> bool:
    return token.text in QUOTE_MARKS


def _paragraph_break(doc: Doc, start: int, end: int, text: str) -> bool:
    """Is there a line break between tokens ``start`` and ``end``?"""
    return "\n" in text[doc[start].idx : doc[end].idx]


def find_quotes(doc: Doc) -> list[tuple[int, int]]:
    """Quote spans as inclusive token ranges ``(open, close)``, in text order.

    Curly marks give direction; straight marks alternate. A quote still open at a paragraph
    break continues when the next paragraph opens with a mark (a multi-paragraph quote): it is
    cut into one span per paragraph. An unclosed quote without such a continuation is dropped.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    text = doc.text
    for token in doc:
        if not is_quote(token):
            continue
        i = token.i
        if open_at is not None and _paragraph_break(doc, open_at, i, text):
            last = _last_before_break(doc, open_at, i)
            if token.text not in CLOSING:
                spans.append((open_at, last))
                open_at = i
                continue
            open_at = None
        if open_at is None:
            if token.text not in CLOSING:
                open_at = i
        elif token.text not in OPENING or token.text in STRAIGHT:
            spans.append((open_at, i))
            open_at = None
        else:
            open_at = i
    return spans


def _last_before_break(doc: Doc, start: int, end: int) -> int:
    """The last non-space token before the first line break after ``start``."""
    last = start
    for token in doc[start + 1 : end]:
        if "\n" in token.text or "\n" in token.whitespace_:
            return token.i if not token.is_space else last
        if not token.is_space:
            last = token.i
    return last


def quote_index(doc: Doc, spans: list[tuple[int, int]]) -> list[int]:
    """For every token, the index of the quote span holding it, or -1."""
    out = [-1] * len(doc)
    for n, (s, e) in enumerate(spans):
        for i in range(s, e + 1):
            out[i] = n
    return out
