"""Streaming ingest on PolNeAR train: articles/s, words/s against raw ``nlp.pipe``, peak RSS.

    .venv/bin/python bench/ingest.py [--limit 200] [--workers 1 2] [--synthetic 10000]

Each configuration (``--workers`` N: reasoning processes, see ``kg.pipeline.Writer``) runs the
full ``claimgraph ingest`` path (``kg.pipeline.ingest``: clean, parse, extract, claims, RDF,
store write, reasoning) into a fresh embedded store, in its own subprocess so that its peak RSS
is its own. Peak RSS (``ru_maxrss``, self + largest child) is read after a quarter and after all
of the articles: if ingest streams, the two are close. The baseline is raw ``nlp.pipe`` (1
process) of the same model over the same texts, in the same run. Words are whitespace-separated
tokens.

``--synthetic N`` ingests N articles made by recombining train paragraphs (seeded, generated
lazily, each unique) instead of the train files: the volume run (e.g. 10,000 articles), off by
default because it takes hours on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg.pipeline  # noqa: E402
from kg.model import RawArticle  # noqa: E402
from kg.nlp import load_nlp  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402

TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"


def train_articles(limit: int | None) -> list[RawArticle]:
    files = sorted(TRAIN.glob("*.txt"))[:limit]
    return [RawArticle(f.read_text(encoding="utf-8"), str(f)) for f in files]


def synthetic(n: int, seed: int = 13) -> Iterator[RawArticle]:
    """``n`` unique articles of 4-12 train paragraphs each, made one at a time."""
    paragraphs = [
        p.strip() for a in train_articles(None) for p in a.raw.split("\n\n") if len(p.split()) >= 5
    ]
    rng = random.Random(seed)
    for i in range(n):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 12)))
        yield RawArticle(body, f"synthetic:{i}")


def corpus(args: argparse.Namespace) -> Iterator[RawArticle]:
    return synthetic(args.synthetic) if args.synthetic else iter(train_articles(args.limit))


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + child) / 1024


def run_one(args: argparse.Namespace) -> dict:
    """One configuration in this process: ingest everything, timing and sampling memory."""
    total = args.synthetic or len(train_articles(args.limit))
    nlp = load_nlp()
    words, done, rss = 0, 0, {}

    def counted() -> Iterator[RawArticle]:
        nonlocal words
        for raw in corpus(args):
            words += len(raw.raw.split())
            yield raw

    def progress(_origin: str) -> None:
        nonlocal done
        done += 1
        if done == max(1, total // 4):
            rss["quarter"] = peak_rss_mb()

    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(f"{tmp}/store") as store:
        t0 = time.perf_counter()
        report = kg.pipeline.ingest(
            counted(), store, nlp, progress, workers=args.one, record_ids=False
        )
        seconds = time.perf_counter() - t0
        quads = store.quad_count()
    return {
        "workers": args.one,
        "articles": report.ingested,
        "failures": len(report.failures),
        "claims": report.claims,
        "quads": quads,
        "seconds": seconds,
        "words": words,
        "rss_quarter": rss.get("quarter", 0.0),
        "rss_all": peak_rss_mb(),
    }


def raw_pipe_wps(texts: list[str]) -> float:
    nlp = load_nlp()
    t0 = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=kg.pipeline.BATCH_SIZE):
        pass
    return sum(len(t.split()) for t in texts) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="First N train files (all).")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--synthetic", type=int, default=0, help="N recombined articles.")
    parser.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not TRAIN.is_dir():
        print(f"skipped: PolNeAR train not found at {TRAIN}")
        return
    if args.one:
        print(json.dumps(run_one(args)))
        return
    baseline = raw_pipe_wps([a.raw for a in train_articles(args.limit)])
    rows = [_child(args, w) for w in args.workers]
    print_table(rows, baseline)


def _child(args: argparse.Namespace, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--one", str(workers)]
    cmd += ["--limit", str(args.limit)] if args.limit else []
    cmd += ["--synthetic", str(args.synthetic)] if args.synthetic else []
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_table(rows: list[dict], baseline: float) -> None:
    print(f"raw nlp.pipe (1 process): {baseline:,.0f} words/s")
    print(
        "| workers | articles | failures | claims | quads | articles/s | words/s | ratio to raw "
        "pipe | peak RSS at 1/4 | peak RSS at all |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        wps = r["words"] / r["seconds"]
        print(
            f"| {r['workers']} | {r['articles']} | {r['failures']} | {r['claims']} "
            f"| {r['quads']:,} | {r['articles'] / r['seconds']:.2f} | {wps:,.0f} "
            f"| {wps / baseline:.2f} | {r['rss_quarter']:.0f} MB | {r['rss_all']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
