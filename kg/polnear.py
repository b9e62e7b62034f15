"""PolNeAR brat standoff reader (gold) and writer of the scorer's prediction JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kg.model import Attribution

Segment = tuple[int, int]
ROLE_KEYS = {"Cue": "cue", "Source": "sources", "Content": "contents"}


@dataclass(slots=True)
class GoldAttribution:
    """One annotated attribution; each role is a list of character segments."""

    cue: list[Segment] = field(default_factory=list)
    sources: list[Segment] = field(default_factory=list)
    contents: list[Segment] = field(default_factory=list)


def read_text(path: Path) -> str:
    """Read a text exactly as the scorer does (UTF-8, no newline translation)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def parse_ann(ann: str) -> list[GoldAttribution]:
    """Brat standoff -> attributions with content (events tie Cue/Source/Content spans)."""
    spans: dict[str, list[Segment]] = {}
    events: list[list[list[str]]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0][:1] == "T" and parts[0][1:].isdigit():
            offsets = parts[1].split(" ", 1)[1]
            spans[parts[0]] = [(int(a), int(b)) for a, b in (s.split() for s in offsets.split(";"))]
        elif len(parts) >= 2 and parts[0][:1] == "E" and parts[0][1:].isdigit():
            events.append([arg.split(":", 1) for arg in parts[1].split()])
    out = []
    for args in events:
        gold = GoldAttribution()
        for role, tid in args:
            key = ROLE_KEYS.get(role.rstrip("0123456789"))
            if key:
                getattr(gold, key).extend(spans[tid])
        if gold.contents:
            out.append(gold)
    return out


def doc_stems(split_dir: Path) -> list[str]:
    """Sorted document stems of a split (``text/*.txt``)."""
    return sorted(p.stem for p in (Path(split_dir) / "text").glob("*.txt"))


def read_gold(split_dir: Path | str) -> dict[str, list[GoldAttribution]]:
    """{doc stem: gold attributions}, from the first annotator file in sorted order."""
    split_dir = Path(split_dir)
    first: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        first.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    return {
        stem: parse_ann(read_text(first[stem])) if stem in first else []
        for stem in doc_stems(split_dir)
    }


def read_texts(split_dir: Path | str) -> dict[str, str]:
    """{doc stem: text} for a split, sorted by stem."""
    split_dir = Path(split_dir)
    return {stem: read_text(split_dir / "text" / f"{stem}.txt") for stem in doc_stems(split_dir)}


def prediction_record(stem: str, attributions: Iterable[Attribution]) -> dict:
    """The scorer's JSON object for one document."""
    return {
        "doc": stem,
        "attributions": [
            {
                "cue": [a.cue.start, a.cue.end] if a.cue else None,
                "sources": [[s.start, s.end] for s in a.sources],
                "contents": [[c.start, c.end] for c in a.contents],
            }
            for a in attributions
        ],
    }


def write_predictions(docs: Iterable[tuple[str, list[Attribution]]], out: TextIO) -> None:
    """Write one scorer JSON line per (doc stem, attributions)."""
    for stem, attributions in docs:
        out.write(json.dumps(prediction_record(stem, attributions)) + "\n")
