"""Offline API docs and the request body cap, against a real uvicorn server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from api.app import create_app
from api.limits import DEFAULT_MAX_BODY_BYTES, max_body_bytes
from kg.config import Settings
from kg.store.embedded import EmbeddedStore

PROBLEM = "application/problem+json"
CAP = 2048
ASK = "ASK { ?s ?p ?o }"


class Links(HTMLParser):
    """Every URL a page makes the browser load: src and href attributes, and spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "spec-url") and value:
                self.urls.append(value)


@pytest.fixture
def capped(tmp_store: EmbeddedStore, serve_app) -> Iterator[str]:
    settings = Settings(store=tmp_store.location, query_timeout_s=10)
    with serve_app(create_app(settings, store=tmp_store, max_body=CAP)) as url:
        yield url


def _loaded(page: str, base: str) -> list[str]:
    links = Links()
    links.feed(page)
    inline = re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", page)
    return [urljoin(base, u) for u in links.urls + inline]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_load_nothing_from_other_hosts(api_server, path: str) -> None:
    page = httpx.get(f"{api_server.url}{path}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not re.search(r"(?:https?:)?//(?!127\.0\.0\.1)[\w.-]+\.[a-z]{2,}", page.text)
    urls = _loaded(page.text, page.url.__str__())
    assert len(urls) >= 3, urls
    server = urlsplit(api_server.url).netloc
    for url in urls:
        assert urlsplit(url).netloc == server, url
        asset = httpx.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    schema = httpx.get(f"{api_server.url}/openapi.json").json()
    assert "/claims" in schema["paths"] and "/sparql" in schema["paths"]


def test_declared_body_over_the_cap_is_refused_before_reading(capped: str) -> None:
    big = "ASK { ?s ?p ?o } #" + "x" * CAP
    for kwargs in (
        {"content": big, "headers": {"Content-Type": "application/sparql-query"}},
        {"data": {"query": big}},
        {"json": {"text": big}},
    ):
        path = "/articles" if "json" in kwargs else "/sparql"
        r = httpx.post(f"{capped}{path}", **kwargs)
        assert r.status_code == 413, (path, r.text)
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["status"] == 413 and str(CAP) in body["detail"] and body["instance"] == path


def test_streamed_body_over_the_cap_is_refused_while_read(capped: str) -> None:
    def chunks(total: int) -> Iterator[bytes]:
        head = ASK.encode() + b" #"
        yield head
        yield b"x" * (total - len(head))

    headers = {"Content-Type": "application/sparql-query"}
    r = httpx.post(f"{capped}/sparql", content=chunks(CAP + 512), headers=headers)
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    ok = httpx.post(
        f"{capped}/sparql",
        content=chunks(CAP - 16),
        headers={**headers, "Accept": "application/sparql-results+json"},
    )
    assert ok.status_code == 200 and ok.json() == {"head": {}, "boolean": False}


def test_body_under_the_cap_and_default_cap(capped: str, monkeypatch) -> None:
    r = httpx.post(f"{capped}/sparql", data={"query": ASK}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["boolean"] is False
    monkeypatch.delenv("CLAIMGRAPH_MAX_BODY_BYTES", raising=False)
    assert max_body_bytes(1000) == DEFAULT_MAX_BODY_BYTES
    assert max_body_bytes(DEFAULT_MAX_BODY_BYTES) == 2 * DEFAULT_MAX_BODY_BYTES
    monkeypatch.setenv("CLAIMGRAPH_MAX_BODY_BYTES", "4096")
    assert max_body_bytes(10**9) == 4096
