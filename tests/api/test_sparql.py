"""The /sparql endpoint over HTTP, against a real uvicorn server and a small on-disk store."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from api.app import create_app
from kg.config import Settings
from kg.store.embedded import EmbeddedStore

EX = Namespace("http://example.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
G1, G2 = "http://example.org/graph/one", "http://example.org/graph/two"
NAMES = f"SELECT ?name WHERE {{ ?s <{EX.name}> ?name }} ORDER BY ?name"
UPDATE = "INSERT DATA { <http://example.org/x> <http://example.org/y> <http://example.org/z> }"
JSON_RESULTS = "application/sparql-results+json"


@dataclass(frozen=True)
class Endpoint:
    url: str
    store: EmbeddedStore

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"


def people(*names: str) -> Graph:
    g = Graph()
    for name in names:
        g.add((EX[name], RDF.type, EX.Person))
        g.add((EX[name], EX.name, Literal(name.title())))
    return g


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, serve_app) -> Iterator[Endpoint]:
    store = EmbeddedStore(str(tmp_path_factory.mktemp("sparql") / "store"))
    store.replace_graph(G1, people("ada", "bob"))
    store.replace_graph(G2, people("cy"))
    app = create_app(Settings(store=store.location, query_timeout_s=10), store=store)
    with serve_app(app) as url:
        yield Endpoint(url, store)
    store.close()


def names(response: httpx.Response) -> list[str]:
    return [b["name"]["value"] for b in response.json()["results"]["bindings"]]


def test_select_json_over_get(endpoint: Endpoint) -> None:
    r = httpx.get(endpoint.sparql, params={"query": NAMES}, headers={"Accept": JSON_RESULTS})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(JSON_RESULTS)
    assert names(r) == ["Ada", "Bob", "Cy"]


def test_select_json_is_the_default(endpoint: Endpoint) -> None:
    r = httpx.get(endpoint.sparql, params={"query": NAMES})
    assert r.headers["content-type"].startswith(JSON_RESULTS)
    assert names(r) == ["Ada", "Bob", "Cy"]


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_via_sparqlwrapper(endpoint: Endpoint, method: str) -> None:
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery(NAMES)
    client.setReturnFormat(JSON)
    client.setMethod(method)
    result = client.query().convert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == ["Ada", "Bob", "Cy"]


def test_post_sparql_query_body_as_csv(endpoint: Endpoint) -> None:
    r = httpx.post(
        endpoint.sparql,
        content=NAMES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(r.text))) == [["name"], ["Ada"], ["Bob"], ["Cy"]]


def test_post_form_with_xml_results(endpoint: Endpoint) -> None:
    r = httpx.post(
        endpoint.sparql,
        data={"query": NAMES},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.status_code == 200
    literals = ET.fromstring(r.content).iter("{http://www.w3.org/2005/sparql-results#}literal")
    assert [e.text for e in literals] == ["Ada", "Bob", "Cy"]


def test_format_parameter_overrides_accept(endpoint: Endpoint) -> None:
    r = httpx.get(
        endpoint.sparql,
        params={"query": NAMES, "format": "tsv"},
        headers={"Accept": JSON_RESULTS},
    )
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    assert r.text.splitlines() == ["?name", '"Ada"', '"Bob"', '"Cy"']


def test_construct_turtle_and_json_ld(endpoint: Endpoint) -> None:
    query = f"CONSTRUCT {{ ?s <{EX.label}> ?n }} WHERE {{ ?s <{EX.name}> ?n }}"
    expected = {(EX[n], EX.label, Literal(n.title())) for n in ("ada", "bob", "cy")}
    r = httpx.get(endpoint.sparql, params={"query": query})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert set(Graph().parse(data=r.text, format="turtle")) == expected
    r = httpx.get(
        endpoint.sparql, params={"query": query}, headers={"Accept": "application/ld+json"}
    )
    assert r.headers["content-type"].startswith("application/ld+json")
    assert set(Graph().parse(data=r.text, format="json-ld")) == expected


def test_ask(endpoint: Endpoint) -> None:
    for name, expected in (("Cy", True), ("Dee", False)):
        query = f'ASK {{ ?s <{EX.name}> "{name}" }}'
        r = httpx.get(endpoint.sparql, params={"query": query})
        assert r.status_code == 200 and r.json()["boolean"] is expected


def test_dataset_parameters(endpoint: Endpoint) -> None:
    r = httpx.get(endpoint.sparql, params={"query": NAMES, "default-graph-uri": G2})
    assert names(r) == ["Cy"]
    in_graphs = f"SELECT ?name WHERE {{ GRAPH ?g {{ ?s <{EX.name}> ?name }} }} ORDER BY ?name"
    r = httpx.post(endpoint.sparql, data={"query": in_graphs, "named-graph-uri": G1})
    assert names(r) == ["Ada", "Bob"]


def test_malformed_query_is_400_with_the_parser_message(endpoint: Endpoint) -> None:
    r = httpx.get(endpoint.sparql, params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "error at 1:" in r.text


def test_missing_or_repeated_query_is_400(endpoint: Endpoint) -> None:
    r = httpx.post(endpoint.sparql, data={"default-graph-uri": G1})
    assert r.status_code == 400 and "exactly one" in r.text
    r = httpx.get(endpoint.sparql, params=[("query", NAMES), ("query", NAMES)])
    assert r.status_code == 400 and "exactly one" in r.text


def test_unsupported_method_is_405(endpoint: Endpoint) -> None:
    r = httpx.put(endpoint.sparql, content=NAMES)
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_unsupported_post_media_type_is_415(endpoint: Endpoint) -> None:
    r = httpx.post(endpoint.sparql, content=NAMES, headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_unacceptable_accept_is_406(endpoint: Endpoint) -> None:
    r = httpx.get(endpoint.sparql, params={"query": NAMES}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_updates_are_refused_and_change_nothing(endpoint: Endpoint) -> None:
    before = endpoint.store.quad_count()
    attempts = [
        httpx.get(endpoint.sparql, params={"query": UPDATE}),
        httpx.post(endpoint.sparql, data={"query": UPDATE}),
        httpx.post(endpoint.sparql, data={"update": UPDATE}),
        httpx.get(endpoint.sparql, params={"update": UPDATE}),
        httpx.post(
            endpoint.sparql,
            content=UPDATE,
            headers={"Content-Type": "application/sparql-update"},
        ),
        httpx.post(
            endpoint.sparql,
            content="DROP ALL",
            headers={"Content-Type": "application/sparql-query"},
        ),
    ]
    assert [r.status_code for r in attempts] == [400, 400, 403, 403, 403, 400]
    assert all("not allowed" in r.text for r in attempts)
    assert endpoint.store.quad_count() == before == 6


def test_service_description(endpoint: Endpoint) -> None:
    r = httpx.get(endpoint.sparql)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    service = URIRef(endpoint.sparql)
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert {str(n) for n in g.objects(None, SD.name)} == {G1, G2}
    [note] = g.query(
        "SELECT ?d WHERE { ?s sd:defaultDataset/sd:defaultGraph/dcterms:description ?d }",
        initNs={"sd": SD, "dcterms": URIRef("http://purl.org/dc/terms/")},
    )
    assert "union" in str(note[0]).lower()


def test_openapi_documents_the_get_parameters(endpoint: Endpoint) -> None:
    schema = httpx.get(f"{endpoint.url}/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/sparql"]["get"]["parameters"]}
    assert set(params) == {"query", "default-graph-uri", "named-graph-uri", "format"}
    assert params["default-graph-uri"]["schema"]["type"] == "array"


def test_cors_for_get(endpoint: Endpoint) -> None:
    r = httpx.get(
        endpoint.sparql, params={"query": NAMES}, headers={"Origin": "https://elsewhere.example"}
    )
    assert r.headers["access-control-allow-origin"] == "*"


def test_timeout_is_503_and_the_server_stays_responsive(
    tmp_store: EmbeddedStore, serve_app
) -> None:
    g = Graph()
    for i in range(2000):
        g.add((EX[f"n{i}"], EX.value, Literal(i)))
    tmp_store.replace_graph(G1, g)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d FILTER(STR(?b) < STR(?d)) }"
    app = create_app(Settings(store=tmp_store.location, query_timeout_s=0.3), store=tmp_store)
    with serve_app(app) as url:
        r = httpx.get(f"{url}/sparql", params={"query": slow}, timeout=10)
        assert r.status_code == 503 and "time limit" in r.text
        health = httpx.get(f"{url}/health", timeout=2)
        assert health.status_code == 200 and health.json()["quads"] == 2000


def test_results_are_valid_json_for_odd_literals(api_server) -> None:
    g = Graph()
    tricky = 'a "quoted" \\ back\nslash \U0001f600'
    g.add((EX.s, EX.text, Literal(tricky)))
    api_server.store.replace_graph(G1, g)
    r = httpx.get(f"{api_server.url}/sparql", params={"query": "SELECT ?t WHERE { ?s ?p ?t }"})
    assert json.loads(r.content)["results"]["bindings"][0]["t"]["value"] == tricky


def test_get_before_the_store_opens_is_a_problem_not_a_crash(tmp_path) -> None:
    """``GET /sparql`` is answered before FastAPI's router (``SparqlGetPath``): its errors still
    come as the rest of the API's do."""
    client = TestClient(create_app(Settings(store=str(tmp_path / "store"))))  # lifespan not run
    r = client.get("/sparql", params={"query": NAMES})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"] == "the store is not open"
