"""Read articles from files, folders and requests into ``RawArticle`` records.

Supported inputs: ``.txt`` (the file text is the raw text), ``.html``/``.htm`` (main text and
metadata extracted with trafilatura) and ``.jsonl`` (one article object per line). Anything that
cannot be read becomes an ``IngestFailure`` with a human-readable reason; one bad input never stops
the others. Text must be UTF-8: encodings are never guessed, because a wrong guess silently
corrupts quotes and character offsets.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from kg.model import RawArticle

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
CONTROL_RATIO_LIMIT = 0.05
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_OPTIONAL_FIELDS = ("url", "title", "published", "outlet")
_BOM = "\ufeff"


@dataclass(frozen=True)
class IngestFailure:
    """An input that could not be read, and why (shown to the user as is)."""

    origin: str
    reason: str


def read_paths(
    paths: Sequence[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawArticle | IngestFailure]:
    """Yield one ``RawArticle`` or ``IngestFailure`` per article found under ``paths``.

    Folders are walked recursively in sorted order; inside them, hidden entries and files with
    unsupported extensions are ignored. A file named explicitly with an unsupported extension is
    reported as a failure. ``max_bytes`` limits a ``.txt``/``.html`` file, and each JSONL line.
    """
    for path in map(Path, paths):
        if path.is_dir():
            for file in _walk(path):
                yield from _read_file(file, max_bytes)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield from _read_file(path, max_bytes)
            else:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                reason = f"unsupported file type {path.suffix or '(none)'!r}; use {supported}"
                yield IngestFailure(str(path), reason)
        else:
            yield IngestFailure(str(path), "no such file or folder")


def read_text(
    text: str,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    origin: str = "request",
) -> RawArticle:
    """Wrap text given through the API; raises ``ValueError`` if it is empty or binary."""
    text = text.removeprefix(_BOM)
    problem = text_problem(text)
    if problem:
        raise ValueError(problem)
    return RawArticle(text, origin, url=url, title=title, published=published, outlet=outlet)


def text_problem(text: str) -> str | None:
    """Why ``text`` is not an article (empty, or binary-looking), or ``None`` if it is fine."""
    if not text.strip():
        return "empty file" if not text else "empty file (whitespace only)"
    if "\x00" in text:
        return "binary file (NUL bytes)"
    controls = sum(
        1 for ch in text if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    if controls / len(text) > CONTROL_RATIO_LIMIT:
        return f"binary file ({controls} control characters in {len(text)})"
    return None


def decode(data: bytes) -> str:
    """Decode UTF-8 (a leading BOM is dropped); raises ``ValueError`` with a clear reason."""
    if b"\x00" in data:
        raise ValueError("binary file (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 at byte {exc.start}") from None
    problem = text_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _walk(folder: Path) -> list[Path]:
    """Supported, non-hidden files under ``folder``, sorted by relative path."""
    files = []
    for file in folder.rglob("*"):
        rel = file.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if file.is_file() and file.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(file)
    return sorted(files, key=lambda f: f.relative_to(folder).parts)


def _read_file(path: Path, max_bytes: int) -> Iterator[RawArticle | IngestFailure]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, max_bytes)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ValueError(f"too large: {size} bytes > limit {max_bytes}")
        text = decode(path.read_bytes())
        yield (
            _from_html(text, str(path)) if suffix in HTML_SUFFIXES else RawArticle(text, str(path))
        )
    except OSError as exc:
        yield IngestFailure(str(path), f"cannot read: {exc.strerror or exc}")
    except ValueError as exc:
        yield IngestFailure(str(path), str(exc))


def _from_html(html: str, origin: str) -> RawArticle:
    """Main text and metadata of an HTML page; paragraphs are separated by blank lines."""
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    lines = [line.strip() for line in (doc.text or "").split("\n")] if doc else []
    text = "\n\n".join(line for line in lines if line)
    if not text:
        raise ValueError("no main text found in HTML")
    return RawArticle(
        text,
        origin,
        url=doc.url or None,
        title=doc.title or None,
        published=doc.date or None,
        outlet=doc.sitename or doc.hostname or None,
    )


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[RawArticle | IngestFailure]:
    """One article per non-blank line; each bad line is its own failure."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield IngestFailure(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        seen = False
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            seen = True
            origin = f"{path}:{lineno}"
            try:
                yield _jsonl_record(line, origin, max_bytes)
            except ValueError as exc:
                yield IngestFailure(origin, f"JSONL line {lineno}: {exc}")
        if not seen:
            yield IngestFailure(str(path), "empty file")


def _jsonl_record(line: bytes, origin: str, max_bytes: int) -> RawArticle:
    if len(line) > max_bytes:
        raise ValueError(f"too large: {len(line)} bytes > limit {max_bytes}")
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if "text" not in record:
        raise ValueError("missing 'text'")
    fields = {}
    for name in ("text", *_OPTIONAL_FIELDS):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name!r} must be a string, got {type(value).__name__}")
        fields[name] = value or None
    text = (fields.pop("text") or "").removeprefix(_BOM)
    problem = text_problem(text)
    if problem:
        raise ValueError(problem.replace("empty file", "empty 'text'").replace("file", "'text'"))
    return RawArticle(text, origin, **fields)
