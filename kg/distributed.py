"""Steps 1-5 of the pipeline on a Dask distributed cluster; the driver stores and reasons.

``DaskExtractor`` is an ``extractor`` for ``kg.pipeline.ingest``: it sends batches of
``RawArticle`` to the cluster (``client.submit``, at most ``window`` batches in flight, so memory
stays bounded however long the input), and yields the results back in input order. On a worker,
``extract_batch`` loads the model once per process (``load_nlp`` is cached) and returns each
article's named graph as N-Triples bytes with its claim count; the driver then writes and reasons
one article at a time, exactly as a local run does. Workers need claimgraph and the model
installed, like the driver.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from distributed import Client, Future
from rdflib import Graph

from kg.config import DEFAULT_MODEL
from kg.ingest import IngestFailure
from kg.model import RawArticle
from kg.nlp import load_nlp
from kg.pipeline import BATCH_SIZE, Extracted, batches, extract_all

__all__ = ["ClusterError", "DaskExtractor", "Serialized", "extract_batch"]
CONNECT_TIMEOUT_S = 10


class ClusterError(RuntimeError):
    """The Dask scheduler could not be reached."""


@dataclass(frozen=True, slots=True)
class Serialized:
    """An ``Extracted`` article as it travels back from a worker: N-Triples bytes."""

    article_id: str
    origin: str
    ntriples: bytes
    claims: int

    @classmethod
    def of(cls, item: Extracted) -> Serialized:
        data = item.graph.serialize(format="nt", encoding="utf-8")
        return cls(item.article_id, item.origin, data, item.claims)

    def extracted(self) -> Extracted:
        graph = Graph().parse(data=self.ntriples, format="nt")
        return Extracted(self.article_id, self.origin, graph, self.claims)


def extract_batch(raws: list[RawArticle], model: str) -> list[Serialized | IngestFailure]:
    """Run on a worker: steps 1-5 for a batch; an article that raises becomes a failure."""
    nlp = load_nlp(model)
    return [
        Serialized.of(item) if isinstance(item, Extracted) else item
        for item in extract_all(raws, nlp, batch_size=len(raws) or 1)
    ]


class DaskExtractor:
    """Extraction on a Dask cluster, results in input order, a bounded number of batches queued."""

    def __init__(
        self,
        client: Client,
        model: str = DEFAULT_MODEL,
        batch_size: int = BATCH_SIZE,
        window: int | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.batch_size = batch_size
        self.window = window or max(2, 2 * sum(client.nthreads().values()))

    @classmethod
    def connect(cls, address: str, model: str = DEFAULT_MODEL) -> DaskExtractor:
        """Connect to the scheduler at ``address``; raises ``ClusterError`` if unreachable."""
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach Dask scheduler at {address}: {exc}") from exc
        return cls(client, model)

    def __enter__(self) -> DaskExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def __call__(self, raws: Iterable[RawArticle]) -> Iterator[Extracted | IngestFailure]:
        queued: deque[tuple[Future, list[str]]] = deque()
        for batch in batches(raws, self.batch_size):
            future = self.client.submit(extract_batch, batch, self.model, pure=False)
            queued.append((future, [raw.origin for raw in batch]))
            if len(queued) >= self.window:
                yield from _collect(*queued.popleft())
        while queued:
            yield from _collect(*queued.popleft())


def _collect(future: Future, origins: list[str]) -> Iterator[Extracted | IngestFailure]:
    """A batch's results; if the whole task failed, each of its articles fails with its reason."""
    try:
        results = future.result()
    except Exception as exc:
        reason = f"dask task failed: {type(exc).__name__}: {exc}"
        yield from (IngestFailure(origin, reason) for origin in origins)
        return
    finally:
        future.release()
    for item in results:
        yield item.extracted() if isinstance(item, Serialized) else item
