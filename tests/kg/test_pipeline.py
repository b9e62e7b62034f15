"""Ingest at volume: resuming, per-article failures, the failures file, and the Dask path."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.pipeline
from kg.cli import app
from kg.ingest import read_paths
from kg.nlp import load_nlp
from kg.pipeline import ingest
from kg.store.embedded import EmbeddedStore

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
FILES = sorted(ARTICLES.glob("*.txt"))
runner = CliRunner()
URL = "https://news.example.org/council-vote"
FIRST = (
    "The council approved the new budget on Monday.\n\n"
    '"This budget protects every library in the city," said Councillor Maria Lopez.\n\n'
    "Treasurer Ben Okoro said the plan would raise property taxes next year."
)
SECOND = FIRST.replace("next year", "within two years")


def run(store: Path, *args: str):
    return runner.invoke(app, ["--store", str(store), "ingest", *args])


def quads(store: Path) -> int:
    with EmbeddedStore(str(store), read_only=True) as s:
        return s.quad_count()


def stored_raw(store: Path) -> list[str]:
    with EmbeddedStore(str(store), read_only=True) as s:
        rows = s.select("SELECT ?raw WHERE { ?a <https://w3id.org/claimgraph/ns#rawText> ?raw }")
    return [str(r["raw"]) for r in rows]


def jsonl(path: Path, text: str) -> Path:
    path.write_text(json.dumps({"url": URL, "text": text}) + "\n", encoding="utf-8")
    return path


def test_resume_skips_unchanged_and_reingests_changed_text(tmp_path: Path) -> None:
    store = tmp_path / "s"
    result = run(store, str(jsonl(tmp_path / "a.jsonl", FIRST)))
    assert result.exit_code == 0, result.output
    assert "ingested 1 article" in result.stdout and "skipped 0 unchanged" in result.stdout
    before = quads(store)

    again = run(store, str(tmp_path / "a.jsonl"))
    assert again.exit_code == 0 and "ingested 0 article" in again.stdout
    assert "skipped 1 unchanged" in again.stdout
    assert quads(store) == before

    forced = run(store, "--force", str(tmp_path / "a.jsonl"))
    assert "ingested 1 article" in forced.stdout and "skipped 0 unchanged" in forced.stdout
    assert quads(store) == before

    changed = run(store, str(jsonl(tmp_path / "b.jsonl", SECOND)))
    assert changed.exit_code == 0 and "ingested 1 article" in changed.stdout
    assert "skipped 0 unchanged" in changed.stdout
    assert stored_raw(store) == [SECOND]


def test_failing_article_is_recorded_and_the_others_are_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed = FILES[0]
    real = kg.pipeline.build_claims

    def faulty(article, doc, attributions):
        if article.raw == doomed.read_text(encoding="utf-8"):
            raise RuntimeError("injected fault")
        return real(article, doc, attributions)

    monkeypatch.setattr(kg.pipeline, "build_claims", faulty)
    store, report_file = tmp_path / "s", tmp_path / "failures.jsonl"
    result = run(store, "--failures", str(report_file), *map(str, FILES))
    assert result.exit_code == 1
    assert doomed.name in result.stderr and "injected fault" in result.stderr
    assert f"ingested {len(FILES) - 1} article" in result.stdout
    records = [json.loads(line) for line in report_file.read_text().splitlines()]
    assert records == [{"origin": str(doomed), "reason": "RuntimeError: injected fault"}]
    assert sorted(stored_raw(store)) == sorted(f.read_text(encoding="utf-8") for f in FILES[1:])


def test_reasoning_failure_leaves_no_half_stored_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = kg.pipeline.infer_many
    doomed = next(iter(read_paths([FILES[0]])))

    def faulty(nears):
        if any(near.article_id == doomed.id for near in nears):
            raise ValueError("reasoner broke")
        return real(nears)

    monkeypatch.setattr(kg.pipeline, "infer_many", faulty)
    with EmbeddedStore(str(tmp_path / "s")) as store:
        report = ingest(read_paths(FILES), store, load_nlp(), skip_unchanged=True)
        assert [f.origin for f in report.failures] == [str(FILES[0])]
        assert "reasoner broke" in report.failures[0].reason
        assert report.ingested == len(FILES) - 1
        monkeypatch.setattr(kg.pipeline, "infer_many", real)
        retry = ingest(read_paths(FILES), store, load_nlp(), skip_unchanged=True)
    assert (retry.ingested, retry.skipped, retry.failures) == (1, len(FILES) - 1, [])


def test_two_reasoning_processes_store_what_one_does(tmp_path: Path) -> None:
    files = [*FILES, *sorted((ARTICLES / "contradictions").glob("*.txt"))]
    dumps, reports = [], []
    for workers in (1, 2):
        with EmbeddedStore(str(tmp_path / f"w{workers}")) as store:
            reports.append(ingest(read_paths(files), store, load_nlp(), workers=workers))
            dumps.append(sorted(store.dump("application/n-quads").decode().splitlines()))
    one, two = reports
    assert (two.ingested, two.claims, two.failures) == (len(files), one.claims, [])
    assert two.articles == one.articles, "results are stored in input order"
    assert two.contradictions == one.contradictions > 0
    assert dumps[1] == dumps[0]


def test_stopped_run_keeps_no_unreasoned_article_and_a_rerun_ingests_them(tmp_path: Path) -> None:
    files = [*FILES, *sorted((ARTICLES / "contradictions").glob("tram-line-*.txt"))]

    def stopped_after_three():
        yield from read_paths(files[:3])
        raise KeyboardInterrupt

    raw = "SELECT ?raw WHERE { ?a <https://w3id.org/claimgraph/ns#rawText> ?raw }"
    with EmbeddedStore(str(tmp_path / "s")) as store:
        with pytest.raises(KeyboardInterrupt):
            ingest(stopped_after_three(), store, load_nlp())
        assert store.select(raw) == [], "written but never reasoned about: removed again"
        rerun = ingest(read_paths(files), store, load_nlp(), skip_unchanged=True)
        assert (rerun.ingested, rerun.skipped, rerun.failures) == (len(files), 0, [])
        assert rerun.contradictions > 0


def test_unreachable_store_aborts_with_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(Path(f"http://127.0.0.1:{port}"), str(FILES[0]))
    assert result.exit_code == 2
    assert "store failed" in result.stderr and f"127.0.0.1:{port}" in result.stderr


def test_dask_path_stores_the_same_quads_as_the_local_path(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from kg.distributed import DaskExtractor

    with EmbeddedStore(str(tmp_path / "local")) as store:
        local = ingest(read_paths(FILES), store, load_nlp())
        expected = sorted(store.dump("application/n-quads").decode().splitlines())
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        with EmbeddedStore(str(tmp_path / "dask")) as store:
            remote = ingest(read_paths(FILES), store, None, extractor=DaskExtractor(client))
            got = sorted(store.dump("application/n-quads").decode().splitlines())
    assert (remote.ingested, remote.claims, remote.failures) == (len(FILES), local.claims, [])
    assert remote.articles == local.articles
    assert remote.contradictions == local.contradictions
    assert got == expected and len(got) > 100


def test_cli_dask_option_ingests_through_a_scheduler(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster:
        result = run(tmp_path / "s", "--dask", cluster.scheduler_address, str(FILES[0]))
    assert result.exit_code == 0, result.output
    assert "ingested 1 article" in result.stdout
    assert stored_raw(tmp_path / "s") == [FILES[0].read_text(encoding="utf-8")]


def test_cli_dask_option_reports_an_unreachable_scheduler(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(tmp_path / "s", "--dask", f"tcp://127.0.0.1:{port}", str(FILES[0]))
    assert result.exit_code == 2
    assert "cannot reach Dask scheduler" in result.stderr
