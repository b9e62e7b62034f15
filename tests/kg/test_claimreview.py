"""ClaimReview export (expanded offline by pyld) and import of published fact-checks."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from spacy.language import Language

from kg.claimreview import (
    REVIEWS_GRAPH,
    SIMILARITY_THRESHOLD,
    export_claimreview,
    import_reviews,
    reviews_for,
    similarity,
)
from kg.ingest import read_paths
from kg.nlp import load_nlp
from kg.pipeline import ingest
from kg.store.embedded import EmbeddedStore
from kg.views import list_claims
from kg.vocab import claim_iri

DATA = Path(__file__).resolve().parent.parent / "data"
ARTICLE = DATA / "articles" / "harbor-bridge-dispute.txt"
REVIEWS = DATA / "reviews" / "harbor-bridge-factchecks.json"
S = "https://schema.org/"
SCHEMA_CONTEXT = {"@context": {"@vocab": S}}
RATINGS_QUERY = """
PREFIX schema: <https://schema.org/>
SELECT ?claim ?verdict ?value WHERE {
  GRAPH ?graph { ?review schema:itemReviewed ?claim ; schema:reviewRating ?r .
                 ?r schema:alternateName ?verdict ; schema:ratingValue ?value }
}
"""


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serves a minimal schema.org context; any other fetch fails the test."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise AssertionError(f"tried to fetch {url}")


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture
def store(tmp_store: EmbeddedStore, nlp: Language) -> EmbeddedStore:
    report = ingest(read_paths([ARTICLE]), tmp_store, nlp)
    assert report.ok and report.claims
    return tmp_store


def claims_of(store: EmbeddedStore) -> list[dict[str, Any]]:
    return list_claims(store, limit=10_000)[0]


def words(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip()


def first(node: dict[str, Any], prop: str) -> Any:
    [value] = node[S + prop]
    return value.get("@value", value)


def test_export_expands_offline_with_one_item_per_claim(store: EmbeddedStore) -> None:
    claims = {str(claim_iri(c["id"])): c for c in claims_of(store)}
    doc = json.loads(json.dumps(export_claimreview(store)))
    expanded = jsonld.expand(doc, {"documentLoader": offline_loader})
    reviews = [n for n in expanded if S + "ClaimReview" in n.get("@type", [])]
    assert len(reviews) == len(doc["@graph"]) == len(claims)
    seen = set()
    for review in reviews:
        item = first(review, "itemReviewed")
        claim = claims[item["@id"]]
        seen.add(item["@id"])
        assert item["@type"] == [S + "Claim"]
        author = first(item, "author")
        assert first(author, "name") == claim["speaker"]["name"]
        exported = first(review, "claimReviewed")
        assert words(exported) == words(claim["text"]) and exported.count('"') % 2 == 0
        assert first(first(item, "appearance"), "headline")
        if claim["speaker"]["type"] == "anonymous":
            assert "anonymous" in first(author, "description")
    assert seen == set(claims)


def test_export_of_one_article(store: EmbeddedStore) -> None:
    article = claims_of(store)[0]["article"]
    assert len(export_claimreview(store, article=article)["@graph"]) == len(claims_of(store))
    assert export_claimreview(store, article="0000000000000000")["@graph"] == []


def test_review_fixture_is_valid_jsonld() -> None:
    data = json.loads(REVIEWS.read_text(encoding="utf-8"))
    expanded = jsonld.expand(data, {"documentLoader": offline_loader})
    assert sum(S + "ClaimReview" in n["@type"] for n in expanded) == 2


def test_import_matches_the_reworded_quote_and_reports_the_other(store: EmbeddedStore) -> None:
    data = json.loads(REVIEWS.read_text(encoding="utf-8"))
    report = import_reviews(store, data)
    [(key, claim_id, score)] = report.matched
    [(unmatched, reason)] = report.unmatched
    target = [
        c
        for c in claims_of(store)
        if "safe" in c["text"] and "Okafor" in c["speaker"]["name"] and "ready" in c["text"]
    ]
    assert [c["id"] for c in target] == [claim_id]
    assert key == data["@graph"][0]["url"]
    assert SIMILARITY_THRESHOLD <= score <= 1
    assert unmatched["url"] == data["@graph"][1]["url"]
    assert reason.startswith(f"no claim text within {SIMILARITY_THRESHOLD} similarity")

    [review] = reviews_for(store, claim_id)
    assert review["rating"] == {"name": "Mostly False", "value": 2, "best": 5, "worst": 1}
    assert review["author"] == "Tidewater Fact Desk"
    assert review["url"] == key
    others = [c["id"] for c in claims_of(store) if c["id"] != claim_id]
    assert all(reviews_for(store, other) == [] for other in others)

    rows = store.select(RATINGS_QUERY, {"graph": REVIEWS_GRAPH})
    assert [(str(r["claim"]), str(r["verdict"]), int(r["value"])) for r in rows] == [
        (str(claim_iri(claim_id)), "Mostly False", 2)
    ]


def test_importing_twice_adds_nothing_and_an_update_replaces(store: EmbeddedStore) -> None:
    data = json.loads(REVIEWS.read_text(encoding="utf-8"))
    before = store.quad_count()
    first_report = import_reviews(store, data)
    after_first = store.quad_count()
    assert after_first > before
    assert import_reviews(store, data) == first_report
    assert store.quad_count() == after_first

    updated = copy.deepcopy(data)
    updated["@graph"][0]["reviewRating"]["alternateName"] = "Half True"
    updated["@graph"][0]["reviewRating"]["ratingValue"] = 3
    [(_, claim_id, _)] = import_reviews(store, updated).matched
    [review] = reviews_for(store, claim_id)
    assert (review["rating"]["name"], review["rating"]["value"]) == ("Half True", 3)
    assert store.quad_count() == after_first


def test_unreadable_reviews_are_listed_with_a_reason(store: EmbeddedStore) -> None:
    data = [
        {"@type": "ClaimReview", "url": "https://factcheck.example/empty"},
        {"@type": "WebPage", "name": "About us"},
        "not an object",
    ]
    report = import_reviews(store, data)
    assert report.matched == []
    assert [reason for _, reason in report.unmatched] == [
        "missing claimReviewed",
        "not a ClaimReview (@type WebPage)",
        "not a JSON object (str)",
    ]
    assert str(REVIEWS_GRAPH) not in store.graphs()


def test_a_negated_review_does_not_match_even_with_its_speaker(store: EmbeddedStore) -> None:
    found = claims_of(store)
    [negated] = [c for c in found if " not " in c["text"] and c["speaker"]["type"] == "anonymous"]
    flipped = words(negated["text"]).replace(" not ", " ")
    review = {
        "@type": "ClaimReview",
        "claimReviewed": flipped,
        "itemReviewed": {"@type": "Claim", "author": {"name": negated["speaker"]["name"]}},
    }
    report = import_reviews(store, review)
    assert report.matched == []
    assert report.unmatched[0][1].startswith("no claim text within")


def test_similarity_tolerates_rewording_but_not_negation() -> None:
    quote = '"The ferry schedule is reliable, and it is on time,"'
    assert similarity(quote, "The ferry schedule is reliable and it's on time.") >= 0.8
    assert similarity(quote, "The ferry schedule is not reliable and not on time") < 0.6
    assert similarity(quote, "Tuition at the state college rose by a third") < 0.6
