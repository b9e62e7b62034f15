"""Topics: what a claim is about, as normalized keys shared by claims within and across articles.

Targets of a span are its named entities (not dates, times or numbers) and its noun chunks
(pronouns and generic heads like "thing" or "time" aside). A noun chunk's key is the lowercase
lemma of its head with its compound modifiers ("the city's new transit plans" -> "transit plan");
an entity's key is its lowercase ascii-folded name without determiner or possessive.

Linking within the article (``ArticleTopics``): keys are grouped by their last word, so a
compound and its bare head ("harbor street bridge", "bridge") or a full name and a surname
("jane doe", "doe") are one group; every key maps to its group's canonical key, the most
frequent key of the group (for entities the longest name). A key is *salient* when its group
is mentioned at least twice in the article.

Per claim (``topics_of``): the content's own targets, the subject of its main clause first,
then by article salience. When none of them is salient (the content says "it", "this" or names
things the article never mentions again), the most salient targets of the claim's own sentences
are added, and, only when the content's subject is a pronoun pointing back ("it was unsafe"), those
of the sentence before it. Nothing else is borrowed: a topic is always named in the claim's words
or its own sentence (or the antecedent sentence of its pronoun), so the contradiction rules never
link two claims through a topic neither of them is about. Speakers and outlets are never topics.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.speakers import TITLES

SKIP_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})
GENERIC_HEADS = frozenset(
    "thing lot way time kind sort part number one people person year day week month minute "
    "hour moment something anything everything nothing fact bit lot side point".split()
)
MAX_TOPICS = 6
FALLBACK_TOPICS = 2
USER_DATA_KEY = "kg.topics"
ENTS_KEY = "kg.topics.ents"


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9]+", folded.lower()))


def _entity_key(ent: Span) -> str:
    words = [t.text for t in ent if not (t.pos_ == "DET" or t.tag_ == "POS" or t.is_punct)]
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return _fold(re.sub(r"['’]s\b", "", " ".join(words)))


def _chunk_key(head: Token) -> str | None:
    if head.pos_ not in {"NOUN", "PROPN"} or head.lemma_.lower() in GENERIC_HEADS:
        return None
    doc, start = head.doc, head.i
    while (
        start > 0 and doc[start - 1].dep_ == "compound" and start <= doc[start - 1].head.i <= head.i
    ):
        start -= 1
    compounds = doc[start : head.i]
    return _fold(" ".join([*(t.text for t in compounds), head.lemma_])) or None


def _entities(span: Span) -> list[Span]:
    """``span.ents``, from the doc's entities found once per parse and cached in
    ``doc.user_data`` (``Span.ents`` walks the whole doc for them on every call)."""
    ents = span.doc.user_data.get(ENTS_KEY)
    if ents is None:
        ents = span.doc.user_data[ENTS_KEY] = span.doc.ents
    return [e for e in ents if e.start >= span.start and e.end <= span.end]


def targets(span: Span) -> Iterator[tuple[str, Token, bool]]:
    """(key, anchor token, is entity) for each entity and noun chunk in the span, in order."""
    doc = span.doc
    in_entity: set[int] = set()
    for ent in _entities(span):
        in_entity.update(range(ent.start, ent.end))
        if ent.label_ not in SKIP_ENTS and (key := _entity_key(ent)):
            yield key, ent.root, True
    for tok in span:
        if tok.pos_ in {"NOUN", "PROPN"} and tok.dep_ != "compound" and tok.i not in in_entity:
            if (key := _chunk_key(doc[tok.i])) is not None:
                yield key, tok, False


@dataclass(slots=True)
class ArticleTopics:
    """Topic counts over one article and the map from each key to its group's canonical key."""

    counts: Counter[str] = field(default_factory=Counter)
    entities: set[str] = field(default_factory=set)
    canonical: dict[str, str] = field(default_factory=dict)
    group_counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, doc: Doc) -> ArticleTopics:
        """Built once per parse and cached in ``doc.user_data``."""
        if isinstance(cached := doc.user_data.get(USER_DATA_KEY), cls):
            return cached
        topics = cls()
        for sent in doc.sents:
            for key, _, is_entity in targets(sent):
                topics.counts[key] += 1
                if is_entity:
                    topics.entities.add(key)
        topics._link()
        doc.user_data[USER_DATA_KEY] = topics
        return topics

    def _link(self) -> None:
        groups: dict[str, list[str]] = defaultdict(list)
        for key in self.counts:
            groups[key.split()[-1]].append(key)
        for members in groups.values():
            names = [k for k in members if k in self.entities]
            full = [k for k in names if " " in k] or names
            if full:
                best = max(full, key=lambda k: (self.counts[k], -len(k)))
            else:
                best = max(members, key=lambda k: (self.counts[k], -len(k)))
            total = sum(self.counts[k] for k in members)
            for key in members:
                self.canonical[key] = best
            self.group_counts[best] = total

    def key(self, key: str) -> str:
        return self.canonical.get(key, key)

    def salience(self, key: str) -> int:
        return self.group_counts.get(self.key(key), 0)

    def salient(self, key: str) -> bool:
        return self.salience(key) >= 2


def _excluded(key: str, exclude: Collection[str]) -> bool:
    words = set(key.split())
    return any(words <= set(_fold(name).split()) for name in exclude if name)


def _ranked(
    topics: ArticleTopics, span: Span, exclude: Collection[str], skip: Collection[int] = ()
) -> list[str]:
    """Canonical keys of a span's targets: main-clause subject first, then by salience."""
    found: dict[str, tuple[int, int, int]] = {}
    for key, anchor, _ in targets(span):
        if anchor.i in skip or _excluded(key, exclude):
            continue
        canon = topics.key(key)
        subject = anchor.dep_ in {"nsubj", "nsubjpass"} and anchor.head.dep_ in {"ROOT", "ccomp"}
        rank = (0 if subject else 1, -topics.salience(canon), anchor.i)
        found[canon] = min(found.get(canon, rank), rank)
    return sorted(found, key=found.__getitem__)


def _add_salient(out: list[str], keys: Iterable[str], topics: ArticleTopics, limit: int) -> None:
    salient = sorted(
        (k for k in keys if topics.salient(k) and k not in out), key=lambda k: -topics.salience(k)
    )
    out.extend(salient[:limit])


def topics_of(
    doc: Doc,
    content: Span,
    context: Span,
    *,
    exclude: Collection[str] = (),
    article_speakers: Collection[str] = (),
    skip: Collection[int] = (),
    about: Span | None = None,
) -> tuple[str, ...]:
    """Normalized topic keys of a claim, most salient first (see the module docstring).

    ``exclude`` holds the claim's speaker and outlet names; ``article_speakers`` the names of
    every named speaker in the article, kept out of the fallback topics (own sentence, antecedent);
    ``skip`` the token indices of the source mentions, which are never topics. ``about`` is
    what a subjectless content characterizes (the cue's object: 'called the plan "a mess"').
    """
    topics = ArticleTopics.of(doc)
    inside = {*range(content.start, content.end), *skip}
    out = _ranked(topics, about, exclude, inside) if about is not None else []
    out += [k for k in _ranked(topics, content, exclude, skip) if k not in out]
    if any(topics.salient(k) for k in out):
        return tuple(out[:MAX_TOPICS])
    others = [*exclude, *article_speakers]
    _add_salient(out, _ranked(topics, context, others, inside), topics, FALLBACK_TOPICS)
    if not any(topics.salient(k) for k in out) and context.start > 0 and _anaphoric(content):
        previous = doc[context.start - 1].sent
        _add_salient(out, _ranked(topics, previous, others, skip), topics, FALLBACK_TOPICS)
    return tuple(out[:MAX_TOPICS])


def _anaphoric(content: Span) -> bool:
    """Whether the content's main subject is a pronoun ("it was unsafe"): it points back."""
    root = content.root
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return bool(subjects) and subjects[0].pos_ in {"PRON", "DET"}
