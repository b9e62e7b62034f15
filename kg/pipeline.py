"""The orchestrator: raw articles -> cleaned text -> parse -> attributions -> claims -> store.

Read top to bottom, this is the method section:

1. ``clean`` each ``RawArticle`` into an ``Article`` (cleaned text plus a map back to raw offsets);
2. parse the cleaned texts in batches with ``nlp.pipe``;
3. ``extract`` attributions (cue, sources, contents) from each parse;
4. ``build_claims``: speakers, outlet, topics and stance for every attribution;
5. ``article_graph``: the article's claims as RDF, written to its own named graph in one step;
6. reasoning: owlrl plus the contradiction rules over that article's neighbourhood
   (``kg.reasoning``: ``gather`` from the store, ``infer``, ``commit`` back).

``analyse`` (steps 1-3) is shared by ``ingest`` and the ``extract`` command, so evaluation
measures exactly the code that builds the graph. Steps 1-5 (``extract_all``) need no store, so
they can run elsewhere (``kg.distributed``); steps 5-6 (``Writer``) write one article at a time,
in input order, while the reasoner's CPU part may run in several processes. Ingest streams:
memory holds one batch, whatever the input's length. An article whose stored raw text is the
same can be skipped (``skip_unchanged``); a failure inside one article is
recorded and the run goes on, but a store error stops it (``IngestAborted``).
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from rdflib import Graph
from spacy.language import Language
from spacy.tokens import Doc

from kg.attribution import extract
from kg.claims import build_claims
from kg.clean import clean
from kg.graph import article_graph, graph_iri
from kg.ingest import JSONL_SUFFIXES, SUPPORTED_SUFFIXES, IngestFailure
from kg.model import Article, Attribution, Claim, Contradiction, RawArticle, TextSpan
from kg.nlp import load_nlp
from kg.queries import query
from kg.reasoning import Inferred, Neighbourhood, commit, gather, infer_many, reason_article
from kg.recent import index_article
from kg.store import Store, StoreError
from kg.vocab import article_iri

BATCH_SIZE = 16
REASONING_BATCH = 8


@dataclass(frozen=True, slots=True)
class Analysis:
    """One article after parsing and attribution extraction (cleaned-text offsets)."""

    article: Article
    doc: Doc
    attributions: list[Attribution]


@dataclass(frozen=True, slots=True)
class Extracted:
    """One article ready to store: its named graph's triples and how many claims they hold."""

    article_id: str
    origin: str
    graph: Graph
    claims: int


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, for the CLI summary and the API response.

    Only counters and failures grow with the input; ``articles`` (ids) is filled only when
    ``ingest`` is asked to (``record_ids``, for callers sending a few articles, like the API).
    """

    ingested: int = 0
    skipped: int = 0
    claims: int = 0
    contradictions: int = 0
    failures: list[IngestFailure] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


class IngestAborted(StoreError):
    """The store failed mid-run; ``report`` says what was done before it did."""

    def __init__(self, message: str, report: IngestReport) -> None:
        super().__init__(message)
        self.report = report


Extractor = Callable[[Iterable[RawArticle]], Iterable[Extracted | IngestFailure]]
ErrorHandler = Callable[[RawArticle, Exception], None]


def batches(items: Iterable[RawArticle], size: int) -> Iterator[list[RawArticle]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def failure(raw: RawArticle, exc: Exception) -> IngestFailure:
    """The failure record of an article whose processing raised ``exc``."""
    return IngestFailure(raw.origin, f"{type(exc).__name__}: {exc}")


def _parse(
    batch: list[RawArticle], nlp: Language, batch_size: int, workers: int, on_error: ErrorHandler
) -> Iterator[tuple[Article, Doc]]:
    """Clean and parse a batch; if the batch parse fails, parse one by one to find the culprit."""
    articles = []
    for raw in batch:
        try:
            articles.append(clean(raw))
        except Exception as exc:
            on_error(raw, exc)
    texts = [a.text for a in articles]
    try:
        docs = list(nlp.pipe(texts, batch_size=batch_size, n_process=min(workers, len(texts))))
    except Exception:
        docs = None
    for i, article in enumerate(articles):
        if docs is not None:
            yield article, docs[i]
            continue
        try:
            yield article, nlp(article.text)
        except Exception as exc:
            on_error(article.source, exc)


def analyse(
    raws: Iterable[RawArticle],
    nlp: Language,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    on_error: ErrorHandler | None = None,
) -> Iterator[Analysis]:
    """Clean, parse (``nlp.pipe`` in batches, ``workers`` processes) and extract attributions.

    Results come in input order; memory holds one batch at a time, whatever the input's length.
    Without ``on_error`` an article's error propagates; with it, the article is reported there
    and left out.
    """

    def handle(raw: RawArticle, exc: Exception) -> None:
        if on_error is None:
            raise exc
        on_error(raw, exc)

    for batch in batches(raws, batch_size * workers):
        for article, doc in _parse(batch, nlp, batch_size, workers, handle):
            try:
                attributions = extract(doc)
            except Exception as exc:
                handle(article.source, exc)
                continue
            yield Analysis(article, doc, attributions)


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
    known = index_article(store, analysis.article.id)
    return claims, reason_article(store, analysis.article.id, known)


def to_graph(analysis: Analysis) -> Extracted:
    """Steps 4-5 for one analysed article: its claims as the triples of its named graph."""
    article = analysis.article
    claims = build_claims(article, analysis.doc, analysis.attributions)
    return Extracted(article.id, article.source.origin, article_graph(article, claims), len(claims))


def extract_all(
    raws: Iterable[RawArticle], nlp: Language, workers: int = 1, batch_size: int = BATCH_SIZE
) -> Iterator[Extracted | IngestFailure]:
    """Steps 1-5 for every article, in input order; an article that raises becomes a failure."""
    failed: deque[IngestFailure] = deque()
    analyses = analyse(
        raws, nlp, batch_size, workers, on_error=lambda raw, exc: failed.append(failure(raw, exc))
    )
    for analysis in analyses:
        while failed:
            yield failed.popleft()
        try:
            yield to_graph(analysis)
        except Exception as exc:
            yield failure(analysis.article.source, exc)
    yield from failed


def is_stored(store: Store, raw: RawArticle) -> bool:
    """Whether ``raw``'s article is in the store with exactly the same raw text."""
    rows = store.select(query("article-hash"), {"article": article_iri(raw.id)})
    digest = hashlib.sha256(raw.raw.encode("utf-8")).hexdigest()
    return any(str(row.get("hash", "")) == digest for row in rows)


def _warm() -> None:
    """Load the parser reasoning needs once per reasoning process, before its first article."""
    load_nlp()


def _now(nears: list[Neighbourhood]) -> Future[list[Inferred]]:
    done: Future[list[Inferred]] = Future()
    try:
        done.set_result(infer_many(nears))
    except Exception as exc:
        done.set_exception(exc)
    return done


Outcome = tuple[Extracted, int | Exception]
Batch = list[tuple[Extracted, Neighbourhood]]


class Writer:
    """Steps 5-6 in input order: write each article's graph, reason, store its contradictions.

    Each article's neighbourhood is read as soon as its graph is written, so it sees every
    article before it in the input, as a one-by-one run would. Reasoning then takes
    ``REASONING_BATCH`` articles at a time (``kg.reasoning.infer_many``: one owlrl closure for
    the lot); with ``workers`` > 1 it runs in that many processes while this one keeps parsing
    and writing, with at most ``workers`` batches in flight. Results are stored in input order,
    so the store does not depend on ``workers``. If a batch fails, its articles are reasoned one
    by one to find the culprit; an article whose reasoning fails (other than through the store)
    has its graph removed again, so a later run does not skip it.
    """

    def __init__(self, store: Store, workers: int = 1, batch: int = REASONING_BATCH) -> None:
        self.store = store
        self.pool = None
        if workers > 1:
            self.pool = ProcessPoolExecutor(workers, get_context("spawn"), initializer=_warm)
        self.in_flight = workers if self.pool else 0
        self.size = batch
        self.batch: Batch = []
        self.queue: deque[tuple[Batch, Future[list[Inferred]]]] = deque()

    def put(self, item: Extracted) -> Iterator[Outcome]:
        """Write ``item``; yield the articles finished meanwhile with their contradiction
        count, or the error that stopped their reasoning."""
        self.store.replace_graph(graph_iri(item.article_id), item.graph)
        try:
            known = index_article(self.store, item.article_id)
            near = gather(self.store, item.article_id, known)
        except StoreError:
            raise
        except Exception as exc:
            self.store.delete_graph(graph_iri(item.article_id))
            yield item, exc
            return
        self.batch.append((item, near))
        if len(self.batch) >= self.size:
            self._submit()
        while len(self.queue) > self.in_flight:
            yield from self._finish()

    def drain(self) -> Iterator[Outcome]:
        """Finish every article still waiting or in flight."""
        self._submit()
        while self.queue:
            yield from self._finish()

    def _submit(self) -> None:
        if not self.batch:
            return
        nears = [near for _, near in self.batch]
        try:
            future = self.pool.submit(infer_many, nears) if self.pool else _now(nears)
        except BrokenExecutor:
            self.pool = None
            future = _now(nears)
        self.queue.append((self.batch, future))
        self.batch = []

    def _finish(self) -> Iterator[Outcome]:
        batch, future = self.queue.popleft()
        try:
            results = future.result()
        except Exception:
            retries = [_now([near]) for _, near in batch] if len(batch) > 1 else [future]
            for (item, near), retry in zip(batch, retries, strict=True):
                yield self._store_one(item, near, retry)
            return
        for (item, near), inferred in zip(batch, results, strict=True):
            commit(self.store, near, inferred)
            yield item, len(inferred.contradictions)

    def _store_one(
        self, item: Extracted, near: Neighbourhood, future: Future[list[Inferred]]
    ) -> Outcome:
        try:
            [inferred] = future.result()
        except Exception as exc:
            self.store.delete_graph(graph_iri(item.article_id))
            return item, exc
        commit(self.store, near, inferred)
        return item, len(inferred.contradictions)

    def close(self) -> None:
        """Stop the reasoning processes. Articles written but not reasoned about (the run
        stopped early) are removed again, so that a resumed run ingests them."""
        pending = [item for item, _ in self.batch]
        pending += [item for batch, _ in self.queue for item, _ in batch]
        self.batch, self.queue = [], deque()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        for item in pending:
            with suppress(StoreError):
                self.store.delete_graph(graph_iri(item.article_id))

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ingest(
    sources: Iterable[RawArticle | IngestFailure],
    store: Store,
    nlp: Language | None,
    on_article: Callable[[str], None] | None = None,
    workers: int = 1,
    skip_unchanged: bool = False,
    extractor: Extractor | None = None,
    record_ids: bool = True,
) -> IngestReport:
    """Ingest every readable article into ``store``, one article per write, in input order.

    With ``skip_unchanged``, articles stored with the same raw text are skipped. Steps 1-5 run
    through ``extractor`` if given (e.g. ``kg.distributed.DaskExtractor``), else here with
    ``nlp``; reasoning runs in ``workers`` processes (see ``Writer``). ``on_article`` is called
    with each input's origin once it is done (stored, skipped or failed). Raises
    ``IngestAborted`` if the store fails.
    """
    report = IngestReport()

    def done(origin: str) -> None:
        if on_article:
            on_article(origin)

    def pending() -> Iterator[RawArticle]:
        for item in sources:
            if isinstance(item, IngestFailure):
                report.failures.append(item)
                done(item.origin)
            elif skip_unchanged and is_stored(store, item):
                report.skipped += 1
                done(item.origin)
            else:
                yield item

    def finished(results: Iterable[tuple[Extracted, int | Exception]]) -> None:
        for item, outcome in results:
            _record(report, item, outcome, record_ids)
            done(item.origin)

    if extractor is None:
        if nlp is None:
            raise ValueError("ingest needs a spaCy pipeline or an extractor")
        extractor = lambda raws: extract_all(raws, nlp)  # noqa: E731
    try:
        with Writer(store, workers) as writer:
            for item in extractor(pending()):
                if isinstance(item, Extracted):
                    finished(writer.put(item))
                else:
                    report.failures.append(item)
                    done(item.origin)
            finished(writer.drain())
    except StoreError as exc:
        raise IngestAborted(f"store failed, ingest stopped: {exc}", report) from exc
    return report


def _record(report: IngestReport, item: Extracted, outcome: int | Exception, ids: bool) -> None:
    if isinstance(outcome, Exception):
        reason = f"{type(outcome).__name__}: {outcome}"
        report.failures.append(IngestFailure(item.origin, reason))
        return
    report.ingested += 1
    report.claims += item.claims
    report.contradictions += outcome
    if ids:
        report.articles.append(item.article_id)


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many inputs ``kg.ingest.read_paths`` will yield, roughly: files, plus JSONL lines.

    Counts without parsing (a JSONL file counts its non-blank lines), for a progress total.
    """
    total = 0
    for path in map(Path, paths):
        files = [path] if not path.is_dir() else _supported_files(path)
        for file in files:
            total += _jsonl_lines(file) if file.suffix.lower() in JSONL_SUFFIXES else 1
    return total


def _supported_files(folder: Path) -> Iterator[Path]:
    for file in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in file.relative_to(folder).parts)
        if not hidden and file.suffix.lower() in SUPPORTED_SUFFIXES and file.is_file():
            yield file


def _jsonl_lines(file: Path) -> int:
    try:
        with file.open("rb") as fh:
            return max(1, sum(1 for line in fh if line.strip()))
    except OSError:
        return 1


def write_failures(failures: Iterable[IngestFailure], path: str | Path) -> None:
    """Write failures as JSON lines ``{"origin", "reason"}``."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for item in failures:
            fh.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
