"""The one place RDF names come from: the cg: vocabulary, reused vocabularies and IRI minting.

``CG`` is a closed ``DefinedNamespace``: a misspelt term raises ``AttributeError`` instead of
silently minting a new IRI. Every term here is declared in ``ontology/claimgraph.ttl`` (checked by
``tests/kg/test_ontology.py``).

Instance IRIs live under ``https://w3id.org/claimgraph/id/<kind>/<local>``; the ``<local>`` part
is the short id the CLI and API show, so ``short_id`` and the ``*_iri`` helpers invert each other.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, unquote

from rdflib import OWL, RDF, RDFS, XSD, Namespace, URIRef
from rdflib.namespace import PROV, DefinedNamespace

NS = "https://w3id.org/claimgraph/ns#"
ONTOLOGY_IRI = "https://w3id.org/claimgraph/ns"
ID_BASE = "https://w3id.org/claimgraph/id/"
GRAPH_BASE = "https://w3id.org/claimgraph/graph/"

SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")


class CG(DefinedNamespace):
    """Terms of the claimgraph vocabulary (``ontology/claimgraph.ttl``)."""

    _NS = Namespace(NS)
    _fail = True

    # classes
    Source: URIRef
    NamedSource: URIRef
    AnonymousSource: URIRef
    GroupSource: URIRef
    UnknownSource: URIRef
    ClaimKind: URIRef
    Stance: URIRef
    Topic: URIRef
    Contradiction: URIRef
    # individuals
    DirectQuote: URIRef
    IndirectSpeech: URIRef
    MixedQuote: URIRef
    Positive: URIRef
    Negative: URIRef
    Neutral: URIRef
    # properties
    description: URIRef
    count: URIRef
    affiliation: URIRef
    madeClaim: URIRef
    rawText: URIRef
    kind: URIRef
    span: URIRef
    cue: URIRef
    cueStart: URIRef
    cueEnd: URIRef
    toldTo: URIRef
    coSpeaker: URIRef
    about: URIRef
    mainTopic: URIRef
    recentClaim: URIRef
    stance: URIRef
    oppositeStance: URIRef
    stanceScore: URIRef
    contradicts: URIRef
    involves: URIRef
    claimA: URIRef
    claimB: URIRef
    concernsArticle: URIRef
    sharedTarget: URIRef
    rule: URIRef
    reason: URIRef
    confidence: URIRef


PREFIXES: dict[str, Namespace | str] = {
    "cg": NS,
    "schema": SCHEMA,
    "prov": PROV,
    "oa": OA,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

KIND_TERMS = {"direct": CG.DirectQuote, "indirect": CG.IndirectSpeech, "mixed": CG.MixedQuote}
STANCE_TERMS = {"positive": CG.Positive, "negative": CG.Negative, "neutral": CG.Neutral}
SPEAKER_CLASSES = {
    "person": SCHEMA.Person,
    "organization": SCHEMA.Organization,
    "anonymous": CG.AnonymousSource,
    "group": CG.GroupSource,
    "unknown": CG.UnknownSource,
}
LOCAL_SPEAKER_TYPES = frozenset({"anonymous", "group", "unknown"})


def slug(text: str) -> str:
    """Normalise a name or key to a readable IRI segment: NFKC, case-folded, dashes for gaps."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    out = re.sub(r"[^\w]+", "-", norm).strip("-_")
    return out or "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _mint(kind: str, local: str) -> URIRef:
    return URIRef(f"{ID_BASE}{kind}/{quote(local, safe='-._~@')}")


def short_id(iri: str) -> str:
    """The short id of an instance IRI: its last path segment, percent-decoded."""
    return unquote(str(iri).rsplit("/", 1)[-1])


def article_iri(article_id: str) -> URIRef:
    return _mint("article", article_id)


def claim_iri(claim_id: str) -> URIRef:
    return _mint("claim", claim_id)


def speaker_local_id(speaker_key: str, article_id: str | None = None) -> str:
    """Short id of a speaker; article-local sources (anonymous, groups) carry the article id."""
    base = slug(speaker_key)
    return f"{base}@{article_id}" if article_id else base


def speaker_iri(speaker_key: str, article_id: str | None = None) -> URIRef:
    """IRI of a speaker; pass ``article_id`` for sources that only exist within one article."""
    return _mint("speaker", speaker_local_id(speaker_key, article_id))


def speaker_iri_from_id(speaker_id: str) -> URIRef:
    """IRI of a speaker from the short id shown by the API."""
    return _mint("speaker", speaker_id)


def topic_iri(topic: str) -> URIRef:
    return _mint("topic", slug(topic))


def outlet_iri(name: str) -> URIRef:
    return _mint("outlet", slug(name))


def contradiction_id(claim_a: str, claim_b: str, rule: str) -> str:
    """Order-independent id of the contradiction ``rule`` found between two claim IRIs."""
    first, second = sorted((str(claim_a), str(claim_b)))
    basis = f"{rule}\n{first}\n{second}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def contradiction_iri(claim_a: str, claim_b: str, rule: str) -> URIRef:
    return _mint("contradiction", contradiction_id(claim_a, claim_b, rule))


def contradiction_iri_from_id(contradiction_id: str) -> URIRef:
    """IRI of a contradiction from the short id shown by the API."""
    return _mint("contradiction", contradiction_id)


def graph_iri(article_id: str) -> URIRef:
    """Named graph holding one article and its claims."""
    return URIRef(f"{GRAPH_BASE}article/{quote(article_id, safe='-._~')}")


def inferred_graph_iri(article_id: str) -> URIRef:
    """Named graph holding the contradictions found when reasoning about one article."""
    return URIRef(f"{GRAPH_BASE}inferred/{quote(article_id, safe='-._~')}")


INFERRED_GRAPH_PREFIX = f"{GRAPH_BASE}inferred/"
ARTICLE_GRAPH_PREFIX = f"{GRAPH_BASE}article/"
ONTOLOGY_GRAPH = URIRef(f"{GRAPH_BASE}ontology")
RECENT_GRAPH = URIRef(f"{GRAPH_BASE}index/recent-claims")

__all__ = [
    "CG",
    "OA",
    "RECENT_GRAPH",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "XSD",
    "article_iri",
    "claim_iri",
    "contradiction_iri",
    "graph_iri",
    "inferred_graph_iri",
    "outlet_iri",
    "short_id",
    "speaker_iri",
    "topic_iri",
]
