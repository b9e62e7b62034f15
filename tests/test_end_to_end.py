"""The founding example, from raw scraped text to claims and contradictions, through the CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "twitter-spaces-desantis-launch.txt"
runner = CliRunner()


def cli(store: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--store", str(store), *args])
    return result.exit_code, result.stdout


def cli_json(store: Path, *args: str) -> list[dict]:
    code, stdout = cli(store, *args, "--format", "json")
    assert code == 0, stdout
    return json.loads(stdout)


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store") / "data"
    code, stdout = cli(store, "ingest", str(EXAMPLE))
    assert code == 0, stdout
    return store


@pytest.fixture(scope="module")
def claims(example_store: Path) -> list[dict]:
    return cli_json(example_store, "claims")


def find(claims: list[dict], fragment: str) -> list[dict]:
    return [c for c in claims if fragment.lower() in c["text"].lower()]


def test_claims_have_the_documented_shape(claims: list[dict]) -> None:
    keys = {"id", "text", "kind", "speaker", "cue", "outlet", "article", "start", "end"}
    raw = EXAMPLE.read_text(encoding="utf-8")
    assert claims
    for claim in claims:
        assert keys | {"topic", "stance"} <= claim.keys()
        assert set(claim["speaker"]) >= {"id", "name", "type"}
        assert claim["kind"] in {"direct", "indirect", "mixed"}
        assert claim["stance"] in {"positive", "negative", "neutral"}
        span = raw[claim["start"] : claim["end"]]
        assert claim["text"].strip(" \u201c\u201d\"'.,") in span or span in claim["text"]


def test_musk_quotes_share_one_speaker_entity(claims: list[dict]) -> None:
    fragments = [
        "Top Story on Earth Today",
        "I call it",
        "That was insane, sorry",
        "My account broke the system",
    ]
    speakers = set()
    for fragment in fragments:
        found = find(claims, fragment)
        assert found, f"no claim containing {fragment!r}"
        speakers |= {c["speaker"]["id"] for c in found}
    assert len(speakers) == 1, speakers
    [claim] = find(claims, "My account broke the system")
    assert "musk" in claim["speaker"]["name"].lower()
    assert claim["speaker"]["type"] == "person"


def test_good_sign_is_attributed_to_its_speaker(claims: list[dict]) -> None:
    found = find(claims, "a good sign")
    assert found
    assert any(c["speaker"]["name"] == "David Sacks" for c in found)


def test_anonymous_former_staffer_told_an_outlet(claims: list[dict]) -> None:
    found = find(claims, "largely a prototype")
    [claim] = [c for c in found if c["speaker"]["type"] == "anonymous"]
    assert "former staffer" in claim["speaker"]["name"].lower()
    assert claim["outlet"] == "CNN"
    assert claim["kind"] == "direct"


def test_joint_statement_is_attributed_to_both_speakers(claims: list[dict]) -> None:
    found = find(claims, "server bandwidth")
    names = {c["speaker"]["name"] for c in found}
    assert {"Elon Musk", "David Sacks"} <= names, names


def test_no_claim_or_speaker_from_scraper_noise(claims: list[dict]) -> None:
    raw = EXAMPLE.read_text(encoding="utf-8")
    noise = [
        m.span()
        for m in re.finditer(r"^(Warning: .*|\d{9,} \d+ .*|Scroll down for video:?)$", raw, re.M)
    ]
    assert len(noise) >= 5
    for claim in claims:
        for start, end in noise:
            assert claim["end"] <= start or claim["start"] >= end, claim
        assert not re.search(r"\d{6,}|warning|another", claim["speaker"]["name"], re.I)


def test_duplicated_caption_yields_one_claim(claims: list[dict]) -> None:
    def norm(text: str) -> str:
        return re.sub(r"\W+", " ", text.replace("\u2019", "'")).lower().strip()

    seen = [(c["speaker"]["id"], norm(c["text"])) for c in claims]
    assert len(seen) == len(set(seen))


def test_contradiction_between_praise_and_staffer_criticism(example_store: Path) -> None:
    found = []
    for contradiction in cli_json(example_store, "contradictions"):
        texts = " | ".join(c["text"] for c in contradiction["claims"])
        if "good sign" in texts and "finished product" in texts:
            found.append(contradiction)
    assert found, "the praise / criticism conflict was not found"
    assert found[0]["reason"]
    assert 0 < found[0]["confidence"] <= 1


def test_reingest_changes_nothing(example_store: Path, tmp_path: Path) -> None:
    def quads() -> int:
        code, stdout = cli(
            example_store,
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            "--format",
            "json",
        )
        assert code == 0, stdout
        return int(json.loads(stdout)["results"]["bindings"][0]["n"]["value"])

    before = quads()
    code, _ = cli(example_store, "ingest", str(EXAMPLE))
    assert code == 0
    assert quads() == before


def test_bad_files_are_reported_and_good_ones_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\xff" * 50)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    shutil.copy(EXAMPLE, folder / "good.txt")
    result = runner.invoke(app, ["--store", str(tmp_path / "s"), "ingest", str(folder)])
    assert result.exit_code != 0
    assert "binary.txt" in result.stderr and "empty.txt" in result.stderr
    assert "ingested 1 article" in result.stdout
    assert cli_json(tmp_path / "s", "claims")


ARTICLES = ROOT / "tests" / "data" / "articles"


def test_rules_generalize_to_another_story(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert cli(store, "ingest", str(ARTICLES / "harbor-bridge-dispute.txt"))[0] == 0
    contradictions = cli_json(store, "contradictions")
    assert contradictions, "the mayor / engineer conflict was not found"
    pairs = [{c["speaker"]["name"] for c in x["claims"]} for x in contradictions]
    assert any(any("Okafor" in name for name in pair) for pair in pairs), pairs


def test_agreeing_article_yields_no_contradiction(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert cli(store, "ingest", str(ARTICLES / "library-opening-agreement.txt"))[0] == 0
    assert cli_json(store, "claims")
    assert cli_json(store, "contradictions") == []
