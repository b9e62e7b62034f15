"""The newest claims on each topic: a small index the reasoner picks neighbours from.

Picking an article's neighbours ranks, for each of its multi-word topics, the other articles'
claims on it, newest first; on a topic that thousands of claims discuss that is a scan of them
all, for every article. So each such topic keeps its ``CAP`` newest claims in one named graph
(``kg.vocab.RECENT_GRAPH``, ``cg:recentClaim``), updated as each article is written
(``index_article``). A claim enters only by outranking the oldest entry, and entries leave only
when outranked or removed from the store, so every claim outside a topic's index is older than
every claim in it. Hence, when the index still holds ``wanted`` claims of other articles, its
newest ``wanted`` are exactly what the full ranking gives; otherwise (a small topic, entries
removed, a store written before the index existed) ``recent_claims`` says so and the caller
ranks in full.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.term import Identifier

from kg.queries import query
from kg.store import Row, Store
from kg.vocab import CG, RECENT_GRAPH, article_iri

__all__ = ["CAP", "Entries", "index_article", "rebuild_index", "recent_claims"]

CAP = 120

TopicEntries = dict[Identifier, tuple[Identifier, Identifier | None]]
"""A topic's stored index entries: claim -> (its article, the article's date or None)."""
Entries = dict[Identifier, TopicEntries]
"""Several topics' stored index entries, by topic."""


def _newest(entries: dict[Identifier, Identifier | None]) -> list[Identifier]:
    """Claims newest first (undated last), ties by IRI: ORDER BY DESC(?published) DESC(?claim)."""
    return sorted(
        entries,
        key=lambda claim: (entries[claim] is not None, str(entries[claim] or ""), str(claim)),
        reverse=True,
    )


def _by_topic(rows: list[Row]) -> dict[Identifier, dict[Identifier, Identifier | None]]:
    """``article-topic-claims`` rows as topic -> claim -> the article's date (or None)."""
    topics: dict[Identifier, dict[Identifier, Identifier | None]] = {}
    for row in rows:
        topics.setdefault(row["topic"], {})[row["claim"]] = row.get("published")
    return topics


def _read(store: Store, topic: Identifier) -> tuple[TopicEntries, set[Identifier]]:
    """The topic's index entries whose claims are still stored (claim -> (article, date)), and
    every entry it holds, stored or not (what an update may have to drop): one read."""
    rows = store.select(query("recent-claims"), {"topic": topic, "index": RECENT_GRAPH})
    stored = {r["claim"]: (r["article"], r.get("published")) for r in rows if "article" in r}
    return stored, {r["claim"] for r in rows}


def index_article(store: Store, article_id: str) -> Entries:
    """Merge the article's claims into the index of every multi-word topic they are about: per
    topic, one read and at most one update of just the entries that change (a read for several
    topics at once, bound as a list, made the store scan the whole index; rewriting a topic's
    whole entry list took 70 ms at 10k claims). Returns those topics' entries as they now are,
    which ``recent_claims`` can take instead of reading them again."""
    article = article_iri(article_id)
    mine = _by_topic(store.select(query("article-topic-claims"), {"article": article}))
    now: Entries = {}
    for topic, claims in sorted(mine.items()):
        stored, held = _read(store, topic)
        stored.update((claim, (article, published)) for claim, published in claims.items())
        keep = set(_newest({claim: entry[1] for claim, entry in stored.items()})[:CAP])
        change = {"gone": sorted(held - keep), "claim": sorted(keep - held)}
        if any(change.values()):
            bound = {"topic": topic, "index": RECENT_GRAPH}
            store.update(query("recent-claims-add"), bound | {k: v for k, v in change.items() if v})
        now[topic] = {claim: stored[claim] for claim in keep}
    return now


def rebuild_index(store: Store) -> int:
    """Build the whole index from the stored claims in one read and one graph write (for a
    store written before the index existed, or filled in bulk); returns its entry count."""
    per_topic = _by_topic(store.select(query("article-topic-claims")))
    index = Graph()
    for topic, claims in per_topic.items():
        for claim in _newest(claims)[:CAP]:
            index.add((topic, CG.recentClaim, claim))
    store.replace_graph(str(RECENT_GRAPH), index)
    return len(index)


def recent_claims(
    store: Store, topic: URIRef, article: URIRef, wanted: int, known: Entries | None = None
) -> list[URIRef] | None:
    """The ``wanted`` newest claims on ``topic`` outside ``article``, or None when the index
    cannot tell them (fewer than ``wanted`` such entries). ``known``: entries just returned by
    ``index_article`` (no store write since), used instead of reading the topic's again."""
    entries = known[topic] if known is not None and topic in known else _read(store, topic)[0]
    others = {claim: date for claim, (owner, date) in entries.items() if owner != article}
    if len(others) < wanted:
        return None
    return [URIRef(str(claim)) for claim in _newest(others)[:wanted]]
