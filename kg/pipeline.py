"""The orchestrator: raw articles -> cleaned text -> parse -> attributions -> claims -> store.

Read top to bottom, this is the method section:

1. ``clean`` each ``RawArticle`` into an ``Article`` (cleaned text plus a map back to raw offsets);
2. parse the cleaned texts in batches with ``nlp.pipe``;
3. ``extract`` attributions (cue, sources, contents) from each parse;
4. ``build_claims``: speakers, outlet, topics and stance for every attribution;
5. ``article_graph``: the article's claims as RDF, written to its own named graph in one step;
6. ``reason_article``: owlrl plus the contradiction rules over that article's neighbourhood.

``analyse`` (steps 1-3) is shared by ``ingest`` and the ``extract`` command, so evaluation
measures exactly the code that builds the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from kg.attribution import extract
from kg.claims import build_claims
from kg.clean import clean
from kg.graph import article_graph, graph_iri
from kg.ingest import IngestFailure
from kg.model import Article, Attribution, Claim, Contradiction, RawArticle, TextSpan
from kg.reasoning import reason_article
from kg.store import Store

BATCH_SIZE = 16


@dataclass(frozen=True, slots=True)
class Analysis:
    """One article after parsing and attribution extraction (cleaned-text offsets)."""

    article: Article
    doc: Doc
    attributions: list[Attribution]


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, for the CLI summary and the API response."""

    articles: list[str] = field(default_factory=list)
    claims: int = 0
    contradictions: int = 0
    failures: list[IngestFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _batches(items: Iterable[RawArticle], size: int) -> Iterator[list[RawArticle]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def analyse(
    raws: Iterable[RawArticle], nlp: Language, batch_size: int = BATCH_SIZE, workers: int = 1
) -> Iterator[Analysis]:
    """Clean, parse (``nlp.pipe`` in batches, ``workers`` processes) and extract attributions.

    Results come in input order; memory holds one batch at a time, whatever the input's length.
    """
    for batch in _batches(raws, batch_size * workers):
        articles = [clean(raw) for raw in batch]
        texts = [a.text for a in articles]
        docs = nlp.pipe(texts, batch_size=batch_size, n_process=min(workers, len(texts)))
        for article, doc in zip(articles, docs, strict=True):
            yield Analysis(article, doc, extract(doc))


def to_raw(article: Article, attribution: Attribution) -> Attribution:
    """Re-express an attribution's spans in raw-text offsets."""

    def span(s: TextSpan) -> TextSpan:
        start, end = article.to_raw(s.start, s.end)
        return TextSpan(start, end, article.raw[start:end])

    return replace(
        attribution,
        cue=span(attribution.cue) if attribution.cue else None,
        sources=tuple(span(s) for s in attribution.sources),
        contents=tuple(span(s) for s in attribution.contents),
    )


def store_analysis(store: Store, analysis: Analysis) -> tuple[list[Claim], list[Contradiction]]:
    """Build the article's claims, replace its named graph, and reason over its neighbourhood."""
    claims = build_claims(analysis.article, analysis.doc, analysis.attributions)
    store.replace_graph(graph_iri(analysis.article.id), article_graph(analysis.article, claims))
    return claims, reason_article(store, analysis.article.id)


def ingest(
    sources: Iterable[RawArticle | IngestFailure],
    store: Store,
    nlp: Language,
    on_article: Callable[[str], None] | None = None,
    workers: int = 1,
) -> IngestReport:
    """Ingest every readable article into ``store``; failures are collected, never fatal."""
    report = IngestReport()

    def readable() -> Iterator[RawArticle]:
        for item in sources:
            if isinstance(item, IngestFailure):
                report.failures.append(item)
                if on_article:
                    on_article(item.origin)
            else:
                yield item

    for analysis in analyse(readable(), nlp, workers=workers):
        claims, contradictions = store_analysis(store, analysis)
        report.articles.append(analysis.article.id)
        report.claims += len(claims)
        report.contradictions += len(contradictions)
        if on_article:
            on_article(analysis.article.source.origin)
    return report
