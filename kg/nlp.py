"""The spaCy pipeline, loaded once per process with every pipe (ner names speakers).

A small component before the parser starts a sentence after every line break, so the parser
never runs a sentence (and a quote or a subject) across paragraphs.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.config import DEFAULT_MODEL

PARAGRAPHS = "paragraph_sentences"


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
    """Load ``model`` once and cache it; all pipes stay enabled, plus paragraph breaks."""
    nlp = spacy.load(model)
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp
