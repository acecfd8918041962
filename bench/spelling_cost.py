"""What the spelling mining costs a build, with and without the neighbour evidence and the leaves.

    python bench/spelling_cost.py --index-dir INDEX

INDEX is an index of the shared corpus (`akhbar build ../shared/corpus/news.jsonl.gz`).
The articles are analysed once first, as a build has just done (its analyzer's
caches are warm when it mines); then the mining runs twice, and the CPU seconds
of each run and the pairs kept are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from search import index as idx
from search import variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True)
    args = parser.parse_args()
    ix = idx.open_index(args.index_dir)
    analyzer = ix.schema[variants.FIELD].analyzer
    started = time.process_time()
    with ix.searcher() as searcher:
        for doc in range(searcher.doc_count_all()):
            stored = searcher.stored_fields(doc)
            for _token in analyzer(f"{stored.get('title') or ''}\n{stored.get('body') or ''}"):
                pass
    print(f"analysis of every article (a build's share): {time.process_time() - started:.1f} s CPU")
    shipped = variants.MinerConfig()
    no_leaves = dataclasses.replace(shipped, rare_min_length=10**9)  # no stem is that long
    for name, config in (
        ("without neighbours", dataclasses.replace(no_leaves, neighbour_floor=float("inf"))),
        ("with neighbours, without the hardly written spellings", no_leaves),
        ("with both (shipped)", shipped),
    ):
        started = time.process_time()
        with ix.searcher() as searcher:
            evidence = variants.mine(searcher, config, analyzer=analyzer)
        kept = sum(e.same and not e.leaf for e in evidence)
        leaves = sum(e.same and e.leaf for e in evidence)
        read = sum(e.neighbours is not None for e in evidence)
        print(f"{name}: {time.process_time() - started:.1f} s CPU, {kept} pairs and {leaves} leaves kept, "
              f"neighbours read for {read}")


if __name__ == "__main__":
    main()
