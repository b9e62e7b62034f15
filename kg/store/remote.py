"""A Store over any SPARQL 1.1 server: the SPARQL Protocol for queries and updates, the Graph
Store HTTP Protocol (GSP) for whole graphs.

Endpoints derive from the base URL as ``oxigraph serve`` lays them out: queries ``<base>/query``,
updates ``<base>/update``, graphs ``<base>/store``; each can be given explicitly.

Default graph: reads see the union of all graphs, as in the embedded store. Oxigraph does that per
request with its ``union-default-graph`` parameter, which this store sends unless the query names
its dataset (``FROM``, or protocol graphs). Run ``oxigraph serve`` WITHOUT its
``--union-default-graph`` flag: with the flag the server ignores a query's ``FROM``. Other servers
ignore the parameter and must be configured with a union default graph (e.g. Fuseki's
``tdb2:unionDefaultGraph``); ``quad_count`` then also counts named-graph quads twice.

``replace_graph`` is one GSP ``PUT``, which oxigraph applies as one transaction: readers see the
old graph or the new one, and a request that fails midway leaves the old graph. A server that is
unreachable or goes away raises ``StoreError`` ("cannot reach SPARQL server at ...").
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any, NoReturn

import httpx
from rdflib import Graph
from rdflib.query import Result

from kg.store import Bindings, QuerySyntaxError, QueryTimeout, RawResult, Row, StoreError
from kg.store.sparqltext import bind, is_update, keywords

__all__ = ["RemoteStore"]

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
RESULT_TYPES = frozenset(
    {JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
)
GRAPH_TYPES = frozenset({"text/turtle", NTRIPLES, "application/ld+json", "application/rdf+xml"})
DATASET_TYPES = frozenset({"application/trig", "application/n-quads"})
HOLD_BYTES = 1 << 20
CHUNK_BYTES = 64 << 10
MAX_RESULT_BYTES = 256 << 20
CONNECT_TIMEOUT_S = 10.0
UNION_CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
# Sent without the union parameter, so the first branch is the real default graph.
QUAD_COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
READ_ONLY_MESSAGE = "SPARQL Update is not allowed here: this endpoint is read-only"


def _media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _accept(media_type: str) -> str:
    """Ask for ``media_type``, with the other query form's default as a low-priority fallback."""
    if media_type in RESULT_TYPES:
        return f"{media_type}, text/turtle;q=0.1"
    if media_type in GRAPH_TYPES:
        return f"{media_type}, {JSON};q=0.1"
    return f"{JSON}, text/turtle"


def _dataset(
    query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Protocol graphs override the query's FROM; without either, read the union."""
    params = [("default-graph-uri", g) for g in default_graphs]
    params += [("named-graph-uri", g) for g in named_graphs]
    if not params and "FROM" not in keywords(query):
        params.append(("union-default-graph", "true"))
    return params


class RemoteStore:
    """A SPARQL 1.1 server at ``base_url`` (``http://127.0.0.1:7878`` for ``oxigraph serve``).

    ``timeout_s`` bounds each internal request; ``read_only`` refuses writes client-side.
    """

    def __init__(
        self,
        base_url: str,
        *,
        query_url: str | None = None,
        update_url: str | None = None,
        store_url: str | None = None,
        timeout_s: float = 30.0,
        read_only: bool = False,
        max_result_bytes: int = MAX_RESULT_BYTES,
    ) -> None:
        base = base_url.rstrip("/")
        self.location = base_url
        self.query_url = query_url or f"{base}/query"
        self.update_url = update_url or f"{base}/update"
        self.store_url = store_url or f"{base}/store"
        self.timeout_s = timeout_s
        self.read_only = read_only
        self.max_result_bytes = max_result_bytes
        timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S))
        self._client: httpx.Client | None = httpx.Client(timeout=timeout)

    @property
    def _http(self) -> httpx.Client:
        if self._client is None:
            raise StoreError("store is closed")
        return self._client

    def _send(
        self,
        method: str,
        url: str,
        *,
        stream: bool = False,
        missing_ok: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request; transport failures become ``StoreError``, a slow query ``QueryTimeout``."""
        request = self._http.build_request(method, url, **kwargs)
        try:
            response = self._http.send(request, stream=stream)
        except httpx.ReadTimeout:
            if url == self.query_url:
                raise QueryTimeout("query stopped: it ran past the time limit") from None
            raise StoreError(
                f"SPARQL server at {url} did not answer in time; the write may not have applied"
            ) from None
        except httpx.TransportError as exc:
            raise StoreError(f"cannot reach SPARQL server at {url}: {exc}") from None
        if response.status_code >= 400 and not (missing_ok and response.status_code == 404):
            self._fail(response, url)
        return response

    @staticmethod
    def _fail(response: httpx.Response, url: str) -> NoReturn:
        try:
            text = response.read().decode("utf-8", "replace").strip()
        except httpx.TransportError as exc:
            text = str(exc)
        finally:
            response.close()
        if response.status_code == 400:
            raise QuerySyntaxError(text or "the server refused the request as malformed")
        raise StoreError(f"SPARQL server at {url} answered {response.status_code}: {text[:500]}")

    def _write(self, method: str, url: str, **kwargs: Any) -> None:
        if self.read_only:
            raise StoreError("store is open read-only")
        self._send(method, url, **kwargs)

    def _query(self, query: str, accept: str, union: bool = True) -> httpx.Response:
        return self._send(
            "POST",
            self.query_url,
            params=_dataset(query) if union else [],
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
            content=query.encode("utf-8"),
        )

    def _results(self, query: str, bindings: Bindings | None) -> Result | None:
        """Parsed SELECT/ASK results, or None when the query is a CONSTRUCT/DESCRIBE."""
        response = self._query(bind(query, bindings), f"{JSON}, {NTRIPLES};q=0.1")
        if _media(response) != JSON:
            return None
        return Result.parse(io.BytesIO(response.content), format="json")

    def replace_graph(self, graph: str, data: Graph) -> None:
        """One GSP PUT of ``data`` as N-Triples (an empty graph is a DELETE)."""
        if len(data) == 0:
            self.delete_graph(graph)
            return
        self._write(
            "PUT",
            self.store_url,
            params={"graph": str(graph)},
            headers={"Content-Type": NTRIPLES},
            content=data.serialize(format="nt", encoding="utf-8"),
        )

    def delete_graph(self, graph: str) -> None:
        self._write("DELETE", self.store_url, params={"graph": str(graph)}, missing_ok=True)

    def graphs(self) -> list[str]:
        return sorted(str(row["g"]) for row in self.select(GRAPHS_QUERY))

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        result = self._results(query, bindings)
        if result is None or result.type != "SELECT":
            raise QuerySyntaxError("expected a SELECT query")
        return [row.asdict() for row in result]

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._results(query, bindings)
        if result is None or result.type != "ASK":
            raise QuerySyntaxError("expected an ASK query")
        return bool(result.askAnswer)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        response = self._query(bind(query, bindings), f"{NTRIPLES}, {JSON};q=0.1")
        if _media(response) != NTRIPLES:
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return Graph().parse(data=response.content, format="nt")

    def update(self, update: str, bindings: Bindings | None = None) -> None:
        self._write(
            "POST",
            self.update_url,
            headers={"Content-Type": "application/sparql-update"},
            content=bind(update, bindings).encode("utf-8"),
        )

    def query_raw(
        self,
        query: str,
        media_type: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> RawResult:
        """Forward a user's read-only query; hold back up to 1 MiB before streaming the rest.

        Updates and SERVICE are refused before anything is sent. Errors found before the first
        ``HOLD_BYTES`` of output raise here; later ones end the stream with an exception.
        """
        if is_update(query):
            raise QuerySyntaxError(READ_ONLY_MESSAGE)
        if "SERVICE" in keywords(query):
            raise QuerySyntaxError("SERVICE (federated query) is not allowed on this endpoint")
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        response = self._send(
            "POST",
            self.query_url,
            stream=True,
            params=_dataset(query, default_graph_uris, named_graph_uris),
            headers={"Content-Type": "application/sparql-query", "Accept": _accept(media_type)},
            content=query.encode("utf-8"),
            timeout=httpx.Timeout(timeout_s, connect=CONNECT_TIMEOUT_S),
        )
        chunks = self._stream(response, deadline)
        held: list[bytes] = []
        size = 0
        for chunk in chunks:
            held.append(chunk)
            size += len(chunk)
            if size >= HOLD_BYTES:
                return RawResult(_media(response), chain(held, chunks))
        return RawResult(_media(response), iter(held))

    def _stream(self, response: httpx.Response, deadline: float | None) -> Iterator[bytes]:
        """The response body, stopped past ``deadline`` or ``max_result_bytes``; always closed."""
        size = 0
        try:
            for chunk in response.iter_bytes(CHUNK_BYTES):
                if deadline is not None and time.monotonic() > deadline:
                    raise QueryTimeout("query stopped: it ran past the time limit")
                size += len(chunk)
                if size > self.max_result_bytes:
                    raise StoreError(
                        f"result larger than {self.max_result_bytes} bytes: add a LIMIT"
                    )
                yield chunk
        except httpx.ReadTimeout:
            raise QueryTimeout("query stopped: it ran past the time limit") from None
        except httpx.TransportError as exc:
            raise StoreError(f"cannot reach SPARQL server at {self.query_url}: {exc}") from None
        finally:
            response.close()

    def quad_count(self) -> int:
        response = self._query(QUAD_COUNT_QUERY, JSON, union=False)
        [row] = Result.parse(io.BytesIO(response.content), format="json")
        return int(row[0])

    def dump(self, media_type: str) -> bytes:
        """TriG/N-Quads (GSP GET) keep the named graphs; graph formats get the union."""
        if media_type in DATASET_TYPES:
            return self._send("GET", self.store_url, headers={"Accept": media_type}).content
        if media_type not in GRAPH_TYPES:
            raise ValueError(f"cannot dump as {media_type}")
        return self._query(UNION_CONSTRUCT, media_type).content

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
