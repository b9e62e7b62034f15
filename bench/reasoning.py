"""Ingest-and-reason time of one new article against stores of 0 to 100k synthetic claims.

The new article is the founding example, examples/twitter-spaces-desantis-launch.txt (parsed
once, outside the timed part); each run times ``store_analysis`` (claims, graph write, reasoning
over the article's neighbourhood). Synthetic stores hold articles of ``PER_ARTICLE`` claims by
speakers from a pool of 200, on two topics each from a pool of about 380 that includes every
topic of the new article (single and multi-word), so its neighbourhood grows with the store as
it would with real news on one beat: at 10k claims each of its topics is shared by some 50
stored claims, at 100k by some 500 (the reasoner caps its neighbourhood at
``kg.reasoning.NEIGHBOURS`` such claims). Building the 100k store takes a few minutes. All
stores are built first, then each of ``--runs`` rounds times one run per store, so the sizes
share the machine's noisy spells. Prints a table with the ratio to the empty store (medians) and
how far the process's peak RSS rose above its RSS over one more run per store (Linux ``/proc``;
flat across sizes = reasoning's memory does not grow with the store).

    .venv/bin/python bench/reasoning.py [--sizes 0 1000 10000 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.claims import build_claims  # noqa: E402
from kg.graph import article_graph, graph_iri  # noqa: E402
from kg.model import Article, Claim, RawArticle, Speaker  # noqa: E402
from kg.nlp import load_nlp  # noqa: E402
from kg.pipeline import Analysis, analyse, store_analysis  # noqa: E402
from kg.recent import rebuild_index  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402

ARTICLE = ROOT / "examples" / "twitter-spaces-desantis-launch.txt"
PER_ARTICLE = 10
WORDS = "grain river lantern copper meadow signal harbor orbit velvet quarry".split()
PHRASES = ["plain", "fine", "awful", "remarkable", "costly", "dull", "steady", "grim"]


def _topics(new: list[str]) -> list[str]:
    rng = random.Random(7)
    pool = [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(280)] + WORDS
    return pool + new


def fill(store: EmbeddedStore, claims: int, new_topics: list[str]) -> None:
    """``claims`` synthetic claims, ``PER_ARTICLE`` per article, written like real ingest; the
    topic index (``kg.recent``) is built once at the end, as ingest would have left it."""
    rng = random.Random(claims)
    topics = _topics(new_topics)
    speakers = [Speaker(f"person:s{i}", f"Speaker {i}", "person") for i in range(200)]
    for n in range(claims // PER_ARTICLE):
        parts = [f"{rng.choice(PHRASES)} statement {n}-{i}" for i in range(PER_ARTICLE)]
        raw = ". ".join(parts) + "."
        source = RawArticle(raw, "bench", url=f"https://bench.example/{n}", published="2025-01-01")
        article = Article(source, raw, tuple(range(len(raw) + 1)))
        found = []
        for text in parts:
            start = raw.index(text)
            score = rng.choice([-0.7, -0.3, 0.0, 0.3, 0.7])
            stance = "positive" if score > 0 else "negative" if score < 0 else "neutral"
            found.append(
                Claim(
                    article.id,
                    rng.choice(speakers),
                    text,
                    start,
                    start + len(text),
                    "indirect",
                    cue="said",
                    topics=tuple(rng.sample(topics, 2)),
                    stance=stance,
                    stance_score=score,
                )  # fmt: skip
            )
        store.replace_graph(str(graph_iri(article.id)), article_graph(article, found))
    rebuild_index(store)


def _status_mb(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` (peak) of this process in MB, from /proc (0 where there is none)."""
    status = Path("/proc/self/status")
    if not status.is_file():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Make ``VmHWM`` start again from the current RSS (Linux ``clear_refs``), if allowed."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _new_topics(analysis: Analysis) -> list[str]:
    claims = build_claims(analysis.article, analysis.doc, analysis.attributions)
    return sorted({t for c in claims for t in c.topics})


def _once(store: EmbeddedStore, analysis: Analysis) -> tuple[float, int]:
    start = time.perf_counter()
    _, contradictions = store_analysis(store, analysis)
    return time.perf_counter() - start, len(contradictions)


def _rss_rise(store: EmbeddedStore, analysis: Analysis) -> float:
    """How far the process's peak RSS rises above its RSS over one more run (MB)."""
    gc.collect()
    _reset_peak()
    before = _status_mb("VmRSS")
    _once(store, analysis)
    return _status_mb("VmHWM") - before


def measure(analysis: Analysis, sizes: list[int], runs: int, tmp: Path) -> list[tuple]:
    """Per size: median seconds of ``store_analysis``, contradictions, quads, RSS rise.

    Every store is filled first; then each round times one run in every store, in alternating
    order, so a noisy spell on the shared machine hits all sizes alike."""
    new_topics = _new_topics(analysis)
    with EmbeddedStore(str(tmp / "warm-up")) as scratch:
        _once(scratch, analysis)  # one-time costs of the process (models, the TBox closure)
    stores, quads = {}, {}
    for size in sizes:
        stores[size] = EmbeddedStore(str(tmp / f"store-{size}"))
        fill(stores[size], size, new_topics)
        quads[size] = stores[size].quad_count()
    times: dict[int, list[float]] = {size: [] for size in sizes}
    found: dict[int, int] = {}
    for round_ in range(runs):
        for size in sizes if round_ % 2 == 0 else reversed(sizes):
            seconds, found[size] = _once(stores[size], analysis)
            times[size].append(seconds)
    rows = [
        (size, statistics.median(times[size]), found[size], quads[size],
         _rss_rise(stores[size], analysis))
        for size in sizes
    ]  # fmt: skip
    for store in stores.values():
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    raw = RawArticle(ARTICLE.read_text(encoding="utf-8"), str(ARTICLE), url="https://new.example")
    [analysis] = list(analyse([raw], load_nlp()))
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(analysis, args.sizes, args.runs, Path(tmp))
    base = rows[0][1]
    print(  # noqa: T201
        "| store claims | quads | ingest+reason ms (median) | contradictions | ratio "
        "| peak RSS rise over one run |"
    )
    print("|---|---|---|---|---|---|")  # noqa: T201
    for size, seconds, count, quads, rise in rows:
        print(  # noqa: T201
            f"| {size:,} | {quads:,} | {seconds * 1000:.0f} | {count} | {seconds / base:.2f} "
            f"| {rise:.0f} MB |"
        )


if __name__ == "__main__":
    main()
