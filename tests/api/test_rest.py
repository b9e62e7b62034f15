"""The REST read API and article deletion, over HTTP against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from factories import make_claim

from api.app import create_app
from kg.config import Settings
from kg.graph import article_graph, graph_iri
from kg.model import Article, Claim, RawArticle, Speaker
from kg.reasoning import reason_article
from kg.store.embedded import EmbeddedStore
from kg.vocab import inferred_graph_iri

PROBLEM = "application/problem+json"
TOKEN = "s3cret-test-token"
RAW = (
    "Lakeside Courier\n"
    "Councillor Mira Holm said the new ferry line will cut commuting times in half.\n"
    "A harbour pilot told the Courier the ferry line is unsafe in winter storms.\n"
    "Holm added that the ferry line will be paid for by ticket sales.\n"
)
PUBLISHED = "2024-03-05"
HOLM = Speaker("mira holm", "Mira Holm", "person", aliases=("Holm",))
PILOT = Speaker("harbour pilot", "a harbour pilot", "anonymous")


@dataclass(frozen=True)
class Api:
    url: str
    store: EmbeddedStore
    article: Article
    claims: dict[str, Claim]


def _claim(article: Article, speaker: Speaker, content: str, cue: str, **kw) -> Claim:
    return make_claim(article, speaker, content, cue, topic="ferry line", **kw)


def fill(store: EmbeddedStore, published: str | None = None) -> tuple[Article, dict[str, Claim]]:
    source = RawArticle(
        RAW, "test", url="https://courier.example/ferry", title="Ferry plan", published=published
    )
    article = Article(source, RAW, tuple(range(len(RAW) + 1)))
    claims = {
        "cut": _claim(
            article,
            HOLM,
            "the new ferry line will cut commuting times in half",
            "said",
            stance="positive",
            stance_score=0.6,
        ),
        "unsafe": _claim(
            article,
            PILOT,
            "the ferry line is unsafe in winter storms",
            "told",
            outlet="the Courier",
            stance="negative",
            stance_score=-0.6,
        ),
        "tickets": _claim(
            article, HOLM, "the ferry line will be paid for by ticket sales", "added"
        ),
    }
    store.replace_graph(str(graph_iri(article.id)), article_graph(article, list(claims.values())))
    reason_article(store, article.id)
    return article, claims


def start(
    tmp_path_factory, serve_app, token: str | None, published: str | None = None
) -> Iterator[Api]:
    store = EmbeddedStore(str(tmp_path_factory.mktemp("rest") / "store"))
    article, claims = fill(store, published)
    settings = Settings(store=store.location, api_token=token)
    with serve_app(create_app(settings, store=store)) as url:
        yield Api(url, store, article, claims)
    store.close()


@pytest.fixture(scope="module")
def api(tmp_path_factory, serve_app) -> Iterator[Api]:
    yield from start(tmp_path_factory, serve_app, None)


@pytest.fixture(scope="module")
def dated(tmp_path_factory, serve_app) -> Iterator[Api]:
    yield from start(tmp_path_factory, serve_app, None, PUBLISHED)


@pytest.fixture
def writable(tmp_path_factory, serve_app) -> Iterator[Api]:
    yield from start(tmp_path_factory, serve_app, TOKEN)


def test_claims_list_and_filters(api: Api) -> None:
    response = httpx.get(f"{api.url}/claims")
    body = response.json()
    assert response.headers["X-Total-Count"] == "3"
    assert [c["id"] for c in body] == [api.claims[k].id for k in ("cut", "unsafe", "tickets")]
    page = httpx.get(f"{api.url}/claims", params={"limit": 1, "offset": 1})
    assert page.headers["X-Total-Count"] == "3"
    assert [c["id"] for c in page.json()] == [api.claims["unsafe"].id]
    by_holm = httpx.get(f"{api.url}/claims", params={"speaker": "holm"}).json()
    assert {c["speaker"]["name"] for c in by_holm} == {"Mira Holm"}
    negative = httpx.get(f"{api.url}/claims", params={"stance": "negative"}).json()
    assert [c["text"] for c in negative] == [api.claims["unsafe"].text]
    assert negative[0]["outlet"] == "the Courier"
    assert httpx.get(f"{api.url}/claims", params={"article": "nope"}).json() == []


def _ids(api: Api, **params: str) -> list[str]:
    response = httpx.get(f"{api.url}/claims", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["X-Total-Count"] == str(len(body))
    return [c["id"] for c in body]


def test_claims_text_search(api: Api) -> None:
    assert _ids(api, q="FERRY LINE IS") == [api.claims["unsafe"].id]
    assert _ids(api, q="ferry line will") == [api.claims[k].id for k in ("cut", "tickets")]
    assert _ids(api, q="ticket", speaker="pilot") == []
    assert _ids(api, q="') } #") == []


def test_claims_date_range(api: Api, dated: Api) -> None:
    everything = [dated.claims[k].id for k in ("cut", "unsafe", "tickets")]
    assert _ids(dated, since=PUBLISHED) == _ids(dated, until=PUBLISHED) == everything
    assert _ids(dated, since=PUBLISHED, until=PUBLISHED, q="ticket") == [dated.claims["tickets"].id]
    assert _ids(dated, since="2024-03-06") == []
    assert _ids(dated, until="2024-03-04") == []
    assert _ids(api, since="1990-01-01") == _ids(api, until="2990-01-01") == []


def test_bad_parameters_are_422_problems(api: Api) -> None:
    bad_dates = ({"since": "2024-13-01"}, {"until": "yesterday"}, {"since": "2024-02-30"})
    for params in ({"stance": "angry"}, {"kind": "sung"}, {"limit": 0}, {"offset": -1}, *bad_dates):
        r = httpx.get(f"{api.url}/claims", params=params)
        assert r.status_code == 422, params
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["status"] == 422 and r.json()["errors"]


def test_claim_detail_and_404(api: Api) -> None:
    claim = api.claims["unsafe"]
    body = httpx.get(f"{api.url}/claims/{claim.id}").json()
    assert body["text"] == claim.text and body["start"] == claim.start
    assert RAW[body["start"] : body["end"]] == claim.text
    assert body["cue"] == "told" and claim.text in body["context"]
    r = httpx.get(f"{api.url}/claims/0000000000000000")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert r.json()["instance"] == "/claims/0000000000000000"


def test_speakers(api: Api) -> None:
    response = httpx.get(f"{api.url}/speakers")
    assert response.headers["X-Total-Count"] == "2"
    first = response.json()[0]
    assert first["name"] == "Mira Holm" and first["claims"] == 2
    detail = httpx.get(f"{api.url}/speakers/{first['id']}").json()
    assert len(detail["claim_list"]) == 2
    assert httpx.get(f"{api.url}/speakers/nobody").status_code == 404


def test_contradictions(api: Api) -> None:
    response = httpx.get(f"{api.url}/contradictions")
    assert response.headers["X-Total-Count"] == "1"
    [found] = response.json()
    assert {c["id"] for c in found["claims"]} == {
        api.claims["cut"].id,
        api.claims["unsafe"].id,
    }
    assert found["reason"] and 0 < found["confidence"] <= 1
    assert httpx.get(f"{api.url}/contradictions/{found['id']}").json()["id"] == found["id"]
    assert httpx.get(f"{api.url}/contradictions/none").status_code == 404


def test_articles_and_health(api: Api) -> None:
    body = httpx.get(f"{api.url}/articles").json()
    assert body == [
        {
            "id": api.article.id,
            "title": "Ferry plan",
            "url": "https://courier.example/ferry",
            "published": None,
            "outlet": None,
            "claims": 3,
        }
    ]
    detail = httpx.get(f"{api.url}/articles/{api.article.id}").json()
    assert detail["raw_text"] == RAW and len(detail["claims"]) == 3
    health = httpx.get(f"{api.url}/health").json()
    assert health["status"] == "ok" and health["quads"] == api.store.quad_count()
    assert health["writes"] is False


def test_writes_refused_without_a_token(api: Api) -> None:
    before = api.store.quad_count()
    r = httpx.delete(f"{api.url}/articles/{api.article.id}")
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
    r = httpx.delete(
        f"{api.url}/articles/{api.article.id}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 403
    assert api.store.quad_count() == before


def test_delete_article_with_the_token(writable: Api) -> None:
    url = f"{writable.url}/articles/{writable.article.id}"
    assert httpx.delete(url).status_code == 401
    assert httpx.delete(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    graphs = set(writable.store.graphs())
    assert {str(graph_iri(writable.article.id)), str(inferred_graph_iri(writable.article.id))} <= (
        graphs
    )
    r = httpx.delete(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 204
    assert not {
        str(graph_iri(writable.article.id)),
        str(inferred_graph_iri(writable.article.id)),
    } & (set(writable.store.graphs()))
    assert httpx.get(f"{writable.url}/claims").json() == []
    assert httpx.get(f"{writable.url}/contradictions").json() == []
    assert httpx.get(url).status_code == 404
    assert httpx.delete(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
