"""Contradiction finding: owlrl plus the SPARQL rules, over one article's neighbourhood only.

For an article, the store hands back its claims (``ontology/queries/neighbourhood.rq``) and at
most ``NEIGHBOURS`` (60) claims of other articles sharing a multi-word topic with them, the only
link a rule accepts across articles (``neighbour_claims``): first those by one of the article's
speakers (up to half the cap, for ``self-contradiction.rq``), then, topic by topic in turn, those
of the newest articles (from the index of each topic's newest claims, ``kg.recent``, so that a
topic thousands of claims discuss is not ranked in full for every article). Speakers that name
one person across articles are linked by ``owl:sameAs`` (``kg.aliases``). That small graph,
plus the ontology, gets its OWL 2 RL closure (owlrl), which merges what linked speakers said;
then each rule in ``ontology/rules/*.rq`` runs over it (in an in-memory Oxigraph store,
``kg.store.memory``). A rule is a SELECT that projects ``?a ?b`` (two claims) and optionally
``?target``, ``?reason`` and ``?confidence``; it runs with ``?article`` bound to the article's
IRI, and only pairs involving one of the article's claims are kept (pair order and duplicates do
not matter: ids are order-free). ``infer_many`` closes the neighbourhoods of several articles
at once, each article's rules still pairing only claims of its own neighbourhood.

The cap keeps the store queries, the closure and the rules nearly flat as the store grows, at a
price: a contradiction with a claim beyond the cap (an older article on a topic more than
``NEIGHBOURS`` claims discuss) is missed. ``reason_all`` re-reasons every article against its
own capped neighbourhood, so it finds such a pair only when it falls within one side's cap; and
since reasoning an article replaces every contradiction involving its claims, the last side
reasoned decides whether the pair is kept.

Before the rules run, ``kg/quantities.py`` and ``kg/propositions.py`` add the numbers and the
main-clause proposition each neighbouring claim states (for ``quantity-conflict.rq`` and
``proposition-negation.rq``), and ``kg/signals.py`` looks for the journalist's own conflict signals
in the article's stored raw text ("This account differed sharply from ..."); they join the graph as
``oa:Annotation`` nodes (for ``journalist-signal.rq``) and are kept in the article's inferred
graph. Contradictions less confident than ``MIN_CONFIDENCE`` (0.4) are not reported: below it a
rule's match is too weak a lead (e.g. mild stances on a generic topic) to spend a reader's time.

Every contradiction involving one of the article's claims lives in the article's inferred graph
and nowhere else: reasoning first drops such contradictions (and any pointing at claims that no
longer exist) from other articles' inferred graphs, then replaces its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import zip_longest
from typing import Any

import owlrl.Closure
import owlrl.OWLRL
from owlrl import DeductiveClosure, OWLRL_Semantics
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.aliases import alias_graph
from kg.graph import graph_iri, new_graph
from kg.model import Contradiction
from kg.propositions import proposition_graph
from kg.quantities import quantity_graph
from kg.queries import ONTOLOGY_FILE, Rule, query, rules
from kg.recent import Entries, recent_claims
from kg.signals import ClaimRef, Signal, conflict_signals, signal_graph
from kg.store import Row, Store
from kg.store.memory import MemoryStore
from kg.vocab import (
    CG,
    INFERRED_GRAPH_PREFIX,
    ONTOLOGY_GRAPH,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    XSD,
    article_iri,
    contradiction_id,
    contradiction_iri,
    inferred_graph_iri,
    short_id,
)

__all__ = [
    "Inferred",
    "Neighbourhood",
    "commit",
    "contradiction_graph",
    "article_signals",
    "gather",
    "infer",
    "infer_many",
    "load_ontology",
    "neighbour_claims",
    "claims_near",
    "neighbourhood",
    "reason_all",
    "reason_article",
    "remove_article",
    "tbox",
]


Triple = tuple[Identifier, Identifier, Identifier]
ALIAS_PREDICATES = frozenset({RDF.type, SCHEMA.name, SCHEMA.alternateName, PROV.wasAttributedTo})
MIN_CONFIDENCE = 0.4
NEIGHBOURS = 60


@cache
def _tbox() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def tbox() -> Graph:
    """A fresh copy of the ontology (the TBox plus its stance and kind individuals)."""
    g = new_graph()
    g += _tbox()
    return g


def load_ontology(store: Store) -> None:
    """Write the ontology into its own named graph, so SPARQL users can read labels and axioms."""
    store.replace_graph(str(ONTOLOGY_GRAPH), tbox())


def _shared_topics(own: Graph, article: URIRef) -> list[URIRef]:
    """The multi-word topics of the article's claims, the only ones linking across articles."""
    return sorted(
        {
            topic
            for claim in own.subjects(SCHEMA.appearance, article)
            for topic in own.objects(claim, CG.about)
            if isinstance(topic, URIRef) and " " in str(own.value(topic, RDFS.label) or "")
        }
    )


def _candidates(
    store: Store, article: URIRef, topic: URIRef, known: Entries | None
) -> list[URIRef]:
    """Other articles' claims on ``topic``, newest first: from the index when it can tell."""
    recent = recent_claims(store, topic, article, NEIGHBOURS, known)
    if recent is not None:
        return recent
    bound = {"article": article, "topic": topic}
    return [row["claim"] for row in store.select(query("neighbour-candidates"), bound)]


def neighbour_claims(
    store: Store, article_id: str, own: Graph | None = None, known: Entries | None = None
) -> list[URIRef]:
    """At most ``NEIGHBOURS`` claims of other articles sharing a multi-word topic with the article.

    Claims by one of the article's speakers come first (up to half the cap), newest first; then
    each shared topic ranks its claims newest first and the topics take turns, so every topic
    keeps its top claims. ``own`` is the article's part of the neighbourhood, if already fetched;
    ``known`` the topic index entries ``kg.recent.index_article`` just returned, if any.
    """
    article = article_iri(article_id)
    if own is None:
        own = store.construct(query("neighbourhood"), {"article": article})
    bound = {"article": article}
    same = [row["claim"] for row in store.select(query("neighbour-same-speaker"), bound)]
    queues = [_candidates(store, article, t, known) for t in _shared_topics(own, article)]
    chosen = dict.fromkeys(same[: NEIGHBOURS // 2])
    for turn in zip_longest(*queues):
        for claim in turn:
            if claim is not None and len(chosen) < NEIGHBOURS:
                chosen.setdefault(claim)
    return [URIRef(str(claim)) for claim in chosen]


def claims_near(store: Store, article_id: str, known: Entries | None = None) -> Graph:
    """The article's claims and at most ``NEIGHBOURS`` claims of other articles."""
    g = store.construct(query("neighbourhood"), {"article": article_iri(article_id)})
    if claims := neighbour_claims(store, article_id, g, known):
        g += store.construct(query("neighbour-claim"), {"claim": claims})
    return g


def neighbourhood(store: Store, article_id: str) -> Graph:
    """The TBox plus ``claims_near``: the graph the reasoner closes for the article."""
    g = tbox()
    g += claims_near(store, article_id)
    return g


class _Terms:
    """A namespace whose terms, once looked up, are plain attributes. owlrl reads ``OWL.x`` and
    ``RDF.x`` for every triple in every round, and rdflib's namespace ``__getattr__`` checks the
    name each time (a seventh of a closure); the terms themselves are rdflib's own."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]


for _module in (owlrl.OWLRL, owlrl.Closure):
    for _name in ("OWL", "RDF", "RDFS"):
        if hasattr(_module, _name):
            setattr(_module, _name, _Terms(getattr(_module, _name)))


_VOCABULARIES = (str(RDF), str(RDFS), str(OWL))


def _vocabulary(term: Identifier) -> bool:
    """Whether ``term`` is an RDF, RDFS or OWL term, the only ones owlrl's rules branch on."""
    return isinstance(term, URIRef) and str.startswith(term, _VOCABULARIES)


class Semantics(OWLRL_Semantics):
    """owlrl's OWL 2 RL rules without eq-ref, the rule that states ``x owl:sameAs x`` for every
    node of every triple. Those reflexive links are all it adds (eq-sym, eq-trans and eq-rep on a
    reflexive link only restate what is there), yet they tripled the graph and the next round
    re-examined each of them: the equality rules were 40% of a closure. Every other rule, eq-sym,
    eq-trans and eq-rep on real ``owl:sameAs`` links included, runs as owlrl has it.

    Each round owlrl hands every triple to every rule group, and each group branches on the
    triple's predicate (and, for ``rdf:type``, its object) being an RDF, RDFS or OWL term: a data
    triple such as ``claim cg:about topic`` or ``claim rdf:type schema:Claim`` matches no branch,
    so it is not handed over (it is still read by the rules that look data up, e.g. prp-dom)."""

    def rules(self, t: Triple, cycle_num: int) -> None:
        if _vocabulary(t[1]) and (t[1] != RDF.type or _vocabulary(t[2])):
            super().rules(t, cycle_num)
        elif cycle_num == 1:
            for term in t:
                if isinstance(term, BNode) and term not in self.bnodes:
                    self.bnodes.append(term)

    def _equality(self, triple: Triple, cycle_num: int) -> None:
        if triple[1] == OWL.sameAs or triple[2] == OWL.AllDifferent:
            super()._equality(triple, cycle_num)


def _owlrl(g: Graph) -> Graph:
    DeductiveClosure(
        Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(g)
    return g


@cache
def _closed_tbox() -> tuple[Triple, ...]:
    """The OWL 2 RL closure of the ontology's resource triples, computed once per process."""
    g = new_graph()
    for triple in _tbox():
        if not isinstance(triple[2], Literal):
            g.add(triple)
    return tuple(_owlrl(g))


def _closure(g: Graph) -> Graph:
    """OWL 2 RL closure of ``g``'s resource triples; literal-valued ones are set aside meanwhile.

    With datatype axioms off, no rule the contradiction rules rely on (inverse, symmetric,
    subclass) fires on a literal, yet owlrl rescans every triple each round: texts, names and
    scores are most of a neighbourhood, so leaving them out makes the closure several times faster.
    The ontology's own consequences (``_closed_tbox``) go in first, which spares owlrl the rounds
    that would derive them again for every article.
    """
    literals = [t for t in g if isinstance(t[2], Literal) and t[1] != RDF.type]
    for triple in literals:
        g.remove(triple)
    for triple in _closed_tbox():
        g.add(triple)
    _owlrl(g)
    for triple in literals:
        g.add(triple)
    return g


def _confidence(value: Identifier | None) -> float:
    if value is None:
        return 0.5
    try:
        return round(min(1.0, max(0.0, float(value.toPython()))), 3)
    except (TypeError, ValueError):
        return 0.5


def _rank(c: Contradiction) -> tuple[float, str, str]:
    return (-c.confidence, c.reason, c.target or "")


def _apply(
    rule: Rule, closed: MemoryStore, article: URIRef, focus: set[URIRef]
) -> list[Contradiction]:
    best: dict[tuple[str, str], Contradiction] = {}
    for values in closed.select(rule.text, {"article": article}):
        a, b = sorted((str(values["a"]), str(values["b"])))
        if a == b or (URIRef(a) not in focus and URIRef(b) not in focus):
            continue
        target = values.get("target")
        reason = values.get("reason")
        found = Contradiction(
            id=contradiction_id(a, b, rule.name),
            claims=(a, b),
            rule=rule.name,
            reason=str(reason) if reason is not None else f"{rule.name}: {rule.description}",
            confidence=_confidence(values.get("confidence")),
            target=str(target) if target is not None else None,
        )
        held = best.get((a, b))
        if held is None or _rank(found) < _rank(held):
            best[(a, b)] = found
    return list(best.values())


def _contradictions(
    closed: MemoryStore, article_id: str, focus: Iterable[str], allowed: set[URIRef] | None = None
) -> list[Contradiction]:
    """Every rule over ``closed`` for one article: pairs involving a ``focus`` claim (and, given
    ``allowed``, only pairs of those claims), most confident first."""
    wanted = {URIRef(str(c)) for c in focus}
    article = article_iri(article_id)
    found = [c for rule in rules() for c in _apply(rule, closed, article, wanted)]
    found = [
        c
        for c in found
        if c.confidence >= MIN_CONFIDENCE
        and (allowed is None or all(URIRef(x) in allowed for x in c.claims))
    ]
    return sorted(found, key=lambda c: (-c.confidence, c.id))


def contradiction_graph(
    contradictions: Iterable[Contradiction], articles: Mapping[Identifier, Identifier] | None = None
) -> Graph:
    """Contradictions as RDF: one ``cg:Contradiction`` node each, ``cg:contradicts`` both ways;
    ``articles`` (claim -> its article) adds each side's article (``cg:concernsArticle``)."""
    g = new_graph()
    for c in contradictions:
        a, b = (URIRef(x) for x in c.claims)
        node = contradiction_iri(a, b, c.rule)
        known = articles or {}
        for article in {known.get(a), known.get(b)} - {None}:
            g.add((node, CG.concernsArticle, article))
        g.add((node, RDF.type, CG.Contradiction))
        g.add((node, SCHEMA.identifier, Literal(c.id)))
        g.add((node, CG.claimA, a))
        g.add((node, CG.claimB, b))
        g.add((node, CG.rule, Literal(c.rule)))
        g.add((node, CG.reason, Literal(c.reason)))
        g.add((node, CG.confidence, Literal(Decimal(str(c.confidence)), datatype=XSD.decimal)))
        if c.target:
            g.add((node, CG.sharedTarget, URIRef(c.target)))
        g.add((a, CG.contradicts, b))
        g.add((b, CG.contradicts, a))
    return g


def _without(g: Graph, dropped: set[Identifier]) -> Graph:
    """``g`` minus the dropped contradictions, ``cg:contradicts`` rebuilt from the rest."""
    kept = new_graph()
    for s, p, o in g:
        if s not in dropped and p != CG.contradicts:
            kept.add((s, p, o))
    for node in kept.subjects(RDF.type, CG.Contradiction):
        a, b = kept.value(node, CG.claimA), kept.value(node, CG.claimB)
        if a is not None and b is not None:
            kept.add((a, CG.contradicts, b))
            kept.add((b, CG.contradicts, a))
    return kept


def _prune(store: Store, article_id: str | None, keep_graph: str | None) -> None:
    """Drop the contradictions involving the article's claims or concerning it (those left stale
    by its re-ingest among them), outside ``keep_graph``; without an article, every stale one (a
    scan of all contradictions in the store)."""
    doomed: dict[str, set[Identifier]] = defaultdict(set)
    if article_id is None:
        rows = store.select(query("stale-contradictions"))
    else:
        rows = store.select(query("contradictions-involving"), {"article": article_iri(article_id)})
    for row in rows:
        graph = str(row["g"])
        if graph.startswith(INFERRED_GRAPH_PREFIX) and graph != keep_graph:
            doomed[graph].add(row["x"])
    for graph, nodes in sorted(doomed.items()):
        current = store.construct(query("graph-triples"), {"g": URIRef(graph)})
        rest = _without(current, nodes)
        if len(rest):
            store.replace_graph(graph, rest)
        else:
            store.delete_graph(graph)


def _claim_texts(g: Graph) -> list[tuple[URIRef, str]]:
    return [
        (claim, str(text))
        for claim in g.subjects(RDF.type, SCHEMA.Claim)
        if isinstance(claim, URIRef) and (text := g.value(claim, SCHEMA.text)) is not None
    ]


def _claim_refs(rows: list[Row]) -> list[ClaimRef]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[str(row["claim"])].append(row)
    refs = []
    for iri, group in grouped.items():
        first = group[0]
        cue = first.get("cueStart")
        outlet = first.get("outlet")
        refs.append(
            ClaimRef(
                iri=iri,
                start=int(first["start"].toPython()),
                end=int(first["end"].toPython()),
                speaker=str(first["speaker"]),
                names=tuple(sorted({str(r["name"]) for r in group})),
                unknown=first.get("unknown") is not None,
                cue_start=int(cue.toPython()) if cue is not None else None,
                outlet=str(outlet) if outlet is not None else None,
            )
        )
    return refs


def article_signals(store: Store, article_id: str) -> list[Signal]:
    """The journalist's conflict signals in a stored article (see ``kg/signals.py``)."""
    bound = {"article": article_iri(article_id)}
    rows = store.select(query("article"), bound)
    if not rows:
        return []
    refs = _claim_refs(store.select(query("article-claim-sources"), bound))
    return conflict_signals(str(rows[0]["raw"]), refs)


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What reasoning about one article reads from the store: plain triples, so it pickles.

    ``claims`` are the article's claim IRIs, ``triples`` its claims and their neighbours
    (``claims_near``; the TBox is added where the reasoner runs), ``signals`` the triples of its
    journalist's conflict signals.
    """

    article_id: str
    claims: frozenset[str]
    triples: tuple[Triple, ...]
    signals: tuple[Triple, ...]


def gather(store: Store, article_id: str, known: Entries | None = None) -> Neighbourhood:
    """Read what reasoning about the article needs (the only store reads of reasoning);
    ``known``: what ``kg.recent.index_article`` returned for it just before, if it ran."""
    rows = store.select(query("article-claims"), {"article": article_iri(article_id)})
    mine = frozenset(str(row["claim"]) for row in rows)
    if not mine:
        return Neighbourhood(article_id, mine, (), ())
    signals = signal_graph(article_signals(store, article_id))
    near = claims_near(store, article_id, known)
    return Neighbourhood(article_id, mine, tuple(near), tuple(signals))


@dataclass(frozen=True, slots=True)
class Inferred:
    """What reasoning found for one article: its contradictions, most confident first, and the
    ``owl:sameAs`` links between its speakers and others (``kg.aliases``)."""

    contradictions: list[Contradiction]
    aliases: tuple[Triple, ...] = ()


def _aliases(near: Neighbourhood) -> tuple[Triple, ...]:
    """``kg.aliases`` links within the article's own neighbourhood touching its speakers (read
    from its types, names and attributions only: the rest of it goes into ``infer_many``'s
    graph)."""
    g = new_graph()
    for triple in near.triples:
        if triple[1] in ALIAS_PREDICATES:
            g.add(triple)
    own = {s for c in near.claims for s in g.objects(URIRef(c), PROV.wasAttributedTo)}
    return tuple(t for t in alias_graph(g) if t[0] in own or t[2] in own)


def infer_many(nears: Sequence[Neighbourhood]) -> list[Inferred]:
    """Reason about several articles at once: CPU only, no store, so it can run in another
    process (``kg.pipeline.Writer`` does).

    One owlrl closure covers the union of their neighbourhoods, so the ontology's share of it,
    most of a short article's, is paid once per batch rather than per article; each article's
    rules still pair only claims of its own neighbourhood.
    """
    busy = [near for near in nears if near.claims]
    if not busy:
        return [Inferred([]) for _ in nears]
    aliases = {near.article_id: _aliases(near) for near in busy}
    g = Graph(store="SimpleMemory")  # no per-triple context bookkeeping: owlrl needs none
    g += _tbox()
    for near in busy:
        for triple in (*near.triples, *near.signals, *aliases[near.article_id]):
            g.add(triple)
    texts = _claim_texts(g)
    g += quantity_graph(texts)
    g += proposition_graph(texts)
    closed = MemoryStore(_closure(g))
    results = []
    for near in nears:
        if not near.claims:
            results.append(Inferred([]))
            continue
        allowed = {s for s, p, o in near.triples if p == RDF.type and o == SCHEMA.Claim}
        found = _contradictions(closed, near.article_id, near.claims, allowed)
        results.append(Inferred(found, aliases[near.article_id]))
    return results


def infer(near: Neighbourhood) -> Inferred:
    """Reason about one article's neighbourhood (see ``infer_many``)."""
    return infer_many([near])[0]


def commit(store: Store, near: Neighbourhood, inferred: Inferred) -> None:
    """Store what was inferred and the signals in the article's inferred graph, replacing every
    earlier contradiction involving its claims (wherever it was kept) and any left stale."""
    own = str(inferred_graph_iri(near.article_id))
    _prune(store, near.article_id, own)
    articles = {s: o for s, p, o in near.triples if p == SCHEMA.appearance}
    kept = contradiction_graph(inferred.contradictions, articles)
    for triple in (*near.signals, *inferred.aliases):
        kept.add(triple)
    if len(kept):
        store.replace_graph(own, kept)
    else:
        store.delete_graph(own)


def reason_article(
    store: Store, article_id: str, known: Entries | None = None
) -> list[Contradiction]:
    """Find the contradictions involving the article's claims and store them in its inferred graph.

    Returns them most confident first. Re-running on an unchanged store writes the same triples.
    """
    near = gather(store, article_id, known)
    inferred = infer(near)
    commit(store, near, inferred)
    return inferred.contradictions


def reason_all(store: Store) -> list[Contradiction]:
    """Reason about every stored article in turn (slow on big stores: one closure per article)."""
    found: dict[str, Contradiction] = {}
    for row in store.select(query("article-ids")):
        for c in reason_article(store, short_id(row["article"])):
            found[c.id] = c
    return sorted(found.values(), key=lambda c: (-c.confidence, c.id))


def remove_article(store: Store, article_id: str) -> None:
    """Delete an article's graphs and every contradiction that pointed at its claims."""
    store.delete_graph(str(graph_iri(article_id)))
    store.delete_graph(str(inferred_graph_iri(article_id)))
    _prune(store, None, None)  # its claims are gone: every contradiction naming one is stale
