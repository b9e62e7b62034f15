"""CLI commands beyond the founding example: ClaimReview out and in, export formats, queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset
from typer.testing import CliRunner

from kg.cli import app

DATA = Path(__file__).resolve().parent / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("cli") / "store"
    article = DATA / "articles" / "harbor-bridge-dispute.txt"
    result = runner.invoke(app, ["--store", str(location), "ingest", str(article)])
    assert result.exit_code == 0, result.output
    return location


def invoke(store: Path, *args: str):
    return runner.invoke(app, ["--store", str(store), *args])


def test_export_claimreview_lists_every_claim_with_its_author(store: Path) -> None:
    claims = json.loads(invoke(store, "claims", "--format", "json").stdout)
    result = invoke(store, "export", "--format", "claimreview")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["@graph"]
    assert len(items) == len(claims)
    authors = {item["itemReviewed"]["author"]["name"] for item in items}
    assert any("Okafor" in name for name in authors)


def test_import_reviews_reports_matched_and_unmatched(store: Path) -> None:
    reviews = DATA / "reviews" / "harbor-bridge-factchecks.json"
    result = invoke(store, "import-reviews", str(reviews))
    assert result.exit_code == 0, result.output
    assert "1 match(es)" in result.stdout
    assert "unmatched review" in result.stderr


def test_import_reviews_refuses_a_file_that_is_not_json(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    result = invoke(store, "import-reviews", str(bad))
    assert result.exit_code == 2 and "not JSON-LD" in result.stderr


def test_export_trig_keeps_one_named_graph_per_article(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "dump.trig"
    assert invoke(store, "export", "--format", "trig", "-o", str(out)).exit_code == 0
    dataset = Dataset()
    dataset.parse(out, format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert any("/graph/article/" in name for name in names)


def test_query_prints_csv_and_reports_syntax_errors(store: Path) -> None:
    text = "SELECT ?name WHERE { ?s <https://schema.org/name> ?name } ORDER BY ?name"
    result = invoke(store, "query", text, "--format", "csv")
    assert result.exit_code == 0 and result.stdout.startswith("name")
    assert "Linda Okafor" in result.stdout
    broken = invoke(store, "query", "SELEC nothing")
    assert broken.exit_code == 2
