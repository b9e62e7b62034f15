"""SPARQL text, kept in ``ontology/queries/*.rq`` (read side) and ``ontology/rules/*.rq`` (rules).

Queries are loaded by file stem and cached. A rule's description is the comment block at the top
of its file, so the file is the single place that says what a rule flags and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.config import ONTOLOGY_DIR

QUERY_DIR = ONTOLOGY_DIR / "queries"
RULE_DIR = ONTOLOGY_DIR / "rules"
ONTOLOGY_FILE = ONTOLOGY_DIR / "claimgraph.ttl"


@dataclass(frozen=True, slots=True)
class Rule:
    """A contradiction rule: a SPARQL SELECT run over a reasoned neighbourhood graph."""

    name: str
    text: str
    description: str


def header_comment(text: str) -> str:
    """The leading ``#`` comment block of a SPARQL file, as one paragraph of text."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append(stripped.lstrip("#").strip())
    return " ".join(part for part in lines if part)


@cache
def query(name: str) -> str:
    """The text of ``ontology/queries/<name>.rq``."""
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERY_DIR}")
    return path.read_text(encoding="utf-8")


@cache
def _load_rules() -> tuple[Rule, ...]:
    found = []
    for path in sorted(RULE_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        found.append(Rule(path.stem, text, header_comment(text)))
    return tuple(found)


def rules() -> list[Rule]:
    """Every rule in ``ontology/rules/``, sorted by name."""
    return list(_load_rules())


def rule(name: str) -> Rule:
    """One rule by name."""
    for candidate in rules():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no rule named {name!r} in {RULE_DIR}")


def sparql_files() -> list[Path]:
    """Every .rq file the project ships (for checks that each cg: term is declared)."""
    return sorted([*QUERY_DIR.glob("*.rq"), *RULE_DIR.glob("*.rq")])
