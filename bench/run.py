"""Akhbar's speed, measured beside the engines a user would pick instead.

    python bench/run.py                 # N = 2,000, 20,000 and all 59,577; writes docs/benchmarks.md
    python bench/run.py --quick         # N = 2,000 and 50 queries a set (CI: proves it works)
    python bench/run.py --scale 5       # Akhbar on the whole corpus, then on 5 times it (about 300,000)
    python bench/run.py --quick --out /tmp/b.md --sizes 2000,5000 --queries 300

One run, the same documents and the same queries for every engine:

* builds Akhbar (``search.index.build``), the same build with a plain analyzer
  (regex words + lowercase, same writer settings), SQLite FTS5 and Tantivy over
  the first N articles of ``../shared/corpus/news.jsonl.gz``: articles/s, MB/s
  (UTF-8 title + body), peak RSS (the whole process tree, sampled), index size.
  An N beyond the corpus repeats it: every further pass has new ids and dates
  a year earlier per pass (``--scale K``: the whole corpus once and K times);
* runs two query sets, page of 10 with snippets: the 1,000 titles of
  ``../shared/eval/news-titles/queries.jsonl`` (long) and 1,000 runs of 1-3
  consecutive words cut from them (short); p50/p95/p99;
* starts ``akhbar serve`` on the largest Akhbar index: time to its first
  answered search, its first 100 distinct queries (cold) and the same again
  (warm) over HTTP, and its RSS (bench/serving.py);
* profiles a build and the queries with pyinstrument (which functions take
  the time);
* writes all of it, with the machine, to ``docs/benchmarks.md`` (``--out``;
  bench/report.py).

Every build and every query set runs in a fresh process, so one engine's
memory or caches never count for another.  Reading and parsing the corpus
is part of every build (all engines read the same stream).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import engines as eng  # noqa: E402
from bench import shards  # noqa: E402
from bench.measure import dir_size, machine, run_worker, summary  # noqa: E402
from bench.report import CORPUS_SIZE, FULL_SIZES, WARMUP, Results, render  # noqa: E402
from bench.serving import measure_serve  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "news.jsonl.gz"
TITLES = SHARED / "eval" / "news-titles" / "queries.jsonl"
QUICK_SIZES = (2_000,)
FULL_QUERIES = 1_000
QUICK_QUERIES = 50
PROFILE_QUERIES = 200  # a set, under the profiler
SEED = 20221114


# -- inputs ----------------------------------------------------------------------------------


def read_articles(corpus: Path, n: int):
    """The first ``n`` good articles of the corpus, streamed; past its end
    the corpus again, each pass under new ids (``id~pass``) with its dates
    a year earlier per pass, so that an archive K times the corpus spans K
    times its years."""
    from search.ingest import Article, read_sources

    def passes():
        for copy in itertools.count():
            found = False
            for record in read_sources([corpus]):
                if not isinstance(record, Article):
                    continue
                found = True
                if copy:
                    record = dataclasses.replace(
                        record,
                        id=f"{record.id}~{copy}",
                        date=record.date - timedelta(days=365 * copy) if record.date else None,
                    )
                yield record
            if not found:
                return

    return itertools.islice(passes(), n)


def query_sets(titles: Path, count: int, seed: int = SEED) -> dict[str, list[str]]:
    """``long``: the titles as they are; ``short``: 1-3 consecutive words of
    each title, chosen with a fixed seed so every run asks the same."""
    long: list[str] = []
    with open(titles, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                long.append(json.loads(line)["query"])
    long = long[:count]
    rng = random.Random(seed)
    short = []
    for title in long:
        words = eng.words(title)
        k = min(len(words), rng.randint(1, 3))
        start = rng.randint(0, len(words) - k)
        short.append(" ".join(words[start : start + k]))
    return {"short": short, "long": long}


# -- workers (run in their own process) ------------------------------------------------------------


def worker_build(engine: str, n: int, workdir: Path, corpus: Path) -> dict:
    counted = {"articles": 0, "bytes": 0}

    def counting():
        for a in read_articles(corpus, n):
            counted["articles"] += 1
            counted["bytes"] += len(a.title.encode("utf-8")) + len(a.body.encode("utf-8"))
            yield a

    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    path = eng.build(engine, workdir, counting())
    seconds = time.perf_counter() - started
    usage = _cpu_seconds()
    return {"seconds": seconds, "cpu_seconds": usage, "size_bytes": dir_size(path), **counted}


def _cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def worker_query(engine: str, workdir: Path, queries_file: Path) -> dict:
    sets = json.loads(queries_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    searcher = eng.open_engine(engine, workdir)
    opened = time.perf_counter() - started
    for name in ("short", "long"):  # warm-up, not measured
        for q in sets[name][:WARMUP]:
            searcher.search(q)
    out: dict = {"open_seconds": opened}
    for name in ("short", "long"):
        times, empty = [], 0
        for q in sets[name]:
            t0 = time.perf_counter()
            shown = searcher.search(q)
            times.append((time.perf_counter() - t0) * 1000)
            empty += shown == 0
        out[name] = {"ms": times, "empty": empty}
    searcher.close()
    return out


def _flat_profile(session, top: int = 14) -> dict:
    """Own time per function, and inclusive time of the outermost call of
    each function, from a pyinstrument session."""
    own: dict[str, float] = {}
    inclusive: dict[str, float] = {}

    def name(frame) -> str:
        where = frame.file_path_short or frame.file_path or ""
        where = where.replace(str(ROOT) + "/", "")
        if "site-packages/" in where:
            where = where.split("site-packages/", 1)[1]
        func = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
        return f"{func} ({where})"

    def walk(frame, active: frozenset) -> None:
        key = name(frame)
        children = [c for c in frame.children if not c.is_synthetic]
        own[key] = own.get(key, 0.0) + frame.time - sum(c.time for c in children)
        if key not in active:
            inclusive[key] = inclusive.get(key, 0.0) + frame.time
            active = active | {key}
        for child in children:
            walk(child, active)

    root = session.root_frame()
    total = root.time if root else 0.0
    if root:
        walk(root, frozenset())
    by_own = sorted(own.items(), key=lambda kv: -kv[1])[:top]
    return {"total": total, "own": by_own, "inclusive": inclusive}


GROUPS_BUILD = {
    "Akhbar analysis: tokenizing, cache lookups": ("CachedChain._tokens (search/analysis/chain.py)",),
    "  of which a word's first sight: the filter chain, the stemmer": ("CachedChain._outputs (search/analysis/chain.py)",),
    "Whoosh add_document (the analysis above, then postings into the pool)": (
        "SegmentWriter.add_document (whoosh/writing.py)",
    ),
    "  of which gathering postings per term": ("TermPool.add (search/pool.py)",),
    "Whoosh commit: sorting and writing postings, term index, columns": (
        "SegmentWriter.commit (whoosh/writing.py)",
    ),
    "reading and parsing the corpus (gzip + JSON)": ("read_jsonl (search/ingest/jsonl.py)",),
}
GROUPS_QUERY = {
    "Searcher.search, all of it": ("Searcher.search (search/searcher.py)",),
    "  matching: the articles, the total, facet counts": (
        "docset (search/matching.py)",
        "facet_counts (search/matching.py)",
    ),
    "  scoring the matches (BM25F, term by term)": ("scores (search/ranking.py)",),
    "  of the two above, reading posting lists (a term's first use)": ("read_postings (search/arrays.py)",),
    "  snippets and marked titles for the page": ("Searcher._hit (search/searcher.py)",),
    "  spelling suggestion (fewer than 3 results)": ("Searcher._suggest (search/searcher.py)",),
    "  query parsing and analysis": ("parse (search/query.py)", "QueryBuilder.build (search/query.py)",
                                     "QueryBuilder.highlight_terms (search/query.py)"),
}


def _groups(flat: dict, groups: dict[str, tuple[str, ...]]) -> list[tuple[str, float]]:
    return [(label, sum(flat["inclusive"].get(k, 0.0) for k in keys)) for label, keys in groups.items()]


def worker_profile(n: int, queries_file: Path, index_dir: Path, workdir: Path, corpus: Path) -> dict:
    """A single-process build of ``n`` articles and the query sets on the
    largest index, under pyinstrument.  The build runs in one process so
    that the profiler sees all of it (the real build spreads the same work
    over two worker processes)."""
    from pyinstrument import Profiler

    from search import index as idx

    settings = dict(idx.BUILD_WRITER)
    settings.pop("procs", None)
    settings.pop("multisegment", None)
    idx.BUILD_WRITER = settings
    profiler = Profiler(interval=0.002)
    profiler.start()
    idx.build(workdir / "index", read_articles(corpus, n))
    profiler.stop()
    build = _flat_profile(profiler.last_session)

    sets = json.loads(queries_file.read_text(encoding="utf-8"))
    searcher = eng.open_engine("akhbar", index_dir)
    for q in sets["short"][:WARMUP]:
        searcher.search(q)
    queries = {}
    for name in ("short", "long"):
        sets[name] = sets[name][:PROFILE_QUERIES]
        profiler = Profiler(interval=0.001)
        profiler.start()
        for q in sets[name]:
            searcher.search(q)
        profiler.stop()
        queries[name] = _flat_profile(profiler.last_session)
    searcher.close()
    return {
        "build_articles": n,
        "build": {"total": build["total"], "own": build["own"], "groups": _groups(build, GROUPS_BUILD)},
        "queries": {
            name: {"total": p["total"], "count": len(sets[name]), "own": p["own"], "groups": _groups(p, GROUPS_QUERY)}
            for name, p in queries.items()
        },
    }


# -- the run ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N = 2,000 and 50 queries a set (for CI)")
    parser.add_argument("--sizes", help="comma-separated N (default: 2000,20000,59577; --quick: 2000)")
    parser.add_argument("--queries", type=int, help="queries in each set (default 1000; --quick 100)")
    parser.add_argument("--engines", help="comma-separated subset of " + ",".join(eng.ENGINES) + " (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the Markdown report")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--scale", help="K (or a list, 1,3,5): Akhbar on the corpus once and K times it, "
                        "every figure at each size (default engines: akhbar)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--titles", type=Path, default=TITLES)
    parser.add_argument("--no-serve", action="store_true", help="skip the akhbar serve measurement")
    parser.add_argument("--no-profile", action="store_true", help="skip the pyinstrument profiles")
    parser.add_argument("--profile-articles", type=int, help="articles in the profiled build (default 3000; --quick 300)")
    parser.add_argument("--keep", type=Path, help="build in this directory and keep it (default: a temporary one)")
    parser.add_argument("--from-json", type=Path, help="only write the report again from the raw figures of --json")
    parser.add_argument("--shards", type=int, help="K: only the cluster figures, K shards searched by K local "
                        "processes beside one index (bench/shards.py); the Cluster section of --out")
    parser.add_argument("--shard-articles", type=int, help="N for --shards (default 20000; --quick 2000)")
    parser.add_argument("--worker", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        return _worker(args.worker)
    if args.shards:
        return _cluster(args)
    if args.from_json:
        raw = json.loads(args.from_json.read_text(encoding="utf-8"))
        sizes = raw.get("sizes") or sorted({b["n"] for b in raw["builds"]})
        res = Results(sizes=sizes, queries=raw.get("queries", FULL_QUERIES), quick=raw.get("quick", False),
                      started=raw.get("started", ""), seconds=raw.get("seconds", 0.0), serve=raw.get("serve"),
                      profile=raw.get("profile"), scale=raw.get("scale"))
        res.builds = {(b["engine"], b["n"]): b for b in raw["builds"]}
        res.searches = {(q["engine"], q["n"]): q for q in raw["searches"]}
        args.out.write_text(render(res, raw["machine"]), encoding="utf-8")
        return 0

    scale = None
    if args.scale:
        scale = sorted({1, *(int(k) for k in args.scale.split(",") if k)})
        if min(scale) < 1:
            parser.error("--scale takes whole multiples of the corpus, 1 or more")
        sizes = [CORPUS_SIZE * k for k in scale]
    else:
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if args.quick else FULL_SIZES)
    count = args.queries or (QUICK_QUERIES if args.quick else FULL_QUERIES)
    engines = [e for e in (args.engines or ("akhbar" if scale else ",".join(eng.ENGINES))).split(",") if e]
    unknown = set(engines) - set(eng.ENGINES)
    if unknown or "akhbar" not in engines:
        parser.error(f"--engines must include akhbar and be among {', '.join(eng.ENGINES)}")
    for path in (args.corpus, args.titles):
        if not path.exists():
            parser.error(f"{path} is missing")

    res = Results(sizes=sizes, queries=count, quick=args.quick, started=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                  scale=scale)
    t_start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="akhbar-bench-", dir=args.keep)) if args.keep else Path(tempfile.mkdtemp(prefix="akhbar-bench-"))
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    try:
        qfile = work / "queries.json"
        qfile.write_text(json.dumps(query_sets(args.titles, count), ensure_ascii=False), encoding="utf-8")
        for n in sizes:
            for engine in engines:
                target = work / f"{engine}-{n}"
                say(f"build {engine} N={n:,} …")
                out, peak = run_worker(["build", engine, str(n), str(target), str(args.corpus)])
                out["peak_rss_mb"] = peak
                out["rate"] = out["articles"] / out["seconds"]
                out["mb_s"] = out["bytes"] / 1e6 / out["seconds"]
                res.builds[(engine, n)] = out
                say(f"  {out['seconds']:.1f} s, {out['rate']:.0f} articles/s, peak RSS {peak:.0f} MB, "
                    f"{out['size_bytes'] / 1e6:.1f} MB on disk")
            for engine in engines:
                if engine not in eng.QUERY_ENGINES:
                    continue
                say(f"queries {engine} N={n:,} …")
                out, _ = run_worker(["query", engine, str(work / f"{engine}-{n}"), str(qfile)])
                res.searches[(engine, n)] = {"open_seconds": out["open_seconds"]}
                for name in ("short", "long"):
                    res.searches[(engine, n)][name] = {**summary(out[name]["ms"]), "empty": out[name]["empty"]}
                    q = res.searches[(engine, n)][name]
                    say(f"  {name}: p50 {q['p50']:.1f} ms, p95 {q['p95']:.1f} ms, p99 {q['p99']:.1f} ms")
            for engine in engines:
                if n != max(sizes):
                    shutil.rmtree(work / f"{engine}-{n}", ignore_errors=True)
            # A report after every size, so a long run that is stopped still says something.
            res.seconds = time.perf_counter() - t_start
            write(res, args)
        largest = work / f"akhbar-{max(sizes)}"
        if not args.no_serve:
            say("akhbar serve …")
            sets = json.loads(qfile.read_text(encoding="utf-8"))
            mixed = [q for pair in zip(sets["short"], sets["long"]) for q in pair]  # short and long in turn
            res.serve = measure_serve(largest / "index", mixed, cold=min(100, 2 * count - 1))
            cold, warm = summary(res.serve["cold_ms"]), summary(res.serve["warm_ms"])
            say(f"  first search after {res.serve['first_search_seconds']:.2f} s, RSS {res.serve['rss_mb']:.0f} MB; "
                f"cold p50 {cold['p50']:.1f} / p95 {cold['p95']:.1f} ms, warm p50 {warm['p50']:.1f} / p95 {warm['p95']:.1f} ms")
        if not args.no_profile and not _have("pyinstrument"):
            say("profile skipped: pyinstrument is not installed (pip install -e '.[eval]')")
        elif not args.no_profile:
            n_prof = args.profile_articles or (300 if args.quick else 3_000)
            say(f"profile: build of {n_prof:,} and the queries …")
            res.profile, _ = run_worker(["profile", str(n_prof), str(qfile), str(largest), str(work / "profile"), str(args.corpus)])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    res.seconds = time.perf_counter() - t_start
    write(res, args)
    say(f"wrote {args.out}")
    return 0


def write(res: Results, args: argparse.Namespace) -> None:
    """The Markdown report, and the raw figures if asked."""
    info = machine(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    kept = shards.kept_section(args.out)  # measured by --shards, another run
    args.out.write_text(render(res, info).rstrip("\n") + "\n" + kept, encoding="utf-8")
    if args.json:
        raw = {
            "sizes": res.sizes,
            "queries": res.queries,
            "quick": res.quick,
            "started": res.started,
            "seconds": res.seconds,
            "machine": info,
            "builds": [{"engine": e, "n": n, **v} for (e, n), v in res.builds.items()],
            "searches": [{"engine": e, "n": n, **v} for (e, n), v in res.searches.items()],
            "serve": res.serve,
            "profile": res.profile,
            "scale": res.scale,
        }
        args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")


def _cluster(args: argparse.Namespace) -> int:
    """``--shards K``: bench/shards.py's figures, into the Cluster section of --out."""
    if args.shards < 2:
        raise SystemExit("--shards takes 2 or more")
    n = args.shard_articles or (2_000 if args.quick else 20_000)
    count = args.queries or (QUICK_QUERIES if args.quick else 300)
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    work = Path(tempfile.mkdtemp(prefix="akhbar-bench-shards-"))
    try:
        qfile = work / "queries.json"
        qfile.write_text(json.dumps(query_sets(args.titles, count), ensure_ascii=False), encoding="utf-8")
        figures = shards.measure(args.shards, n, args.corpus, qfile, work, say)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["count"] = count
    info = machine(args.out)
    described = f"{info.get('cpu') or 'this machine'}, {info.get('cores', '?')} cores"
    shards.write_section(args.out, shards.section(figures, described))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return 0


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _worker(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "build":
        engine, n, target, corpus = rest
        out = worker_build(engine, int(n), Path(target), Path(corpus))
    elif kind == "query":
        engine, target, qfile = rest
        out = worker_query(engine, Path(target), Path(qfile))
    elif kind == "profile":
        n, qfile, index_dir, target, corpus = rest
        out = worker_profile(int(n), Path(qfile), Path(index_dir), Path(target), Path(corpus))
    elif kind == "shard-build":
        which, n, target, corpus, count = rest
        out = shards.worker_build(which, int(n), Path(target), Path(corpus), int(count))
    elif kind == "shard-query":
        which, target, qfile = rest
        out = shards.worker_query(which, Path(target), Path(qfile))
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
