"""``python bench/run.py --shards K``: K shards searched by K local processes
beside one index of the same articles.

Builds one index and a K-shard index of the first N articles of the corpus
(each build in a fresh process, timed whole: reading, analysis, writing,
spellings and clusters), then runs the long queries (the news-titles
headlines) and the short ones, page of 10 with snippets, against each: one
index through search.searcher.Searcher in one process, the shards through
search.cluster.coordinator.Coordinator with a process per shard
(search/cluster/local.py).  p50/p95 per set; the first WARMUP queries of a
set are not counted.  The figures go into the "Cluster" section of
docs/benchmarks.md (between its markers) and, with --json, to a file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.measure import dir_size, run_worker, summary

WARMUP = 20
START, END = "<!-- cluster:start -->", "<!-- cluster:end -->"
HEADING = "\n## Cluster\n"


def worker_build(kind: str, n: int, target: Path, corpus: Path, count: int) -> dict:
    """One build, timed: ``one`` index or ``sharded`` into ``count`` shards."""
    from bench.run import read_articles
    from search import index as idx
    from search.cluster import shards

    started = time.perf_counter()
    if kind == "one":
        report = idx.build(target, read_articles(corpus, n))
    else:
        report = shards.build(target, read_articles(corpus, n), count)
    return {"seconds": time.perf_counter() - started, "articles": report.indexed, "size_bytes": dir_size(target)}


def worker_query(kind: str, target: Path, qfile: Path) -> dict:
    """Every query of both sets, one after another, timed one by one."""
    from search.cluster import shards
    from search.cluster.coordinator import Coordinator
    from search.cluster.local import LocalProcesses
    from search.searcher import Searcher

    opened = time.perf_counter()
    if kind == "one":
        searcher = Searcher(target)
    else:
        searcher = Coordinator(target, LocalProcesses(target, shards.load(target)))
    searcher.warm()
    out: dict = {"open_seconds": time.perf_counter() - opened}
    sets = json.loads(qfile.read_text(encoding="utf-8"))
    try:
        for name in ("short", "long"):
            times = []
            for query in sets[name]:
                started = time.perf_counter()
                searcher.search(query)
                times.append((time.perf_counter() - started) * 1000)
            out[name] = times[WARMUP:]
    finally:
        searcher.close()
    return out


def measure(count: int, n: int, corpus: Path, qfile: Path, work: Path, say) -> dict:
    """The builds and the query sets of one index and of ``count`` shards."""
    figures: dict = {"shards": count, "articles": n, "builds": {}, "queries": {}}
    for kind in ("one", "sharded"):
        target = work / f"{kind}-{n}"
        say(f"build {kind} N={n:,} …")
        built, peak = run_worker(["shard-build", kind, str(n), str(target), str(corpus), str(count)])
        figures["builds"][kind] = {**built, "peak_rss_mb": peak}
        say(f"  {built['seconds']:.1f} s, peak RSS {peak:.0f} MB")
    for kind in ("one", "sharded"):
        say(f"queries {kind} …")
        found, _ = run_worker(["shard-query", kind, str(work / f"{kind}-{n}"), str(qfile)])
        figures["queries"][kind] = {name: summary(found[name]) for name in ("short", "long")}
        figures["queries"][kind]["open_seconds"] = found["open_seconds"]
        for name in ("short", "long"):
            q = figures["queries"][kind][name]
            say(f"  {name}: p50 {q['p50']:.1f} ms, p95 {q['p95']:.1f} ms")
    return figures


def section(figures: dict, machine: str) -> str:
    """The Markdown of the measured figures."""
    one, sharded = figures["queries"]["one"], figures["queries"]["sharded"]
    b_one, b_sharded = figures["builds"]["one"], figures["builds"]["sharded"]
    k = figures["shards"]
    rows = [
        "| | one index | {k} shards, a process each | ratio |".format(k=k),
        "|---|---|---|---|",
    ]
    for name, label in (("long", "long queries (headlines)"), ("short", "short queries (1-3 words)")):
        for p in ("p50", "p95"):
            rows.append(f"| {label} {p} | {one[name][p]:.1f} ms | {sharded[name][p]:.1f} ms | "
                        f"{sharded[name][p] / one[name][p]:.2f} |")
    rows.append(f"| build | {b_one['seconds']:.1f} s | {b_sharded['seconds']:.1f} s | "
                f"{b_sharded['seconds'] / b_one['seconds']:.2f} |")
    rows.append(f"| build peak RSS | {b_one['peak_rss_mb']:.0f} MB | {b_sharded['peak_rss_mb']:.0f} MB | |")
    rows.append(f"| on disk | {b_one['size_bytes'] / 1e6:.1f} MB | {b_sharded['size_bytes'] / 1e6:.1f} MB | |")
    return "\n".join([
        START,
        f"Measured with `python bench/run.py --shards {k} --shard-articles {figures['articles']}` on {machine}: "
        f"{figures['articles']:,} articles of the news corpus, {figures['count']} queries a set "
        f"(the first {WARMUP} not counted), page of 10 with snippets, one query at a time.",
        "",
        *rows,
        END,
    ])


def kept_section(out: Path) -> str:
    """The Cluster section of ``out`` as it is (from its heading to the end):
    a full run of bench/run.py rewrites the rest of the report around it."""
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    return HEADING + current.split(HEADING, 1)[1] if HEADING in current else ""


def write_section(out: Path, text: str) -> None:
    """Replace the Cluster section's measured part in ``out`` (or add it)."""
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    if START in current and END in current:
        head, rest = current.split(START, 1)
        _old, tail = rest.split(END, 1)
        current = head + text + tail
    else:
        current = current.rstrip("\n") + "\n" + HEADING + "\n" + text + "\n"
    out.write_text(current, encoding="utf-8")
