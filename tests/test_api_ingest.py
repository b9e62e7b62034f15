"""Writes over HTTP: POST /articles runs the real pipeline, only with the configured token."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.app import create_app
from kg.config import Settings

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
TOKEN = "s3cret-test-token"


def test_post_article_needs_token_and_ingests(tmp_store, serve_app) -> None:
    text = (ARTICLES / "harbor-bridge-dispute.txt").read_text(encoding="utf-8")
    body = {"text": text, "url": "https://news.example/harbor-bridge", "outlet": "Gazette"}
    settings = Settings(store=tmp_store.location, api_token=TOKEN)
    with serve_app(create_app(settings, store=tmp_store)) as url:
        assert httpx.post(f"{url}/articles", json=body).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert httpx.post(f"{url}/articles", json=body, headers=wrong).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        empty = httpx.post(f"{url}/articles", json={"text": ""}, headers=auth)
        assert empty.status_code == 422
        assert empty.headers["content-type"].startswith("application/problem+json")
        created = httpx.post(f"{url}/articles", json=body, headers=auth, timeout=60)
        assert created.status_code == 201, created.text
        report = created.json()
        assert report["claims"] > 0 and report["contradictions"] > 0
        quads = httpx.get(f"{url}/health").json()["quads"]
        again = httpx.post(f"{url}/articles", json=body, headers=auth, timeout=60)
        assert again.json()["article"] == report["article"]
        assert httpx.get(f"{url}/health").json()["quads"] == quads
        claims = httpx.get(f"{url}/claims", params={"article": report["article"], "limit": 1000})
        assert int(claims.headers["X-Total-Count"]) == len(claims.json()) == report["claims"]


def test_read_only_server_refuses_writes(tmp_store, serve_app) -> None:
    settings = Settings(store=tmp_store.location, api_token=None)
    with serve_app(create_app(settings, store=tmp_store)) as url:
        response = httpx.post(f"{url}/articles", json={"text": "Someone said hello."})
        assert response.status_code == 403
        assert "read-only" in response.json()["detail"]
        assert tmp_store.quad_count() == 0
