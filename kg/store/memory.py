"""A throwaway in-memory Oxigraph store for running SPARQL over a small rdflib graph.

The reasoner runs its rules over each article's closed neighbourhood (a few thousand triples);
rdflib's own SPARQL engine takes about a hundred times longer on those joins.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from kg.store import Bindings, QuerySyntaxError, Row
from kg.store.sparqltext import bind, solution_rows, to_ox

__all__ = ["MemoryStore"]


class MemoryStore:
    """The triples of ``g`` in the default graph of an in-memory Oxigraph store."""

    def __init__(self, g: Graph) -> None:
        self._db = ox.Store()
        self._db.bulk_extend(ox.Quad(*map(to_ox, triple), ox.DefaultGraph()) for triple in g)

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        """Rows of a SELECT query, unbound variables left out."""
        try:
            result = self._db.query(bind(query, bindings))
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        return solution_rows(result)
