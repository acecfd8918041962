"""How good the wire-copy clusters are, and what folding them shows.

    python bench/clusters.py                          # clusters of the full corpus: cost, precision, recall
    python bench/clusters.py --index /tmp/full-index  # also: near-copies on 200 first pages, folded and not

The truth is the definition the issue gives: two articles are near-copies
when the word 5-grams of their texts (title and body, normalized as
search/clusters.py does) have a Jaccard similarity of at least 0.7,
computed exactly.  The pairs labelled are

* every pair of articles in one cluster (what folding joins), and
* every pair a looser LSH (16 bands of 3 rows: it finds 99.9 % of the
  pairs at J = 0.7, 88 % at 0.5, 35 % at 0.3) proposes over the whole
  corpus: the near-copies folding should have joined, and many near misses.

Precision: of the pairs in one cluster, the share that are near-copies
(a cluster chains copies, so two of its members can be further apart).
Recall: of the near-copy pairs, the share in one cluster.  The table by
similarity shows where the errors are.

With ``--index``, 200 short queries (1-3 consecutive words of titles of
articles past the first 20,000 of the corpus: never used to tune anything)
are searched twice, folded and with collapse=0: a first page (10 hits)
with two near-copies is counted, and the time of each search is kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search import clusters as cl  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl.gz"
BINS = (0.0, 0.3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.0001)
LOOSE = (16, 3)  # bands, rows of the labelling LSH
MAX_BUCKET = 300  # a larger bucket of the labelling LSH is sampled (boilerplate-only articles)


def read(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def loose_pairs(signatures: np.ndarray, valid: np.ndarray, rng: random.Random) -> set[tuple[int, int]]:
    bands, rows = LOOSE
    pairs: set[tuple[int, int]] = set()
    positions = np.flatnonzero(valid)
    for band in range(bands):
        part = signatures[positions][:, band * rows : (band + 1) * rows]
        _, inverse = np.unique(part, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        order = np.argsort(inverse, kind="stable")
        ranked = inverse[order]
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        for start, end in zip(starts.tolist(), np.r_[starts[1:], len(ranked)].tolist()):
            if end - start < 2:
                continue
            members = sorted(positions[order[start:end]].tolist())
            if len(members) > MAX_BUCKET:
                members = sorted(rng.sample(members, MAX_BUCKET))
            pairs.update(combinations(members, 2))
    return pairs


def measure_clusters(articles: list[dict]) -> dict:
    rng = random.Random(14)
    collector = cl.Collector()
    started = time.perf_counter()
    for a in articles:
        collector.add(a["id"], a.get("title") or "", a.get("body") or "")
    signed = time.perf_counter() - started
    found = collector.build()
    total = time.perf_counter() - started
    index = {doc_id: i for i, doc_id in enumerate(found.ids)}
    shingles = [collector.shingles[doc_id] for doc_id in found.ids]
    valid = np.asarray([len(s) > 0 for s in shingles])
    groups: dict[str, list[int]] = {}
    for member, root in found.roots.items():
        groups.setdefault(root, []).append(index[member])
    clustered = {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}
    labelled = loose_pairs(found.signatures, valid, rng) | clustered
    same = found.roots
    rows = []
    for i, j in labelled:
        similarity = cl.jaccard(shingles[i], shingles[j])
        together = same.get(found.ids[i], found.ids[i]) == same.get(found.ids[j], found.ids[j])
        rows.append((similarity, together))
    truth = np.asarray([s >= cl.THRESHOLD for s, _ in rows])
    predicted = np.asarray([t for _, t in rows])
    similarity = np.asarray([s for s, _ in rows])
    by_bin = []
    for low, high in zip(BINS, BINS[1:]):
        inside = (similarity >= low) & (similarity < high)
        by_bin.append({"from": low, "to": min(high, 1.0), "pairs": int(inside.sum()),
                       "together": int((inside & predicted).sum())})
    tp = int((truth & predicted).sum())
    sizes = sorted((len(g) for g in groups.values()), reverse=True)
    return {
        "articles": len(articles),
        "seconds_signatures": round(signed, 1),
        "seconds_total": round(total, 1),
        "pairs_verified": len(found.edges),
        "clusters": len(groups),
        "articles_in_clusters": sum(sizes),
        "largest_clusters": sizes[:5],
        "labelled_pairs": len(rows),
        "near_copy_pairs": int(truth.sum()),
        "pairs_in_one_cluster": int(predicted.sum()),
        "precision": round(tp / max(1, int(predicted.sum())), 4),
        "recall": round(tp / max(1, int(truth.sum())), 4),
        "by_similarity": by_bin,
    }


def short_queries(articles: list[dict], count: int = 200, skip: int = 20_000) -> list[str]:
    rng = random.Random(14)
    titles = [a["title"] for a in articles[skip:] if a.get("title") and len(a["title"].split()) >= 2]
    out = []
    for title in rng.sample(titles, count):
        words = [w for w in title.split() if any(ch.isalpha() for ch in w)]
        k = min(len(words), rng.randint(1, 3))
        start = rng.randint(0, len(words) - k)
        out.append(" ".join(words[start : start + k]))
    return out


def measure_pages(index_dir: Path, queries: list[str]) -> dict:
    from search.searcher import Searcher

    searcher = Searcher(index_dir)
    shingler = cl.Shingler()
    whoosh = searcher._searcher()
    cache: dict[str, np.ndarray] = {}

    def shingles(doc_id: str) -> np.ndarray:
        if doc_id not in cache:
            stored = whoosh.stored_fields(whoosh.document_number(id=doc_id))
            cache[doc_id] = shingler.shingles(cl.article_text(stored.get("title", ""), stored.get("body", "")))
        return cache[doc_id]

    def copied(ids: list[str]) -> int:
        return sum(cl.jaccard(shingles(a), shingles(b)) >= cl.THRESHOLD for a, b in combinations(ids, 2))

    for q in queries[:10]:  # warm up both paths
        searcher.search(q), searcher.search(q, collapse=False)
    configs = (("folded", True), ("collapse=0", False))
    times: dict[str, list[float]] = {name: [] for name, _ in configs}
    found: dict[str, list[int]] = {name: [] for name, _ in configs}
    empty = 0
    for n, q in enumerate(queries):
        # Both ways in turn, in alternating order, so that a change of the
        # machine's load weighs on both alike.
        for name, collapse in configs if n % 2 == 0 else configs[::-1]:
            started = time.perf_counter()
            results = searcher.search(q, collapse=collapse)
            times[name].append((time.perf_counter() - started) * 1000)
            found[name].append(copied([h.id for h in results.hits]))
            empty += not results.hits and collapse
    out = {"queries": len(queries), "no_result": empty}
    for name, _ in configs:
        ordered = sorted(times[name])
        out[name] = {
            "pages_with_near_copies": sum(1 for k in found[name] if k),
            "near_copy_pairs_on_pages": sum(found[name]),
            "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "mean_ms": round(statistics.mean(ordered), 2),
        }
    searcher.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--index", type=Path, help="an index of the same corpus: also measure first pages")
    parser.add_argument("--no-clusters", action="store_true", help="skip the precision/recall measurement")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    articles = read(args.corpus)
    figures: dict = {}
    if not args.no_clusters:
        figures["clusters"] = measure_clusters(articles)
        print(json.dumps(figures["clusters"], indent=1), flush=True)
    if args.index:
        figures["pages"] = measure_pages(args.index, short_queries(articles))
        print(json.dumps(figures["pages"], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
