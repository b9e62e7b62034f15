"""The spaCy pipeline, loaded once per process with every pipe (ner names speakers).

A small component before the parser starts a sentence after every line break, so the parser
never runs a sentence (and a quote or a subject) across paragraphs.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Generic, TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.config import DEFAULT_MODEL

PARAGRAPHS = "paragraph_sentences"
T = TypeVar("T")


@Language.component(PARAGRAPHS)
def paragraph_sentences(doc: Doc) -> Doc:
    """Mark the first token after a line break as a sentence start."""
    for token in doc[:-1]:
        if "\n" in token.text_with_ws and not token.is_space:
            doc[token.i + 1].is_sent_start = True
        elif token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load ``model`` once and cache it; all pipes stay enabled, plus paragraph breaks.

    The model's objects (over 100,000) live as long as the process, so they are moved out of
    the garbage collector's way (``gc.freeze``): every full collection scanned them all again.
    """
    nlp = spacy.load(model)
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    gc.freeze()
    return nlp


class ParsedMemo(Generic[T]):
    """``derive(parse of text)`` for short texts, parsed together in one ``nlp.pipe`` call.

    Reasoning reads the same neighbouring claims again and again; the results (small, unlike the
    parses) are kept for the ``size`` most recently computed texts. Texts failing ``wanted`` are
    not parsed and get ``empty``. Pipes ``derive`` does not read can be switched off
    (``disable``): the entity recognizer is over half of a short text's parse.
    """

    def __init__(
        self,
        derive: Callable[[Doc], T],
        empty: T,
        wanted: Callable[[str], bool] = bool,
        size: int = 4096,
        disable: Sequence[str] = (),
    ) -> None:
        self._derive, self._empty, self._wanted, self._size = derive, empty, wanted, size
        self._disable = tuple(disable)
        self._seen: dict[str, T] = {}

    def __call__(self, texts: Sequence[str]) -> list[T]:
        found = {t: self._seen[t] for t in texts if t in self._seen}
        missing = [t for t in dict.fromkeys(texts) if t not in found and self._wanted(t)]
        for text, doc in zip(missing, _parses(missing, self._disable), strict=True):
            found[text] = self._seen[text] = self._derive(doc)
            if len(self._seen) > self._size:
                del self._seen[next(iter(self._seen))]
        return [found.get(t, self._empty) for t in texts]


_latest: dict[tuple[str, ...], dict[str, Doc]] = {}


def _parses(texts: Sequence[str], disable: tuple[str, ...]) -> Iterator[Doc]:
    """Parses of ``texts`` (``disable``-d pipes off). The latest call's parses are kept for the
    next: memos deriving different things from the same texts, called one after the other (the
    quantities, then the propositions, of a neighbourhood's claims), parse each text once."""
    before = _latest.pop(disable, {})
    todo = [t for t in texts if t not in before]
    parsed = dict(zip(todo, load_nlp().pipe(todo, disable=list(disable)), strict=True))
    _latest[disable] = parsed
    for text in texts:
        yield parsed[text] if text in parsed else before[text]
