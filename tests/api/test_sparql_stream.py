"""/sparql sends a small result whole and streams a large one, over a real server."""

from __future__ import annotations

import httpx
from rdflib import Graph, Literal, Namespace

from api.app import create_app
from api.routers.sparql import HEAD_BYTES
from kg.config import Settings
from kg.store.remote import RemoteStore

EX = Namespace("http://example.org/stream/")
ROWS = 4000
ALL = "SELECT ?s ?o WHERE { ?s <http://example.org/stream/note> ?o }"
ONE = "SELECT ?o WHERE { <http://example.org/stream/item/7> <http://example.org/stream/note> ?o }"


def _fill(store) -> None:
    graph = Graph()
    for i in range(ROWS):
        graph.add((EX[f"item/{i}"], EX.note, Literal(f"note {i} " + "lorem ipsum " * 8)))
    store.replace_graph("http://example.org/stream/graph", graph)


def _check_whole_and_streamed(url: str) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    small = httpx.get(f"{url}/sparql", params={"query": ONE}, headers=accept)
    assert small.status_code == 200
    assert int(small.headers["content-length"]) == len(small.content)
    assert small.json()["results"]["bindings"][0]["o"]["value"].startswith("note 7 ")
    large = httpx.get(f"{url}/sparql", params={"query": ALL}, headers=accept)
    assert large.status_code == 200 and len(large.content) > HEAD_BYTES
    assert large.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in large.headers
    rows = large.json()["results"]["bindings"]
    assert len(rows) == ROWS and len({r["s"]["value"] for r in rows}) == ROWS


def test_small_result_whole_and_large_result_streamed(api_server) -> None:
    _fill(api_server.store)
    _check_whole_and_streamed(api_server.url)


def test_same_over_a_remote_store(oxigraph_server: str, serve_app) -> None:
    """A store without ``query_head`` is read on a thread-pool thread instead."""
    with RemoteStore(oxigraph_server, timeout_s=10) as store:
        _fill(store)
        app = create_app(Settings(store=oxigraph_server, query_timeout_s=10), store=store)
        with serve_app(app) as url:
            _check_whole_and_streamed(url)
