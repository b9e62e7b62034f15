"""The default store: pyoxigraph (RocksDB) on disk behind the ``Store`` protocol.

Reads run over the union of all graphs. ``replace_graph`` is one SPARQL Update request (drop the
graph, insert the new triples), which pyoxigraph applies as a single transaction, so readers see
the old graph or the new one, never a mix.

User queries (``query_raw``) run on daemon worker threads (pyoxigraph releases the GIL while
evaluating) and pyoxigraph's own writers serialize them into a bounded queue; the worker stops at
its next write once the deadline passes or the reader goes away. A query that computes for long
without producing output (a big aggregate, a sort) cannot be interrupted, as pyoxigraph has no
cancel: the caller still gets ``QueryTimeout`` on time, the worker finishes in the background, and
``query_workers`` bounds how many such queries run at once."""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from kg.store import QuerySyntaxError, QueryTimeout, RawResult, Row, StoreError
from kg.store.sparqltext import bind, is_update, keywords, to_ox, to_rdflib
from kg.vocab import PREFIXES

__all__ = ["EmbeddedStore", "GRAPH_FORMATS", "RESULT_FORMATS", "to_ox", "to_rdflib"]

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
UNION_CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_PREFIXES = {name: str(ns) for name, ns in PREFIXES.items()}


def _clear(exc: BaseException | None) -> None:
    """Drop the local variables of every frame in an exception's tracebacks."""
    while exc is not None:
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def _syntax_error(text: str, exc: SyntaxError) -> QuerySyntaxError:
    if is_update(text):
        return QuerySyntaxError("SPARQL Update is not allowed here: this endpoint is read-only")
    return QuerySyntaxError(str(exc))


class _Cancelled(Exception):
    """The reader went away or gave up; the worker stops writing."""


class _Stream:
    """A file-like sink for pyoxigraph writers that feeds a bounded queue read by the response."""

    def __init__(self, deadline: float | None, limit: int) -> None:
        self.queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=64)
        self.cancelled = threading.Event()
        self.deadline = deadline
        self.limit = limit
        self.size = 0

    def _check(self) -> None:
        if self.cancelled.is_set():
            raise _Cancelled
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout("query stopped: it ran past the time limit")

    def put(self, kind: str, value: Any = None) -> None:
        while True:
            self._check()
            try:
                self.queue.put((kind, value), timeout=0.1)
                return
            except queue.Full:
                continue

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise StoreError(f"result larger than {self.limit} bytes: add a LIMIT")
        self.put("data", bytes(data))
        return len(data)

    def flush(self) -> None:
        self._check()

    def get(self) -> tuple[str, Any]:
        """The next event; raises ``QueryTimeout`` (and cancels the worker) past the deadline."""
        timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            self.cancelled.set()
            raise QueryTimeout("query stopped: it ran past the time limit") from None


class EmbeddedStore:
    """A pyoxigraph store in directory ``location`` (created if missing unless read-only)."""

    def __init__(
        self,
        location: str,
        read_only: bool = False,
        *,
        max_result_bytes: int = MAX_RESULT_BYTES,
        query_workers: int = QUERY_WORKERS,
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
        self._slots = threading.BoundedSemaphore(query_workers)

    @property
    def _db(self) -> ox.Store:
        if self._store is None:
            raise StoreError("store is closed")
        return self._store

    def _write(self, update: str) -> None:
        if self.read_only:
            raise StoreError("store is open read-only")
        try:
            self._db.update(update)
        except OSError as exc:
            raise StoreError(str(exc)) from exc

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

    def _query(self, query: str, bindings: Mapping[str, Identifier] | None) -> Any:
        try:
            return self._db.query(bind(query, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def select(self, query: str, bindings: Mapping[str, Identifier] | None = None) -> list[Row]:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def ask(self, query: str, bindings: Mapping[str, Identifier] | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Identifier] | None = None) -> Graph:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for t in result:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    def update(self, update: str, bindings: Mapping[str, Identifier] | None = None) -> None:
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
        if "SERVICE" in keywords(query):
            raise QuerySyntaxError("SERVICE (federated query) is not allowed on this endpoint")
        options = self._dataset_options(query, default_graph_uris, named_graph_uris)
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        stream = _Stream(deadline, self.max_result_bytes)
        self._start_worker(query, media_type, options, stream)
        try:
            kind, value = stream.get()
            if kind == "error":
                raise value
            held, done = self._hold(stream)
        except BaseException:
            stream.cancelled.set()
            raise
        return RawResult(value, iter(held) if done else self._drain(stream, held))

    def _start_worker(self, query: str, media_type: str, options: dict, stream: _Stream) -> None:
        """Run ``_produce`` on a daemon thread once one of the ``query_workers`` slots is free.

        Daemon threads, because a query pyoxigraph cannot interrupt must not block shutdown.
        """
        wait = None if stream.deadline is None else stream.deadline - time.monotonic()
        if not self._slots.acquire(timeout=None if wait is None else max(0.0, wait)):
            raise QueryTimeout("query not started: every query worker is busy; try again later")

        def run() -> None:
            try:
                self._produce(query, media_type, options, stream)
            finally:
                self._slots.release()

        threading.Thread(target=run, name="sparql-query", daemon=True).start()

    def _dataset_options(
        self, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> dict[str, Any]:
        """Protocol graphs override the query's FROM; without either, read the union."""
        options: dict[str, Any] = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if not options and "FROM" not in keywords(query):
            options["use_default_graph_as_union"] = True
        return options

    def _produce(self, query: str, media_type: str, options: dict, stream: _Stream) -> None:
        """Worker: evaluate and serialize into ``stream``, ending with an end or error event.

        Tracebacks are cleared before an error crosses threads: their frames hold pyoxigraph
        results, which must be dropped on the thread that made them.
        """
        try:
            self._serialize(query, media_type, options, stream)
            stream.put("end")
        except _Cancelled:
            return
        except (QuerySyntaxError, QueryTimeout, StoreError) as exc:
            _clear(exc)
            self._report(stream, exc)
        except (OSError, ValueError, RuntimeError) as exc:
            _clear(exc)
            self._report(stream, StoreError(f"query failed: {exc}"))

    def _serialize(self, query: str, media_type: str, options: dict, stream: _Stream) -> None:
        try:
            result = self._db.query(query, **options)
        except SyntaxError as exc:
            raise _syntax_error(query, exc) from None
        if isinstance(result, ox.QueryTriples):
            media_type = media_type if media_type in GRAPH_FORMATS else "text/turtle"
            stream.put("start", media_type)
            ox.serialize(result, stream, GRAPH_FORMATS[media_type], prefixes=_PREFIXES)
        else:
            if media_type not in RESULT_FORMATS:
                media_type = "application/sparql-results+json"
            stream.put("start", media_type)
            result.serialize(stream, RESULT_FORMATS[media_type])

    @staticmethod
    def _report(stream: _Stream, exc: Exception) -> None:
        try:
            stream.put("error", exc)
        except (_Cancelled, QueryTimeout):
            pass

    @staticmethod
    def _hold(stream: _Stream) -> tuple[list[bytes], bool]:
        """Read up to ``HOLD_BYTES`` of output; also say whether the result is complete."""
        held: list[bytes] = []
        size = 0
        while size < HOLD_BYTES:
            kind, value = stream.get()
            if kind == "error":
                raise value
            if kind == "end":
                return held, True
            held.append(value)
            size += len(value)
        return held, False

    @staticmethod
    def _drain(stream: _Stream, held: list[bytes]) -> Iterator[bytes]:
        try:
            yield from held
            while True:
                kind, value = stream.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            stream.cancelled.set()

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
        """Flush and drop the database handle (its lock is released once running queries end)."""
        if self._store is None:
            return
        if not self.read_only:
            self._store.flush()
        self._store = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
