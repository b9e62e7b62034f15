"""Reading articles: good inputs become RawArticles, bad ones failures with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import IngestFailure, decode, read_paths, read_text
from kg.model import RawArticle

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"
GOOD = "The harbour board approved the new pier on Monday.\n\nWork starts in May, it said.\n"


def _split(items):
    items = list(items)
    good = [x for x in items if isinstance(x, RawArticle)]
    bad = {Path(x.origin).name: x.reason for x in items if isinstance(x, IngestFailure)}
    return good, bad


def test_folder_with_bad_files_reads_the_good_one_and_reports_the_others(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9 owners protested.".encode("latin-1"))
    (tmp_path / "large.txt").write_text("word " * 400, encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    good, bad = _split(read_paths([tmp_path], max_bytes=1000))
    assert [Path(a.origin).name for a in good] == ["good.txt"]
    assert good[0].raw == GOOD
    assert bad["binary.txt"] == "binary file (NUL bytes)"
    assert bad["empty.txt"] == "empty file"
    assert bad["latin1.txt"] == "not valid UTF-8 at byte 3"
    assert bad["large.txt"] == "too large: 2000 bytes > limit 1000"


def test_control_characters_without_nul_count_as_binary(tmp_path: Path) -> None:
    (tmp_path / "noise.txt").write_bytes(bytes(range(1, 9)) * 30 + b"some text")
    _, bad = _split(read_paths([tmp_path / "noise.txt"]))
    assert bad["noise.txt"].startswith("binary file (")


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_text(" \n\n\t\n", encoding="utf-8")
    _, bad = _split(read_paths([tmp_path / "blank.txt"]))
    assert bad["blank.txt"] == "empty file (whitespace only)"


def test_folder_walk_is_recursive_sorted_and_skips_other_and_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second story text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First story text.", encoding="utf-8")
    (tmp_path / "c.TXT").write_text("Third story text.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.txt").write_text("editor backup", encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("cached", encoding="utf-8")
    items = list(read_paths([str(tmp_path)]))
    assert all(isinstance(x, RawArticle) for x in items)
    assert [Path(x.origin).relative_to(tmp_path).as_posix() for x in items] == [
        "a.txt",
        "b/two.txt",
        "c.TXT",
    ]
    assert list(read_paths([tmp_path])) == items


def test_explicit_unsupported_or_missing_paths_are_failures(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("A note.", encoding="utf-8")
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    items = list(read_paths([tmp_path / "notes.md", tmp_path / "missing.txt", tmp_path / "ok.txt"]))
    assert isinstance(items[0], IngestFailure) and "unsupported file type '.md'" in items[0].reason
    assert isinstance(items[1], IngestFailure) and items[1].reason == "no such file or folder"
    assert isinstance(items[2], RawArticle)


def test_bom_is_dropped_and_line_endings_kept(tmp_path: Path) -> None:
    body = "Line one of the story.\r\n\r\nLine two, a witness said.\r\n"
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    [article] = read_paths([tmp_path / "bom.txt"])
    assert article.raw == body


def test_decode_reports_the_first_bad_byte() -> None:
    with pytest.raises(ValueError, match="not valid UTF-8 at byte 6"):
        decode("Quote \u201cyes\u201d".encode("cp1252"))
    assert decode("\ufeffplain text".encode()) == "plain text"


def test_jsonl_good_and_bad_lines() -> None:
    path = DATA / "records.jsonl"
    items = list(read_paths([path]))
    good = [x for x in items if isinstance(x, RawArticle)]
    bad = {x.origin: x.reason for x in items if isinstance(x, IngestFailure)}
    assert [a.origin for a in good] == [f"{path}:1", f"{path}:5"]
    first = good[0]
    assert first.raw.startswith("The port authority said") and "\u201cWe are ahead" in first.raw
    assert (first.url, first.title, first.published, first.outlet) == (
        "https://coastal-times.example/port-volumes",
        "Port volumes rise",
        "2024-07-02",
        "Coastal Times",
    )
    assert good[1].url is None and good[1].id != first.id
    assert bad[f"{path}:3"].startswith("JSONL line 3: invalid JSON")
    assert bad[f"{path}:4"] == "JSONL line 4: missing 'text'"
    assert bad[f"{path}:6"] == "JSONL line 6: 'text' must be a string, got int"
    assert bad[f"{path}:7"] == "JSONL line 7: expected a JSON object, got list"
    assert bad[f"{path}:8"] == "JSONL line 8: empty 'text' (whitespace only)"
    assert bad[f"{path}:9"] == "JSONL line 9: 'published' must be a string, got int"
    assert len(items) == 8


def test_jsonl_line_limits_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"text": "Short and fine."}\n'
        + '{"text": "Caf\u00e9"}\n'.encode("latin-1")
        + b'{"text": "'
        + b"x" * 200
        + b'"}\n'
    )
    items = list(read_paths([path], max_bytes=100))
    assert isinstance(items[0], RawArticle) and items[0].raw == "Short and fine."
    assert items[1].reason.startswith("JSONL line 2: not valid UTF-8 at byte")
    assert items[2].reason.startswith("JSONL line 3: too large: ")


def test_html_main_text_and_metadata_through_trafilatura() -> None:
    [article] = read_paths([DATA / "riverside-clinic.html"])
    assert isinstance(article, RawArticle)
    assert article.title == "Riverside clinic to extend opening hours"
    assert article.published == "2024-03-18"
    assert article.url == "https://valley-ledger.example/2024/03/18/riverside-clinic-hours"
    assert article.outlet == "The Valley Ledger"
    assert "\u201cPeople who work all day should not have to choose" in article.raw
    assert "said the extra shifts had not been funded" in article.raw
    for chrome in ("We use cookies", "Most read", "All rights reserved", "Sport"):
        assert chrome not in article.raw
    assert "\n\n" in article.raw and "\n\n\n" not in article.raw


def test_html_without_main_text_is_a_failure(tmp_path: Path) -> None:
    (tmp_path / "shell.html").write_text("<html><body><nav></nav></body></html>", "utf-8")
    _, bad = _split(read_paths([tmp_path]))
    assert bad["shell.html"] == "no main text found in HTML"


def test_read_text_for_api_requests() -> None:
    article = read_text("\ufeffA spokeswoman said the plan was final.", url="https://x.example/a")
    assert article.raw == "A spokeswoman said the plan was final."
    assert article.origin == "request" and article.url == "https://x.example/a"
    with pytest.raises(ValueError, match="empty"):
        read_text("  \n ")
    with pytest.raises(ValueError, match="NUL"):
        read_text("text\x00with nul")
