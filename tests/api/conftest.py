"""Fixtures of the API tests: a store filled by the real pipeline from ``tests/data/articles``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store.embedded import EmbeddedStore

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"


@pytest.fixture(scope="session")
def ingested_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """Every test article ingested (spaCy, attribution, claims, reasoning) into one store."""
    from kg.ingest import read_paths
    from kg.nlp import load_nlp
    from kg.pipeline import ingest

    store = EmbeddedStore(str(tmp_path_factory.mktemp("ingested") / "store"))
    report = ingest(read_paths([ARTICLES]), store, load_nlp())
    assert report.claims > 0 and report.contradictions > 0, report
    yield store
    store.close()
