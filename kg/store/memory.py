"""A throwaway in-memory Oxigraph store for running SPARQL over a small rdflib graph.

The reasoner runs its rules over each article's closed neighbourhood (a few thousand triples);
rdflib's own SPARQL engine takes about a hundred times longer on those joins.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from kg.store import Bindings, QuerySyntaxError, Row
from kg.store.sparqltext import bind, to_ox, to_rdflib

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
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{name: to_rdflib(s[name]) for name in names if s[name] is not None} for s in result]
