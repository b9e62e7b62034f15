"""The journalist's own conflict signals: article text saying two reported statements conflict.

Reporters often say outright that sources disagree: "This account differed sharply from comments
given to the Courier by two inspectors", "the union disputed that", "contrary to what the minister
said". A spaCy ``Matcher`` finds such cues ("differed from", "contradicted", "disputed",
"denied", "contrary to", "at odds with", "pushed back on", ...) in the article's raw text, outside
any quoted claim. Each cue links two sides:

* before it, the statement referred to: the latest claim, ending before the cue and at most
  ``WINDOW`` characters earlier, of a speaker named between the sentence start and the cue if one
  is ("Doe's claim contradicted ..."), else of any resolved speaker ("This characterization ...");
* after it, the statements of the source named after the cue: claims cued by the cue itself
  ("the union denied ..."), and claims starting after the cue, at most ``WINDOW`` characters past
  its sentence, whose speaker name or outlet ("told the Courier") the rest of the sentence names.

Unresolved speakers (cg:UnknownSource) never take part. Signals become Web Annotation
``oa:Annotation`` nodes (motivation ``oa:assessing``, body value the cue, targets the two
claims, ``schema:about`` the statement referred to before the cue), which
``ontology/rules/journalist-signal.rq`` reads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from rdflib import Graph, Literal, URIRef
from spacy.matcher import Matcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from kg.graph import new_graph
from kg.nlp import load_nlp, paragraph_sentences
from kg.vocab import ID_BASE, OA, RDF, SCHEMA

WINDOW = 600
CUE_LEAD = 2
ADVERBS = ["sharply", "markedly", "starkly", "sharp", "strongly", "flatly", "directly", "also"]
PATTERNS: dict[str, list[list[dict]]] = {
    "differ": [
        [{"LOWER": {"IN": ["differed", "differs", "differ", "differing"]}},
         {"LOWER": {"IN": ADVERBS}, "OP": "?"}, {"LOWER": "from"}],
    ],
    "contradict": [
        [{"LOWER": {"IN": ["contradicted", "contradicts", "contradict", "contradicting"]}}],
    ],
    "dispute": [[{"LOWER": {"IN": ["disputed", "disputes", "dispute", "disputing"]}}]],
    "deny": [[{"LOWER": {"IN": ["denied", "denies", "deny", "denying"]}}]],
    "rebut": [[{"LOWER": {"IN": ["rebutted", "rebuts", "refuted", "refutes", "rejected"]}}]],
    "contrary": [[{"LOWER": "contrary"}, {"LOWER": "to"}]],
    "odds": [[{"LOWER": "at"}, {"LOWER": "odds"}, {"LOWER": "with"}]],
    "push back": [
        [{"LOWER": {"IN": ["pushed", "pushes", "push", "pushing"]}}, {"LOWER": "back"},
         {"LOWER": {"IN": ["on", "against"]}}],
    ],
    "conflict": [
        [{"LOWER": {"IN": ["conflicted", "conflicts", "clashed", "clashes", "inconsistent"]}},
         {"LOWER": "with"}],
    ],
}  # fmt: skip
NOMINAL = ["NOUN", "PROPN"]
STOP = frozenset("a an the of at least former current some several many and or".split())


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """What signal linking needs to know of one stored claim (raw-text offsets)."""

    iri: str
    start: int
    end: int
    speaker: str
    names: tuple[str, ...]
    unknown: bool = False
    cue_start: int | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """A cue in the article's own text saying the ``before`` claim conflicts with ``after``."""

    cue: str
    start: int
    end: int
    sentence: str
    before: str
    after: str


@cache
def _sentencizer() -> Sentencizer:
    return Sentencizer()


def _tagged(raw: str) -> Doc:
    """Tokens, sentences and part-of-speech tags of ``raw`` (no parse: a cue word must only not
    be a noun), from the loaded pipeline with the parser, lemmatizer and entities switched off."""
    doc = load_nlp()(raw, disable=["parser", "lemmatizer", "ner"])
    return paragraph_sentences(_sentencizer()(doc))


@cache
def _matcher(tagged: bool = True) -> Matcher:
    """``PATTERNS`` with each pattern's first word required not to be a noun ("a long dispute",
    "border conflicts with"); without ``tagged``, on words alone (a cheap first pass: no match
    there, no match at all)."""
    matcher = Matcher(load_nlp().vocab)
    for name, patterns in PATTERNS.items():
        if tagged:
            patterns = [[{**p[0], "POS": {"NOT_IN": NOMINAL}}, *p[1:]] for p in patterns]
        matcher.add(name, patterns)
    return matcher


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2}


def _names_in(claim: ClaimRef, text: str) -> bool:
    """Whether ``text`` names the claim's speaker (a surname, a head noun) or its outlet."""
    words = _words(text)
    heads = {n.split()[-1].lower().strip(".,'’") for n in claim.names if n.split()}
    outlet = _words(claim.outlet or "")
    return bool(heads & words) or bool(outlet and outlet <= words)


def _cued(claims: Sequence[ClaimRef], cue: Span) -> list[ClaimRef]:
    """Claims whose own cue is the signal ("the union denied ...", "was disputed by"): the
    disputing side. A claim's cue may start up to ``CUE_LEAD`` tokens before the signal word
    (an auxiliary or adverb: "was disputed", "has flatly denied")."""
    lead = cue.doc[max(cue.sent.start, cue.start - CUE_LEAD)].idx
    return [c for c in claims if c.cue_start is not None and lead <= c.cue_start < cue.end_char]


def _before(claims: Sequence[ClaimRef], cue: Span, disputing: set[str]) -> ClaimRef | None:
    lead = cue.doc.text[cue.sent.start_char : cue.start_char]
    earlier = [
        c
        for c in claims
        if c.end <= cue.start_char
        and cue.start_char - c.end <= WINDOW
        and c.speaker not in disputing
    ]
    named = [c for c in earlier if _names_in(replace(c, outlet=None), lead)]
    pool = named or earlier
    return max(pool, key=lambda c: c.end) if pool else None


def _after(claims: Sequence[ClaimRef], cue: Span, before: ClaimRef) -> list[ClaimRef]:
    sent = cue.sent
    rest = cue.doc.text[cue.end_char : sent.end_char]
    later = [
        c
        for c in claims
        if c.start >= cue.end_char and c.start - sent.end_char <= WINDOW and _names_in(c, rest)
    ]
    found = {c.iri: c for c in [*_cued(claims, cue), *later] if c.speaker != before.speaker}
    return list(found.values())


def _inside_claim(claims: Sequence[ClaimRef], cue: Span) -> bool:
    return any(c.start <= cue.start_char < c.end for c in claims)


def _signals_at(doc: Doc, cue: Span, claims: Sequence[ClaimRef]) -> list[Signal]:
    before = _before(claims, cue, {c.speaker for c in _cued(claims, cue)})
    if before is None:
        return []
    sentence = cue.sent.text.strip()
    return [
        Signal(cue.text, cue.start_char, cue.end_char, sentence, before.iri, c.iri)
        for c in _after(claims, cue, before)
    ]


def conflict_signals(raw: str, claims: Sequence[ClaimRef]) -> list[Signal]:
    """Every journalist's conflict signal in ``raw`` linking two claims of resolved speakers."""
    resolved = sorted((c for c in claims if not c.unknown), key=lambda c: (c.start, c.iri))
    if not resolved:
        return []
    if not _matcher(tagged=False)(load_nlp().make_doc(raw)):
        return []
    doc = _tagged(raw)
    found: dict[tuple[str, str, int], Signal] = {}
    for _, start, end in _matcher()(doc):
        cue = doc[start:end]
        if _inside_claim(resolved, cue):
            continue
        for signal in _signals_at(doc, cue, resolved):
            found.setdefault((signal.before, signal.after, signal.start), signal)
    return sorted(found.values(), key=lambda s: (s.start, s.before, s.after))


def signal_iri(signal: Signal) -> URIRef:
    basis = f"{signal.before}\n{signal.after}\n{signal.start}"
    return URIRef(f"{ID_BASE}signal/{hashlib.sha256(basis.encode()).hexdigest()[:16]}")


def signal_graph(signals: Sequence[Signal]) -> Graph:
    """Signals as Web Annotations assessing the two claims, with the cue and its sentence."""
    g = new_graph()
    for s in signals:
        node = signal_iri(s)
        g.add((node, RDF.type, OA.Annotation))
        g.add((node, OA.motivatedBy, OA.assessing))
        g.add((node, OA.bodyValue, Literal(s.cue)))
        g.add((node, OA.hasTarget, URIRef(s.before)))
        g.add((node, SCHEMA.about, URIRef(s.before)))
        g.add((node, OA.hasTarget, URIRef(s.after)))
        g.add((node, SCHEMA.text, Literal(s.sentence)))
    return g
