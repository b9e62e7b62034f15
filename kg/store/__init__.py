"""The Store interface: every read and write of the graph goes through it.

Implementations: ``kg.store.embedded.EmbeddedStore`` (pyoxigraph on disk, the default) and
``kg.store.remote.RemoteStore`` (any SPARQL 1.1 server); ``kg.store.memory.MemoryStore`` only runs
queries over a small graph (the reasoner's rules). Nothing outside ``kg/store/`` may import
pyoxigraph.

Terms at this boundary are rdflib terms; query values are bound (``bindings``), never
concatenated into query text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from rdflib import Graph
from rdflib.term import Identifier, Variable

Row = dict[str, Identifier]
Bindings = Mapping[str, Identifier | Sequence[Identifier]]
"""Values for query variables: a term, or a sequence of terms (one solution row each)."""


class StoreError(RuntimeError):
    """The store could not be opened or could not answer."""


class QuerySyntaxError(ValueError):
    """The SPARQL text does not parse; the message is the parser's."""


class QueryTimeout(RuntimeError):
    """The query ran past its time limit and was stopped."""


@dataclass(frozen=True, slots=True)
class RawResult:
    """A serialized SPARQL result, streamed: what the /sparql endpoint sends as it is."""

    media_type: str
    chunks: Iterator[bytes]


@runtime_checkable
class Store(Protocol):
    """A quad store holding one named graph per article (plus the ontology and inferences)."""

    def replace_graph(self, graph: str, data: Graph) -> None:
        """Atomically replace named graph ``graph`` with the triples of ``data``."""

    def delete_graph(self, graph: str) -> None:
        """Remove named graph ``graph`` (no error if absent)."""

    def graphs(self) -> list[str]:
        """IRIs of the named graphs present."""

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        """Run a SELECT over the union of all graphs; rows map variable name to rdflib term."""

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """Run an ASK over the union of all graphs."""

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        """Run a CONSTRUCT/DESCRIBE over the union of all graphs."""

    def update(self, update: str, bindings: Bindings | None = None) -> None:
        """Run a SPARQL Update (internal writes only; the API never passes user updates)."""

    def query_raw(
        self,
        query: str,
        media_type: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> RawResult:
        """Run a user's read-only query and serialize the result as ``media_type``.

        Raises ``QuerySyntaxError`` for bad SPARQL or any update, ``QueryTimeout`` past the limit.
        """

    def quad_count(self) -> int:
        """Number of quads in the store."""

    def dump(self, media_type: str) -> bytes:
        """Serialize the whole dataset (TriG, N-Quads) or the union graph (Turtle, JSON-LD)."""

    def close(self) -> None:
        """Flush and release the store."""


def open_store(location: str, read_only: bool = False) -> Store:
    """Open the store at ``location``: a directory for the embedded store, or the http(s) base URL
    of a SPARQL 1.1 server (``kg.store.remote.RemoteStore``, e.g. ``http://127.0.0.1:7878`` for
    ``oxigraph serve``). From a URL the endpoints are ``<url>/query``, ``<url>/update`` and
    ``<url>/store`` (Graph Store Protocol); ``CLAIMGRAPH_QUERY_URL``, ``CLAIMGRAPH_UPDATE_URL``
    and ``CLAIMGRAPH_STORE_URL`` override each one."""
    if urlsplit(location).scheme.lower() in ("http", "https"):
        from kg.store.remote import RemoteStore

        return RemoteStore(
            location,
            query_url=os.environ.get("CLAIMGRAPH_QUERY_URL"),
            update_url=os.environ.get("CLAIMGRAPH_UPDATE_URL"),
            store_url=os.environ.get("CLAIMGRAPH_STORE_URL"),
            read_only=read_only,
        )
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(location, read_only=read_only)


__all__ = [
    "QuerySyntaxError",
    "QueryTimeout",
    "RawResult",
    "Row",
    "Store",
    "StoreError",
    "Variable",
    "open_store",
]
