"""The Markdown report of a benchmark run (docs/benchmarks.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import engines as eng
from bench.measure import summary

FULL_SIZES = (2_000, 20_000, 59_577)
CORPUS_SIZE = FULL_SIZES[-1]
WARMUP = 10

# The goals, checked in the report (they never fail the run): ratios
# are to Tantivy in the same run, at the whole corpus.
GOALS = {
    "short_p50_vs_tantivy": 2.0,
    "long_p95_vs_tantivy": 3.0,
    "long_p95_growth_5x": 2.0,
    "build_vs_tantivy": 6.0,
    "build_rss_mb": 1500.0,
    "cold_p95_ms": 100.0,
    "serve_first_s": 2.0,
    "serve_rss_mb": 600.0,
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
    scale: list[int] | None = None  # --scale: the multiples of the corpus measured


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
    if not any(res.builds.get(("plain", n)) for n in sizes):
        lines[-2:] = ["Not measured in this run (`plain` was not among `--engines`)."]
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

    # Scale
    if res.scale:
        lines += _scale_section(res)

    # Serving
    if res.serve:
        s = res.serve
        cold, warm = summary(s["cold_ms"]), summary(s["warm_ms"])
        lines += [
            "## Serving",
            "",
            f"`akhbar serve` (its default: a process per core) on the {largest:,}-article index: the first search "
            f"answered **{s['first_search_seconds']:.2f} s** after the process started (interpreter, Flask, index, "
            f"word list and per-article arrays loading included); RSS of all its processes "
            f"{s['rss_after_first_mb']:.0f} MB then, **{s['rss_mb']:.0f} MB** after the queries below. Then "
            f"{s['requests']} distinct queries (short and long in turn) one after another over HTTP, the first "
            "time each was asked (cold: the posting lists are read from disk) and again (warm):",
            "",
            "| queries after the start | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|",
            f"| cold (first {s['requests']}) | {cold['p50']:.1f} | {cold['p95']:.1f} | {cold['p99']:.1f} | {cold['max']:.1f} |",
            f"| warm (the same again) | {warm['p50']:.1f} | {warm['p95']:.1f} | {warm['p99']:.1f} | {warm['max']:.1f} |",
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
    command = "python bench/run.py"
    if res.scale:
        command += f" --scale {','.join(map(str, res.scale))}"
    elif tuple(res.sizes) != FULL_SIZES:
        command += f" --sizes {','.join(map(str, res.sizes))}"
    engines = [e for e in eng.ENGINES if any(engine == e for engine, _n in res.builds)]
    if engines and engines != list(eng.ENGINES) and not (res.scale and engines == ["akhbar"]):
        command += f" --engines {','.join(engines)}"
    if res.queries not in (1_000, 50):
        command += f" --queries {res.queries}"
    return command


def _goals(res: Results) -> list[str]:
    n = CORPUS_SIZE if ("akhbar", CORPUS_SIZE) in res.builds else max((size for _e, size in res.builds), default=0)
    full = n >= CORPUS_SIZE
    b, t = res.builds.get(("akhbar", n)), res.builds.get(("tantivy", n))
    s, ts = res.searches.get(("akhbar", n)), res.searches.get(("tantivy", n))
    rows = []

    def row(goal: str, measured: str, ok: bool | None) -> None:
        rows.append(f"| {goal} | {measured} | {'met' if ok else 'not met' if ok is not None else '–'} |")

    if s and ts:
        ratio = s["short"]["p50"] / ts["short"]["p50"]
        row(f"short p50 ≤ {GOALS['short_p50_vs_tantivy']:.0f}× Tantivy's",
            f"{s['short']['p50']:.1f} / {ts['short']['p50']:.1f} ms = {ratio:.1f}×", ratio <= GOALS["short_p50_vs_tantivy"])
        ratio = s["long"]["p95"] / ts["long"]["p95"]
        row(f"long p95 ≤ {GOALS['long_p95_vs_tantivy']:.0f}× Tantivy's",
            f"{s['long']['p95']:.1f} / {ts['long']['p95']:.1f} ms = {ratio:.1f}×", ratio <= GOALS["long_p95_vs_tantivy"])
    if b and t:
        ratio = b["seconds"] / t["seconds"]
        row(f"build ≤ {GOALS['build_vs_tantivy']:.0f}× Tantivy's", f"{b['seconds']:.1f} / {t['seconds']:.1f} s = {ratio:.1f}×",
            ratio <= GOALS["build_vs_tantivy"])
    if b:
        row(f"build peak RSS ≤ {GOALS['build_rss_mb']:.0f} MB", f"{b['peak_rss_mb']:.0f} MB",
            b["peak_rss_mb"] <= GOALS["build_rss_mb"])
    if res.scale and len(res.scale) > 1:
        top = max(res.scale)
        big, one = res.searches.get(("akhbar", CORPUS_SIZE * top)), res.searches.get(("akhbar", CORPUS_SIZE))
        if big and one:
            growth = big["long"]["p95"] / one["long"]["p95"]
            row(f"long p95 at {top}× ≤ {GOALS['long_p95_growth_5x']:.0f}× its value at 1×",
                f"{big['long']['p95']:.1f} / {one['long']['p95']:.1f} ms = {growth:.2f}×", growth <= GOALS["long_p95_growth_5x"])
        big_build = res.builds.get(("akhbar", CORPUS_SIZE * top))
        if big_build:
            row(f"build peak RSS at {top}× (stated)", f"{big_build['peak_rss_mb']:.0f} MB", None)
    if res.serve:
        cold = summary(res.serve["cold_ms"])
        row(f"cold start: first {res.serve['requests']} queries p95 ≤ {GOALS['cold_p95_ms']:.0f} ms",
            f"{cold['p95']:.1f} ms", cold["p95"] <= GOALS["cold_p95_ms"])
        row(f"serve: first search ≤ {GOALS['serve_first_s']:.0f} s", f"{res.serve['first_search_seconds']:.2f} s",
            res.serve["first_search_seconds"] <= GOALS["serve_first_s"])
        row(f"serve: RSS < {GOALS['serve_rss_mb']:.0f} MB (all processes)", f"{res.serve['rss_mb']:.0f} MB",
            res.serve["rss_mb"] < GOALS["serve_rss_mb"])
    head = [f"## Goals ({n:,} articles{'' if full else '; the goals are set for the full corpus'})", "",
            "| goal | measured | |", "|---|---:|---|"]
    return head + rows + ["", "The load test's goal (`python bench/load.py --workers 2`) is measured by bench/load.py.", ""]


def _scale_section(res: Results) -> list[str]:
    """Every figure at each multiple of the corpus, Akhbar only."""
    lines = ["## Scale", "",
             f"The corpus repeated (new ids, dates a year earlier per copy): {', '.join(f'{k}×' for k in res.scale)}.",
             "",
             "| corpus | articles | build s | articles/s | peak RSS MB | index MB | short p50 | short p95 | long p50 "
             "| long p95 | long p95 vs 1× |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    base = res.searches.get(("akhbar", CORPUS_SIZE * min(res.scale)))
    for k in res.scale:
        n = CORPUS_SIZE * k
        b, s = res.builds.get(("akhbar", n)), res.searches.get(("akhbar", n))
        if not b or not s:
            continue
        lines.append(
            f"| {k}× | {n:,} | {b['seconds']:.1f} | {b['rate']:,.0f} | {_mb(b['peak_rss_mb'])} | {b['size_bytes'] / 1e6:,.1f} "
            f"| {s['short']['p50']:.1f} | {s['short']['p95']:.1f} | {s['long']['p50']:.1f} | {s['long']['p95']:.1f} "
            f"| {_ratio(s['long']['p95'], base['long']['p95'] if base else 0)} |"
        )
    return lines + ["", "Milliseconds per query, as in the table above.", ""]


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
            "  - Matching, counting and scoring are array operations over each term's posting list (numpy, "
            "search/arrays.py), memory-mapped from the flat arrays each segment has beside Whoosh's files "
            "(search/flat.py): a list is a slice, shared by every process through the page cache. An index without "
            "them decodes Whoosh's blocks once per process and keeps them for every thread (`akhbar serve "
            "--cache-mb`, 512 MB by default: 64 million postings).",
            "  - A long headline query scores every article that has any of its words. MaxScore over the arrays "
            "(per-term bounds from each term's largest BM25 part; rare terms scored whole, the common ones looked up "
            "only for the articles that could still reach the page) was tried and measured slower on 297,885 "
            "articles (long p50 47 against 31 ms): a whole list costs a few array operations, and the thresholds and "
            "binary searches cost as much as they save.",
            "  - Phrases: a phrase's positions are read only for the articles its bonus could lift onto the page "
            "(search/ranking.py), for each shown story's best article and its copies shown, and in an all-words "
            "query only where its other words are (search/phrases.py); an article's positions are a slice of the "
            "flat values beside the lists, or in a segment without them a decoded Whoosh block (about 0.1 ms).",
            "  - Snippets: each article of the page is scanned once per query stem for the places where it "
            "writes the stem's letters (any hamza or alef form, marks between them), and only the words around "
            "those places are analysed (search/analysis/marking.py, Marker); reading the page's stored text and cutting "
            "the passages is most of what is left.",
        ]
    lines += ["- Tantivy and FTS5 do the same work in native code: the figures above are the distance.", ""]
    return lines
