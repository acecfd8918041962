"""The Whoosh index: its schema, atomic rebuilds and in-place additions.

An index directory holds generations of complete Whoosh indexes and a
symlink ``current`` naming the live one::

    index/current -> generations/g-20221114T101500-1234
    index/generations/g-20221114T101500-1234/...

A build writes a new generation beside the live one, syncs it to disk and
only then swaps the symlink with ``os.replace`` (atomic on POSIX), so a
reader never sees a half-built index and a build that fails or is killed
leaves the previous one untouched.  Readers resolve ``current`` when they
open the index.

The generation that was live before the swap stays on disk (symlink
``previous``) until the next build, so a searcher that is in the middle of
a query on it when the swap lands finishes undisturbed; older ones, and
whatever a killed build left (``generations/tmp-*``, ``.current.PID``), are
removed by the next build.

One writer at a time: ``build`` and ``add`` hold an exclusive ``flock`` on
``index/.lock`` (holder named in the file).  The kernel drops it when the
holder exits or is killed, so there is never a stale lock to clear.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema

from search import clusters, flat, pool, variants
from search.analysis import (NISBA_FIELD, AnalysisConfig, CountedFrequency, CountedPositions, added_joined,
                             compounds_apart, exact_analyzer, forget_words, keep_words, learn_words, load_words,
                             names_of, nisba_analyzer, stem_analyzer)
from search.ingest import NOTE, Article, Problem, Record

CURRENT = "current"
PREVIOUS = "previous"
GENERATIONS = "generations"
LOCK_FILE = ".lock"
DEFAULT_INDEX_DIR = "index"
# How long an add waits for Whoosh's own write lock, which only a foreign
# writer (not an akhbar build or add: they hold LOCK_FILE first) can hold.
WHOOSH_LOCK_TIMEOUT = 5.0


class IndexMissing(FileNotFoundError):
    """There is no built index in the directory."""


class IndexLocked(RuntimeError):
    """Another process is writing to the index; the message names it."""

    def __init__(self, index_dir: str | Path, holder: str, waited: float) -> None:
        self.index_dir = Path(index_dir)
        self.holder = holder
        self.waited = waited
        after = f" after waiting {waited:g} s" if waited else ""
        super().__init__(
            f"index {index_dir} is being written by another process ({holder}){after}; "
            "try again when it has finished, or wait for it with --wait SECONDS"
        )


def lock_holder(index_dir: str | Path) -> str:
    """Who holds the write lock, as its holder wrote it in the lock file."""
    try:
        text = (Path(index_dir) / LOCK_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "a process that has not yet named itself"


_HELD: set[int] = set()  # descriptors of the write locks this process holds
_HOLDER = [0]  # the pid that holds them (a forked child compares its parent)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _writer_child_after_fork() -> None:
    """In a process forked while the write lock is held (a helper of Whoosh's
    multiprocessing writer): drop the inherited lock, and die with the parent.

    Otherwise a helper that outlived a killed build would keep the index
    locked, and would wait forever for jobs on a pipe that it holds open itself.
    """
    if not _HELD:
        return
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()
    _die_with_parent(_HOLDER[0])


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux: nothing to arrange
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was arranged


os.register_at_fork(after_in_child=_writer_child_after_fork)


@contextmanager
def locked(
    index_dir: str | Path,
    purpose: str,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the index's write lock, waiting up to ``wait`` seconds for it
    (``on_wait`` is told who holds it when waiting starts).

    Raises IndexLocked naming the holder when it is not free in time.  An
    ``flock`` is released by the kernel when its holder dies, so a killed
    build or add never leaves a lock behind.
    """
    root = Path(index_dir)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise IndexLocked(root, lock_holder(root), wait) from None
                if on_wait and not told:
                    on_wait(lock_holder(root))
                    told = True
                time.sleep(min(0.1, left))
        _HELD.add(fd)
        _HOLDER[0] = os.getpid()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {purpose}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _HELD.discard(fd)
        os.close(fd)


# A column of each article's title and url: what a folded copy shows, read
# without its stored fields, which unpickle the whole body (a page of
# stories each with copies read 40 of them a query: Searcher.copies).
BRIEF_FIELD = "brief"


def make_schema(config: AnalysisConfig = AnalysisConfig()) -> Schema:
    """One searchable text per article, title and body together, so BM25
    saturates and normalizes length once per article rather than per field
    (docs/relevance.md measured it).  ``title`` is indexed again on its own
    for a title bonus, ``lead`` (the opening words) for the news lead, and
    ``text_exact`` holds the unstemmed normalized forms (also the words that
    spelling suggestions and completions offer); the body is only stored,
    for snippets."""
    stems = stem_analyzer(config)
    exact = exact_analyzer(config)
    # The words with the nisba's ي (the light stem cuts it): what lets a
    # short query's matching tell المدن from المدني (search/analysis/stems.py,
    # NisbaFilter); only their frequencies are kept.
    nisba = nisba_analyzer(config, stems)
    extra = {NISBA_FIELD: _counted(TEXT(analyzer=nisba, phrase=False))} if nisba is not None else {}
    return Schema(
        # Sortable: a column of the ids by document number, which the
        # searcher maps to wire-copy clusters (search/clusters.py).
        id=ID(stored=True, unique=True, sortable=True),
        title=_positioned(TEXT(analyzer=stems, stored=True)),
        text=_positioned(TEXT(analyzer=stems)),
        text_exact=_counted(TEXT(analyzer=exact, phrase=False)),
        lead=_counted(TEXT(analyzer=stems, phrase=False)),
        body=STORED(),
        date=DATETIME(stored=True, sortable=True),
        source=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        url=STORED(),
        **{BRIEF_FIELD: COLUMN(VarBytesColumn())},
        **extra,
    )


def _counted(field: TEXT) -> TEXT:
    """A field without positions whose terms the cached chain counts at
    once (analysis.CountedFrequency): the build indexes the article's text
    three times (stems, exact forms, nisba words)."""
    field.format = CountedFrequency(field_boost=field.format.field_boost)
    return field


def _positioned(field: TEXT) -> TEXT:
    """A field with positions whose terms' positions the cached chain
    gathers at once (analysis.CountedPositions)."""
    field.format = CountedPositions(field_boost=field.format.field_boost)
    return field


def brief(title: str, url: str) -> bytes:
    """The ``brief`` column's value."""
    return json.dumps([title, url], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_brief(value: bytes) -> tuple[str, str]:
    """(title, url) of a ``brief`` column's value."""
    title, url = json.loads(value)
    return title, url


# The lead: the opening words of a news story, which the inverted pyramid
# makes its summary (measured in docs/relevance.md).
LEAD_WORDS = 50
_LEAD = re.compile(r"\S+")


def lead(body: str, words: int = LEAD_WORDS) -> str:
    """The body up to its ``words``-th whitespace-separated word."""
    end = 0
    for n, match in enumerate(_LEAD.finditer(body), 1):
        end = match.end()
        if n == words:
            break
    return body[:end]


def article_text(title: str, body: str) -> str:
    """Title and body as one text (a paragraph break between them)."""
    return f"{title}\n\n{body}" if title else body


# The most of a body that is analysed and indexed.  The body is stored and
# shown whole whatever its length; past this, its words are not searchable
# and the build or add says so (a note naming the characters left out).
# Analysing costs about 1-3 s per million characters (docs/benchmarks.md has
# the articles/s of ordinary ones), so a 5-million-character body, a book,
# costs a build up to some 15 s; the longest article of the news corpus has
# 34,000 characters.
MAX_INDEXED_CHARS = 5_000_000


def indexed_length(body: str) -> int:
    """How much of ``body`` is indexed: all of it, or up to the last space
    before MAX_INDEXED_CHARS (no word is cut in two)."""
    if len(body) <= MAX_INDEXED_CHARS:
        return len(body)
    cut = max(body.rfind(" ", 0, MAX_INDEXED_CHARS + 1), body.rfind("\n", 0, MAX_INDEXED_CHARS + 1))
    return cut if cut > 0 else MAX_INDEXED_CHARS


def truncation_note(article: Article) -> Problem | None:
    """The note for an article whose body is not indexed whole, saying which characters are not."""
    end = indexed_length(article.body)
    if end == len(article.body):
        return None
    where, _, line = (article.origin or article.id).rpartition(":")
    path, number = (where, int(line)) if line.isdigit() else (article.origin or article.id, 0)
    return Problem(
        path,
        number,
        f"article {article.id!r} truncated for indexing: body characters {end + 1:,} to {len(article.body):,} "
        f"(counting from 1) of {len(article.body):,} are stored and shown but not searchable "
        f"(limit {MAX_INDEXED_CHARS:,})",
        NOTE,
    )


def document(article: Article, schema: Schema | None = None) -> dict:
    """The fields of ``article`` as the schema (the default one, unless
    given) indexes them."""
    body = article.body
    indexed = body if len(body) <= MAX_INDEXED_CHARS else body[: indexed_length(body)]
    text = article_text(article.title, indexed)
    # A compound name written apart is also indexed joined (analysis.compounds_apart), after the text:
    # the names the schema's chain splits when joined (names_of: not a kunya in an index built before).
    joined = compounds_apart(text, names_of(schema["text"].analyzer) if schema is not None else True)
    doc = {
        "id": article.id,
        "title": article.title,
        "text": f"{text}\n{added_joined(joined)}" if joined else text,
        "text_exact": text,
        "lead": lead(body),
        "body": body,
        "source": article.source,
        "category": article.category,
        "url": article.url,
    }
    if article.date is not None:
        doc["date"] = article.date
    if schema is None or NISBA_FIELD in schema:
        doc[NISBA_FIELD] = text
    if schema is None or BRIEF_FIELD in schema:  # not in indexes built before it
        doc[BRIEF_FIELD] = brief(article.title, article.url)
    return doc


@dataclass
class Report:
    """What a build or an addition did."""

    indexed: int = 0  # articles new to the index
    updated: int = 0  # articles that replaced one already in the index (add)
    duplicates: int = 0  # records that replaced an earlier one with the same id in this input
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        """Records and sources that could not be read (notes are not counted)."""
        return sum(1 for problem in self.problems if problem.kind != NOTE)

    def summary(self) -> str:
        """One line for the user: what was indexed, replaced and skipped."""
        rate = (self.indexed + self.updated) / self.seconds if self.seconds else 0.0
        return (
            f"indexed {self.indexed}, updated {self.updated}, skipped {self.skipped}, "
            f"duplicates {self.duplicates} (last kept) "
            f"in {self.seconds:.1f} s ({rate:.0f} articles/s)"
        )


def resolve(index_dir: str | Path) -> Path:
    """The directory of the live generation."""
    link = Path(index_dir) / CURRENT
    if not link.exists():
        raise IndexMissing(f"no index in {index_dir} (run: akhbar build --index-dir {index_dir})")
    return link.resolve()


def exists(index_dir: str | Path) -> bool:
    try:
        return whoosh_index.exists_in(str(resolve(index_dir)))
    except IndexMissing:
        return False


def open_index(index_dir: str | Path):
    return whoosh_index.open_dir(str(resolve(index_dir)))


def _digest(article: Article) -> bytes:
    date = article.date.isoformat() if article.date else ""
    text = "\x1f".join((article.id, article.title, article.body, date, article.source, article.category, article.url))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Dedup:
    """The ids of one input, so that the last record with an id wins.

    Whoosh cannot replace a document that its writer has not committed yet,
    so the first record of each id goes to the writer and a later, different
    one waits in ``later`` for a second commit.  Only differing duplicates are
    held in memory: the same file read twice costs one digest per id.
    """

    def __init__(self) -> None:
        self.seen: dict[str, tuple[bytes, str]] = {}  # id -> (digest written, origin of the last)
        self.later: dict[str, Article] = {}


def _write(
    writer,
    records: Iterable[Record],
    report: Report,
    dedup: _Dedup,
    exists: Callable[[str], bool],
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Article], None] | None,
    on_duplicate: Callable[[Article, str], None] | None,
    collector: clusters.Collector | None = None,
) -> None:
    for record in records:
        if isinstance(record, Problem):
            report.problems.append(record)
            if on_problem:
                on_problem(record)
            continue
        if len(record.body) > MAX_INDEXED_CHARS:
            note = truncation_note(record)
            if note is not None:
                report.problems.append(note)
                if on_problem:
                    on_problem(note)
        seen = dedup.seen.get(record.id)
        if seen is None:
            dedup.seen[record.id] = (_digest(record), record.origin)
            if exists(record.id):
                report.updated += 1
                writer.update_document(**document(record, writer.schema))
            else:
                report.indexed += 1
                writer.add_document(**document(record, writer.schema))
            if collector is not None:
                collector.add(record.id, record.title, record.body)
        else:
            written, earlier = seen
            report.duplicates += 1
            dedup.seen[record.id] = (written, record.origin)
            if _digest(record) == written:
                dedup.later.pop(record.id, None)
            else:
                dedup.later[record.id] = record
                if collector is not None:
                    collector.add(record.id, record.title, record.body)
            if on_duplicate:
                on_duplicate(record, earlier)
        if on_article:
            on_article(record)


def _replace_duplicates(ix, dedup: _Dedup) -> None:
    """Second commit: the last version of each id whose first was written."""
    if not dedup.later:
        return
    writer = pool.writer(ix, limitmb=128, timeout=WHOOSH_LOCK_TIMEOUT)
    try:
        for article in dedup.later.values():
            writer.update_document(**document(article, writer.schema))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    clean_flat(ix)


def clean_flat(ix) -> None:
    """After a commit: the flat posting arrays (search/flat.py) of the
    segments Whoosh merged away are removed, as Whoosh removes their files."""
    folder = flat.folder_of(ix.storage)
    if folder is None:
        return
    with ix.reader() as reader:
        live = {leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.segment() is not None}
    flat.clean(folder, live)


def _point(root: Path, name: str, target: Path) -> None:
    """Make the symlink ``root/name`` name ``target`` atomically."""
    link_tmp = root / f".{name}.{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(target)
    os.replace(link_tmp, root / name)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(directory: Path) -> None:
    """Flush a finished generation to disk before it goes live, so a power
    cut after the swap cannot leave ``current`` naming half-written files."""
    for child in directory.iterdir():
        if child.is_file():
            _sync(child)
    _sync(directory)


def _live_targets(root: Path) -> set[Path]:
    keep = set()
    for name in (CURRENT, PREVIOUS):
        link = root / name
        if link.is_symlink():
            keep.add(link.resolve())
    return keep


def _remove_leftovers(root: Path) -> None:
    """Everything but the current and previous generations: older ones, and
    what killed builds left (``tmp-*`` directories, ``.current.PID`` links).
    Called with the write lock held, so no other build is writing any of it."""
    keep = _live_targets(root)
    generations = root / GENERATIONS
    if generations.is_dir():
        for child in generations.iterdir():
            if child.resolve() not in keep:
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
    for name in (CURRENT, PREVIOUS):
        for link in root.glob(f".{name}.*"):
            if link.is_symlink() or link.is_file():
                link.unlink(missing_ok=True)


# Writer settings of a build, chosen with bench/run.py: the per-word analysis
# cache leaves Whoosh's own postings writing as most of the work, so two
# processes each analyse and write a segment of their own (merging them into
# one would put the writing back on one core); 128 MB of postings each,
# gathered per term (search/pool.py).  No compound file: Whoosh copies every
# file it opens from a compound segment into memory, once per searcher,
# which made a serving process grow by the size of the index.
BUILD_WRITER: dict = {"procs": 2, "multisegment": True, "limitmb": 128, "compound": False}
# Processes that read the spellings' neighbours once the postings are
# written (search/variants/neighbours.py, Neighbours.read_ahead): the same cores.
MINE_WORKERS = BUILD_WRITER["procs"]


def build(
    index_dir: str | Path,
    records: Iterable[Record],
    config: AnalysisConfig = AnalysisConfig(),
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
    on_duplicate: Callable[[Article, str], None] | None = None,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> Report:
    """Index ``records`` into a new generation and make it live if it holds
    at least one article.

    Of records with the same id the last wins.  Raises IndexLocked if another
    build or add holds the index for longer than ``wait`` seconds.
    """
    started = time.perf_counter()
    root = Path(index_dir)
    (root / GENERATIONS).mkdir(parents=True, exist_ok=True)
    with locked(root, "akhbar build", wait, on_wait):
        _remove_leftovers(root)
        report = _build(root, records, config, on_problem, on_article, on_duplicate)
    report.seconds = time.perf_counter() - started
    return report


def _build(
    root: Path,
    records: Iterable[Record],
    config: AnalysisConfig,
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Article], None] | None,
    on_duplicate: Callable[[Article, str], None] | None,
) -> Report:
    report, final = write_generation(root, records, config, on_problem, on_article, on_duplicate)
    if final is not None:
        go_live(root, final)
    return report


def write_generation(
    root: Path,
    records: Iterable[Record],
    config: AnalysisConfig = AnalysisConfig(),
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
    on_duplicate: Callable[[Article, str], None] | None = None,
    mine: bool = True,
    empty: bool = False,
    writer_settings: dict | None = None,
) -> tuple[Report, Path | None]:
    """Index ``records`` into a new, complete generation of ``root`` that is
    not yet live, and say where it is (None when nothing was indexed,
    unless ``empty``: a shard may get no article).  With ``mine`` False the
    spellings are not mined and the clusters are this generation's alone:
    a sharded build (search/cluster/shards.py) makes both over all its
    shards.  The caller holds the write lock."""
    generations = root / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
    tmp = generations / f"tmp-{stamp}-{os.getpid()}"
    tmp.mkdir()
    report = Report()
    try:
        ix = whoosh_index.create_in(str(tmp), make_schema(config))
        settings = writer_settings or BUILD_WRITER
        if settings.get("procs", 1) > 1:  # for the miner and keep_words (analysis.learn_words)
            settings = {**settings, "words_of": variants.FIELD}
        writer = pool.writer(ix, **settings)
        dedup = _Dedup()
        collector = clusters.Collector()
        try:
            _write(writer, records, report, dedup, lambda _id: False, on_problem, on_article, on_duplicate,
                   collector)
        except BaseException:
            writer.cancel()
            raise
        if report.indexed == 0 and not empty:
            writer.cancel()
            ix.close()
            shutil.rmtree(tmp, ignore_errors=True)
            return report, None
        writer.commit(optimize=True)
        clean_flat(ix)
        _replace_duplicates(ix, dedup)
        analyzer = writer.schema[variants.FIELD].analyzer
        learn_words(analyzer, tmp)
        if mine:
            variants.update(tmp, ix, analyzer=analyzer, workers=MINE_WORKERS)
        keep_words(analyzer, tmp)
        forget_words(tmp)
        collector.build().save(tmp)
        ix.close()
        final = generations / f"g-{stamp}-{os.getpid()}"
        _sync_tree(tmp)
        tmp.rename(final)
        _sync(generations)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report, final


def go_live(root: Path, final: Path) -> None:
    """Make the generation ``final`` the live one (the one before it kept as
    ``previous``) and remove older ones.  The caller holds the write lock."""
    current = root / CURRENT
    if current.is_symlink():
        # Kept until the next build, for searchers still reading it.
        _point(root, PREVIOUS, Path(os.readlink(current)))
    _point(root, CURRENT, Path(GENERATIONS) / final.name)
    _sync(root)
    _remove_leftovers(root)


def sync_tree(directory: Path) -> None:
    """Flush a generation's files (an add's new segment, tables rewritten) to disk."""
    _sync_tree(directory)


def add(
    index_dir: str | Path,
    records: Iterable[Record],
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
    on_duplicate: Callable[[Article, str], None] | None = None,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> Report:
    """Add or replace articles by id in the live index, without a rebuild.

    Whoosh commits atomically, so readers see all of the additions or none
    (and an add that is killed leaves the index as it was).  Of records with
    the same id the last wins; when the input repeats an id with different
    content, the last version follows in a second commit right after the
    first (Whoosh cannot replace a document it has not yet committed).
    Raises IndexLocked if another build or add holds the index for longer
    than ``wait`` seconds.
    """
    started = time.perf_counter()
    resolve(index_dir)  # IndexMissing before any lock file is made
    with locked(index_dir, "akhbar add", wait, on_wait):
        ix = open_index(index_dir)
        try:
            collector = clusters.Collector()
            report = write_additions(ix, Path(index_dir), records, on_problem, on_article, on_duplicate, collector)
            if report.indexed or report.updated:
                # New words may be new spellings of old ones: mined again
                # over the whole index (seconds on the full corpus).
                variants.update(resolve(index_dir), ix)
                update_clusters(resolve(index_dir), ix, collector)
        finally:
            ix.close()
        if report.indexed or report.updated:
            # Whoosh leaves its new segment and table of contents to the OS
            # to write out; an add is reported done once they are on disk.
            _sync_tree(resolve(index_dir))
    report.seconds = time.perf_counter() - started
    return report


def write_additions(
    ix,
    index_dir: Path,
    records: Iterable[Record],
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Article], None] | None,
    on_duplicate: Callable[[Article, str], None] | None,
    collector: clusters.Collector | None = None,
) -> Report:
    """Add or replace ``records`` in the open index ``ix`` and commit; the
    spellings and clusters are left to the caller.  The caller holds the
    write lock."""
    report = Report()
    dedup = _Dedup()
    try:
        writer = pool.writer(ix, limitmb=128, timeout=WHOOSH_LOCK_TIMEOUT)
    except whoosh_index.LockError:
        raise IndexLocked(index_dir, "Whoosh's write lock is held by a program other than akhbar",
                          WHOOSH_LOCK_TIMEOUT) from None
    # The words the build analysed are not analysed again (this process's
    # copy of the analysis starts empty).
    load_words(writer.schema[variants.FIELD].analyzer, resolve(index_dir))
    with ix.searcher() as searcher:
        try:
            _write(
                writer,
                records,
                report,
                dedup,
                lambda doc_id: searcher.document_number(id=doc_id) is not None,
                on_problem,
                on_article,
                on_duplicate,
                collector,
            )
        except BaseException:
            writer.cancel()
            raise
    if report.indexed or report.updated:
        writer.commit()
        clean_flat(ix)
        _replace_duplicates(ix, dedup)
    else:
        writer.cancel()
    return report


def update_clusters(directory: Path, ix, collector: clusters.Collector) -> None:
    """Join the articles of an add to the wire-copy clusters stored beside
    the index, without a rebuild; an index built before clusters existed
    gets them computed over all its articles once."""
    with ix.searcher() as searcher:

        def text_of(doc_id: str) -> str | None:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return None
            stored = searcher.stored_fields(docnum)
            return clusters.article_text(stored.get("title", ""), stored.get("body", ""))

        old = clusters.Clusters.load(directory)
        if old is None:
            collector = clusters.Collector()
            for stored in searcher.all_stored_fields():
                collector.add(stored["id"], stored.get("title", ""), stored.get("body", ""))
            found = collector.build()
        else:
            found = collector.merge_into(old, text_of)
    found.save(directory)
