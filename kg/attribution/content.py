"""What a cue reports: the content tokens read off its complement frame.

Clauses (``said that X``), objects with the rest of their verb phrase (``called X "Y"``,
``described X as Y``, ``accused X of Y``), infinitives (with the subject for raising cues:
``X is expected to Y``), prepositional objects chosen by mined preposition rates, the clause a
parenthetical cue hangs off (``X, she told reporters``), and the rest of a line after a colon.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.attribution.tree import head_clause, subtree
from kg.cues import TIME_ENTS, Lexicon, controlled_object, prep_objects

CLAUSE_DEPS = ("ccomp", "parataxis")
VP_TAIL_DEPS = frozenset({"prep", "oprd", "xcomp", "ccomp", "acomp", "dative", "advcl"})
HOST_DEPS = frozenset({"parataxis", "ccomp", "advcl"})
PREP_RATE = 0.4
EXTEND_FRAMES = frozenset({"dobj", "xcomp", "prep", "ccomp"})
TAIL_STOP = frozenset({"conj", "cc", "punct", "parataxis", "mark", "dep"})
PREDICATE_DEPS = ("acomp", "attr", "oprd")
CONJ_CUE = 0.3
REASON_MARKS = frozenset({"because", "so", "if", "unless", "since"})
NOMINALS = frozenset({"NOUN", "PROPN", "PRON"})


def children(token: Token, deps: tuple[str, ...] | frozenset[str]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def good_prep(prep: Token, obj: Token, lexicon: Lexicon) -> bool:
    return lexicon.prep_rate(prep) >= PREP_RATE


def object_phrase(token: Token, obj: Token, lexicon: Lexicon) -> set[int]:
    """The object plus the complements after it: ``X "Y"``, ``X as Y``, ``X of Y``."""
    idx = subtree(obj)
    valid = {p.i for p, o in prep_objects(token) if good_prep(p, o, lexicon)}
    for child in token.rights:
        if child.i <= obj.i or child.dep_ not in VP_TAIL_DEPS:
            continue
        if child.dep_ == "prep" and child.i not in valid:
            continue
        if child.dep_ == "advcl" and not any(c.dep_ == "mark" for c in child.children):
            continue
        idx |= subtree(child)
    return idx


def best_prep(token: Token, lexicon: Lexicon) -> tuple[Token, Token] | None:
    pairs = [(p, o) for p, o in prep_objects(token) if good_prep(p, o, lexicon)]
    return max(pairs, key=lambda po: lexicon.prep_rate(po[0]), default=None)


def host_clause(token: Token) -> set[int]:
    """The clause a parenthetical cue is attached to, if it hangs off one."""
    if token.dep_ in HOST_DEPS and token.head.i != token.i:
        return head_clause(token)
    return set()


def with_subject(token: Token, idx: set[int], lexicon: Lexicon) -> set[int]:
    """Raising and passive cues report their subject too ("the vote is expected to pass",
    "the plan was billed as a rescue", "the economy seemed immune")."""
    raising = lexicon.raising(token)
    for child in token.children:
        if child.lower_ in ("it", "there"):
            continue
        if child.dep_ == "nsubjpass" or (child.dep_ == "nsubj" and raising):
            idx = idx | subtree(child)
            if raising:
                idx |= set().union(*(subtree(c) for c in children(token, PREDICATE_DEPS)))
            return idx
    return idx


def antecedent(token: Token) -> set[int]:
    """The noun a relative or participle cue modifies, when it is the thing reported
    ("the policies once championed by X", "a concern that X would echo")."""
    head = token.head
    if token.dep_ in ("relcl", "acl") and head.i != token.i and head.pos_ in NOMINALS:
        if token.dep_ == "relcl" or token.tag_ == "VBN":
            return subtree(head) - subtree(token)
    return set()


def gapped(token: Token, idx: set[int]) -> bool:
    """Is the content just a relative pronoun standing for the modified noun?"""
    words = [token.doc[i] for i in idx if not token.doc[i].is_punct]
    return len(words) == 1 and words[0].tag_ in ("WDT", "WP") or not words


def content_of(
    token: Token, kind: str, lexicon: Lexicon, qidx: list[int]
) -> tuple[set[int], set[int]]:
    """(content tokens, extra cue tokens) for a cue in frame ``kind``; empty if none."""
    idx, extra = frame_content(token, kind, lexicon, qidx)
    if kind in ("none", "dobj", "prep") and gapped(token, idx):
        idx |= antecedent(token)
    if idx and min(idx) > token.i and kind in EXTEND_FRAMES:
        idx |= clause_tail(token, idx)
        idx |= conjoined_content(token, idx, lexicon)
    return with_subject(token, idx, lexicon), extra


def that_clause(token: Token) -> bool:
    """Does the clause open with "that" (a mark, or a determiner the parser mistook for one)?"""
    return token.left_edge.lower_ == "that" and token.left_edge.i < token.i


def own_clause(token: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def reason_clause(token: Token) -> bool:
    """A reason or condition clause ("because ...", "if ...") belongs to the claim."""
    return token.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in REASON_MARKS for c in token.children
    )


def conjoined_content(token: Token, idx: set[int], lexicon: Lexicon) -> set[int]:
    """A clause the parser coordinated with the cue but which carries on what it reports
    ("said X, but that Y"; "said X, but found Y"), unless it is a report of its own
    ("said X and added Y")."""
    child = next((c for c in token.rights if c.i > max(idx) and c.dep_ == "conj"), None)
    if child is None or lexicon.max_prob(child) >= CONJ_CUE:
        return set()
    if own_clause(child) and not that_clause(child):
        return set()
    return set(range(max(idx) + 1, child.i)) | subtree(child)


def clause_tail(token: Token, idx: set[int]) -> set[int]:
    """The cue's later dependents that the parser hung on the verb but belong to the content
    ("praised the efforts of X [to find a solution]", "denied any role [in the attacks]")."""
    tail: set[int] = set()
    for child in token.rights:
        if child.i <= max(idx):
            continue
        if child.dep_ in TAIL_STOP or (own_clause(child) and not reason_clause(child)):
            break
        if child.ent_type_ in TIME_ENTS or timed(child):
            continue
        tail |= subtree(child)
    return tail


def timed(prep: Token) -> bool:
    """A preposition whose object is a date or time ("in December")."""
    return prep.dep_ == "prep" and any(
        c.dep_ == "pobj" and c.ent_type_ in TIME_ENTS for c in prep.children
    )


def after_colon(colon: Token) -> set[int]:
    """What a colon introduces: the rest of its sentence, or, when the line ends there
    ("She wrote:"), the next paragraph."""
    doc = colon.doc
    rest = {t.i for t in colon.sent if t.i > colon.i and not t.is_space}
    if rest:
        return rest
    start = colon.i + 1
    while start < len(doc) and doc[start].is_space:
        start += 1
    end = start
    while end < len(doc) and "\n" not in doc[end].text_with_ws:
        end += 1
    return {i for i in range(start, min(end + 1, len(doc))) if not doc[i].is_space}


def clauses(token: Token, qidx: list[int]) -> list[Token]:
    """The clauses a cue reports; an unquoted one before it is the writer's own when another
    follows it ("There is less consensus: 47% say [the US should ...]")."""
    found = children(token, CLAUSE_DEPS)
    if not any(c.i > token.i for c in found):
        return found
    return [c for c in found if c.i > token.i or qidx[c.i] >= 0]


def frame_content(
    token: Token, kind: str, lexicon: Lexicon, qidx: list[int]
) -> tuple[set[int], set[int]]:
    """Content read off the complement that defines the frame."""
    if kind == "ccomp":
        return set().union(*(subtree(c) for c in clauses(token, qidx))), set()
    if kind == "xcomp":
        idx = set().union(*(subtree(c) for c in children(token, ("xcomp",))))
        obj = controlled_object(token)
        if obj is not None and lexicon.controls(token):
            idx |= subtree(obj)
        return idx, set()
    if kind == "dobj":
        obj = children(token, ("dobj",))[0]
        if lexicon.addressee(token):
            return host_clause(token) or object_phrase(token, obj, lexicon), set()
        return object_phrase(token, obj, lexicon), set()
    if kind == "acl":
        return set().union(*(subtree(c) for c in children(token, ("acl",)))), set()
    if kind == "prep":
        if token.dep_ == "prep":
            return head_clause(token), set()
        pair = best_prep(token, lexicon)
        if pair is None:
            return host_clause(token), set()
        prep, obj = pair
        return subtree(obj), {prep.i}
    if kind == "colon":
        colon = next(c for c in token.rights if c.text == ":")
        return after_colon(colon), {colon.i}
    return host_clause(token), set()
