"""The ``akhbar`` command: everything a user runs.

This module is the composition root: it may import ``web``; nothing else in
``search`` does.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from search import arrays
from search import index as idx
from search.cluster import shards as shard_layout
from search.cluster.coordinator import Coordinator
from search.cluster.local import InProcess
from search.ingest import NOTE, SOURCE, Article, Problem, read_sources
from search.query import QueryError
from search.searcher import MAX_PER_PAGE, SORTS, Searcher
from search.serialize import results_to_dict

DEFAULT_SOURCES = ("seeds",)

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=idx.DEFAULT_INDEX_DIR,
    envvar="AKHBAR_INDEX",
    show_default=True,
    show_envvar=True,
    help="Directory holding the index.",
)


def _report_problem(problem: Problem) -> None:
    click.echo(f"{'note' if problem.kind == NOTE else 'skipped'} {problem}", err=True)


def _report_duplicate(article: Article, earlier: str) -> None:
    later = article.origin or "a later record"
    click.echo(f"duplicate id {article.id!r}: {later} replaces {earlier or 'an earlier one'}", err=True)


# Exit status when another process holds the index (EX_TEMPFAIL: try again later).
EXIT_LOCKED = 75
# How long `serve` waits for another writer before building its seed index.
SERVE_BUILD_WAIT = 60.0


class _Locked(click.ClickException):
    exit_code = EXIT_LOCKED


def _waiting(wait: float) -> Callable[[str], None]:
    def tell(holder: str) -> None:
        click.echo(f"the index is being written by another process ({holder}); waiting up to {wait:g} s", err=True)

    return tell


wait_option = click.option(
    "--wait",
    type=click.FloatRange(0),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="If another build or add is writing the index, wait this long for it, then fail.",
)


class _Progress:
    """A progress bar with articles/s on a terminal, nothing otherwise."""

    def __init__(self, label: str) -> None:
        self.bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(desc=label, unit=" articles", file=sys.stderr, smoothing=0.1)

    def __call__(self, _article) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _finish(report: idx.Report) -> None:
    click.echo(report.summary())
    if report.indexed + report.updated == 0:
        raise click.ClickException("nothing could be indexed")
    unread = [p.path for p in report.problems if p.kind == SOURCE]
    if unread:
        shown = ", ".join(unread[:5]) + (f" and {len(unread) - 5} more" if len(unread) > 5 else "")
        raise click.ClickException(f"{len(unread)} source(s) could not be read ({shown}); the rest is indexed")


SOURCES_HELP = """
    SOURCES are files, directories (every file in them that is recognised,
    recursively) and http(s):// urls, of these kinds:

    \b
    - JSON Lines (.jsonl, .jsonl.gz) and CSV (.csv) with the fields id,
      title, body, date, source, category, url; plain text (.txt), one
      article a file;
    - RSS 2.0 and Atom feeds (.rss, .atom, .xml, or a feed url): an article
      per entry, its text from the entry's full content, else (see
      --fetch-pages) from its page, else its summary;
    - news pages (.html, .htm, or a page url): the article's text without
      the page's navigation, ads and footers, its title, date, canonical url
      and site name;
    - WARC files (.warc, .warc.gz) from crawlers: every HTML page archived
      with status 200;
    - news sitemaps (sitemap.xml with <news:news> entries): their pages are
      fetched.

    Files with another or no extension are recognised by their content.
    Pages are fetched politely (robots.txt, a few requests a second per
    site, timeouts, a size cap).  An article read from several sources (a
    feed and its page, a WARC file) is one article, by its url.
"""

fetch_pages_option = click.option(
    "--fetch-pages/--no-fetch-pages",
    default=None,
    help="Fetch the page of a feed entry that has only a summary, for its full text "
    "(default: for feeds given as urls, not for feed files; news sitemaps always need it).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Akhbar (أخبار): search Arabic news.

    Build an index from corpus files, search it from the command line, or
    serve the search page and JSON API.
    """


def _with_sources_help(command: Callable) -> Callable:
    command.__doc__ = command.__doc__.replace("\n    SOURCES_HELP\n", SOURCES_HELP)
    return command


ray_option = click.option(
    "--ray", "ray_address", metavar="ADDRESS",
    help="A Ray cluster to run on (host:6379, or auto for the one this machine has joined); needs the "
         "cluster extra: pip install -e '.[cluster]'. The index directory must be at the same path on every node.",
)


def _connect_ray(address: str) -> None:
    try:
        from search.cluster import ray_backend
    except ImportError:
        raise click.ClickException("--ray needs the ray package: pip install -e '.[cluster]'") from None
    try:
        ray_backend.connect(address)
    except Exception as error:  # ConnectionError and Ray's own
        raise click.ClickException(f"cannot join the Ray cluster at {address}: {error}") from None


@main.command()
@click.argument("sources", nargs=-1)
@fetch_pages_option
@click.option("--shards", type=click.IntRange(1, shard_layout.MAX_SHARDS), default=None,
              help="Split the index into N shards, articles routed by a hash of their id (default: as many as "
                   "the index has now, else 1: one plain index). Search them with akhbar serve (a process per "
                   "shard, or --ray).")
@ray_option
@index_dir_option
@wait_option
@_with_sources_help
def build(sources: tuple[str, ...], fetch_pages: bool | None, shards: int | None, ray_address: str | None,
          index_dir: Path, wait: float) -> None:
    """Build a fresh index from SOURCES (default: seeds/).

    SOURCES_HELP

    The new index replaces the old one atomically only once it is complete;
    bad records are reported with their file and line (or url) and skipped;
    of records with the same id the last is kept.  The exit status is 1 if
    a source could not be read at all (the rest is indexed).  Only one build
    or add writes an index at a time: another one fails at once (exit status
    75), or after --wait SECONDS.

    Once written, the index is mined for the words its articles write in
    several ways (أمريكي / أميركي; a name in a handful of articles beside its
    usual spelling), which every search then matches together.
    """
    existing = shard_layout.load(index_dir)
    count = shards or (existing.count if existing else 1)
    runner = shard_layout.write_here
    if ray_address:
        if count == 1:
            raise click.UsageError("--ray builds shards: give --shards N (2 or more)")
        _connect_ray(ray_address)
        from search.cluster.ray_backend import write_on_ray

        runner = write_on_ray
    progress = _Progress("indexing")
    try:
        report = shard_layout.build(
            index_dir,
            read_sources(sources or DEFAULT_SOURCES, fetch_pages=fetch_pages),
            count,
            on_problem=_report_problem,
            on_article=progress,
            on_duplicate=_report_duplicate,
            wait=wait,
            on_wait=_waiting(wait),
            runner=runner,
        )
    except idx.IndexLocked as error:
        raise _Locked(str(error)) from None
    finally:
        progress.close()
    _finish(report)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@fetch_pages_option
@index_dir_option
@wait_option
@_with_sources_help
def add(sources: tuple[str, ...], fetch_pages: bool | None, index_dir: Path, wait: float) -> None:
    """Add articles from SOURCES to the index, replacing any with the same id.

    SOURCES_HELP

    Searches see all of the additions or none (when SOURCES repeat an id,
    its last record follows in a second commit).  The exit status is 1 if a
    source could not be read at all (the rest is added).  Only one build or
    add writes an index at a time: another one fails at once (exit status
    75), or after --wait SECONDS.
    """
    progress = _Progress("adding")
    try:
        report = shard_layout.add(
            index_dir,
            read_sources(sources, fetch_pages=fetch_pages),
            on_problem=_report_problem,
            on_article=progress,
            on_duplicate=_report_duplicate,
            wait=wait,
            on_wait=_waiting(wait),
        )
    except idx.IndexMissing as error:
        raise click.ClickException(str(error)) from None
    except idx.IndexLocked as error:
        raise _Locked(str(error)) from None
    finally:
        progress.close()
    _finish(report)


class Duration(click.ParamType):
    """A time span: 90, 90s, 10m, 1.5h."""

    name = "duration"
    _FORM = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*", re.IGNORECASE)
    _UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        match = self._FORM.fullmatch(str(value))
        if not match:
            self.fail(f"{value!r} is not a duration (e.g. 30s, 10m, 1h)", param, ctx)
        seconds = float(match.group(1)) * self._UNIT[(match.group(2) or "s").lower()]
        if seconds < 1:
            self.fail("the interval must be at least 1 s", param, ctx)
        return seconds


@main.command()
@click.argument("feeds", nargs=-1, required=True)
@click.option("--every", type=Duration(), default="10m", show_default=True, metavar="DURATION",
              help="Poll each feed this often (e.g. 30s, 10m, 1h).")
@click.option("--fetch-pages/--no-fetch-pages", default=True, show_default=True,
              help="Fetch the page of an entry that has only a summary, for its full text.")
@index_dir_option
def watch(feeds: tuple[str, ...], every: float, fetch_pages: bool, index_dir: Path) -> None:
    """Keep the index fresh from FEEDS (RSS or Atom urls) until stopped.

    Each feed is polled with a conditional GET (ETag, Last-Modified) every
    DURATION; its new and changed entries are added to the index (created
    if there is none) in one all-or-nothing add per poll, which a running
    `akhbar serve` shows without a restart.  A feed that is down is logged
    and retried later and later (up to an hour apart); the others go on.
    SIGINT (Ctrl-C) or SIGTERM stops it cleanly: an add under way is
    finished, a fetch under way abandoned; the index is always complete.
    """
    from search.watch import Watcher

    bad = [url for url in feeds if not url.lower().startswith(("http://", "https://"))]
    if bad:
        raise click.UsageError(f"not an http(s) url: {', '.join(bad)} (read files with akhbar add)")

    def log(message: str) -> None:
        click.echo(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", err=True)

    watcher = Watcher(index_dir, list(feeds), every, fetch_pages=fetch_pages, log=log)

    def stop(signum, _frame) -> None:
        # A second signal while an add finishes: the add is cancelled whole.
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
        watcher.interrupt()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    log(f"watching {len(watcher.feeds)} feed(s) every {every:g} s into {index_dir}")
    try:
        watcher.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        watcher.fetcher.close()


def _open(index_dir: Path) -> Searcher | Coordinator:
    """The index's searcher; a sharded index's shards searched in this process
    (one command, no processes to start)."""
    try:
        manifest = shard_layout.load(index_dir)
        if manifest is None:
            return Searcher(index_dir)
        return Coordinator(index_dir, InProcess(index_dir, manifest))
    except idx.IndexMissing as error:
        raise click.ClickException(str(error)) from None


def _terminal_marks(html: str, colour: bool) -> str:
    from html import unescape

    if colour:
        html = html.replace("<mark>", "\x1b[1;33m").replace("</mark>", "\x1b[0m")
    else:
        html = html.replace("<mark>", "[").replace("</mark>", "]")
    return unescape(html)


@main.command("search")
@click.argument("query")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, MAX_PER_PAGE))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--collapse/--no-collapse", default=True, show_default=True,
              help="Fold near-copies of a story (wire copies) under its best-ranked article.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the web API serves.")
@index_dir_option
def search_command(query: str, limit: int, page: int, sort: str, collapse: bool, as_json: bool,
                   index_dir: Path) -> None:
    """Search the index for QUERY and print ranked results with snippets.

    QUERY takes words (all must match), "exact phrases", -excluded words and
    OR between words.  A word also matches the other ways the archive writes
    it (أمريكي finds أميركي), the typed one ranking first, and a word the
    archive does not write is searched in its nearest spelling that it does
    (زيلنسكي finds زيلينسكي); a word in quotes matches its own spelling only.
    A word of a short query matches with its nisba adjective's ي or without
    it, as typed (المدن does not match an article that only writes المدني),
    a decade's two spellings alike (الثمانينات, الثمانينيات), and a word
    typed in the feminine matches its feminine forms (الطائرة does not
    match an article that only writes الطائر), a verb in ت not the
    feminine nouns of its stem (حفلت does not match حفلات), a plural in
    ات not the verb (تداولات does not match تداولت).
    Matched words are shown in colour on a terminal and [in brackets]
    otherwise.
    """
    searcher = _open(index_dir)
    try:
        results = searcher.search(query, page=page, per_page=limit, sort=sort, collapse=collapse)
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        click.echo(json.dumps(results_to_dict(results), ensure_ascii=False, indent=2))
        return
    colour = sys.stdout.isatty()
    stories = f" in {results.stories} stories" if collapse and results.stories != results.total else ""
    click.echo(f"{results.total} results{stories} ({results.took_ms:.0f} ms)")
    if results.suggestion:
        click.echo(f"هل تقصد: {results.suggestion}")
    for rank, hit in enumerate(results.hits, start=(page - 1) * limit + 1):
        meta = " · ".join(x for x in (hit.source, hit.date.date().isoformat() if hit.date else "", hit.category) if x)
        click.echo(f"\n{rank}. {_terminal_marks(hit.title_html, colour) or hit.id}  [{hit.id}]  {hit.score:.2f}")
        if meta:
            click.echo(f"   {meta}")
        click.echo(f"   {_terminal_marks(hit.snippet, colour)}")
        if hit.copies:
            click.echo(f"   + {len(hit.copies)} near-copies: " + ", ".join(c.id for c in hit.copies))


def _default_workers() -> int:
    return os.cpu_count() or 1


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes serving requests, each with its own searcher and caches (default: the number of "
                   "cores). More than one runs under gunicorn and needs fork (Unix); one is served by waitress.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Threads per process.")
@click.option("--cache-mb", type=click.IntRange(1), default=arrays.DEFAULT_CACHE_MB, show_default=True,
              envvar="AKHBAR_CACHE_MB",
              help="Megabytes of decoded posting lists each process keeps for later searches (env AKHBAR_CACHE_MB). "
                   "Reading a list again costs more than searching it: give a large archive room for its "
                   "common words.")
@ray_option
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(1, 16),
              help="With --ray: copies of each shard's searcher, on different nodes while there are enough.")
@index_dir_option
def serve(host: str, port: int, workers: int | None, threads: int, cache_mb: int, ray_address: str | None,
          replicas: int, index_dir: Path) -> None:
    """Serve the search page and the JSON API.

    Python runs one thread at a time per process, so a search uses one core:
    --workers N starts N processes (gunicorn, each opening the index after
    it is forked) to use N cores, and closes each connection after its
    answer so that a client's next request goes to whichever process is free
    (a kept-alive connection would stay with one); with one, waitress serves
    in this process and keeps connections alive.  Each process reads what
    every search needs (the length, facet and date arrays, the words that
    completions list) before its first request: a few seconds on a large
    archive, so that its first readers do not wait for it.
    With no index yet, one is built from seeds/ first, so a fresh clone
    serves something at once.

    A sharded index (akhbar build --shards N) is served by one process, the
    coordinator, that searches each shard in a process of its own, or with
    --ray ADDRESS in Ray actors on the cluster's nodes (--replicas R copies
    of each); results say when a shard could not answer ("partial").
    """
    if replicas > 1 and not ray_address:
        raise click.UsageError("--replicas needs --ray")
    arrays.STORE.resize(cache_mb)  # before workers fork: each inherits the size
    if not shard_layout.exists(index_dir):
        seeds = Path(DEFAULT_SOURCES[0])
        if not seeds.exists():
            seeds = Path(__file__).resolve().parents[1] / DEFAULT_SOURCES[0]
        click.echo(f"no index in {index_dir}; building one from {seeds}", err=True)
        try:
            # Another process may be building this index right now: wait a
            # little for it rather than fail at once.
            report = idx.build(
                index_dir, read_sources([seeds]), on_problem=_report_problem, wait=SERVE_BUILD_WAIT,
                on_wait=_waiting(SERVE_BUILD_WAIT),
            )
        except idx.IndexLocked as error:
            raise _Locked(str(error)) from None
        _finish(report)
    manifest = shard_layout.load(index_dir)
    if manifest is not None or ray_address:
        if manifest is None:
            raise click.UsageError(f"--ray serves a sharded index; {index_dir} has one shard "
                                   "(akhbar build --shards N)")
        _serve_shards(host, port, threads, index_dir, manifest, ray_address, replicas)
        return
    workers = workers or _default_workers()
    if workers > 1 and not _can_fork():
        click.echo(f"--workers {workers} needs fork and gunicorn, which this platform lacks: one process", err=True)
        workers = 1
    config = {"INDEX_DIR": str(index_dir)}
    if workers == 1:
        from waitress import serve as waitress_serve

        app = _serving_app(config)
        click.echo(f"serving http://{host}:{port}/ (index {index_dir}, waitress, {threads} threads)", err=True)
        waitress_serve(app, host=host, port=port, threads=threads)
        return
    click.echo(f"serving http://{host}:{port}/ (index {index_dir}, gunicorn, {workers} processes of {threads} threads)",
               err=True)
    _gunicorn(config, host, port, workers, threads).run()


def _serve_shards(host: str, port: int, threads: int, index_dir: Path, manifest: shard_layout.Manifest,
                  ray_address: str | None, replicas: int) -> None:
    """One process: the web app as the coordinator of the shards' searchers."""
    from waitress import serve as waitress_serve

    if ray_address:
        _connect_ray(ray_address)
        from search.cluster.ray_backend import RayShards

        backend = RayShards(index_dir, manifest, replicas=replicas)
        where = f"Ray at {ray_address}, {replicas} replica(s) per shard"
    else:
        from search.cluster.local import LocalProcesses

        backend = LocalProcesses(index_dir, manifest)
        where = "a process per shard"
    coordinator = Coordinator(index_dir, backend)
    app = _serving_app({"INDEX_DIR": str(index_dir)}, coordinator)
    click.echo(f"serving http://{host}:{port}/ (index {index_dir}: {manifest.count} shards, {where}; "
               f"waitress, {threads} threads)", err=True)
    try:
        waitress_serve(app, host=host, port=port, threads=threads)
    finally:
        coordinator.close()


def _serving_app(config: dict, searcher=None):
    """The web app with its searcher's per-article arrays read before the
    first request rather than during it."""
    from web import create_app
    from web import searcher as searcher_of_app

    app = create_app(config, searcher)
    with app.app_context():
        searcher_of_app().warm()
    return app


def _can_fork() -> bool:
    if not hasattr(os, "fork"):
        return False
    return importlib.util.find_spec("gunicorn") is not None


def _gunicorn(config: dict, host: str, port: int, workers: int, threads: int):
    """A gunicorn master whose workers each build the app after the fork:
    nothing opened in this process (files, threads, caches) is shared."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "preload_app": False,  # load() runs in each worker
                "timeout": 120,
                "graceful_timeout": 10,
                # A connection per request: with keep-alive a client's
                # connection stays with the process that accepted it, and
                # the kernel does not spread them by load (32 clients of
                # bench/load.py: 29 on one process at 233 ms a request, 3
                # on the other at 25 ms).  Accepted afresh, a request goes to
                # the process that is free to accept it (docs/benchmarks.md).
                "keepalive": 0,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return _serving_app(config)

    return Application()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@index_dir_option
def stats(as_json: bool, index_dir: Path) -> None:
    """Print the number of articles, date range, sources, categories and size."""
    info = _open(index_dir).stats()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"articles:   {info['articles']}")
    click.echo(f"dates:      {info['date_from'] or '-'} .. {info['date_to'] or '-'}")
    click.echo(f"size:       {info['size_bytes'] / 1e6:.1f} MB in {info['index_dir']}")
    for label, key in (("sources", "sources"), ("categories", "categories")):
        items = ", ".join(f"{k} ({v})" for k, v in info[key].items()) or "-"
        click.echo(f"{label + ':':<11} {items}")


def _parse_part(_ctx, _param, value: str | None) -> tuple[int, int] | None:
    """``--part K/N`` as (K, N)."""
    if value is None:
        return None
    k, slash, n = value.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"{value!r} is not K/N with 1 <= K <= N (1/2, 2/2)")
    return int(k), int(n)


@main.command("eval")
@click.option("--docs", "docs", multiple=True, required=True, type=click.Path(exists=True, path_type=Path),
              help="Documents, in any format `akhbar build` reads (repeatable).")
@click.option("--queries", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON Lines of {"qid", "query"}.')
@click.option("--qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="qid<TAB>docid<TAB>relevance lines.")
@click.option("--spellings", "spelling_pairs", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="variant|distinct<TAB>word<TAB>word lines (bench/spellings.tsv; a spelling may be two "
                   "words, as عبد الله beside عبدالله): also measure the variant recall and the leak of each "
                   "Akhbar system over --docs.")
@click.option("--config", "systems", multiple=True,
              help="A system to evaluate (repeatable; see search/evaluate.py SYSTEMS: Akhbar's configurations, "
                   "and the engines fts5, tantivy and lucene, which needs java and Lucene 8). Default: the main ones.")
@click.option("--part", callback=_parse_part, metavar="K/N",
              help="Only the queries of part K of N (1/2, 2/2...; by a hash of their ids, the same on every run): "
                   "check on one part what was tuned on another.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per system.")
def eval_command(docs: tuple[Path, ...], queries: Path | None, qrels: Path | None, spelling_pairs: Path | None,
                 systems: tuple[str, ...], part: tuple[int, int] | None, as_json: bool) -> None:
    """Measure relevance (MRR@10, nDCG@10, R@10, R@100) on a test collection,
    and with --spellings how well one spelling of a word finds the articles
    that write another (variant recall) and how often a word finds articles
    of a different word one letter away (leak).  Give --queries and --qrels
    together, --spellings, or all three."""
    from search import evaluate as ev

    if (queries is None) != (qrels is None):
        raise click.UsageError("--queries and --qrels go together")
    if queries is None and spelling_pairs is None:
        raise click.UsageError("nothing to measure: give --queries and --qrels, or --spellings")
    names = systems or ev.DEFAULT_SYSTEMS
    unknown = [n for n in names if n not in ev.SYSTEMS]
    if unknown:
        raise click.UsageError(f"unknown system(s): {', '.join(unknown)}; known: {', '.join(ev.SYSTEMS)}")
    if "lucene" in names:
        from search.baselines import lucene

        if not lucene.available():
            raise click.UsageError(f"the lucene baseline needs java and Lucene 8's jars (Debian: {lucene.INSTALL})")
    collection = ev.load(docs, queries, qrels, spelling_pairs)
    for problem in collection.problems:
        _report_problem(problem)
    if part is not None:
        collection = collection.part(*part)
    results = ev.evaluate(collection, names, on_progress=lambda msg: click.echo(msg, err=True))
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return
    click.echo(f"{len(collection.articles)} documents, {len(collection.qrels)} judged queries, "
               f"{len(collection.spelling_pairs)} spelling pairs")
    click.echo(ev.table(results))


if __name__ == "__main__":
    main()
