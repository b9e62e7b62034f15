"""Whole SPARQL results are cached until the store is written, and never served stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rdflib import Graph, Literal, Namespace

from kg.store.cache import ResultCache
from kg.store.embedded import EmbeddedStore

EX = Namespace("http://example.org/")
G = "http://example.org/graph/one"
NAMES = f"SELECT ?name WHERE {{ ?s <{EX.name}> ?name }} ORDER BY ?name"


def names(*values: str) -> Graph:
    g = Graph()
    for value in values:
        g.add((EX[value], EX.name, Literal(value)))
    return g


def test_entries_are_dropped_when_stale_oversized_or_least_recently_used() -> None:
    cache = ResultCache(max_bytes=10, max_entry_bytes=6)
    cache.put("a", 1, "text/csv", b"aaaa")
    cache.put("b", 1, "text/csv", b"bbbb")
    assert cache.get("a", 1) == ("text/csv", b"aaaa")
    cache.put("c", 1, "text/csv", b"cccc")
    assert cache.get("b", 1) is None, "b was the least recently used"
    assert cache.get("a", 1) is not None and cache.get("c", 1) is not None
    assert cache.get("a", 2) is None and len(cache) == 1, "a stale entry leaves"
    cache.put("big", 2, "text/csv", b"x" * 7)
    assert cache.get("big", 2) is None and cache.size == 4


def test_a_write_makes_the_next_answer_fresh(tmp_path: Path) -> None:
    store = EmbeddedStore(str(tmp_path / "store"))
    try:
        store.replace_graph(G, names("Ada"))
        first = asyncio.run(store.query_head(NAMES, "text/csv"))
        again = asyncio.run(store.query_head(NAMES, "text/csv"))
        assert first.head.split() == again.head.split() == [b"name", b"Ada"]
        assert len(store._results) == 1
        store.replace_graph(G, names("Ada", "Bob"))
        assert asyncio.run(store.query_head(NAMES, "text/csv")).head.split()[1:] == [b"Ada", b"Bob"]
        store.update(f"INSERT DATA {{ GRAPH <{G}> {{ <{EX.cy}> <{EX.name}> 'Cy' }} }}")
        assert asyncio.run(store.query_head(NAMES, "text/csv")).head.split()[-1] == b"Cy"
        store.delete_graph(G)
        assert asyncio.run(store.query_head(NAMES, "text/csv")).head.split() == [b"name"]
    finally:
        store.close()


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    store = EmbeddedStore(str(tmp_path / "store"), result_cache_bytes=0)
    try:
        store.replace_graph(G, names("Ada"))
        asyncio.run(store.query_head(NAMES, "text/csv"))
        assert len(store._results) == 0
    finally:
        store.close()
