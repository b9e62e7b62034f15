"""Speakers: one entity per real source within an article, from attribution source mentions.

Rules, in the order they are tried for each source mention (coordinated sources such as
"X and Y" are split into one mention per conjunct):

1. Pronouns. Relative "who"/"that" resolve to the noun the clause attaches to. "he"/"she" resolve
   to the nearest preceding compatible subject: earlier subjects of the same sentence (nearest
   first), then up to ``LOOKBACK`` previous sentences, each main-clause subject first. Compatible
   means singular for "he"/"she" and plural (a plural noun or coordinated names) for "they".
   Candidates are subjects that are known names, earlier sources, or words for people.
2. Names. A mention whose head is a PERSON name, or a proper noun matching a clustered name
   ("Jane Doe", "Doe", "Doe's" -> one person), is a person keyed by the normalized full name, so the
   same person in two articles is one node. Titles are stripped. A lone name used mostly like an
   organisation (ORG/PRODUCT labels or "X executives") is an organisation.
3. Organisations: an ORG entity at the head, or an institution noun ("the campaign").
4. Descriptions. A definite singular description ("the veteran executive") resolves to an earlier
   speaker described by the same noun, else to a named person the text gave that noun
   (apposition, title, copula), else to the most salient preceding person subject.
   Otherwise role nouns and insider modifiers ("a former aide", "sources familiar with")
   give an anonymous source, and the rest a group ("critics", "someone", "others").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.model import Attribution, Speaker, TextSpan

LOOKBACK = 3
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
MODIFIER_DEPS = frozenset({"compound", "poss", "amod", "nmod"})
TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame lord lady gov governor sen senator rep representative "
    "president vice mayor councilman councilwoman councillor judge justice gen general col "
    "capt captain lt sgt officer chief ceo cfo coo cto chairman chairwoman chair minister "
    "secretary prime rev father sister pope king queen prince princess".split()
)
ROLE_NOUNS = frozenset(
    "official officer staffer staff employee executive exec source aide adviser advisor insider "
    "spokesperson spokesman spokeswoman representative engineer manager director member worker "
    "diplomat lawyer attorney investigator administrator negotiator colleague associate "
    "confidant ally operative strategist consultant contractor analyst researcher scientist "
    "doctor nurse officer agent employee".split()
)
QUANT_WORDS = frozenset({"at", "least", "most", "more", "than", "about", "some"})
ANON_NOUNS = frozenset(
    "source official staffer staff aide insider spokesperson spokesman spokeswoman employee "
    "member".split()
)
ANONYMITY = frozenset("anonymous unnamed unidentified familiar knowledgeable briefed".split())
INSIDER_MODIFIERS = ANONYMITY | frozenset(
    "former senior current top ranking high-ranking close involved internal".split()
)
ORG_NOUNS = frozenset(
    "campaign company department ministry agency government administration police office "
    "committee council court firm board commission union party bureau institute university "
    "hospital school authority authorities organization organisation corporation "
    "newspaper network regulator".split()
)
GROUP_WORDS = {
    "someone": 1,
    "somebody": 1,
    "another": 1,
    "one": 1,
    "anyone": 1,
    "everyone": None,
    "others": None,
    "some": None,
    "many": None,
    "several": None,
    "few": None,
    "both": 2,
}
SINGULAR_PRONOUNS = frozenset({"he", "she", "him", "her"})
PLURAL_PRONOUNS = frozenset({"they", "them"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
} | {"dozen": 12}
TELL_VERBS = frozenset({"tell", "inform", "brief", "give", "write", "email"})
SPEECH_VERBS = frozenset(
    {
        "say",
        "speak",
        "talk",
        "tell",
        "give",
        "write",
        "add",
        "explain",
        "confirm",
        "insist",
        "admit",
        "comment",
        "describe",
        "send",
    }
)
OUTLET_PREPS = frozenset({"to", "with"})
OUTLET_FRAMES = frozenset({"interview", "statement", "email", "conversation", "call"})


@dataclass(frozen=True, slots=True)
class AttributionSpeakers:
    """The speakers of one attribution and the outlet it was told to, if stated."""

    speakers: tuple[Speaker, ...]
    outlet: str | None = None


def slug(text: str) -> str:
    """Lowercase ascii-folded key fragment: "Zoë O'Neil" -> "zoe-o-neil"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _name_tokens(span: Span) -> list[Token]:
    """A name's tokens without titles, possessives, punctuation or trailing junk."""
    tokens: list[Token] = []
    for tok in span:
        if tok.tag_ == "POS" or tok.lower_ in {"'s", "’s"}:
            break
        if tok.is_punct or tok.like_num:
            continue
        if not tokens and (tok.lower_.rstrip(".") in TITLES or tok.pos_ == "DET"):
            continue
        tokens.append(tok)
    return tokens


def _surface(tokens: Sequence[Token]) -> str:
    return " ".join(re.sub(r"['’]s$", "", t.text) for t in tokens)


class _Names:
    """PERSON entities clustered by (first, last) name, with a surname / first-name index."""

    def __init__(self, doc: Doc) -> None:
        self.clusters: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        singles: list[tuple[int, str]] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            tokens = _name_tokens(ent)
            if not tokens or not tokens[0].text[:1].isupper():
                continue
            surface = _surface(tokens)
            if len(tokens) >= 2:
                self.clusters[(slug(tokens[0].text), slug(tokens[-1].text))].append(
                    (tokens[0].i, surface)
                )
            else:
                singles.append((tokens[0].i, surface))
        self.by_part: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for cluster in self.clusters:
            self.by_part[cluster[1]].append(cluster)
        for i, surface in singles:
            key = slug(surface)
            if key not in self.by_part:
                self.by_part[key].append(("", key))
            self.clusters[self.by_part[key][0]].append((i, surface))

    def lookup(self, token: Token) -> tuple[str, str] | None:
        """The cluster a name token belongs to; the most recently mentioned one if ambiguous."""
        options = self.by_part.get(slug(re.sub(r"['’]s$", "", token.text)), [])
        if not options:
            return None
        before = [
            (max((i for i, _ in self.clusters[c] if i <= token.i), default=-1), c) for c in options
        ]
        return max(before)[1]

    def speaker(self, cluster: tuple[str, str]) -> Speaker:
        forms = Counter(s for _, s in self.clusters[cluster])
        full = [s for s, _ in forms.most_common() if " " in s]
        name = full[0] if full else forms.most_common(1)[0][0]
        return Speaker(
            key=f"person:{slug(name)}", name=name, type="person", aliases=tuple(sorted(forms))
        )


def _org_like(doc: Doc, text: str) -> bool:
    """A lone name used at least as often like an organisation as like a person."""
    org = person = 0
    for tok in doc:
        if tok.text != text:
            continue
        if tok.ent_type_ in {"ORG", "PRODUCT", "NORP", "GPE", "FAC"}:
            org += 1
        elif tok.dep_ == "compound" and tok.head.pos_ == "NOUN":
            org += 1
        else:
            person += tok.ent_type_ == "PERSON"
    return org > 0 and org >= person


def _trimmed(tokens: Sequence[Token]) -> Span | None:
    kept = sorted(t.i for t in tokens if not (t.is_punct or t.dep_ == "cc"))
    if not kept:
        return None
    return tokens[0].doc[kept[0] : kept[-1] + 1]


def split_mentions(span: Span) -> list[Span]:
    """One mention per conjunct of the source's head: "X and Y" -> [X, Y]."""
    heads = [span.root, *(c for c in span.root.conjuncts if span.start <= c.i < span.end)]
    if len(heads) == 1:
        return [span]
    mentions = []
    for head in heads:
        nested = {t.i for c in head.children if c.dep_ == "conj" for t in c.subtree}
        tokens = [t for t in head.subtree if span.start <= t.i < span.end and t.i not in nested]
        if (mention := _trimmed(tokens)) is not None:
            mentions.append(mention)
    return mentions


def _description(mention: Span) -> Span:
    """The mention up to its head plus adjective and prepositional modifiers after it."""
    head = mention.root
    keep = [t for t in mention if t.i <= head.i]
    for child in head.rights:
        if child.dep_ in {"amod", "prep"} and child.i < mention.end:
            keep.extend(t for t in child.subtree if t.i < mention.end)
    return _trimmed(keep) or mention


def _count(head: Token) -> int | None:
    for child in head.children:
        if child.dep_ == "nummod":
            word = child.lower_.replace(",", "")
            return int(word) if word.isdigit() else NUMBER_WORDS.get(word)
    if head.tag_ in {"NN", "NNP"} or head.lower_ in {"one", "another"}:
        return 1
    return None


def _affiliation(mention: Span) -> str | None:
    head = mention.root
    for ent in mention.ents:
        if not ent.start <= head.i < ent.end and ent.label_ in {
            "ORG",
            "GPE",
            "NORP",
            "FAC",
            "PERSON",
            "PRODUCT",
        }:
            return " ".join(_surface(_name_tokens(ent)).split()) or None
    names = [t for t in head.lefts if t.pos_ == "PROPN" and t.dep_ in {"compound", "poss"}]
    return _surface(names) or None


def _lemma_key(span: Span) -> str:
    skip = {"det", "nummod", "quantmod", "punct", "case", "predet"}
    words = [
        t.lemma_.lower() for t in span if t.dep_ not in skip and t.lower_ not in {"at", "least"}
    ]
    return slug(" ".join(words)) or slug(span.text)


def _outlet_name(tok: Token) -> str:
    """The outlet's name; a capitalized "The" inside a sentence is part of it ("The Times")."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    tokens = list(ent) if ent is not None and ent.label_ != "PERSON" else [tok]
    while tokens[0].i > tok.left_edge.i and tok.doc[tokens[0].i - 1].is_title:
        tokens.insert(0, tok.doc[tokens[0].i - 1])
    first = tokens[0]
    if first.pos_ != "DET" and first.i > 0 and first.doc[first.i - 1].dep_ == "det":
        tokens.insert(0, first.doc[first.i - 1])
    while tokens and tokens[0].pos_ == "DET":
        if tokens[0].is_title and not tokens[0].is_sent_start:
            break
        tokens = tokens[1:]
    return " ".join(t.text for t in tokens)


def _line(tok: Token) -> Span:
    """The token's sentence, cut at line breaks the parser may have run across."""
    sent = tok.sent
    breaks = [t.i for t in sent if t.is_space and "\n" in t.text]
    start = max([sent.start, *(b + 1 for b in breaks if b < tok.i)])
    end = min([sent.end, *(b for b in breaks if b > tok.i)])
    return tok.doc[start:end]


class _Resolver:
    """Resolves source mentions of one parsed article to speakers, memoized by head token."""

    def __init__(self, doc: Doc, attributions: Sequence[Attribution], article_id: str) -> None:
        self.doc = doc
        self.aid = article_id
        self.names = _Names(doc)
        self.memo: dict[int, tuple[Speaker, ...]] = {}
        self.busy: set[int] = set()
        self.described: list[tuple[int, str, Speaker]] = []
        self.quoted = {
            t.i
            for a in attributions
            if a.kind == "direct"
            for c in a.contents
            if (s := self.span(c)) is not None
            for t in s
        }
        self.source_heads = {
            s.root.i for a in attributions for src in a.sources if (s := self.span(src)) is not None
        }
        self.descriptors = self._descriptors()

    def span(self, text_span: TextSpan) -> Span | None:
        return self.doc.char_span(text_span.start, text_span.end, alignment_mode="expand")

    def mention(self, mention: Span) -> tuple[Speaker, ...]:
        head = mention.root
        if head.i in self.memo:
            return self.memo[head.i]
        if head.i in self.busy:
            return (self._unknown(head),)
        self.busy.add(head.i)
        result = self._classify(mention)
        self.busy.discard(head.i)
        self.memo[head.i] = result
        self.described.extend((head.i, head.lemma_.lower(), s) for s in result)
        return result

    def token(self, tok: Token) -> tuple[Speaker, ...]:
        start = min([tok.i, *(t.left_edge.i for t in tok.lefts)])
        return self.mention(self.doc[start : tok.i + 1])

    def _classify(self, mention: Span) -> tuple[Speaker, ...]:
        head = mention.root
        low = head.lower_
        if low in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            return self.token(self._antecedent(head))
        if low in SINGULAR_PRONOUNS | PLURAL_PRONOUNS:
            return self._pronoun(head)
        if head.pos_ == "PRON" and low not in GROUP_WORDS:
            return (self._unknown(head),)
        if (person := self._named(head) or self._titled(head)) is not None:
            listed = [self._named(c) for c in head.children if c.dep_ == "appos"]
            return (person, *(p for p in listed if p is not None and p.key != person.key))
        if head.lower_ in TITLES and not any(c.dep_ == "det" for c in head.children):
            return ()
        if (org := self._organization(mention)) is not None:
            return (org,)
        return (self._described(mention),)

    def _named(self, head: Token) -> Speaker | None:
        cluster = self.names.lookup(head) if head.is_title or head.pos_ == "PROPN" else None
        if head.pos_ != "PROPN" and head.ent_type_ != "PERSON" and cluster is None:
            return None
        if cluster is not None and not (cluster[0] == "" and _org_like(self.doc, head.text)):
            return self.names.speaker(cluster)
        if head.ent_type_ in {"ORG", "PRODUCT", "NORP", "GPE", "FAC"} or _org_like(
            self.doc, head.text
        ):
            return None
        name = _surface(_name_tokens(self.doc[head.left_edge.i : head.i + 1])) or head.text
        return Speaker(key=f"person:{slug(name)}", name=name, type="person")

    def _titled(self, head: Token) -> Speaker | None:
        """A title or role noun heading a name: "councilwoman Jane Doe" parsed head-first."""
        if head.lemma_.lower() not in TITLES | ROLE_NOUNS:
            return None
        for child in head.children:
            if child.dep_ in {"appos", "compound", "npadvmod", "nmod"} and child.pos_ == "PROPN":
                if (cluster := self.names.lookup(child)) is not None and cluster[0]:
                    return self.names.speaker(cluster)
        return None

    def _organization(self, mention: Span) -> Speaker | None:
        head = mention.root
        ent = next((e for e in self.doc.ents if e.start <= head.i < e.end), None)
        if (
            ent is not None
            and ent.label_ in {"ORG", "GPE", "NORP", "FAC", "PRODUCT"}
            or head.pos_ == "PROPN"
            or (head.is_title and _org_like(self.doc, head.text))
        ):
            tokens = _name_tokens(ent) if ent is not None else _name_tokens(mention)
            name = _surface(tokens) or head.text
            return Speaker(key=f"org:{slug(name)}", name=name, type="organization")
        if head.lemma_.lower() in ORG_NOUNS and not self._insider(mention):
            desc = _description(mention)
            return Speaker(
                key=f"org:{self.aid}:{_lemma_key(desc)}",
                name=desc.text,
                type="organization",
                description=desc.text,
            )
        return None

    @staticmethod
    def _insider(mention: Span, words: frozenset[str] = INSIDER_MODIFIERS) -> bool:
        return any(t.lower_ in words for t in mention if t.i != mention.root.i)

    def _described(self, mention: Span) -> Speaker:
        head = mention.root
        lemma = head.lemma_.lower()
        plural = head.tag_ in {"NNS", "NNPS"}
        definite = any(
            t.dep_ in {"det", "poss"} and t.lower_ in {"the", "this", "that"} for t in head.lefts
        )
        if definite:
            earlier = [s for i, lem, s in reversed(self.described) if i < head.i and lem == lemma]
            if earlier:
                return earlier[0]
            if not plural and (person := self._descr_person(lemma, head)) is not None:
                return person
        anonymous = lemma in ROLE_NOUNS or self._insider(mention)
        unnamed = self._insider(mention, ANONYMITY) or lemma in ANON_NOUNS
        if definite and not plural and not unnamed:
            if (person := self._salient_person(head)) is not None:
                return person
        return self._anonymous(mention) if anonymous else self._group(mention)

    def _anonymous(self, mention: Span) -> Speaker:
        desc = _description(mention)
        return Speaker(
            key=f"anon:{self.aid}:{_lemma_key(desc)}",
            name=desc.text,
            type="anonymous",
            description=desc.text,
            count=_count(mention.root),
            affiliation=_affiliation(desc),
        )

    def _group(self, mention: Span) -> Speaker:
        head = mention.root
        desc = _description(mention)
        count = GROUP_WORDS.get(head.lower_, _count(head))
        if head.lower_ in GROUP_WORDS or head.lemma_.lower() in {"person", "individual"}:
            single = count == 1
            return Speaker(
                key=f"group:{self.aid}:{slug(head.lower_)}-{head.idx}",
                name="unnamed person" if single else "unnamed people",
                type="group",
                description=desc.text,
                count=count,
            )
        name = desc.text[4:] if desc.text.lower().startswith("the ") else desc.text
        return Speaker(
            key=f"group:{self.aid}:{_lemma_key(desc)}",
            name=name,
            type="group",
            description=desc.text,
            count=count,
            affiliation=_affiliation(desc),
        )

    def _unknown(self, head: Token) -> Speaker:
        return Speaker(
            key=f"unknown:{self.aid}:{slug(head.text)}-{head.idx}",
            name=head.text,
            type="unknown",
            description=head.text,
        )

    def _candidates(self, anchor: Token) -> Iterator[Token]:
        """Preceding subjects in salience order (see the module docstring)."""
        sents = list(self.doc.sents)
        index = next(i for i, s in enumerate(sents) if s.start <= anchor.i < s.end)
        same = [t for t in sents[index] if t.i < anchor.i and t.dep_ in SUBJECT_DEPS]
        yield from (t for t in reversed(same) if t.i not in self.quoted)
        for sent in reversed(sents[max(0, index - LOOKBACK) : index]):
            subjects = [t for t in sent if t.dep_ in SUBJECT_DEPS and t.i not in self.quoted]
            yield from sorted(subjects, key=lambda t: (t.head.dep_ != "ROOT", -t.i))

    def _human(self, tok: Token) -> bool:
        """Whether a token is a word for a person, a known name or an earlier source."""
        words = SINGULAR_PRONOUNS | PLURAL_PRONOUNS | RELATIVE_PRONOUNS | GROUP_WORDS.keys()
        return (
            tok.lower_ in words
            or tok.i in self.source_heads
            or tok.lemma_.lower() in ROLE_NOUNS | {"person", "people"}
            or tok.ent_type_ == "PERSON"
            or (tok.pos_ == "PROPN" and self._named(tok) is not None)
        )

    def _antecedent(self, relative: Token) -> Token:
        """The noun a relative clause attaches to, or the nearest preceding word for a person
        when the parser attached it to a thing."""
        noun = relative.head.head
        if self._human(noun):
            return noun
        before = [
            t
            for t in relative.sent
            if t.i < relative.i and t.pos_ in {"NOUN", "PROPN"} and t.dep_ not in MODIFIER_DEPS
        ]
        return next((t for t in reversed(before) if self._human(t)), noun)

    def _subject_speakers(self, tok: Token, expand: bool = True) -> tuple[Speaker, ...]:
        """Speakers a subject refers to, or () when it is not a word for a person."""
        if not self._human(tok) or (tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ != "relcl"):
            return ()
        found = list(self.token(tok))
        for conj in tok.conjuncts if expand else ():
            found.extend(s for s in self._subject_speakers(conj, False) if s not in found)
        return tuple(s for s in found if s.type != "unknown")

    def _pronoun(self, head: Token) -> tuple[Speaker, ...]:
        plural = head.lower_ in PLURAL_PRONOUNS
        for cand in self._candidates(head):
            speakers = self._subject_speakers(cand)
            if not speakers:
                continue
            many = (
                len(speakers) > 1
                or cand.tag_ in {"NNS", "NNPS"}
                or cand.lower_ in PLURAL_PRONOUNS
                or (speakers[0].count or 1) > 1
            )
            if plural and (many or speakers[0].type == "organization"):
                return speakers
            if not plural and not many and speakers[0].type != "organization":
                return speakers
        return (self._unknown(head),)

    def _salient_person(self, head: Token) -> Speaker | None:
        """The nearest salient person subject not named in the description's own sentence
        (a description and a name in one sentence are usually two people)."""
        named_here = {
            self.names.speaker(c).key
            for t in _line(head)
            if t.i != head.i and t.pos_ == "PROPN" and (c := self.names.lookup(t)) is not None
        }
        for cand in self._candidates(head):
            speakers = self._subject_speakers(cand)
            if len(speakers) == 1 and speakers[0].type == "person":
                if speakers[0].key not in named_here:
                    return speakers[0]
        return None

    def _descriptors(self) -> dict[str, set[str]]:
        """Nouns the text uses for each named person: titles, appositions, copulas."""
        found: dict[str, set[str]] = defaultdict(set)
        for ent in self.doc.ents:
            root = ent.root
            if ent.label_ != "PERSON" or (cluster := self.names.lookup(root)) is None:
                continue
            nouns = [t for t in root.lefts if t.dep_ == "compound" and t.i < ent.start]
            nouns += [t for t in ent if t.lower_.rstrip(".") in TITLES]
            nouns += [t for t in root.children if t.dep_ == "appos"]
            if root.dep_ == "appos" or (root.dep_ == "attr" and root.head.lemma_ == "be"):
                nouns += (
                    [root.head]
                    if root.dep_ == "appos"
                    else [t for t in root.head.children if t.dep_ in SUBJECT_DEPS]
                )
            key = self.names.speaker(cluster).key
            found[key].update(t.lemma_.lower() for t in nouns)
        return found

    def _descr_person(self, lemma: str, head: Token) -> Speaker | None:
        best: tuple[int, Speaker] | None = None
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or ent.start >= head.i:
                continue
            cluster = self.names.lookup(ent.root)
            if cluster is None:
                continue
            speaker = self.names.speaker(cluster)
            if lemma in self.descriptors.get(speaker.key, ()) and (
                best is None or ent.start > best[0]
            ):
                best = (ent.start, speaker)
        return best[1] if best else None

    def outlet(self, attribution: Attribution) -> str | None:
        """The outlet a statement was told to: "told X", "speaking to X", "interview with X"."""
        verbs: list[Token] = []
        if attribution.cue is not None and (cue := self.span(attribution.cue)) is not None:
            verbs.append(cue.root)
            verbs += [c for c in cue.root.children if c.dep_ in {"advcl", "xcomp", "conj"}]
        for src in attribution.sources:
            if (span := self.span(src)) is not None:
                verbs += [t for t in span if t.pos_ == "VERB" and t.dep_ in {"acl", "relcl"}]
        for verb in verbs:
            if (found := self._outlet_of(verb)) is not None:
                return _outlet_name(found)
        return None

    def _outlet_of(self, verb: Token) -> Token | None:
        lemma = verb.lemma_.lower()
        objects: list[Token] = []
        for child in verb.children:
            if child.dep_ in {"dobj", "dative"} and lemma in TELL_VERBS:
                objects.append(child)
            elif child.dep_ == "prep" and child.lower_ in OUTLET_PREPS and lemma in SPEECH_VERBS:
                objects += [t for t in child.children if t.dep_ == "pobj"]
            elif child.dep_ == "prep" and child.lower_ in {"in", "during"}:
                frames = [t for t in child.children if t.lemma_.lower() in OUTLET_FRAMES]
                objects += [
                    p
                    for f in frames
                    for prep in f.children
                    if prep.lower_ in OUTLET_PREPS
                    for p in prep.children
                ]
        for obj in objects:
            named = self.names.lookup(obj)
            if (obj.pos_ == "PROPN" or obj.ent_type_ == "ORG") and (
                named is None or named[0] == ""
            ):
                return obj
        return None


def resolve_speakers(
    doc: Doc, attributions: Sequence[Attribution], *, article_id: str | None = None
) -> list[AttributionSpeakers]:
    """Speakers and outlet for each attribution (a parallel list), resolved in text order.

    ``article_id`` scopes the keys of anonymous sources and groups; it defaults to a hash of
    the text, so keys are stable for the same article.
    """
    aid = article_id or hashlib.sha256(doc.text.encode()).hexdigest()[:16]
    resolver = _Resolver(doc, attributions, aid)
    order = sorted(range(len(attributions)), key=lambda i: _first_offset(attributions[i]))
    results: dict[int, AttributionSpeakers] = {}
    for i in order:
        attribution = attributions[i]
        speakers: list[Speaker] = []
        for src in attribution.sources:
            span = resolver.span(src)
            for mention in split_mentions(span) if span is not None else []:
                speakers.extend(s for s in resolver.mention(mention) if s not in speakers)
        results[i] = AttributionSpeakers(tuple(speakers), resolver.outlet(attribution))
    return [results[i] for i in range(len(attributions))]


def _first_offset(attribution: Attribution) -> int:
    spans = [*attribution.sources, *attribution.contents]
    return min((s.start for s in spans), default=0)
