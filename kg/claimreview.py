"""schema.org ClaimReview out (claims ready for a fact-checker) and in (published fact-checks).

Export: one ``ClaimReview`` skeleton per claim, as JSON-LD with an inline ``{"@vocab":
"https://schema.org/"}`` context rather than the ``"https://schema.org"`` URL, so the document
expands offline and without fetching anything; the terms are the same schema.org IRIs. The review
itself has no ``@id`` (the fact-checker mints it); its ``itemReviewed`` carries the claim IRI.

Import: fact-checkers' ClaimReview JSON-LD (one object, a list, or ``@graph``) is read field by
field (plain ``claimReviewed``/``schema:claimReviewed``/full IRI keys; no context processing).
Each review is matched to stored claims by text similarity (see ``similarity``), boosted when the
review names the claim's speaker, and written as ``schema:ClaimReview`` nodes with deterministic
IRIs into the ``REVIEWS_GRAPH`` named graph, so importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.graph import new_graph
from kg.queries import query
from kg.store import Store
from kg.views import list_articles, list_claims, list_speakers
from kg.vocab import (
    GRAPH_BASE,
    ID_BASE,
    RDF,
    SCHEMA,
    XSD,
    article_iri,
    claim_iri,
    short_id,
    slug,
    speaker_iri_from_id,
)

__all__ = [
    "CONTEXT",
    "REVIEWS_GRAPH",
    "SIMILARITY_THRESHOLD",
    "ImportReport",
    "export_claimreview",
    "import_reviews",
    "reviews_for",
    "similarity",
]

REVIEWS_GRAPH = URIRef(f"{GRAPH_BASE}reviews")
CONTEXT = {"@vocab": "https://schema.org/"}
SIMILARITY_THRESHOLD = 0.6
SPEAKER_BOOST = 0.1
SPEAKER_MISMATCH_PENALTY = 0.2
NEGATION_PENALTY = 0.5
PAGE = 500
NAMED_TYPES = frozenset({"person", "organization"})
AUTHOR_TYPES = {
    "person": "Person",
    "organization": "Organization",
    "anonymous": "Person",
    "group": "Organization",
    "unknown": "Person",
}
AUTHOR_NOTES = {
    "anonymous": "anonymous source: the name is the article's description of them",
    "group": "a group of sources: the name is the article's description of them",
    "unknown": "no source is named in the article",
}
NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "t"})
OPEN_QUOTES = frozenset('"\u201c')
CLOSE_QUOTES = frozenset('"\u201d')
SCHEMA_KEYS = ("", "schema:", "https://schema.org/", "http://schema.org/")

ReviewKey = str | int


@dataclass(slots=True)
class ImportReport:
    """Which reviews matched which claims (with the score), and which did not and why."""

    matched: list[tuple[ReviewKey, str, float]] = field(default_factory=list)
    unmatched: list[tuple[Any, str]] = field(default_factory=list)


# --- export -----------------------------------------------------------------------------------


def _all_claims(store: Store, article: str | None = None) -> list[dict[str, Any]]:
    claims, total = list_claims(store, article=article, limit=PAGE)
    while len(claims) < total:
        more, _ = list_claims(store, article=article, limit=PAGE, offset=len(claims))
        if not more:
            break
        claims.extend(more)
    return claims


def _clean_text(text: str) -> str:
    """Claim text without the trailing comma and the enclosing quote marks it keeps from the
    article (``"It is ready,"`` -> ``It is ready``); inner quotes stay balanced."""
    text = re.sub(r"[,;:]+(?=[\"\u201d]?$)", "", text.strip())
    if len(text) > 1 and text[0] in OPEN_QUOTES and text[-1] in CLOSE_QUOTES:
        inner = text[1:-1]
        if not any(q in inner for q in OPEN_QUOTES | CLOSE_QUOTES):
            text = inner
    return text.strip()


def _author(speaker: dict[str, Any]) -> dict[str, Any]:
    node = {
        "@id": str(speaker_iri_from_id(speaker["id"])),
        "@type": AUTHOR_TYPES.get(speaker["type"], "Person"),
        "name": speaker["name"],
    }
    if note := AUTHOR_NOTES.get(speaker["type"]):
        node["description"] = note
    return node


def _appearance(article_id: str, article: dict[str, Any] | None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": str(article_iri(article_id)),
        "@type": "NewsArticle" if article else "CreativeWork",
    }
    if article and article.get("url"):
        node["url"] = str(article["url"])
    if article and article.get("title"):
        node["headline"] = article["title"]
    if article and article.get("outlet"):
        node["publisher"] = {"@type": "Organization", "name": article["outlet"]}
    return node


def _export_item(claim: dict[str, Any], article: dict[str, Any] | None) -> dict[str, Any]:
    reviewed: dict[str, Any] = {
        "@id": str(claim_iri(claim["id"])),
        "@type": "Claim",
        "author": _author(claim["speaker"]),
        "appearance": _appearance(claim["article"], article),
    }
    if article and article.get("published"):
        reviewed["datePublished"] = str(article["published"])
    return {
        "@type": "ClaimReview",
        "claimReviewed": _clean_text(claim["text"]),
        "itemReviewed": reviewed,
    }


def export_claimreview(store: Store, *, article: str | None = None) -> dict[str, Any]:
    """A JSON-LD document with one ClaimReview skeleton per claim (of one article if given)."""
    articles = {a["id"]: a for a in list_articles(store)}
    items = [_export_item(c, articles.get(c["article"])) for c in _all_claims(store, article)]
    return {"@context": dict(CONTEXT), "@graph": items}


# --- reading published reviews ----------------------------------------------------------------


def _nodes(data: Any) -> list[Any]:
    """The top-level nodes of a JSON-LD value: an object, a list, or ``@graph`` (nested too)."""
    if isinstance(data, list):
        return [node for item in data for node in _nodes(item)]
    if isinstance(data, dict) and "@graph" in data:
        return _nodes(data["@graph"])
    return [data]


def _get(node: Any, name: str) -> Any:
    """A schema.org property under any usual key spelling; first of a list; ``@value`` unwrapped."""
    if not isinstance(node, dict):
        return None
    for prefix in SCHEMA_KEYS:
        if (value := node.get(prefix + name)) is not None:
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, dict) and "@value" in value:
                value = value["@value"]
            return value
    return None


def _text(node: Any, name: str) -> str | None:
    value = _get(node, name)
    if isinstance(value, dict):
        value = _get(value, "name")
    return (value.strip() or None) if isinstance(value, str) else None


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type", [])
    names = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", str(n))[-1] for n in names}


def _problem(node: Any) -> str | None:
    """Why a node cannot be matched, or None."""
    if not isinstance(node, dict):
        return f"not a JSON object ({type(node).__name__})"
    types = _types(node)
    if types and "ClaimReview" not in types:
        return f"not a ClaimReview (@type {', '.join(sorted(types))})"
    if not _text(node, "claimReviewed"):
        return "missing claimReviewed"
    return None


# --- matching ---------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFKC", text).casefold()).split()
    if words and words[0] == "that":
        words = words[1:]
    return " ".join(words)


def similarity(a: str, b: str) -> float:
    """Text similarity in [0, 1]: the mean of difflib's ratio over the characters and over the
    words of the normalized texts (case, punctuation and a leading "that" ignored; characters
    forgive inflection, words stop short common words from adding up), minus
    ``NEGATION_PENALTY`` when only one side is negated ("is ready" vs "is not ready")."""
    na, nb = _normalize(a), _normalize(b)
    wa, wb = na.split(), nb.split()
    chars = SequenceMatcher(None, na, nb, autojunk=False).ratio()
    score = (chars + SequenceMatcher(None, wa, wb, autojunk=False).ratio()) / 2
    if bool(NEGATIONS & set(wa)) != bool(NEGATIONS & set(wb)):
        score -= NEGATION_PENALTY
    return max(0.0, score)


def _same_person(a: str, b: str) -> bool:
    """Names match when one's words all occur in the other ("Okoye" and "Mayor Ada Okoye")."""
    wa, wb = set(_normalize(a).split()), set(_normalize(b).split())
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _score(review_text: str, review_speaker: str | None, claim: dict[str, Any]) -> float:
    """Text similarity, plus ``SPEAKER_BOOST`` when the review names the claim's speaker, minus
    ``SPEAKER_MISMATCH_PENALTY`` when both name someone and the names differ."""
    score = similarity(review_text, _clean_text(claim["text"]))
    if review_speaker:
        if any(_same_person(review_speaker, n) for n in claim["speaker_names"]):
            score += SPEAKER_BOOST
        elif claim["speaker"]["type"] in NAMED_TYPES:
            score -= SPEAKER_MISMATCH_PENALTY
    return round(min(1.0, max(0.0, score)), 3)


def _claims_with_names(store: Store) -> list[dict[str, Any]]:
    names = {s["id"]: [s["name"], *s["aliases"]] for s in list_speakers(store)}
    claims = _all_claims(store)
    for claim in claims:
        sid = claim["speaker"]["id"]
        claim["speaker_names"] = names.get(sid, [claim["speaker"]["name"]])
    return claims


# --- writing reviews --------------------------------------------------------------------------


def _review_iri(node: dict[str, Any]) -> URIRef:
    """Deterministic: a hash of the review's url, author and text (a page may hold several)."""
    basis = "\n".join(str(_text(node, k)) for k in ("url", "author", "claimReviewed"))
    return URIRef(f"{ID_BASE}review/{hashlib.sha256(basis.encode('utf-8')).hexdigest()[:16]}")


def _literal(value: Any) -> Literal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(Decimal(str(value)), datatype=XSD.decimal)
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return Literal(int(text), datatype=XSD.integer)
    return Literal(text) if text else None


def _add_rating(g: Graph, review: URIRef, rating: Any) -> None:
    if not isinstance(rating, dict):
        return
    node = URIRef(f"{review}#rating")
    g.add((review, SCHEMA.reviewRating, node))
    g.add((node, RDF.type, SCHEMA.Rating))
    for name in ("alternateName", "ratingValue", "bestRating", "worstRating", "ratingExplanation"):
        if (value := _literal(_get(rating, name))) is not None:
            g.add((node, SCHEMA[name], value))


def _review_graph(node: dict[str, Any], claims: Iterable[str]) -> Graph:
    g = new_graph()
    review = _review_iri(node)
    g.add((review, RDF.type, SCHEMA.ClaimReview))
    g.add((review, SCHEMA.claimReviewed, Literal(_text(node, "claimReviewed"))))
    for claim_id in claims:
        g.add((review, SCHEMA.itemReviewed, claim_iri(claim_id)))
    if url := _text(node, "url"):
        g.add((review, SCHEMA.url, Literal(url, datatype=XSD.anyURI)))
    if published := _text(node, "datePublished"):
        g.add((review, SCHEMA.datePublished, Literal(published)))
    if checker := _text(node, "author"):
        org = URIRef(f"{ID_BASE}factchecker/{slug(checker)}")
        g.add((review, SCHEMA.author, org))
        g.add((org, RDF.type, SCHEMA.Organization))
        g.add((org, SCHEMA.name, Literal(checker)))
    _add_rating(g, review, _get(node, "reviewRating"))
    return g


def _write(store: Store, new: Graph) -> None:
    """Replace the reviews graph with its old triples (minus those of re-imported reviews) + new."""
    old = store.construct(query("graph-triples"), {"g": REVIEWS_GRAPH})
    renewed = {s for s in new.subjects(RDF.type, SCHEMA.ClaimReview)}
    renewed |= {URIRef(f"{s}#rating") for s in renewed}
    merged = new_graph()
    for triple in old:
        if triple[0] not in renewed:
            merged.add(triple)
    for triple in new:
        merged.add(triple)
    store.replace_graph(str(REVIEWS_GRAPH), merged)


def import_reviews(store: Store, data: dict[str, Any] | list[Any]) -> ImportReport:
    """Attach each published ClaimReview to every stored claim scoring ``SIMILARITY_THRESHOLD``
    or more; reviews that match nothing or cannot be read are listed with the reason."""
    report = ImportReport()
    claims = _claims_with_names(store)
    new = new_graph()
    for index, node in enumerate(_nodes(data)):
        if problem := _problem(node):
            report.unmatched.append((node, problem))
            continue
        key: ReviewKey = _text(node, "url") or index
        text = _text(node, "claimReviewed") or ""
        speaker = _text(_get(node, "itemReviewed"), "author")
        scored = [(c["id"], _score(text, speaker, c)) for c in claims]
        hits = [(cid, s) for cid, s in scored if s >= SIMILARITY_THRESHOLD]
        if not hits:
            best = max((s for _, s in scored), default=0.0)
            reason = f"no claim text within {SIMILARITY_THRESHOLD} similarity (best {best})"
            report.unmatched.append((node, reason))
            continue
        report.matched.extend((key, cid, s) for cid, s in hits)
        new += _review_graph(node, (cid for cid, _ in hits))
    if len(new):
        _write(store, new)
    return report


# --- reading stored reviews -------------------------------------------------------------------


def _value(term: Any) -> Any:
    if term is None:
        return None
    value = term.toPython() if isinstance(term, Literal) else str(term)
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, str | int | float) else str(term)


def reviews_for(store: Store, claim_id: str) -> list[dict[str, Any]]:
    """The imported fact-checks of one claim: id, url, published, claim_reviewed, author, rating."""
    rows = store.select(
        query("claimreview-for-claim"), {"claim": claim_iri(claim_id), "graph": REVIEWS_GRAPH}
    )
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        found.setdefault(
            str(row["review"]),
            {
                "id": short_id(row["review"]),
                "url": _value(row.get("url")),
                "published": _value(row.get("published")),
                "claim_reviewed": _value(row.get("reviewed")),
                "author": _value(row.get("checkerName")),
                "rating": {
                    "name": _value(row.get("ratingName")),
                    "value": _value(row.get("ratingValue")),
                    "best": _value(row.get("bestRating")),
                    "worst": _value(row.get("worstRating")),
                },
            },
        )
    return list(found.values())
