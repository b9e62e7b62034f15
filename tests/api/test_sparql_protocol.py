"""/sparql against the W3C SPARQL 1.1 Protocol test cases (query side), over a real server.

Each test names the case of the W3C rdf-tests ``sparql/sparql11/protocol/manifest.ttl`` it
follows; the data are three small named graphs loaded here, standing in for the suite's
``data1.rdf`` .. ``data3.rdf`` (each graph says of its own IRI that it is a document, as there).
The endpoint is read-only, so the update cases check a refusal that leaves the store as it was.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from api.app import create_app
from kg.config import Settings
from kg.store.embedded import EmbeddedStore

EX = Namespace("http://example.org/protocol/")
G1, G2, G3 = (f"http://example.org/protocol/data{i}" for i in (1, 2, 3))
ABSENT = "http://example.org/protocol/data0"
PEOPLE = {G1: ("ada", "Ada"), G2: ("bob", "Bob"), G3: ("zoe", "Zoë")}
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
NAMES = f"SELECT ?name WHERE {{ ?s <{EX.name}> ?name }} ORDER BY ?name"
NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
BOTH_DOCS = f"ASK {{ <{G1}> a ?type . <{G2}> a ?type . }}"
DOCS_IN_GRAPHS = f"ASK {{ GRAPH ?g1 {{ <{G1}> a ?type }} GRAPH ?g2 {{ <{G2}> a ?type }} }}"
LABELS = f"CONSTRUCT {{ ?s <{EX.label}> ?n }} WHERE {{ ?s <{EX.name}> ?n }}"
UPDATE = f"INSERT DATA {{ <{EX.x}> <{EX.y}> <{EX.z}> }}"
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def graph_of(iri: str) -> Graph:
    key, name = PEOPLE[iri]
    g = Graph()
    g.add((URIRef(iri), RDF.type, EX.Document))
    g.add((EX[key], RDF.type, EX.Person))
    g.add((EX[key], EX.name, Literal(name)))
    return g


def names_in(*graphs: str) -> list[str]:
    """The names the data hold in ``graphs``, sorted as ``ORDER BY ?name`` sorts them."""
    return sorted(str(n) for iri in graphs for n in graph_of(iri).objects(None, EX.name))


@dataclass(frozen=True)
class Endpoint:
    url: str
    store: EmbeddedStore
    client: httpx.Client

    def get(self, params: object = None, **headers: str) -> httpx.Response:
        return self.client.get(self.url, params=params, headers=_headers(headers))

    def post(
        self, content: bytes | str, ctype: str | None, params: object = None, **headers: str
    ) -> httpx.Response:
        if ctype is not None:
            headers["content_type"] = ctype
        body = content.encode() if isinstance(content, str) else content
        return self.client.post(self.url, content=body, params=params, headers=_headers(headers))

    def form(self, fields: object, params: object = None, **headers: str) -> httpx.Response:
        body = httpx.QueryParams(fields).__str__()
        return self.post(body, headers.pop("ctype", FORM), params, **headers)

    def snapshot(self) -> set[bytes]:
        return set(self.store.dump("application/n-quads").splitlines())


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in headers.items()}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, serve_app) -> Iterator[Endpoint]:
    store = EmbeddedStore(str(tmp_path_factory.mktemp("protocol") / "store"))
    for iri in PEOPLE:
        store.replace_graph(iri, graph_of(iri))
    app = create_app(Settings(store=store.location, query_timeout_s=10), store=store)
    with serve_app(app) as url, httpx.Client(timeout=10) as client:
        yield Endpoint(f"{url}/sparql", store, client)
    store.close()


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def boolean(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    if media(response) == SRX:
        return ET.fromstring(response.content).findtext(f"{RESULTS_NS}boolean") == "true"
    assert media(response) == SRJ
    return response.json()["boolean"]


def column(response: httpx.Response, var: str) -> list[str]:
    """One variable's values from a JSON, XML, CSV or TSV result table, in order."""
    assert response.status_code == 200, response.text
    kind = media(response)
    if kind == SRJ:
        return [row[var]["value"] for row in response.json()["results"]["bindings"]]
    if kind == SRX:
        bindings = ET.fromstring(response.content).iter(f"{RESULTS_NS}binding")
        return [b[0].text or "" for b in bindings if b.get("name") == var]
    if kind == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        return [row[rows[0].index(var)] for row in rows[1:]]
    assert kind == "text/tab-separated-values"
    rows = [line.split("\t") for line in response.text.splitlines()]
    return [json.loads(row[rows[0].index(f"?{var}")]) for row in rows[1:]]


def triples(response: httpx.Response) -> set:
    assert response.status_code == 200, response.text
    return set(Graph().parse(data=response.content, format=RDFLIB_FORMATS[media(response)]))


def test_query_get(endpoint: Endpoint) -> None:
    """query_get: GET with a default graph the store does not hold."""
    r = endpoint.get({"query": "ASK {}", "default-graph-uri": ABSENT})
    assert boolean(r) is True


def test_query_post_form(endpoint: Endpoint) -> None:
    """query_post_form: the query in a URL-encoded body, the dataset in the URL."""
    r = endpoint.form({"query": "ASK {}"}, params={"default-graph-uri": ABSENT})
    assert boolean(r) is True


def test_query_post_direct(endpoint: Endpoint) -> None:
    """query_post_direct: the query as an application/sparql-query body."""
    assert boolean(endpoint.post("ASK {}", DIRECT)) is True


def test_query_dataset_default_graphs_get(endpoint: Endpoint) -> None:
    """query_dataset_default_graphs_get: two default-graph-uri make one merged default graph."""
    both = [("query", BOTH_DOCS), ("default-graph-uri", G1), ("default-graph-uri", G2)]
    assert boolean(endpoint.get(both)) is True
    assert boolean(endpoint.get(both[:2])) is False


def test_query_dataset_default_graphs_post(endpoint: Endpoint) -> None:
    """query_dataset_default_graphs_post: direct POST, the default graphs in the URL."""
    graphs = [("default-graph-uri", G1), ("default-graph-uri", G2)]
    assert boolean(endpoint.post(BOTH_DOCS, DIRECT, graphs)) is True
    names = endpoint.post(NAMES, DIRECT, graphs)
    assert column(names, "name") == names_in(G1, G2)


def test_query_dataset_named_graphs_post(endpoint: Endpoint) -> None:
    """query_dataset_named_graphs_post: GRAPH patterns see just the named-graph-uri graphs."""
    graphs = [("named-graph-uri", G1), ("named-graph-uri", G2)]
    assert boolean(endpoint.post(DOCS_IN_GRAPHS, DIRECT, graphs)) is True
    assert column(endpoint.post(NAMED_GRAPHS, DIRECT, graphs), "g") == [G1, G2]


def test_query_dataset_named_graphs_get(endpoint: Endpoint) -> None:
    """query_dataset_named_graphs_get: the same over GET."""
    graphs = [("named-graph-uri", G1), ("named-graph-uri", G2)]
    assert boolean(endpoint.get([("query", DOCS_IN_GRAPHS), *graphs])) is True
    assert column(endpoint.get([("query", NAMED_GRAPHS), *graphs]), "g") == [G1, G2]


def test_query_dataset_full(endpoint: Endpoint) -> None:
    """query_dataset_full: a default graph and two named graphs, all from the protocol."""
    graphs = [("default-graph-uri", G3), ("named-graph-uri", G1), ("named-graph-uri", G2)]
    query = (
        f"ASK {{ <{G3}> a ?type GRAPH ?g1 {{ <{G1}> a ?type }} GRAPH ?g2 {{ <{G2}> a ?type }} }}"
    )
    assert boolean(endpoint.post(query, DIRECT, graphs)) is True
    assert column(endpoint.post(NAMES, DIRECT, graphs), "name") == names_in(G3)
    assert column(endpoint.post(NAMED_GRAPHS, DIRECT, graphs), "g") == [G1, G2]


def test_query_multiple_dataset(endpoint: Endpoint) -> None:
    """query_multiple_dataset: FROM in the query and named graphs in the protocol; the protocol's
    dataset is used, so the query's FROM is dropped and the default graph is empty."""
    graphs = [("named-graph-uri", G1), ("named-graph-uri", G2)]
    from_g3 = DOCS_IN_GRAPHS.replace("ASK {", f"ASK FROM <{G3}> {{", 1)
    assert boolean(endpoint.post(from_g3, DIRECT, graphs)) is True
    names_from_g3 = NAMES.replace("WHERE", f"FROM <{G3}> WHERE", 1)
    assert column(endpoint.post(names_from_g3, DIRECT), "name") == names_in(G3)
    assert column(endpoint.post(names_from_g3, DIRECT, graphs), "name") == []


def test_default_graph_uri_overrides_from_and_from_named(endpoint: Endpoint) -> None:
    """Protocol §2.1.4: default-graph-uri replaces FROM, and FROM NAMED too (no named graphs)."""
    query = (
        f"SELECT ?name ?g FROM <{G1}> FROM NAMED <{G2}> "
        f"WHERE {{ {{ ?s <{EX.name}> ?name }} UNION {{ GRAPH ?g {{ ?x ?p ?o }} }} }}"
    )
    r = endpoint.get({"query": query, "default-graph-uri": G3})
    assert r.status_code == 200
    rows = r.json()["results"]["bindings"]
    assert [row["name"]["value"] for row in rows if "name" in row] == names_in(G3)
    assert [row for row in rows if "g" in row] == []
    assert column(endpoint.get({"query": NAMED_GRAPHS, "default-graph-uri": G3}), "g") == []


def test_named_graph_uri_overrides_from_named(endpoint: Endpoint) -> None:
    """Protocol §2.1.4: named-graph-uri replaces the query's FROM NAMED."""
    query = NAMED_GRAPHS.replace("WHERE", f"FROM NAMED <{G1}> WHERE", 1)
    assert column(endpoint.get({"query": query}), "g") == [G1]
    assert column(endpoint.get({"query": query, "named-graph-uri": G3}), "g") == [G3]


def test_without_a_dataset_the_default_graph_is_the_union(endpoint: Endpoint) -> None:
    """No dataset in the request or the query: the service's default, the union of all graphs."""
    assert column(endpoint.get({"query": NAMES}), "name") == names_in(G1, G2, G3)
    assert column(endpoint.get({"query": NAMED_GRAPHS}), "g") == sorted(PEOPLE)


@pytest.mark.parametrize("accept", [SRJ, SRX, "text/csv", "text/tab-separated-values"])
def test_query_content_type_select(endpoint: Endpoint, accept: str) -> None:
    """query_content_type_select: each SELECT result format, asked for by Accept."""
    r = endpoint.post(NAMES, DIRECT, accept=accept)
    assert media(r) == accept and "accept" in r.headers["vary"].lower()
    assert column(r, "name") == names_in(G1, G2, G3)
    one = endpoint.post("SELECT (1 AS ?value) {}", DIRECT, {"default-graph-uri": ABSENT})
    assert media(one) == SRJ and column(one, "value") == ["1"]


@pytest.mark.parametrize("accept", [SRJ, SRX])
def test_query_content_type_ask(endpoint: Endpoint, accept: str) -> None:
    """query_content_type_ask: a boolean result as JSON or XML."""
    r = endpoint.post(f"ASK {{ <{G3}> a <{EX.Document}> }}", DIRECT, accept=accept)
    assert media(r) == accept and boolean(r) is True


def test_ask_is_not_sent_as_a_table(endpoint: Endpoint) -> None:
    """CSV and TSV are defined for SELECT results only: an ASK cannot be answered in them."""
    r = endpoint.get({"query": "ASK {}"}, accept="text/csv")
    assert r.status_code == 406 and media(r) == "text/plain"
    r = endpoint.get({"query": "ASK {}"}, accept="text/csv, */*;q=0.1")
    assert media(r) == SRJ and boolean(r) is True


@pytest.mark.parametrize("accept", list(RDFLIB_FORMATS))
def test_query_content_type_construct(endpoint: Endpoint, accept: str) -> None:
    """query_content_type_construct: the graph in each RDF format, parsed back."""
    r = endpoint.post(LABELS, DIRECT, accept=accept)
    assert media(r) == accept
    expected = {
        (s, EX.label, o) for iri in PEOPLE for s, o in graph_of(iri).subject_objects(EX.name)
    }
    assert triples(r) == expected


@pytest.mark.parametrize("accept", list(RDFLIB_FORMATS))
def test_query_content_type_describe(endpoint: Endpoint, accept: str) -> None:
    """query_content_type_describe: DESCRIBE of a resource in each RDF format."""
    r = endpoint.post(f"DESCRIBE <{EX.bob}>", DIRECT, accept=accept)
    assert media(r) == accept
    assert triples(r) == set(graph_of(G2).triples((EX.bob, None, None)))


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", SRX),
        (f"{SRJ};q=0.1, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("application/json;q=0.2, application/sparql-results+json;q=0.8, text/csv;q=0.5", SRJ),
        ("text/*", "text/csv"),
        ("text/*, text/csv;q=0", "text/tab-separated-values"),
        ("*/*", SRJ),
        ("*/*;q=0.1, application/xml", SRX),
        ("image/png, */*;q=0.01", SRJ),
    ],
)
def test_accept_q_values_and_wildcards_select(
    endpoint: Endpoint, accept: str, expected: str
) -> None:
    """Accept ranges with q-values and wildcards: the most specific range rates each type."""
    r = endpoint.get({"query": NAMES}, accept=accept)
    assert media(r) == expected and column(r, "name") == names_in(G1, G2, G3)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/*", "application/n-triples"),
        ("text/turtle;q=0.3, application/rdf+xml;q=0.7", "application/rdf+xml"),
        ("application/ld+json;q=0.9, */*;q=0.95", "text/turtle"),
        ("application/json", "application/ld+json"),
    ],
)
def test_accept_q_values_and_wildcards_construct(
    endpoint: Endpoint, accept: str, expected: str
) -> None:
    r = endpoint.get({"query": LABELS}, accept=accept)
    assert media(r) == expected and len(triples(r)) == len(PEOPLE)


@pytest.mark.parametrize("accept", ["image/png", "*/*;q=0", SRJ])
def test_nothing_acceptable_is_406(endpoint: Endpoint, accept: str) -> None:
    """A CONSTRUCT asked for as an image, as nothing, or as a result table: 406."""
    r = endpoint.get({"query": LABELS}, accept=accept)
    assert r.status_code == 406 and media(r) == "text/plain"


def test_charset_parameter_on_post_form(endpoint: Endpoint) -> None:
    """A charset=UTF-8 parameter on the form type is accepted; non-ASCII text survives."""
    [name] = names_in(G3)
    query = f'ASK {{ ?s <{EX.name}> "{name}" }}'
    r = endpoint.form({"query": query}, ctype=f"{FORM}; charset=UTF-8")
    assert boolean(r) is True


def test_charset_parameter_on_post_direct(endpoint: Endpoint) -> None:
    """application/sparql-query; charset=utf-8 is accepted; the body is read as UTF-8."""
    [name] = names_in(G3)
    query = f'SELECT ?s WHERE {{ ?s <{EX.name}> "{name}" }}'
    r = endpoint.post(query.encode("utf-8"), f"{DIRECT}; charset=utf-8")
    assert column(r, "s") == [str(EX.zoe)]


def test_bad_query_non_utf8(endpoint: Endpoint) -> None:
    """bad_query_non_utf8: a UTF-16 body with charset=UTF-16 is refused (the form too)."""
    r = endpoint.post("ASK {}".encode("utf-16"), f"{DIRECT}; charset=UTF-16")
    assert r.status_code == 415 and "charset" in r.text
    r = endpoint.form({"query": "ASK {}"}, ctype=f"{FORM}; charset=ISO-8859-1")
    assert r.status_code == 415


def test_bad_query_syntax(endpoint: Endpoint) -> None:
    """bad_query_syntax: an unparsable query is 400 with the parser's message."""
    r = endpoint.get({"query": "ASK {"})
    assert r.status_code == 400 and media(r) == "text/plain" and r.text.strip()


def test_missing_query(endpoint: Endpoint) -> None:
    """No query: 400 for a form, an empty body, or a GET with protocol parameters."""
    assert endpoint.form({"default-graph-uri": G1}).status_code == 400
    assert endpoint.post(b"", DIRECT).status_code == 400
    r = endpoint.get({"default-graph-uri": G1})
    assert r.status_code == 400 and media(r) == "text/plain"


def test_dataset_parameter_not_an_iri(endpoint: Endpoint) -> None:
    """A default-graph-uri or named-graph-uri that is not an IRI is a malformed request: 400."""
    for name in ("default-graph-uri", "named-graph-uri"):
        r = endpoint.get({"query": "ASK {}", name: "not an iri"})
        assert r.status_code == 400 and media(r) == "text/plain"


def test_bad_multiple_queries(endpoint: Endpoint) -> None:
    """bad_multiple_queries: two query parameters (GET, form, or body plus URL) are 400."""
    two = [("query", "ASK {}"), ("query", "SELECT * {}")]
    assert endpoint.get(two).status_code == 400
    assert endpoint.form(two).status_code == 400
    assert endpoint.post("ASK {}", DIRECT, {"query": "ASK {}"}).status_code == 400


def test_query_and_update_together(endpoint: Endpoint) -> None:
    """A query and an update in one request is malformed: 400, and nothing changes."""
    before = endpoint.snapshot()
    both = {"query": "ASK {}", "update": UPDATE}
    assert endpoint.get(both).status_code == 400
    assert endpoint.form(both).status_code == 400
    assert endpoint.post("ASK {}", DIRECT, {"update": UPDATE}).status_code == 400
    assert endpoint.snapshot() == before


def test_bad_query_wrong_media_type(endpoint: Endpoint) -> None:
    """bad_query_wrong_media_type: a text/plain body is 415."""
    r = endpoint.post("ASK {}", "text/plain")
    assert r.status_code == 415 and media(r) == "text/plain"


@pytest.mark.parametrize("body", ["query=ASK%20%7B%7D", "ASK {}"])
def test_bad_query_missing_type(endpoint: Endpoint, body: str) -> None:
    """bad_query_missing_form_type, bad_query_missing_direct_type: no Content-Type is 415."""
    assert endpoint.post(body, None).status_code == 415


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_bad_query_method(endpoint: Endpoint, method: str) -> None:
    """bad_query_method: another method is 405 with an Allow header naming GET and POST."""
    params = {"query": "ASK {}", "default-graph-uri": ABSENT}
    r = endpoint.client.request(method, endpoint.url, params=params, headers={"content-type": FORM})
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


@pytest.mark.parametrize(
    "ctype", ["application/sparql-update", "application/sparql-update; charset=UTF-16"]
)
def test_update_post_direct_is_refused(endpoint: Endpoint, ctype: str) -> None:
    """update_post_direct (and bad_update_non_utf8): refused with 403; nothing changes."""
    before = endpoint.snapshot()
    body = "CLEAR ALL".encode("utf-16" if "16" in ctype else "utf-8")
    r = endpoint.post(body, ctype)
    assert r.status_code == 403 and "read-only" in r.text
    assert endpoint.snapshot() == before and before


def test_update_post_form_is_refused(endpoint: Endpoint) -> None:
    """update_post_form, bad_multiple_updates: update= in a form is refused; nothing changes."""
    before = endpoint.snapshot()
    assert endpoint.post("update=CLEAR+ALL", FORM).status_code == 403
    twice = [("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")]
    assert endpoint.form(twice).status_code == 403
    assert endpoint.form({"update": UPDATE}, params={"using-graph-uri": G1}).status_code == 403
    assert endpoint.snapshot() == before


def test_bad_update_get(endpoint: Endpoint) -> None:
    """bad_update_get: GET with update= is refused; nothing changes."""
    before = endpoint.snapshot()
    r = endpoint.get({"update": "CLEAR ALL"})
    assert r.status_code == 403 and media(r) == "text/plain"
    assert endpoint.snapshot() == before


def test_update_sent_as_a_query_is_refused(endpoint: Endpoint) -> None:
    """An update in the query parameter is not a query: 400, and nothing changes."""
    before = endpoint.snapshot()
    assert endpoint.get({"query": "CLEAR ALL"}).status_code == 400
    assert endpoint.form({"query": UPDATE}).status_code == 400
    assert endpoint.post("DROP ALL", DIRECT).status_code == 400
    assert endpoint.snapshot() == before
    assert column(endpoint.get({"query": NAMES}), "name") == names_in(G1, G2, G3)
