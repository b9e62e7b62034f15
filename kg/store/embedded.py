"""The default store: pyoxigraph (RocksDB) on disk behind the ``Store`` protocol.

Reads run over the union of all graphs. ``replace_graph`` is one SPARQL Update request (drop the
graph, insert the new triples), which pyoxigraph applies as a single transaction, so readers see
the old graph or the new one, never a mix.

User queries (``query_raw``, ``query_head``) run on ``query_workers`` daemon threads kept for
the store's life (``kg.store.workers``): a result up to the hold size comes back whole in one
hand-over, a longer one streams through a bounded queue. pyoxigraph holds the GIL while it
evaluates, so a worker does not add parallelism; it keeps the event loop serving (the interpreter
switches threads every few milliseconds) and enforces the deadline. The worker stops at its next
write once the deadline passes or the reader goes away. A query that computes for long without
producing output (a big aggregate, a sort) cannot be interrupted, as pyoxigraph has no cancel:
the caller still gets ``QueryTimeout`` on time, the query keeps its worker until done, and
``query_workers`` bounds how many such queries run at once. The one exception is a lookup of a
given subject's triples (``sparqltext.is_lookup``): bounded by construction, it runs on the
caller's thread, as the hand-over costs more than the query."""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import chain
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph

from kg.store import Bindings, QuerySyntaxError, QueryTimeout, RawResult, Row, StoreError
from kg.store.cache import ResultCache
from kg.store.sparqltext import (
    bind,
    is_lookup,
    is_update,
    keywords,
    solution_rows,
    to_ox,
    to_rdflib,
)
from kg.store.workers import Cancelled, Deliver, Job, RawHead, Slot, Workers, loop_slot
from kg.vocab import PREFIXES

__all__ = ["EmbeddedStore", "GRAPH_FORMATS", "RESULT_FORMATS", "RawHead", "to_ox", "to_rdflib"]

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
DATASET_FORMATS = {
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
QUERY_WORKERS = 4
HOLD_BYTES = 1 << 20
MAX_RESULT_BYTES = 256 << 20
CACHED_QUERY_CHARS = 4096
FLUSH_BYTES = 16 << 20
RESULT_CACHE_BYTES = 64 << 20
UNION_CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_PREFIXES = {name: str(ns) for name, ns in PREFIXES.items()}
T = TypeVar("T")


def _clear(exc: BaseException | None) -> None:
    """Drop the local variables of every frame in an exception's tracebacks."""
    while exc is not None:
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def _remembered(analyse: Callable[[str], T]) -> Callable[[str], T]:
    """``analyse`` of a query text, remembered for short texts: clients send the same queries
    again and again."""
    cached = lru_cache(maxsize=256)(analyse)

    def call(query: str) -> T:
        return cached(query) if len(query) <= CACHED_QUERY_CHARS else analyse(query)

    return call


_keywords = _remembered(lambda query: frozenset(keywords(query)))
_lookup = _remembered(is_lookup)


def _syntax_error(text: str, exc: SyntaxError) -> QuerySyntaxError:
    if is_update(text):
        return QuerySyntaxError("SPARQL Update is not allowed here: this endpoint is read-only")
    return QuerySyntaxError(str(exc))


class EmbeddedStore:
    """A pyoxigraph store in directory ``location`` (created if missing unless read-only)."""

    def __init__(
        self,
        location: str,
        read_only: bool = False,
        *,
        max_result_bytes: int = MAX_RESULT_BYTES,
        query_workers: int = QUERY_WORKERS,
        result_cache_bytes: int = RESULT_CACHE_BYTES,
    ) -> None:
        try:
            self._store: ox.Store | None = (
                ox.Store.read_only(str(location)) if read_only else ox.Store(str(location))
            )
        except OSError as exc:
            raise StoreError(f"cannot open store at {location}: {exc}") from exc
        self.location = str(location)
        self.read_only = read_only
        self.max_result_bytes = max_result_bytes
        self._workers = Workers(query_workers)
        self._generation = 0
        self._unflushed = 0
        self._results = ResultCache(result_cache_bytes, HOLD_BYTES)

    @property
    def _db(self) -> ox.Store:
        if self._store is None:
            raise StoreError("store is closed")
        return self._store

    def _write(self, update: str) -> None:
        """Run ``update`` in one transaction; after every ``FLUSH_BYTES`` of updates, flush.

        Oxigraph's RocksDB keeps written data in its in-memory write buffers until a flush, and
        left alone they grew with every article ingested (1.2 GB after 900k quads written, back
        to 90 MB once flushed); flushing as the writes add up keeps ingest's memory flat and the
        write-ahead log that every open replays short."""
        if self.read_only:
            raise StoreError("store is open read-only")
        try:
            self._db.update(update)
            self._unflushed += len(update)
            if self._unflushed >= FLUSH_BYTES:
                self._unflushed = 0
                self._db.flush()
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        finally:
            self._generation += 1

    def replace_graph(self, graph: str, data: Graph) -> None:
        """Drop ``graph`` and insert ``data`` in one update, i.e. one transaction."""
        name = ox.NamedNode(str(graph))
        triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in data]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        self._write(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}}} }}")

    def delete_graph(self, graph: str) -> None:
        self._write(f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}")

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._db.named_graphs() if isinstance(g, ox.NamedNode))

    def _query(self, query: str, bindings: Bindings | None) -> Any:
        try:
            return self._db.query(bind(query, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        return solution_rows(self._query(query, bindings))

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        graph = Graph(store="SimpleMemory")  # a plain graph: no per-triple context bookkeeping
        graph.addN(
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
            for t in result
        )
        return graph

    def update(self, update: str, bindings: Bindings | None = None) -> None:
        try:
            self._write(bind(update, bindings))
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def query_raw(
        self,
        query: str,
        media_type: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> RawResult:
        """Run a user's read-only query on a worker; hold back up to 1 MiB before streaming.

        Errors found before the first ``HOLD_BYTES`` of output raise here; a failure after that
        (time limit, size cap) ends the stream early with an exception.
        """
        slot = Slot()
        job = self._start(query, media_type, default_graph_uris, named_graph_uris, timeout_s, slot)
        media, data, rest = job.wait(slot)
        return RawResult(media, iter([data]) if rest is None else chain([data], rest))

    async def query_head(
        self,
        query: str,
        media_type: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
        hold_bytes: int = HOLD_BYTES,
    ) -> RawHead:
        """``query_raw`` for an event loop, awaited without a thread of its own: an output of up
        to ``hold_bytes`` comes whole; a longer one as its start and a (blocking) iterator. A
        lookup of one subject's triples runs inline (``_inline``). Whole results are kept in a
        ``ResultCache`` until the store is next written through this object (a read-only store
        sees no other writer's changes while open, so its results stay valid)."""
        key = (query, media_type, tuple(default_graph_uris), tuple(named_graph_uris))
        generation = self._generation
        cached = self._results.get(key, generation)
        if cached is not None and len(cached[1]) <= hold_bytes:
            return RawHead(*cached, None)
        graphs = (default_graph_uris, named_graph_uris)
        if _lookup(query):
            head = self._inline(query, media_type, *graphs)
        else:
            future, deliver = loop_slot(asyncio.get_running_loop())
            job = self._start(query, media_type, *graphs, timeout_s, deliver, hold_bytes)
            head = await job.wait_async(future)
        if head.rest is None:
            self._results.put(key, generation, head.media_type, head.head)
        return head

    def _inline(
        self,
        query: str,
        media_type: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> RawHead:
        """A lookup of one subject's triples (``is_lookup``), run on the caller's thread: its work
        is bounded by the node's out-degree, so the hand-over to a worker (most of a small
        query's time) buys nothing. The size cap still applies."""
        options = self._options(query, default_graphs, named_graphs)
        outcome: list[Any] = []
        job = Job(None, self.max_result_bytes, self.max_result_bytes, outcome.append)
        self._produce(query, media_type, options, job)
        return job.outcome(outcome[0] if outcome else None)

    def _options(
        self, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> dict[str, Any]:
        words = _keywords(query)
        if "SERVICE" in words:
            raise QuerySyntaxError("SERVICE (federated query) is not allowed on this endpoint")
        return self._dataset_options(words, default_graphs, named_graphs)

    def _start(
        self,
        query: str,
        media_type: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout_s: float | None,
        deliver: Deliver,
        hold: int = HOLD_BYTES,
    ) -> Job:
        """Queue the query for a ``query_workers`` thread; its head will go to ``deliver``."""
        options = self._options(query, default_graphs, named_graphs)
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        job = Job(deadline, self.max_result_bytes, hold, deliver)
        self._workers.submit(partial(self._produce, query, media_type, options, job))
        return job

    @staticmethod
    def _dataset_options(
        words: frozenset[str], default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> dict[str, Any]:
        """Protocol graphs replace the query's FROM and FROM NAMED as a whole (SPARQL 1.1
        Protocol §2.1.4): one kind alone leaves the other empty, as FROM alone does in a query.
        Without either, the default graph is the union of all graphs."""
        if default_graphs or named_graphs:
            return {
                "default_graph": [ox.NamedNode(g) for g in default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in named_graphs],
            }
        return {} if "FROM" in words else {"use_default_graph_as_union": True}

    def _produce(self, query: str, media_type: str, options: dict, job: Job) -> None:
        """Worker: evaluate and serialize into ``job``, which ends with its output or an error.

        Tracebacks are cleared before an error crosses threads: their frames hold pyoxigraph
        results, which must be dropped on the thread that made them.
        """
        if not job.begin():
            return
        try:
            job.check()
            self._serialize(query, media_type, options, job)
            job.finish()
        except Cancelled:
            return
        except (QuerySyntaxError, QueryTimeout, StoreError) as exc:
            _clear(exc)
            job.fail(exc)
        except Exception as exc:
            _clear(exc)
            job.fail(StoreError(f"query failed: {exc}"))

    def _serialize(self, query: str, media_type: str, options: dict, job: Job) -> None:
        try:
            result = self._db.query(query, **options)
        except SyntaxError as exc:
            raise _syntax_error(query, exc) from None
        if isinstance(result, ox.QueryTriples):
            job.media_type = media_type if media_type in GRAPH_FORMATS else "text/turtle"
            ox.serialize(result, job, GRAPH_FORMATS[job.media_type], prefixes=_PREFIXES)
        else:
            if media_type not in RESULT_FORMATS:
                media_type = "application/sparql-results+json"
            job.media_type = media_type
            result.serialize(job, RESULT_FORMATS[media_type])

    def quad_count(self) -> int:
        return len(self._db)

    def dump(self, media_type: str) -> bytes:
        """TriG/N-Quads keep the named graphs; graph formats get the union of all graphs."""
        if media_type in DATASET_FORMATS:
            return self._db.dump(format=DATASET_FORMATS[media_type], prefixes=_PREFIXES)
        if media_type not in GRAPH_FORMATS:
            raise ValueError(f"cannot dump as {media_type}")
        union = self._db.query(UNION_CONSTRUCT, use_default_graph_as_union=True)
        return ox.serialize(union, format=GRAPH_FORMATS[media_type], prefixes=_PREFIXES)

    def close(self) -> None:
        """Drop the database handle (its lock is released once running queries end). Every
        committed write is already in RocksDB's write-ahead log, which the next open (read-only
        too) replays; no manual flush, as RocksDB's can wait forever (seen here closing a 3M-quad
        store; facebook/rocksdb#13280)."""
        if self._store is None:
            return
        self._workers.close()
        self._store = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
