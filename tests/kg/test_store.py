"""The Store contract, run against both implementations: the embedded store (an on-disk pyoxigraph
database) and the remote store (a real ``oxigraph serve`` on 127.0.0.1). Tests at the end that take
``tmp_store`` are embedded-only."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

import kg.store.embedded
from kg.store import QuerySyntaxError, QueryTimeout, Store, StoreError, open_store
from kg.store.embedded import EmbeddedStore
from kg.store.remote import RemoteStore
from kg.store.sparqltext import is_lookup

EX = Namespace("http://example.org/")
G1, G2 = "http://example.org/graph/one", "http://example.org/graph/two"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


def people(*names: str, tag: str = "x") -> Graph:
    g = Graph()
    for name in names:
        g.add((EX[name], EX.name, Literal(name.title())))
        g.add((EX[name], EX.tag, Literal(tag)))
    return g


def body(store: Store, query: str, media_type: str, **kwargs) -> tuple[str, bytes]:
    result = store.query_raw(query, media_type, **kwargs)
    return result.media_type, b"".join(result.chunks)


MakeStore = Callable[..., Store]


@pytest.fixture(params=["embedded", "remote"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def location(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A store directory, or the base URL of an emptied ``oxigraph serve``."""
    if kind == "embedded":
        return str(tmp_path / "store")
    return request.getfixturevalue("oxigraph_server")


@pytest.fixture
def make_store(kind: str, location: str) -> Iterator[MakeStore]:
    """Open stores of this ``kind`` with extra options (closed after the test)."""
    opened: list[Store] = []

    def make(**options) -> Store:
        cls = EmbeddedStore if kind == "embedded" else RemoteStore
        opened.append(cls(location, **options))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: MakeStore) -> Store:
    return make_store()


@pytest.fixture
def filled(store: Store) -> Store:
    store.replace_graph(G1, people("ada", "bob"))
    store.replace_graph(G2, people("cy", tag="y"))
    return store


def test_is_a_store_and_opens_through_open_store(kind: str, location: str) -> None:
    store = open_store(location)
    try:
        assert isinstance(store, Store)
        assert isinstance(store, EmbeddedStore if kind == "embedded" else RemoteStore)
        assert store.quad_count() == 0 and store.graphs() == []
    finally:
        store.close()


def test_replace_graph_replaces_only_that_graph(filled: Store) -> None:
    assert filled.quad_count() == 6
    assert filled.graphs() == [G1, G2]
    filled.replace_graph(G1, people("dee"))
    assert filled.quad_count() == 4
    names = {str(r["n"]) for r in filled.select(f"SELECT ?n WHERE {{ ?s <{EX.name}> ?n }}")}
    assert names == {"Dee", "Cy"}


def test_replace_with_empty_graph_and_delete(filled: Store) -> None:
    filled.replace_graph(G1, Graph())
    assert filled.quad_count() == 2
    filled.delete_graph(G2)
    filled.delete_graph("http://example.org/graph/absent")
    assert filled.quad_count() == 0 and filled.graphs() == []


def test_replace_graph_is_atomic_for_concurrent_readers(store: Store) -> None:
    size = 500
    versions = [people(*(f"p{i}" for i in range(size)), tag=t) for t in ("old", "new")]
    store.replace_graph(G1, versions[0])
    seen: list[tuple[int, int]] = []
    stop = threading.Event()
    query = (
        "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?tag) AS ?tags) "
        f"WHERE {{ GRAPH <{G1}> {{ ?s <{EX.tag}> ?tag }} }}"
    )

    def read() -> None:
        while not stop.is_set():
            [row] = store.select(query)
            seen.append((int(row["n"]), int(row["tags"])))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(20):
            store.replace_graph(G1, versions[(i + 1) % 2])
    finally:
        stop.set()
        reader.join()
    assert len(seen) > 5
    assert set(seen) == {(size, 1)}


def test_terms_round_trip_exactly(store: Store) -> None:
    tricky = ['quote " and \\ backslash', "line\nbreak\ttab\r", "\x01 control", "emoji \U0001f600"]
    g = Graph()
    for i, text in enumerate(tricky):
        g.add((EX[f"s{i}"], EX.text, Literal(text)))
    g.add((EX.n, EX.value, Literal(42)))
    g.add((EX.n, EX.label, Literal("chat", lang="fr")))
    store.replace_graph(G1, g)
    assert isomorphic(store.construct("CONSTRUCT WHERE { ?s ?p ?o }"), g)


def test_bindings_are_values_not_query_text(filled: Store) -> None:
    rows = filled.select(f"SELECT ?name WHERE {{ ?who <{EX.name}> ?name }}", {"who": EX.ada})
    assert [str(r["name"]) for r in rows] == ["Ada"]
    hostile = Literal('"} } ; DROP ALL ; #')
    assert filled.select(f"SELECT ?s WHERE {{ ?s <{EX.name}> ?n }}", {"n": hostile}) == []
    assert filled.ask(f"ASK {{ ?s <{EX.tag}> ?t }}", {"t": Literal("y")})
    assert not filled.ask(f"ASK {{ ?s <{EX.tag}> ?t }}", {"t": Literal("z")})
    g = filled.construct(
        f"CONSTRUCT {{ ?s <{EX.tag}> ?t }} WHERE {{ ?s <{EX.tag}> ?t }}", {"s": EX.cy}
    )
    assert set(g) == {(EX.cy, EX.tag, Literal("y"))}
    assert filled.quad_count() == 6


def test_bound_variables_stay_in_the_results_wherever_they_appear(filled: Store) -> None:
    name = f"<{EX.name}>"
    rows = filled.select(
        f"SELECT ?who ?name WHERE {{ ?who {name} ?name }} ORDER BY ?who", {"who": EX.bob}
    )
    assert rows == [{"who": EX.bob, "name": Literal("Bob")}]
    rows = filled.select(f"SELECT * WHERE {{ ?who {name} ?name }}", {"who": EX.cy})
    assert rows == [{"who": EX.cy, "name": Literal("Cy")}]
    rows = filled.select(
        f"SELECT ?n WHERE {{ {{ SELECT ?who WHERE {{ ?who {name} ?x }} }} ?who {name} ?n }}",
        {"who": EX.ada},
    )
    assert rows == [{"n": Literal("Ada")}]


def test_a_variable_bound_to_several_terms_gets_one_row_each(filled: Store) -> None:
    query = f"SELECT ?who ?name WHERE {{ ?who <{EX.name}> ?name ; <{EX.tag}> ?tag }} ORDER BY ?name"
    rows = filled.select(query, {"who": [EX.ada, EX.cy], "tag": Literal("x")})
    assert [str(r["name"]) for r in rows] == ["Ada"]
    rows = filled.select(query, {"who": (EX.ada, EX.bob, EX.nobody)})
    assert [str(r["name"]) for r in rows] == ["Ada", "Bob"]
    assert filled.select(query, {"who": []}) == []


def test_update_with_bindings(filled: Store) -> None:
    filled.update("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", {"s": EX.ada})
    assert filled.quad_count() == 4
    assert not filled.ask("ASK { ?s ?p ?o }", {"s": EX.ada})


def test_select_ask_construct_check_the_query_form(filled: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        filled.select("ASK { ?s ?p ?o }")
    with pytest.raises(QuerySyntaxError):
        filled.ask("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QuerySyntaxError, match="1:"):
        filled.select("SELECT ?s WHERE { ?s ?p }")


@pytest.mark.parametrize("media", ["application/sparql-results+json", "text/csv"])
def test_query_raw_select_formats(filled: Store, media: str) -> None:
    q = f"SELECT ?name WHERE {{ ?s <{EX.name}> ?name }} ORDER BY ?name"
    got_media, data = body(filled, q, media)
    assert got_media == media
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(data.decode())))
        assert rows == [["name"], ["Ada"], ["Bob"], ["Cy"]]
    else:
        bindings = json.loads(data)["results"]["bindings"]
        assert [b["name"]["value"] for b in bindings] == ["Ada", "Bob", "Cy"]


def test_query_raw_xml_tsv_and_ask(filled: Store) -> None:
    _, xml = body(
        filled, f"SELECT ?n WHERE {{ <{EX.cy}> <{EX.name}> ?n }}", "application/sparql-results+xml"
    )
    literals = ET.fromstring(xml).iter(f"{SPARQL_RESULTS}literal")
    assert [e.text for e in literals] == ["Cy"]
    _, tsv = body(
        filled, f"SELECT ?n WHERE {{ <{EX.cy}> <{EX.name}> ?n }}", "text/tab-separated-values"
    )
    assert tsv.decode().splitlines() == ["?n", '"Cy"']
    media, ask = body(filled, "ASK { ?s ?p 'Bob' }", "application/sparql-results+json")
    assert media == "application/sparql-results+json" and json.loads(ask)["boolean"] is True


@pytest.mark.parametrize(
    ("media", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_query_raw_construct_formats(filled: Store, media: str, rdflib_format: str) -> None:
    got_media, data = body(filled, f"CONSTRUCT WHERE {{ ?s <{EX.tag}> ?t }}", media)
    assert got_media == media
    g = Graph().parse(data=data, format=rdflib_format)
    assert set(g) == {
        (EX[n], EX.tag, Literal(t)) for n, t in [("ada", "x"), ("bob", "x"), ("cy", "y")]
    }


def test_query_raw_falls_back_to_the_form_default(filled: Store) -> None:
    assert body(filled, "SELECT * WHERE { ?s ?p ?o }", "text/turtle")[0] == (
        "application/sparql-results+json"
    )
    assert body(filled, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")[0] == "text/turtle"


def test_query_raw_dataset_arguments(filled: Store) -> None:
    q = f"SELECT ?n WHERE {{ ?s <{EX.name}> ?n }} ORDER BY ?n"
    names = lambda data: [b["n"]["value"] for b in json.loads(data)["results"]["bindings"]]  # noqa: E731
    json_type = "application/sparql-results+json"
    assert names(body(filled, q, json_type)[1]) == ["Ada", "Bob", "Cy"]
    assert names(body(filled, q, json_type, default_graph_uris=[G2])[1]) == ["Cy"]
    from_query = f"SELECT ?n FROM <{G1}> WHERE {{ ?s <{EX.name}> ?n }} ORDER BY ?n"
    assert names(body(filled, from_query, json_type)[1]) == ["Ada", "Bob"]
    in_graph = f"SELECT ?n WHERE {{ GRAPH ?g {{ ?s <{EX.name}> ?n }} }} ORDER BY ?n"
    assert names(body(filled, in_graph, json_type, named_graph_uris=[G1])[1]) == ["Ada", "Bob"]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://example.org/x> <http://example.org/y> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR GRAPH <http://example.org/graph/one>",
        "LOAD <http://127.0.0.1:9/data.ttl>",
    ],
)
def test_query_raw_refuses_updates(filled: Store, update: str) -> None:
    with pytest.raises(QuerySyntaxError, match="Update is not allowed"):
        filled.query_raw(update, "application/sparql-results+json")
    assert filled.quad_count() == 6


def test_query_raw_reports_parser_errors_and_refuses_service(filled: Store) -> None:
    with pytest.raises(QuerySyntaxError, match="error at 1:"):
        filled.query_raw("SELECT ?s WHERE { ?s ?p }", "text/csv")
    with pytest.raises(QuerySyntaxError, match="SERVICE"):
        filled.query_raw(
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "text/csv"
        )


def many(store: Store, n: int) -> None:
    g = Graph()
    for i in range(n):
        g.add((EX[f"item{i}"], EX.value, Literal(i)))
    store.replace_graph(G1, g)


def test_timeout_before_any_output(store: Store) -> None:
    many(store, 2000)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d FILTER(STR(?b) < STR(?d)) }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query_raw(slow, "text/csv", timeout_s=0.2)
    assert time.monotonic() - started < 1.0


def test_timeout_mid_stream_frees_the_worker(tmp_path: Path) -> None:
    """Embedded only: with one worker, a query cut off mid-stream leaves it free for the next."""
    store = EmbeddedStore(str(tmp_path / "one"), query_workers=1)
    try:
        many(store, 2000)
        result = store.query_raw(
            "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d }", "text/csv", timeout_s=0.5
        )
        with pytest.raises(QueryTimeout):
            for _chunk in result.chunks:
                time.sleep(0.01)
        _, data = body(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv", timeout_s=5)
        assert data.decode().split() == ["n", "2000"]
    finally:
        store.close()


def test_busy_workers_time_out_queued_queries(tmp_path: Path) -> None:
    """Embedded only: a query that cannot be interrupted keeps its worker past its deadline; a
    query queued behind it times out as not started, and runs once the worker is free."""
    store = EmbeddedStore(str(tmp_path / "one"), query_workers=1)
    try:
        many(store, 1500)
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d FILTER(STR(?b) < STR(?d)) }"
        quick = "ASK { ?s ?p ?o }"
        with pytest.raises(QueryTimeout, match="stopped"):
            store.query_raw(slow, "text/csv", timeout_s=0.1)
        with pytest.raises(QueryTimeout, match="not started"):
            store.query_raw(quick, "application/sparql-results+json", timeout_s=0.1)
        _, data = body(store, quick, "application/sparql-results+json", timeout_s=60)
        assert json.loads(data)["boolean"] is True
    finally:
        store.close()


def test_query_head_awaits_a_whole_small_result_or_a_stream(tmp_store: EmbeddedStore) -> None:
    """Embedded only: the event-loop variant of ``query_raw``."""
    filled = tmp_store
    filled.replace_graph(G1, people("ada", "bob", "cy"))
    q = f"SELECT ?name WHERE {{ ?s <{EX.name}> ?name }} ORDER BY ?name"
    whole = asyncio.run(filled.query_head(q, "text/csv", timeout_s=5))
    assert whole.rest is None and whole.head.decode().split() == ["name", "Ada", "Bob", "Cy"]
    part = asyncio.run(filled.query_head(q, "text/csv", timeout_s=5, hold_bytes=8))
    assert part.rest is not None and len(part.head) >= 8
    assert (part.head + b"".join(part.rest)) == whole.head
    with pytest.raises(QuerySyntaxError, match="error at 1:"):
        asyncio.run(filled.query_head("SELECT ?s WHERE { ?s ?p }", "text/csv"))


def test_concurrent_queries_share_a_fixed_set_of_worker_threads(tmp_path: Path) -> None:
    """Embedded only: a dozen queries at once on two workers all answer, on two new threads."""
    store = EmbeddedStore(str(tmp_path / "two"), query_workers=2)
    before = {t for t in threading.enumerate() if t.name == "sparql-query"}
    try:
        store.replace_graph(G1, people("ada", "bob"))
        q = f"SELECT ?name WHERE {{ ?s <{EX.name}> ?name }} ORDER BY ?name"

        async def gather() -> list:
            return await asyncio.gather(
                *(store.query_head(q, "text/csv", timeout_s=30) for _ in range(12))
            )

        heads = asyncio.run(gather())
        assert {(h.head.decode().split() == ["name", "Ada", "Bob"], h.rest) for h in heads} == {
            (True, None)
        }
        new = {t for t in threading.enumerate() if t.name == "sparql-query"} - before
        assert 1 <= len(new) <= 2
    finally:
        store.close()


def test_result_size_cap(make_store: MakeStore) -> None:
    store = make_store(max_result_bytes=4096)
    many(store, 500)
    with pytest.raises(StoreError, match="4096 bytes"):
        store.query_raw("SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert body(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "text/csv")[1].count(b"\n") == 4


def test_dump_dataset_and_union(filled: Store) -> None:
    ds = Dataset()
    ds.parse(data=filled.dump("application/trig"), format="trig")
    assert len(ds.graph(URIRef(G1))) == 4 and len(ds.graph(URIRef(G2))) == 2
    union = Graph().parse(data=filled.dump("text/turtle"), format="turtle")
    assert len(union) == 6
    assert len(Graph().parse(data=filled.dump("application/ld+json"), format="json-ld")) == 6
    nquads = filled.dump("application/n-quads").decode().splitlines()
    assert len(nquads) == 6 and all(
        line.endswith(f"<{G1}> .") or f"<{G2}>" in line for line in nquads
    )


def test_read_only_open_sees_data_and_refuses_writes(tmp_path: Path) -> None:
    """Embedded only: a read-only open of a directory."""
    location = str(tmp_path / "s")
    with pytest.raises(StoreError):
        EmbeddedStore(str(tmp_path / "missing"), read_only=True)
    writer = EmbeddedStore(location)
    writer.replace_graph(G1, people("ada"))
    writer.close()
    reader = EmbeddedStore(location, read_only=True)
    try:
        assert reader.quad_count() == 2
        assert reader.ask("ASK { ?s ?p 'Ada' }")
        with pytest.raises(StoreError, match="read-only"):
            reader.replace_graph(G1, Graph())
        assert reader.quad_count() == 2
    finally:
        reader.close()
    with pytest.raises(StoreError, match="closed"):
        reader.quad_count()


LOOKUPS = [
    "SELECT ?p ?o WHERE { <http://example.org/ada> ?p ?o }",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ex:ada ?p ?o . } LIMIT 10 OFFSET 1",
    "ASK { <http://example.org/ada> a <http://example.org/Person> }",
    "# a comment with { braces }\nSELECT ?o WHERE { <http://example.org/ada> ?p 'Ada' }",
]
NOT_LOOKUPS = [
    "SELECT ?s WHERE { ?s ?p ?o }",
    "SELECT ?p WHERE { <http://example.org/ada> ?p ?o . ?o ?q ?r }",
    "SELECT ?o WHERE { <http://example.org/ada> <http://example.org/p>+ ?o }",
    "SELECT ?o WHERE { <http://example.org/ada> <http://example.org/p>/<http://example.org/q> ?o }",
    "SELECT ?p WHERE { <http://example.org/ada> ?p ?o } ORDER BY ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/ada> ?p ?o }",
    "SELECT ?p WHERE { <http://example.org/ada> ?p ?o FILTER(?o != 1) }",
    "SELECT ?p WHERE { _:b ?p ?o }",
    "SELECT ?p WHERE { ?s ?p <http://example.org/ada> }",
    "SELECT ?p WHERE { GRAPH ?g { <http://example.org/ada> ?p ?o } }",
    "SELECT ?p FROM <http://example.org/g> WHERE { <http://example.org/ada> ?p ?o }",
    "CONSTRUCT WHERE { <http://example.org/ada> ?p ?o }",
    "SELECT ?p WHERE { <http://example.org/ada> ?p ?o } VALUES ?p { <http://example.org/q> }",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_one_subject_lookups_are_recognised(query: str) -> None:
    assert is_lookup(query)


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_anything_that_can_grow_past_one_subject_is_not_a_lookup(query: str) -> None:
    assert not is_lookup(query)


def test_lookups_answer_inline_and_the_rest_on_workers(tmp_store: EmbeddedStore) -> None:
    """Embedded only: a lookup never reaches a worker thread, yet answers as the worker does;
    errors and the size cap hold on both paths."""
    tmp_store.replace_graph(G1, people("ada", "bob"))
    ran_on: list[str] = []
    produce = tmp_store._produce

    def spy(*args) -> None:
        ran_on.append(threading.current_thread().name)
        produce(*args)

    tmp_store._produce = spy  # type: ignore[method-assign]
    lookup = f"SELECT ?p ?o WHERE {{ <{EX.ada}> ?p ?o }}"
    scan = f"SELECT ?p ?o WHERE {{ ?s ?p ?o FILTER(?s = <{EX.ada}>) }}"
    inline = asyncio.run(tmp_store.query_head(lookup, "text/csv", timeout_s=5))
    worker = asyncio.run(tmp_store.query_head(scan, "text/csv", timeout_s=5))
    assert ran_on == [threading.main_thread().name, "sparql-query"]
    assert inline.rest is None and sorted(inline.head.split()) == sorted(worker.head.split())
    assert len(inline.head.split()) == 3
    broken = lookup + " LIMIT"
    assert is_lookup(broken)
    with pytest.raises(QuerySyntaxError, match="error at 1:"):
        asyncio.run(tmp_store.query_head(broken, "text/csv"))


def test_inline_lookups_keep_the_size_cap(tmp_path: Path) -> None:
    store = EmbeddedStore(str(tmp_path / "capped"), max_result_bytes=256)
    try:
        g = Graph()
        for n in range(50):
            g.add((EX.ada, EX.knows, EX[f"person{n}"]))
        store.replace_graph(G1, g)
        with pytest.raises(StoreError, match="256 bytes"):
            asyncio.run(store.query_head(f"SELECT ?o WHERE {{ <{EX.ada}> ?p ?o }}", "text/csv"))
    finally:
        store.close()


@pytest.mark.parametrize(("budget", "flushed"), [(1_000, True), (1 << 30, False)])
def test_writes_are_flushed_to_disk_as_they_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int, flushed: bool
) -> None:
    """RocksDB holds written data in memory until a flush (it grew by a gigabyte over an ingest):
    once ``FLUSH_BYTES`` of updates have been written the store flushes them to table files, and
    what it wrote reads back the same after reopening."""
    monkeypatch.setattr(kg.store.embedded, "FLUSH_BYTES", budget)
    location = tmp_path / "store"
    with EmbeddedStore(str(location)) as store:
        opened = set(location.glob("*.sst"))
        for n in range(3):
            store.replace_graph(f"{G1}/{n}", people("ada", "bob", tag=str(n)))
        tables = set(location.glob("*.sst")) - opened  # a flush writes one per index touched
        assert (len(tables) > 3) is flushed, sorted(t.name for t in tables)
    with EmbeddedStore(str(location), read_only=True) as store:
        assert store.quad_count() == 12
