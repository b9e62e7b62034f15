"""The read side: plain dicts for the CLI and the API, from the SPARQL in ``ontology/queries``.

Ids are short ids (the last segment of each IRI). A claim is always shaped
``{"id", "text", "kind", "speaker": {"id", "name", "type"}, "cue", "outlet", "article", "start",
"end", "topic", "stance", "topics", "co_speakers"}`` with raw-text offsets; ``get_claim`` adds
its context. Filters are bound into the queries, never spliced into their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.queries import query
from kg.store import Row, Store
from kg.vocab import (
    CG,
    KIND_TERMS,
    OA,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SPEAKER_CLASSES,
    STANCE_TERMS,
    article_iri,
    claim_iri,
    contradiction_iri_from_id,
    short_id,
    speaker_iri_from_id,
    topic_iri,
)

KIND_NAMES = {str(v): k for k, v in KIND_TERMS.items()}
STANCE_NAMES = {str(v): k for k, v in STANCE_TERMS.items()}
TYPE_NAMES = {str(v): k for k, v in SPEAKER_CLASSES.items()}
TYPE_ORDER = list(SPEAKER_CLASSES)
ANY = Literal("")
CONTEXT_CHARS = 600

__all__ = [
    "get_article",
    "get_claim",
    "get_contradiction",
    "get_speaker",
    "list_articles",
    "list_claims",
    "list_contradictions",
    "list_speakers",
    "summary",
]


def _py(term: Identifier | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return float(value)
        return value if isinstance(value, str | int | float | bool) else str(term)
    return str(term)


def _name(names: Iterable[str]) -> str:
    """The fullest of a speaker's names (longest, then alphabetical): "Jane Roe" over "Roe"."""
    return min(names, key=lambda n: (-len(n), n))


def _type(classes: Iterable[str]) -> str:
    known = [TYPE_NAMES[c] for c in classes if c in TYPE_NAMES]
    return min(known, key=TYPE_ORDER.index) if known else "unknown"


def _choice(value: str | None, names: dict[str, URIRef], what: str) -> Identifier:
    if not value:
        return ANY
    if value not in names:
        raise ValueError(f"unknown {what} {value!r}; expected one of {sorted(names)}")
    return names[value]


def _position(g: Graph, claim: URIRef) -> tuple[int, int]:
    for selector in g.objects(g.value(claim, CG.span), OA.hasSelector):
        if (selector, RDF.type, OA.TextPositionSelector) in g:
            return int(g.value(selector, OA.start)), int(g.value(selector, OA.end))
    raise ValueError(f"claim {claim} has no position selector")


def _labels(g: Graph, node: Identifier, prop: URIRef) -> set[str]:
    return {str(x) for x in g.objects(node, prop)}


def _claim_from_graph(g: Graph, claim: URIRef) -> dict[str, Any] | None:
    """A claim dict from the triples of ``claim-graph.rq`` (None if the claim is not there)."""
    if (claim, RDF.type, SCHEMA.Claim) not in g:
        return None
    speaker = g.value(claim, PROV.wasAttributedTo)
    start, end = _position(g, claim)
    mains = set(g.objects(claim, CG.mainTopic))
    topics = sorted(
        (topic not in mains, min(_labels(g, topic, RDFS.label) or {short_id(topic)}))
        for topic in g.objects(claim, CG.about)
    )
    main = [label for not_main, label in topics if not not_main]
    outlets = [
        min(_labels(g, o, SCHEMA.name) or {short_id(o)}) for o in g.objects(claim, CG.toldTo)
    ]
    co = [
        {"id": short_id(o), "name": _name(_labels(g, o, SCHEMA.name) or {short_id(o)})}
        for o in g.objects(claim, CG.coSpeaker)
    ]
    return {
        "id": short_id(claim),
        "text": str(g.value(claim, SCHEMA.text)),
        "kind": KIND_NAMES.get(str(g.value(claim, CG.kind)), "indirect"),
        "speaker": {
            "id": short_id(speaker),
            "name": _name(_labels(g, speaker, SCHEMA.name) or {short_id(speaker)}),
            "type": _type(str(t) for t in g.objects(speaker, RDF.type)),
        },
        "cue": _py(g.value(claim, CG.cue)),
        "outlet": min(outlets, default=None),
        "article": short_id(g.value(claim, SCHEMA.appearance)),
        "start": start,
        "end": end,
        "topic": main[0] if main else None,
        "stance": STANCE_NAMES.get(str(g.value(claim, CG.stance)), "neutral"),
        "topics": [label for _, label in topics],
        "co_speakers": sorted(co, key=lambda c: c["id"]),
    }


def _claim(store: Store, iri: URIRef) -> dict[str, Any] | None:
    return _claim_from_graph(store.construct(query("claim-graph"), {"claim": iri}), iri)


def list_claims(
    store: Store,
    *,
    speaker: str | None = None,
    article: str | None = None,
    topic: str | None = None,
    stance: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
    speaker_id: str | None = None,
    q: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of claims in reading order, and how many match in all.

    ``speaker`` matches a speaker id or a case-insensitive substring of a name; ``speaker_id``
    only an exact id; ``topic`` is a topic label or id; ``stance``/``kind`` their names; ``q`` a
    case-insensitive substring of the claim text; ``since``/``until`` inclusive bounds on the
    article's publication date (undated articles drop out when either is given).
    Pages are cut in Python after one light query for the matching claim IRIs.
    Raises ``ValueError`` for an unknown stance or kind.
    """
    exact = speaker_id or speaker
    bindings = {
        "speakerQ": Literal(speaker) if speaker else ANY,
        "speakerIriQ": speaker_iri_from_id(exact) if exact else ANY,
        "articleQ": article_iri(article) if article else ANY,
        "topicQ": topic_iri(topic) if topic else ANY,
        "stanceQ": _choice(stance, STANCE_TERMS, "stance"),
        "kindQ": _choice(kind, KIND_TERMS, "kind"),
        "textQ": Literal(q) if q else ANY,
        "sinceQ": Literal(since.isoformat()) if since else ANY,
        "untilQ": Literal(until.isoformat()) if until else ANY,
    }
    seen: dict[str, None] = {}
    for row in store.select(query("claim-ids"), bindings):
        seen.setdefault(str(row["claim"]), None)
    iris = list(seen)
    page = iris[max(0, offset) : max(0, offset) + max(0, limit)]
    claims = [c for c in (_claim(store, URIRef(i)) for i in page) if c is not None]
    return claims, len(iris)


def _context(raw: str, start: int, end: int) -> tuple[str, int]:
    """The paragraph (line block) around ``[start, end)``, trimmed to sentences if very long."""
    lo = raw.rfind("\n", 0, start) + 1
    hi = raw.find("\n", end)
    hi = len(raw) if hi < 0 else hi
    if start - lo > CONTEXT_CHARS:
        cut = [m.end() for m in re.finditer(r"[.!?][\"'\u201d\u2019)]*\s+", raw[lo:start])]
        lo = lo + cut[-1] if cut else start - CONTEXT_CHARS
    if hi - end > CONTEXT_CHARS:
        m = re.search(r"[.!?][\"'\u201d\u2019)]*(?=\s)", raw[end:hi])
        hi = end + m.end() if m else end + CONTEXT_CHARS
    return raw[lo:hi], lo


def _raw_text(store: Store, article_id: str) -> str | None:
    rows = store.select(query("article"), {"article": article_iri(article_id)})
    return str(rows[0]["raw"]) if rows else None


def get_claim(store: Store, claim_id: str) -> dict[str, Any] | None:
    """One claim with its stance score, cue offsets and the text around it in the article."""
    iri = claim_iri(claim_id)
    g = store.construct(query("claim-graph"), {"claim": iri})
    claim = _claim_from_graph(g, iri)
    if claim is None:
        return None
    claim["stance_score"] = _py(g.value(iri, CG.stanceScore))
    claim["cue_start"] = _py(g.value(iri, CG.cueStart))
    claim["cue_end"] = _py(g.value(iri, CG.cueEnd))
    raw = _raw_text(store, claim["article"])
    text, lo = _context(raw, claim["start"], claim["end"]) if raw else (None, None)
    claim["context"] = text
    claim["context_start"] = lo
    return claim


def _values(rows: list[Row], key: str) -> list[Any]:
    return sorted({_py(r[key]) for r in rows if key in r}, key=str)


def _speakers_from_rows(rows: list[Row]) -> list[dict[str, Any]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(short_id(row["speaker"]), []).append(row)
    found = []
    for sid, group in grouped.items():
        names = _values(group, "name")
        name = _name(names)
        found.append(
            {
                "id": sid,
                "name": name,
                "type": _type(str(r["class"]) for r in group),
                "claims": int(group[0]["claims"]) if "claims" in group[0] else 0,
                "aliases": sorted({n for n in names + _values(group, "alias") if n != name}),
                "description": (_values(group, "description") or [None])[0],
                "count": (_values(group, "count") or [None])[0],
                "affiliation": (_values(group, "affiliation") or [None])[0],
            }
        )
    return found


def list_speakers(store: Store) -> list[dict[str, Any]]:
    """Every speaker with a claim, most claims first: id, name, type, claims, description, ..."""
    found = _speakers_from_rows(store.select(query("speakers")))
    return sorted(found, key=lambda s: (-s["claims"], s["name"].casefold(), s["id"]))


def get_speaker(store: Store, speaker_id: str) -> dict[str, Any] | None:
    """One speaker, with all their claims."""
    rows = store.select(query("speaker"), {"speaker": speaker_iri_from_id(speaker_id)})
    if not rows:
        return None
    [speaker] = _speakers_from_rows(rows)
    claims, total = list_claims(store, speaker_id=speaker_id, limit=1_000_000)
    speaker["claims"] = total
    speaker["claim_list"] = claims
    return speaker


ClaimCache = dict[str, dict[str, Any] | None]


def _cached_claim(store: Store, iri: str, cache: ClaimCache) -> dict[str, Any] | None:
    if iri not in cache:
        cache[iri] = _claim(store, URIRef(iri))
    return cache[iri]


def _contradiction(store: Store, rows: list[Row], cache: ClaimCache) -> dict[str, Any] | None:
    first = rows[0]
    a, b = (_cached_claim(store, str(first[k]), cache) for k in ("a", "b"))
    if a is None or b is None:
        return None
    labels = sorted(str(r["targetLabel"]) for r in rows if "targetLabel" in r)
    target = first.get("target")
    return {
        "id": short_id(first["x"]),
        "claims": [a, b],
        "reason": str(first["reason"]),
        "confidence": float(first["confidence"].toPython()),
        "rule": str(first["rule"]),
        "target": labels[0] if labels else (short_id(target) if target else None),
        "target_id": short_id(target) if target else None,
    }


def list_contradictions(store: Store) -> list[dict[str, Any]]:
    """Every contradiction whose claims still exist, most confident first."""
    grouped: dict[str, list[Row]] = {}
    for row in store.select(query("contradictions")):
        grouped.setdefault(str(row["x"]), []).append(row)
    cache: ClaimCache = {}
    found = [c for c in (_contradiction(store, rows, cache) for rows in grouped.values()) if c]
    return sorted(found, key=lambda c: (-c["confidence"], c["id"]))


def get_contradiction(store: Store, contradiction_id: str) -> dict[str, Any] | None:
    """One contradiction with both claims in full."""
    iri = contradiction_iri_from_id(contradiction_id)
    rows = store.select(query("contradiction"), {"x": iri})
    return _contradiction(store, rows, {}) if rows else None


def _article(row: Row) -> dict[str, Any]:
    return {
        "id": short_id(row["article"]),
        "title": _py(row.get("title")),
        "url": _py(row.get("url")),
        "published": _py(row.get("published")),
        "outlet": _py(row.get("outlet")),
    }


def list_articles(store: Store) -> list[dict[str, Any]]:
    """Every article: id, title, url, published, outlet and its number of claims."""
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(query("articles")):
        found.setdefault(str(row["article"]), {**_article(row), "claims": int(row["claims"])})
    return list(found.values())


def get_article(store: Store, article_id: str) -> dict[str, Any] | None:
    """One article with its raw text (``raw_text``) and all its claims in reading order."""
    rows = store.select(query("article"), {"article": article_iri(article_id)})
    if not rows:
        return None
    article = _article(rows[0])
    article["raw_text"] = str(rows[0]["raw"])
    g = store.construct(query("claim-graph"), {"article": article_iri(article_id)})
    claims = [_claim_from_graph(g, c) for c in set(g.subjects(RDF.type, SCHEMA.Claim))]
    article["claims"] = sorted(
        (c for c in claims if c is not None), key=lambda c: (c["start"], c["id"])
    )
    return article


def summary(store: Store) -> dict[str, int]:
    """How many articles, claims, speakers, topics and contradictions the store holds."""
    counts = {"articles": 0, "claims": 0, "speakers": 0, "topics": 0, "contradictions": 0}
    for row in store.select(query("summary")):
        counts[str(row["what"])] = int(row["n"])
    return counts
