"""Akhbar's speed, measured beside the engines a user would pick instead.

    python bench/run.py                 # N = 2,000, 20,000 and all 59,577; writes docs/benchmarks.md
    python bench/run.py --quick         # N = 2,000 and 50 queries a set (CI: proves it works)
    python bench/run.py --quick --out /tmp/b.md --sizes 2000,5000 --queries 300

One run, the same documents and the same queries for every engine:

* builds Akhbar (``search.index.build``), the same build with a plain analyzer
  (regex words + lowercase, same writer settings), SQLite FTS5 and Tantivy over
  the first N articles of ``../shared/corpus/news.jsonl.gz``: articles/s, MB/s
  (UTF-8 title + body), peak RSS (the whole process tree, sampled), index size;
* runs two query sets, page of 10 with snippets: the 1,000 titles of
  ``../shared/eval/news-titles/queries.jsonl`` (long) and 1,000 runs of 1-3
  consecutive words cut from them (short); p50/p95/p99;
* starts ``akhbar serve`` on the largest Akhbar index: time to its first
  answered search, and its RSS after serving queries;
* profiles a build and the queries with pyinstrument (which functions take
  the time);
* writes all of it, with the machine, to ``docs/benchmarks.md`` (``--out``).

Every build and every query set runs in a fresh process, so one engine's
memory or caches never count for another.  Reading and parsing the corpus
is part of every build (all engines read the same stream).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import engines as eng  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "news.jsonl.gz"
TITLES = SHARED / "eval" / "news-titles" / "queries.jsonl"
FULL_SIZES = (2_000, 20_000, 59_577)
QUICK_SIZES = (2_000,)
FULL_QUERIES = 1_000
QUICK_QUERIES = 50
WARMUP = 10
PROFILE_QUERIES = 200  # a set, under the profiler
SEED = 20221114

# The goals, checked in the report (they never fail the run).
GOALS = {
    "build_seconds_full": 150.0,
    "build_rate": 400.0,
    "build_rss_mb": 1500.0,
    "analysis_overhead": 0.15,
    "short_p50": 10.0,
    "short_p95": 40.0,
    "long_p95": 150.0,
    "serve_first_s": 2.0,
    "serve_rss_mb": 600.0,
}


# -- inputs ----------------------------------------------------------------------------------


def read_articles(corpus: Path, n: int):
    """The first ``n`` good articles of the corpus, streamed."""
    from search.ingest import Article, read_sources

    records = (r for r in read_sources([corpus]) if isinstance(r, Article))
    return itertools.islice(records, n)


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


# -- measuring child processes ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo += _children(p)
    return total / 1024


class PeakSampler:
    """Samples a process tree's RSS until stopped; the peak is what counts."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_worker(args: list[str], timeout: float = 3600) -> tuple[dict, float]:
    """Run this script as a worker; its JSON answer and its tree's peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    sampler = PeakSampler(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        peak = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args)} failed ({proc.returncode}):\n{err[-4000:]}")
    return json.loads(out.strip().splitlines()[-1]), peak


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


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
    "Akhbar analysis: tokenizing, cache lookups": ("CachedChain._tokens (search/analysis.py)",),
    "  of which a word's first sight: the filter chain, the stemmer": ("CachedChain._outputs (search/analysis.py)",),
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
        "FacetValues.counts (search/matching.py)",
    ),
    "  scoring the matches (BM25F, term by term)": ("scores (search/ranking.py)",),
    "  of the two above, reading posting lists (a term's first use)": ("PostingLists.get (search/matching.py)",),
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


# -- akhbar serve ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_serve(index_dir: Path, queries: list[str], count: int = 200) -> dict:
    """Start ``akhbar serve``, poll a search until it answers, serve
    ``count`` more searches, then read the server's RSS."""
    port = free_port()
    cmd = [sys.executable, "-m", "search", "serve", "--index-dir", str(index_dir), "--port", str(port)]
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=log)
    first = None
    try:
        path = "/api/search?per_page=10&q=" + quote(queries[0])
        deadline = started + 120
        while time.perf_counter() < deadline and proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    first = time.perf_counter() - started
                    break
            except OSError:
                time.sleep(0.02)
        if first is None:
            log.seek(0)
            raise RuntimeError(f"akhbar serve did not answer: {log.read().decode(errors='replace')[-2000:]}")
        rss_first = _rss_kb(proc.pid) / 1024
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times = []
        for q in itertools.islice(itertools.cycle(queries), count):
            t0 = time.perf_counter()
            conn.request("GET", "/api/search?per_page=10&q=" + quote(q))
            response = conn.getresponse()
            response.read()
            times.append((time.perf_counter() - t0) * 1000)
        conn.close()
        status = {}
        with open(f"/proc/{proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    status[line.split(":")[0]] = int(line.split()[1]) / 1024
        return {
            "first_search_seconds": first,
            "rss_after_first_mb": rss_first,
            "rss_mb": status.get("VmRSS", 0.0),
            "peak_rss_mb": status.get("VmHWM", 0.0),
            "requests": count,
            "http_ms": times,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# -- statistics and the report -------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def summary(ms: list[float]) -> dict:
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": sum(ms) / len(ms) if ms else float("nan"),
        "max": max(ms) if ms else float("nan"),
    }


@dataclass
class Results:
    sizes: list[int]
    queries: int
    quick: bool
    builds: dict = field(default_factory=dict)  # (engine, n) -> dict
    searches: dict = field(default_factory=dict)  # (engine, n) -> dict
    serve: dict | None = None
    profile: dict | None = None
    started: str = ""
    seconds: float = 0.0


def machine(report: Path | None = None) -> dict:
    """The machine, the library versions and the commit measured (changes
    to ``report`` itself, which the run rewrites after every size, aside)."""
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for module in ("whoosh", "tantivy", "tashaphyne", "pyinstrument"):
        try:
            from importlib.metadata import version

            dist = {"whoosh": "whoosh3"}.get(module, module)
            versions[module] = version(dist)
        except Exception:
            versions[module] = "?"
    versions["sqlite"] = sqlite3.sqlite_version
    commit = "unknown"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or commit
        aside = [f":(exclude){report.resolve()}"] if report is not None else []
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--", ".", *aside],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if dirty:
            commit += " with uncommitted changes"
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "commit": commit,
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }


def _ratio(a: float, b: float) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.2f}×"


def _mb(x: float) -> str:
    return f"{x:,.0f}"


def render(res: Results, info: dict) -> str:
    """The Markdown report."""
    sizes = res.sizes
    largest = max(sizes)
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `{_command(res)}` on {res.started}, Akhbar at commit {info['commit']} "
        f"(the whole run took {res.seconds / 60:.1f} min).",
        "Regenerate with `python bench/run.py` (everything below is written by it; `--quick` is the CI smoke run).",
        "",
        "## Machine",
        "",
        f"- {info['cores']} cores ({info['cpu'] or 'unknown CPU'}), {info['ram_gb']} GB RAM, {info['system']}",
        f"- Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
        "- Shared with other users' test runs: timings are noisy (a few runs differ by 10–30 %).",
        "",
        "## Method",
        "",
        "- Documents: the first N articles of `../shared/corpus/news.jsonl.gz` (real Arabic news: ANT Corpus v2.1 "
        "and SaudiNewsNet, see `../shared/README.md`). Every build streams them from the gzip file: reading and "
        "JSON parsing are part of every engine's time.",
        "- Akhbar: `search.index.build` exactly as `akhbar build` runs it (writer settings in "
        "`search/index.py: BUILD_WRITER`). *Plain*: the same build, same writer, with Whoosh's "
        "`RegexTokenizer(r\"\\w+\") | LowercaseFilter()` in every text field. FTS5: one table "
        "(`unicode61 remove_diacritics 2`), title and body columns. Tantivy: the `tantivy` wheel, "
        "regex tokenizer keeping marks inside words, lowercase, Snowball Arabic, writer with 2 threads.",
        "- Peak RSS is the resident memory of the whole process tree (Whoosh's indexing subprocesses included), "
        "sampled every 50 ms. Index size is the files on disk.",
        f"- Queries: {res.queries} *long* queries (the titles of `../shared/eval/news-titles/queries.jsonl`) and "
        f"{res.queries} *short* ones (1–3 consecutive words cut from the same titles, fixed seed), each a page "
        "of 10 results with snippets, one after another in one process after "
        f"{WARMUP} warm-up queries per set. Akhbar: `Searcher.search` (ranking, snippets and marked titles for "
        "the page, facet counts, a spelling suggestion when fewer than 3 results). FTS5: `bm25()` order and "
        "`snippet()` on the body. Tantivy: top 10, stored document and `SnippetGenerator` on the body. In every "
        "engine a query of up to three words needs all of them and a longer one any (Akhbar's *auto* mode).",
        "",
    ]

    # Builds
    lines += ["## Build", "", "| N | engine | seconds | CPU s | articles/s | MB/s | peak RSS MB | index MB | time vs Akhbar |",
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        base = res.builds.get(("akhbar", n), {})
        for engine in eng.ENGINES:
            b = res.builds.get((engine, n))
            if not b:
                continue
            lines.append(
                f"| {n:,} | {engine} | {b['seconds']:.1f} | {b.get('cpu_seconds', 0):.1f} | {b['rate']:,.0f} | {b['mb_s']:.2f} | {_mb(b['peak_rss_mb'])} "
                f"| {b['size_bytes'] / 1e6:,.1f} | {_ratio(b['seconds'], base.get('seconds', 0))} |"
            )
    lines += ["", "Time vs Akhbar below 1 means faster than Akhbar. CPU s is the CPU time of the build's processes "
              "(all of them, reading the corpus and starting Python included): more than the seconds when two "
              "cores work, and a check on the wall time when other work shares the machine.", ""]

    lines += ["### Cost of the Arabic analysis", "",
              "| N | Akhbar s | plain analyzer s | Akhbar / plain | overhead |", "|---:|---:|---:|---:|---:|"]
    for n in sizes:
        a, p = res.builds.get(("akhbar", n)), res.builds.get(("plain", n))
        if a and p:
            lines.append(
                f"| {n:,} | {a['seconds']:.1f} | {p['seconds']:.1f} | {a['seconds'] / p['seconds']:.2f} "
                f"| {(a['seconds'] / p['seconds'] - 1) * 100:+.0f} % |"
            )
    lines.append("")

    # Queries
    lines += ["## Queries", "", "Milliseconds per query (page of 10 with snippets).", "",
              "| N | set | engine | p50 | p95 | p99 | mean | no result | p50 vs Akhbar | p95 vs Akhbar | searcher open s |",
              "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        for name in ("short", "long"):
            base = res.searches.get(("akhbar", n), {}).get(name)
            for engine in eng.QUERY_ENGINES:
                s = res.searches.get((engine, n))
                if not s:
                    continue
                q = s[name]
                lines.append(
                    f"| {n:,} | {name} | {engine} | {q['p50']:.1f} | {q['p95']:.1f} | {q['p99']:.1f} | {q['mean']:.1f} "
                    f"| {q['empty']} | {_ratio(q['p50'], base['p50'] if base else 0)} "
                    f"| {_ratio(q['p95'], base['p95'] if base else 0)} | {s['open_seconds']:.2f} |"
                )
    lines += ["", "Ratios below 1 mean the engine is faster than Akhbar.", ""]

    # Serving
    if res.serve:
        s = res.serve
        h = summary(s["http_ms"])
        lines += [
            "## Serving",
            "",
            f"`akhbar serve` on the {largest:,}-article index: the first search answered "
            f"**{s['first_search_seconds']:.2f} s** after the process started (interpreter, Flask, index and word "
            f"list loading included); RSS {s['rss_after_first_mb']:.0f} MB then, **{s['rss_mb']:.0f} MB** after "
            f"{s['requests']} more searches over HTTP (peak {s['peak_rss_mb']:.0f} MB). Those searches took p50 "
            f"{h['p50']:.1f} ms, p95 {h['p95']:.1f} ms through HTTP and JSON.",
            "",
        ]

    # Goals
    lines += _goals(res)

    # Profile
    if res.profile:
        lines += _profile_section(res.profile)
    else:
        lines += ["## Where the time goes", "", "Not profiled in this run (`--no-profile`, or pyinstrument missing).", ""]
    lines += next_steps(res.profile)
    return "\n".join(lines) + "\n"


def _command(res: Results) -> str:
    if res.quick:
        return "python bench/run.py --quick"
    return "python bench/run.py"


def _goals(res: Results) -> list[str]:
    n = max((size for _engine, size in res.builds), default=max(res.sizes))
    full = n >= FULL_SIZES[-1]
    b = res.builds.get(("akhbar", n))
    p = res.builds.get(("plain", n))
    s = res.searches.get(("akhbar", n))
    rows = []

    def row(goal: str, measured: str, ok: bool | None) -> None:
        rows.append(f"| {goal} | {measured} | {'met' if ok else 'not met' if ok is not None else '–'} |")

    if b:
        row(f"build all 59,577 in ≤ {GOALS['build_seconds_full']:.0f} s",
            f"{b['seconds']:.0f} s for {n:,}" + ("" if full else " (not the full corpus)"),
            b["seconds"] <= GOALS["build_seconds_full"] if full else None)
        row(f"≥ {GOALS['build_rate']:.0f} articles/s", f"{b['rate']:.0f}/s", b["rate"] >= GOALS["build_rate"])
        row(f"build peak RSS ≤ {GOALS['build_rss_mb']:.0f} MB", f"{b['peak_rss_mb']:.0f} MB",
            b["peak_rss_mb"] <= GOALS["build_rss_mb"])
    if b and p:
        over = b["seconds"] / p["seconds"] - 1
        row(f"Arabic analysis ≤ {GOALS['analysis_overhead'] * 100:.0f} % over plain", f"{over * 100:+.0f} %",
            over <= GOALS["analysis_overhead"])
    if s:
        row(f"short p50 ≤ {GOALS['short_p50']:.0f} ms", f"{s['short']['p50']:.1f} ms", s["short"]["p50"] <= GOALS["short_p50"])
        row(f"short p95 ≤ {GOALS['short_p95']:.0f} ms", f"{s['short']['p95']:.1f} ms", s["short"]["p95"] <= GOALS["short_p95"])
        row(f"long p95 ≤ {GOALS['long_p95']:.0f} ms", f"{s['long']['p95']:.1f} ms", s["long"]["p95"] <= GOALS["long_p95"])
    if res.serve:
        row(f"serve: first search ≤ {GOALS['serve_first_s']:.0f} s", f"{res.serve['first_search_seconds']:.2f} s",
            res.serve["first_search_seconds"] <= GOALS["serve_first_s"])
        row(f"serve: RSS < {GOALS['serve_rss_mb']:.0f} MB", f"{res.serve['rss_mb']:.0f} MB",
            res.serve["rss_mb"] < GOALS["serve_rss_mb"])
    head = [f"## Goals ({n:,} articles{'' if full else '; the goals are set for the full corpus'})", "",
            "| goal | measured | |", "|---|---:|---|"]
    return head + rows + [""]


def _profile_section(prof: dict) -> list[str]:
    lines = ["## Where the time goes", ""]
    b = prof["build"]
    lines += [
        f"pyinstrument, build of {prof['build_articles']:,} articles in one process "
        f"({b['total']:.1f} s under the profiler; the real build runs the same code in two processes).",
        "",
        "| part of the build | seconds | share |",
        "|---|---:|---:|",
    ]
    for label, seconds in b["groups"]:
        lines.append(f"| {label} | {seconds:.1f} | {seconds / b['total'] * 100:.0f} % |")
    lines += ["", "Functions with the most own time (build):", "", "| function | own s | share |", "|---|---:|---:|"]
    for func, seconds in b["own"]:
        lines.append(f"| `{func}` | {seconds:.2f} | {seconds / b['total'] * 100:.1f} % |")
    for name, q in prof["queries"].items():
        per = q["total"] * 1000 / max(1, q["count"])
        lines += [
            "",
            f"Queries, {name} set ({q['count']} queries on the largest index, {per:.1f} ms a query under the profiler):",
            "",
            "| part of a query | ms a query | share |",
            "|---|---:|---:|",
        ]
        for label, seconds in q["groups"]:
            lines.append(f"| {label} | {seconds * 1000 / max(1, q['count']):.2f} | {seconds / q['total'] * 100:.0f} % |")
        lines += ["", "| function | own ms a query | share |", "|---|---:|---:|"]
        for func, seconds in q["own"][:10]:
            lines.append(f"| `{func}` | {seconds * 1000 / max(1, q['count']):.2f} | {seconds / q['total'] * 100:.1f} % |")
    lines.append("")
    return lines


def _schema_shape() -> tuple[list[str], list[str]]:
    """The text fields of Akhbar's schema, and those that keep positions."""
    from whoosh.fields import TEXT

    from search.index import make_schema

    schema = make_schema()
    text = [name for name, f in schema.items() if isinstance(f, TEXT)]
    positions = [name for name in text if schema[name].format.supports("positions")]
    return text, positions


def next_steps(prof: dict | None) -> list[str]:
    """What the profile says would cut the most, with its own numbers."""
    lines = ["## What would cut the time most", ""]
    text, positions = _schema_shape()
    if prof:
        b = prof["build"]
        groups = dict(b["groups"])
        total = b["total"] or 1.0
        analysis = groups.get("Akhbar analysis: tokenizing, cache lookups", 0.0)
        add = groups.get("Whoosh add_document (the analysis above, then postings into the pool)", 0.0)
        commit = groups.get("Whoosh commit: sorting and writing postings, term index, columns", 0.0)
        pool = groups.get("  of which gathering postings per term", 0.0)
        whoosh = max(0.0, add - analysis - pool) + commit
        lines.append(
            f"- **Build: fewer postings.** With the analysis cached per distinct word, Akhbar's analysis is "
            f"{analysis / total * 100:.0f} % of the profiled build, gathering the postings per term "
            f"(search/pool.py) {pool / total * 100:.0f} %, and Whoosh's own Python {whoosh / total * 100:.0f} % "
            f"(turning each field into postings, then writing posting blocks, the term index and the length "
            f"columns). Each article is indexed into {len(text)} text fields "
            f"({', '.join(f'`{n}`' for n in text)}), {len(positions)} with positions "
            f"({', '.join(f'`{n}`' for n in positions) or 'none'}): Whoosh's cost follows the number of postings, so "
            "every field or position list that no query needs is build time (and index size) to win back. Two "
            "processes already share the work; a third core would help in proportion."
        )
        qs = prof["queries"]
        for name in ("short", "long"):
            if name not in qs:
                continue
            q = qs[name]
            g = dict(q["groups"])
            t = q["total"] or 1.0
            match = g.get("  matching: the articles, the total, facet counts", 0.0)
            score = g.get("  scoring the matches (BM25F, term by term)", 0.0)
            read = g.get("  of the two above, reading posting lists (a term's first use)", 0.0)
            hits = g.get("  snippets and marked titles for the page", 0.0)
            sug = g.get("  spelling suggestion (fewer than 3 results)", 0.0)
            lines.append(
                f"- **{name.capitalize()} queries:** matching and facet counts {match / t * 100:.0f} %, scoring "
                f"{score / t * 100:.0f} % (of these two, reading posting lists {read / t * 100:.0f} %), snippets for "
                f"the page {hits / t * 100:.0f} %, the spelling suggestion {sug / t * 100:.0f} % of the time."
            )
        lines += [
            "  - Matching and scoring read each term's posting list once, a block of postings at a time, and "
            "keep it for the searcher's life (up to 4 million postings): the first query with a common word pays "
            "for reading it, later ones only for the Python loop that scores it.",
            "  - Scoring is a Python loop over the postings of every term in four fields. A long headline query "
            "scores every article that has any of its words; skipping those whose best possible score cannot "
            "reach the page (MaxScore, with per-term upper bounds) would leave most of them unscored. This is "
            "the largest step left for long queries.",
            "  - Snippets look at each distinct word of the page's articles once a query (a word the analysis "
            "has not seen is only normalized, and analysed only if it could contain a query term), then walk "
            "each article's words once more to place the marks. Keeping each article's word offsets in the "
            "index would replace both walks by a read, at the cost of index size.",
        ]
    lines += ["- Tantivy and FTS5 do the same work in native code: the figures above are the distance.", ""]
    return lines


# -- the run ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N = 2,000 and 50 queries a set (for CI)")
    parser.add_argument("--sizes", help="comma-separated N (default: 2000,20000,59577; --quick: 2000)")
    parser.add_argument("--queries", type=int, help="queries in each set (default 1000; --quick 100)")
    parser.add_argument("--engines", default=",".join(eng.ENGINES), help="comma-separated subset of " + ",".join(eng.ENGINES))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the Markdown report")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--titles", type=Path, default=TITLES)
    parser.add_argument("--no-serve", action="store_true", help="skip the akhbar serve measurement")
    parser.add_argument("--no-profile", action="store_true", help="skip the pyinstrument profiles")
    parser.add_argument("--profile-articles", type=int, help="articles in the profiled build (default 3000; --quick 300)")
    parser.add_argument("--keep", type=Path, help="build in this directory and keep it (default: a temporary one)")
    parser.add_argument("--from-json", type=Path, help="only write the report again from the raw figures of --json")
    parser.add_argument("--worker", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        return _worker(args.worker)
    if args.from_json:
        raw = json.loads(args.from_json.read_text(encoding="utf-8"))
        sizes = raw.get("sizes") or sorted({b["n"] for b in raw["builds"]})
        res = Results(sizes=sizes, queries=raw.get("queries", FULL_QUERIES), quick=raw.get("quick", False),
                      started=raw.get("started", ""), seconds=raw.get("seconds", 0.0), serve=raw.get("serve"),
                      profile=raw.get("profile"))
        res.builds = {(b["engine"], b["n"]): b for b in raw["builds"]}
        res.searches = {(q["engine"], q["n"]): q for q in raw["searches"]}
        args.out.write_text(render(res, raw["machine"]), encoding="utf-8")
        return 0

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if args.quick else FULL_SIZES)
    count = args.queries or (QUICK_QUERIES if args.quick else FULL_QUERIES)
    engines = [e for e in args.engines.split(",") if e]
    unknown = set(engines) - set(eng.ENGINES)
    if unknown or "akhbar" not in engines:
        parser.error(f"--engines must include akhbar and be among {', '.join(eng.ENGINES)}")
    for path in (args.corpus, args.titles):
        if not path.exists():
            parser.error(f"{path} is missing")

    res = Results(sizes=sizes, queries=count, quick=args.quick, started=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
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
            res.serve = measure_serve(largest / "index", sets["short"] + sets["long"], count=min(200, 2 * count))
            say(f"  first search after {res.serve['first_search_seconds']:.2f} s, RSS {res.serve['rss_mb']:.0f} MB")
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
    args.out.write_text(render(res, info), encoding="utf-8")
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
        }
        args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")


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
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
