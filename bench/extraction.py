"""Attribution extraction on PolNeAR dev: scorer metrics and throughput vs raw ``nlp.pipe``.

    .venv/bin/python bench/extraction.py [--dev ../shared/data/polnear/dev] [--runs 3]

Runs the same code path as ingest (``nlp.pipe`` then ``kg.attribution.extract``), scores with
the provided scorer (``--json``), and prints one table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.attribution import extract  # noqa: E402
from kg.nlp import load_nlp  # noqa: E402
from kg.polnear import read_texts, write_predictions  # noqa: E402

SHARED = ROOT.parent / "shared"
DEV = SHARED / "data" / "polnear" / "dev"
SCORER = SHARED / "tools" / "polnear_eval.py"
ROWS = [
    ("attribution", "attribution"),
    ("content exact", "content_exact"),
    ("content overlap", "content_overlap"),
    ("source exact", "source_exact"),
    ("source overlap", "source_overlap"),
    ("cue exact", "cue_exact"),
]


def timed_runs(texts: list[str], runs: int) -> tuple[float, float, list]:
    """Median seconds of raw ``nlp.pipe`` and of pipe + extract, and the last predictions."""
    nlp = load_nlp()
    raw, full, preds = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16):
            pass
        raw.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        preds = [extract(doc) for doc in nlp.pipe(texts, batch_size=16)]
        full.append(time.perf_counter() - t0)
    return statistics.median(raw), statistics.median(full), preds


def score(dev: Path, stems: list[str], preds: list) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as f:
        write_predictions(zip(stems, preds, strict=True), f)
        f.flush()
        out = subprocess.run(
            [sys.executable, str(SCORER), str(dev), f.name, "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return json.loads(out)["metrics"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--runs", type=int, default=1, help="timing runs (median)")
    args = ap.parse_args()
    if not (args.dev / "text").is_dir() or not SCORER.is_file():
        print(f"skipped: PolNeAR dev or scorer not found ({args.dev}, {SCORER})")
        return 0
    texts = read_texts(args.dev)
    load_nlp()
    raw_s, full_s, preds = timed_runs(list(texts.values()), max(1, args.runs))
    metrics = score(args.dev, list(texts), preds)
    words = sum(len(t.split()) for t in texts.values())
    print(f"PolNeAR dev: {len(texts)} documents, {words} words, runs={args.runs}")
    print(f"{'metric':<18}{'P':>7}{'R':>7}{'F1':>7}")
    for label, name in ROWS:
        m = metrics[name]
        print(f"{label:<18}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}")
    print(
        f"{'throughput':<18}raw nlp.pipe {words / raw_s:,.0f} words/s, "
        f"pipe+extract {words / full_s:,.0f} words/s, ratio {raw_s / full_s:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
