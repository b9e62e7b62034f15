"""The SPARQL 1.1 Protocol endpoint (query only): GET and POST ``/sparql``.

Errors are plain text, as most SPARQL clients show the body as is. Updates are refused (403)
whatever way they arrive; the store itself also refuses them, so nothing can change through this
route. A request carrying both a query and an update is malformed (400). ``default-graph-uri`` and
``named-graph-uri`` replace the query's FROM and FROM NAMED as a whole (SPARQL 1.1 Protocol
§2.1.4): either one alone leaves the other part of the dataset empty.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID
from starlette.datastructures import ImmutableMultiDict
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import get_store
from api.negotiation import content_type, negotiate
from api.problems import problems
from kg.store import QuerySyntaxError, QueryTimeout, Store, StoreError


class RequestRoute(APIRoute):
    """A route whose endpoint takes the bare ``Request`` and returns a ``Response``.

    FastAPI's per-request dependency solving and parameter validation are skipped (for a small
    query they cost as much as running it); the endpoints read and check the request themselves,
    and ``openapi_extra`` documents their parameters.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self.endpoint


router = APIRouter(tags=["sparql"], route_class=RequestRoute)
log = logging.getLogger(__name__)
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
BOOLEAN_TYPES = RESULT_TYPES[:2]
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
RESULT_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
GRAPH_ALIASES = {
    "application/json": "application/ld+json",
    "application/x-json+ld": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
}
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "rdfxml": (None, "application/rdf+xml"),
}
SD_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
RESULT_FORMAT_IRIS = [
    FORMATS.SPARQL_Results_JSON,
    FORMATS.SPARQL_Results_XML,
    FORMATS.SPARQL_Results_CSV,
    FORMATS.SPARQL_Results_TSV,
    FORMATS.Turtle,
    FORMATS["N-Triples"],
    FORMATS["JSON-LD"],
    FORMATS.RDF_XML,
]
UNION_NOTE = (
    "The default graph is the union of all named graphs: one graph per article, one graph of "
    "inferred contradictions per article, and the ontology."
)
FORM_WORD = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.IGNORECASE)
IRI_OR_COMMENT = re.compile(r"<[^<>\"{}|^`\\\s]*>|#[^\n\r]*")
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
UTF8_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii"})
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
HEAD_BYTES = 256 << 10
TEXT = {"text/plain": {"schema": {"type": "string"}}}
RESPONSES: dict[int | str, dict] = {
    200: {
        "description": "The results, or a graph for CONSTRUCT and DESCRIBE, as negotiated.",
        "content": {media: {} for media in RESULT_TYPES + GRAPH_TYPES},
    },
    400: {"description": "The query does not parse or the request is malformed.", "content": TEXT},
    403: {"description": "SPARQL Update is refused: the endpoint is read-only.", "content": TEXT},
    406: {"description": "No offered format is acceptable.", "content": TEXT},
    503: {"description": "The query ran past the time limit.", "content": TEXT},
}


def _parameter(name: str, description: str, many: bool = True) -> dict:
    schema = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
    return {"name": name, "in": "query", "description": description, "schema": schema}


PARAMETERS = [
    _parameter("query", "The SPARQL query."),
    _parameter("default-graph-uri", "A graph of the default graph (replaces the union)."),
    _parameter("named-graph-uri", "A graph GRAPH patterns may match (replaces all named graphs)."),
    _parameter("format", "json, xml, csv, tsv, turtle, ... (overrides Accept).", many=False),
]


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword after the prologue."""
    found = FORM_WORD.search(IRI_OR_COMMENT.sub(" ", text))
    return found.group(1).upper() if found else "SELECT"


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _offered(form: str) -> list[str]:
    """What a query form can be sent as: CSV and TSV are tables, for SELECT only."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_TYPES
    return BOOLEAN_TYPES if form == "ASK" else RESULT_TYPES


@lru_cache(maxsize=256)
def _negotiated(accept: str | None, form: str) -> str | None:
    """``negotiate`` for a query form, cached: clients repeat their Accept header."""
    offered = _offered(form)
    return negotiate(accept, offered, GRAPH_ALIASES if offered is GRAPH_TYPES else RESULT_ALIASES)


def _choose(form: str, fmt: str | None, accept: str | None) -> str | Response:
    offered = _offered(form)
    if fmt:
        named = FORMAT_NAMES.get(fmt.lower(), (fmt, fmt))[offered is GRAPH_TYPES]
        if named not in offered:
            return _plain(400, f"format {fmt!r} does not apply to {form}; use one of {offered}")
        return named
    chosen = _negotiated(accept, form)
    if chosen is None:
        return _plain(406, f"cannot answer a {form} query as {accept}; offered: {offered}")
    return chosen


def _stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from chunks
    except (QueryTimeout, StoreError) as exc:
        log.warning("SPARQL result stream cut short: %s", exc)
        raise


def _run(
    store: Store,
    text: str,
    media: str,
    graphs: tuple[list[str], list[str]],
    timeout_s: float,
) -> tuple[str, bytes, Iterator[bytes] | None]:
    """Run the query and read up to ``HEAD_BYTES`` of its output on the same worker thread.

    A result that fits is sent whole (no stream: one thread hop per request instead of one per
    chunk); a longer one comes back with the iterator of the rest, to stream.
    """
    result = store.query_raw(text, media, *graphs, timeout_s)
    head, size = [], 0
    for chunk in result.chunks:
        head.append(chunk)
        size += len(chunk)
        if size >= HEAD_BYTES:
            return result.media_type, b"".join(head), result.chunks
    return result.media_type, b"".join(head), None


async def _head(
    store: Store,
    text: str,
    media: str,
    graphs: tuple[list[str], list[str]],
    timeout_s: float,
) -> tuple[str, bytes, Iterator[bytes] | None]:
    """``_run``, awaited on the store's own query thread where it has one (``query_head``)."""
    query_head = getattr(store, "query_head", None)
    if query_head is None:
        return await run_in_threadpool(_run, store, text, media, graphs, timeout_s)
    return await query_head(text, media, *graphs, timeout_s, hold_bytes=HEAD_BYTES)


async def _answer(request: Request, store: Store, params: ImmutableMultiDict) -> Response:
    """Run the one query of ``params`` (query operation parameters) and send its result."""
    queries = params.getlist("query")
    if len(queries) != 1:
        return _plain(400, f"expected exactly one 'query' parameter, got {len(queries)}")
    text = queries[0]
    form = query_form(text)
    media = _choose(form, params.get("format"), request.headers.get("accept"))
    if isinstance(media, Response):
        return media
    graphs = (params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))
    timeout_s = request.app.state.settings.query_timeout_s
    try:
        media_type, head, rest = await _head(store, text, media, graphs, timeout_s)
    except QuerySyntaxError as exc:
        return _plain(400, str(exc))
    except QueryTimeout as exc:
        return _plain(503, f"{exc} ({timeout_s:g} s)", {"Retry-After": "10"})
    except ValueError as exc:
        return _plain(400, str(exc))
    except StoreError as exc:
        return _plain(500, str(exc))
    headers = {"Vary": "Accept"}
    if rest is None:
        return Response(head, media_type=media_type, headers=headers)
    chunks = _stream(itertools.chain([head], rest))
    return StreamingResponse(chunks, media_type=media_type, headers=headers)


def service_description(store: Store, endpoint: str) -> Graph:
    """The SPARQL service description of this endpoint (sd: vocabulary)."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("dcterms", DCTERMS)
    g.bind("void", VOID)
    service, dataset, default = URIRef(endpoint), BNode(), BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in RESULT_FORMAT_IRIS:
        g.add((service, SD.resultFormat, iri))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, DCTERMS.description, Literal(UNION_NOTE, lang="en")))
    g.add((default, VOID.triples, Literal(store.quad_count())))
    for name in store.graphs():
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    return g


async def _describe(request: Request, store: Store) -> Response:
    accept = request.headers.get("accept")
    media = _negotiated(accept, "CONSTRUCT") or "text/turtle"
    endpoint = str(request.url.replace(query=""))
    graph = await run_in_threadpool(service_description, store, endpoint)
    body = graph.serialize(format=SD_FORMATS[media], encoding="utf-8")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _refuse_update() -> Response:
    return _plain(403, "SPARQL Update is not allowed: this endpoint is read-only")


async def _operation(request: Request, params: ImmutableMultiDict) -> Response:
    """The query operation; an update, with or without a query, is refused."""
    if "update" in params:
        if "query" in params:
            return _plain(400, "a request carries either 'query' or 'update', not both")
        return _refuse_update()
    return await _answer(request, await get_store(request), params)


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query (GET); without a query, the service description",
    response_class=Response,
    responses=RESPONSES,
    openapi_extra={"parameters": PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    params = request.query_params
    if "query" in params or "update" in params or any(p in params for p in DATASET_PARAMS):
        return await _operation(request, params)
    return await _describe(request, await get_store(request))


async def _post_params(request: Request, ctype: str, charset: str) -> ImmutableMultiDict | Response:
    """The operation parameters of a POST: the URL's plus the form's or the direct query."""
    url = request.query_params.multi_items()
    if ctype == UPDATE_TYPE:
        return ImmutableMultiDict([*url, ("update", "")])
    if charset.lower() not in UTF8_CHARSETS:
        return _plain(415, f"unsupported charset {charset!r}: send the request body as UTF-8")
    if ctype == FORM_TYPE:
        form = await request.form()
        return ImmutableMultiDict([*url, *((k, str(v)) for k, v in form.multi_items())])
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        return _plain(400, "the query is not valid UTF-8")
    return ImmutableMultiDict([*url, ("query", text)])


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query (POST form-encoded or application/sparql-query)",
    response_class=Response,
    responses={
        **RESPONSES,
        **problems(413),
        415: {"description": "The body is neither a form nor a UTF-8 query.", "content": TEXT},
    },
    openapi_extra={
        "requestBody": {
            "content": {
                FORM_TYPE: {"schema": {"type": "object", "properties": {"query": {}}}},
                QUERY_TYPE: {"schema": {"type": "string"}},
            }
        }
    },
)
async def sparql_post(request: Request) -> Response:
    ctype, options = content_type(request.headers.get("content-type"))
    if ctype not in (FORM_TYPE, QUERY_TYPE, UPDATE_TYPE):
        return _plain(415, f"unsupported media type {ctype!r}: use {FORM_TYPE} or {QUERY_TYPE}")
    params = await _post_params(request, ctype, options.get("charset", "utf-8"))
    if isinstance(params, Response):
        return params
    return await _operation(request, params)


@router.api_route("/sparql", methods=["PUT", "PATCH", "DELETE"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    return _plain(405, "use GET or POST", {"Allow": "GET, POST"})


class SparqlGetPath:
    """ASGI middleware answering ``GET /sparql`` itself, before FastAPI's router.

    The endpoint reads its own request (``RequestRoute``), so the router's matching, its
    exception middleware and per-request context buy it nothing but about a third of a small
    query's time in the app. Installed innermost, so CORS and the body limit still apply; an
    ``HTTPException`` (no store open) still becomes problem+json through ``on_http_error``.
    """

    def __init__(self, app: ASGIApp, on_http_error: ErrorHandler) -> None:
        self.app = app
        self.on_http_error = on_http_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await sparql_get(request)
        except HTTPException as exc:
            response = await self.on_http_error(request, exc)
        await response(scope, receive, send)
