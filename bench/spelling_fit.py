"""Fit the weights of the spelling miner's evidence (search/variants/evidence.py).

    python bench/spelling_fit.py --index-dir INDEX [--labels bench/spelling_labels.tsv]

INDEX is an index of the shared corpus (`akhbar build ../shared/corpus/news.jsonl.gz`).
For each labelled pair the evidence is computed exactly as a build computes it;
a logistic regression (L2, Newton steps) is fitted, and its five-fold
cross-validated precision and recall are printed for a few thresholds, then
the weights to put in MinerConfig.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from search import index as idx
from search import variants

HERE = Path(__file__).resolve().parent


def read_labels(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, a, b = line.split("\t")
            rows.append((int(label), a, b))
    return rows


def features(index_dir: Path, rows: list[tuple[int, str, str]]) -> np.ndarray:
    """Every pair's evidence, the context similarity always read."""
    config = variants.MinerConfig(threshold=-1e9)  # so that every pair's contexts are read
    with idx.open_index(index_dir).searcher() as searcher:
        postings = variants.Postings(searcher)
        contexts = variants.Contexts(postings, postings.vocabulary(), config)
        judged = variants.judge([(a, b) for _, a, b in rows], postings, variants.Outlets(searcher), lambda: contexts, config)
        return np.array([e.features() for e in judged])


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, x.T @ (p - y) + l2 * w)
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--labels", type=Path, default=HERE / "spelling_labels.tsv")
    args = parser.parse_args()
    rows = read_labels(args.labels)
    x, y = features(args.index_dir, rows), np.array([r[0] for r in rows], dtype=float)
    order = np.random.default_rng(0).permutation(len(y))
    scores = np.zeros(len(y))
    for k in range(5):
        test = order[k::5]
        scores[test] = x[test] @ fit(x[np.setdiff1d(order, test)], y[np.setdiff1d(order, test)])
    for threshold in (-1.5, -1.0, -0.5, 0.0):
        kept = scores > threshold
        tp, fp = int((kept & (y == 1)).sum()), int((kept & (y == 0)).sum())
        print(f"threshold {threshold:+.1f}: precision {tp / max(tp + fp, 1):.3f}, recall {tp / y.sum():.3f} ({tp} kept, {fp} wrong)")
    print("weights:", tuple(round(float(w), 2) for w in fit(x, y)))


if __name__ == "__main__":
    main()
