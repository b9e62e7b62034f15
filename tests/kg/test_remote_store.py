"""Remote-store behaviour beyond the shared contract: a server that is absent or dies mid-ingest,
endpoint overrides through ``open_store``, and client-side read-only, on real ``oxigraph serve``."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace

from kg.store import StoreError, open_store
from kg.store.remote import RemoteStore

EX = Namespace("http://example.org/")
KEPT, ARTICLE = "http://example.org/graph/kept", "http://example.org/graph/article"
SIZE = 10000
TAGS = (
    f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ GRAPH <{ARTICLE}> {{ ?s <{EX.tag}> ?t }} }} GROUP BY ?t"
)


def version(tag: str, size: int = SIZE) -> Graph:
    g = Graph()
    for i in range(size):
        g.add((EX[f"claim{i}"], EX.tag, Literal(tag)))
    return g


def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_unreachable_server_raises_store_error() -> None:
    url = closed_port_url()
    with RemoteStore(url, timeout_s=2) as store:
        with pytest.raises(StoreError, match=f"cannot reach SPARQL server at {url}/query: "):
            store.quad_count()
        with pytest.raises(StoreError, match=f"cannot reach SPARQL server at {url}/store: "):
            store.replace_graph(KEPT, version("a", 3))
        with pytest.raises(StoreError, match="cannot reach SPARQL server"):
            store.query_raw("SELECT * WHERE { ?s ?p ?o }", "text/csv")
    with pytest.raises(StoreError, match="closed"):
        store.graphs()


def test_server_killed_mid_ingest_keeps_what_was_stored(serve_oxigraph, tmp_path: Path) -> None:
    """The server is SIGKILLed a few ms after the third PUT of an article starts (a request hook
    on the client's httpx event hooks), i.e. while that request is in flight."""
    location = tmp_path / "oxigraph"
    versions = [version(f"v{i}") for i in range(4)]
    puts: list[str] = []
    done: list[int] = []
    with serve_oxigraph(location) as server:
        store = RemoteStore(server.url, timeout_s=10)
        store.replace_graph(KEPT, version("kept", 10))

        def kill_during_third_put(request: httpx.Request) -> None:
            if request.method == "PUT" and request.url.params.get("graph") == ARTICLE:
                puts.append(str(request.url))
                if len(puts) == 3:
                    threading.Timer(0.005, server.process.kill).start()

        store._http.event_hooks["request"].append(kill_during_third_put)
        with pytest.raises(StoreError) as caught:
            for i, data in enumerate(versions):
                store.replace_graph(ARTICLE, data)
                done.append(i)
    assert str(caught.value).startswith(f"cannot reach SPARQL server at {server.url}/store: ")
    assert caught.value.__cause__ is None and len(done) >= 2
    port = int(server.url.rsplit(":", 1)[1])
    with serve_oxigraph(location, port=port):
        assert store.graphs() == [ARTICLE, KEPT]
        [row] = store.select(TAGS)
        assert int(row["n"]) == SIZE
        assert str(row["t"]) in {f"v{done[-1]}", f"v{done[-1] + 1}"}
        assert store.quad_count() == SIZE + 10
    store.close()


def test_open_store_picks_remote_and_honours_endpoint_overrides(
    oxigraph_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = closed_port_url()
    for name in ("query", "update", "store"):
        monkeypatch.setenv(f"CLAIMGRAPH_{name.upper()}_URL", f"{oxigraph_server}/{name}")
    store = open_store(dead)
    try:
        assert isinstance(store, RemoteStore) and store.location == dead
        store.replace_graph(KEPT, version("x", 4))
        store.update(f"INSERT DATA {{ GRAPH <{ARTICLE}> {{ <{EX.a}> <{EX.tag}> 'y' }} }}")
        assert store.graphs() == [ARTICLE, KEPT] and store.quad_count() == 5
    finally:
        store.close()


def test_read_only_remote_refuses_writes(oxigraph_server: str) -> None:
    with RemoteStore(oxigraph_server) as writer:
        writer.replace_graph(KEPT, version("x", 4))
    reader = open_store(oxigraph_server, read_only=True)
    try:
        for write in (
            lambda: reader.replace_graph(KEPT, Graph()),
            lambda: reader.delete_graph(KEPT),
            lambda: reader.update("DROP ALL"),
        ):
            with pytest.raises(StoreError, match="read-only"):
                write()
        assert reader.quad_count() == 4 and reader.ask("ASK { ?s ?p 'x' }")
    finally:
        reader.close()
