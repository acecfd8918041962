"""The Whoosh index: its schema, atomic rebuilds and in-place additions.

An index directory holds generations of complete Whoosh indexes and a
symlink ``current`` naming the live one::

    index/current -> generations/g-20221114T101500-1234
    index/generations/g-20221114T101500-1234/...

A build writes a new generation beside the live one and only then swaps the
symlink with ``os.replace`` (atomic on POSIX), so a reader never sees a
half-built index and a build that fails or is killed leaves the previous one
untouched.  Readers resolve ``current`` when they open the index.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from search.analysis import AnalysisConfig, exact_analyzer, spelling_analyzer, stem_analyzer
from search.ingest import Article, Problem, Record

CURRENT = "current"
GENERATIONS = "generations"
DEFAULT_INDEX_DIR = "index"


class IndexMissing(FileNotFoundError):
    """There is no built index in the directory."""


def make_schema(config: AnalysisConfig = AnalysisConfig()) -> Schema:
    """title/body are matched by stem; *_exact by the unstemmed normalized form;
    spell keeps words as written, for suggestions."""
    stems = stem_analyzer(config)
    exact = exact_analyzer(config)
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=stems, stored=True),
        body=TEXT(analyzer=stems, stored=True),
        title_exact=TEXT(analyzer=exact),
        body_exact=TEXT(analyzer=exact),
        spell=TEXT(analyzer=spelling_analyzer(), phrase=False),
        date=DATETIME(stored=True, sortable=True),
        source=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        url=STORED(),
    )


def document(article: Article) -> dict:
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "title_exact": article.title,
        "body_exact": article.body,
        "spell": f"{article.title}\n{article.body}",
        "source": article.source,
        "category": article.category,
        "url": article.url,
    }
    if article.date is not None:
        doc["date"] = article.date
    return doc


@dataclass
class Report:
    """What a build or an addition did."""

    indexed: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        rate = self.indexed / self.seconds if self.seconds else 0.0
        return (
            f"indexed {self.indexed}, updated {self.updated}, skipped {self.skipped} "
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


def _write(
    writer,
    records: Iterable[Record],
    report: Report,
    on_problem: Callable[[Problem], None] | None,
    on_article: Callable[[Article], None] | None,
    known: Callable[[str], bool],
) -> None:
    for record in records:
        if isinstance(record, Problem):
            report.problems.append(record)
            if on_problem:
                on_problem(record)
            continue
        if known(record.id):
            report.updated += 1
        else:
            report.indexed += 1
        writer.update_document(**document(record))
        if on_article:
            on_article(record)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(generations: Path, keep: Path | None) -> None:
    """Generations no longer live, and builds whose process has died."""
    for child in generations.iterdir():
        if keep is not None and child.resolve() == keep:
            continue
        if child.name.startswith("tmp-"):
            pid = child.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _pid_alive(int(pid)):
                continue  # another build is still writing it
        shutil.rmtree(child, ignore_errors=True)


def build(
    index_dir: str | Path,
    records: Iterable[Record],
    config: AnalysisConfig = AnalysisConfig(),
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> Report:
    """Index ``records`` into a new generation and make it live if it holds
    at least one article."""
    started = time.perf_counter()
    root = Path(index_dir)
    generations = root / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
    tmp = generations / f"tmp-{stamp}-{os.getpid()}"
    tmp.mkdir()
    report = Report()
    try:
        ix = whoosh_index.create_in(str(tmp), make_schema(config))
        writer = ix.writer(limitmb=256)
        seen: set[str] = set()

        def known(doc_id: str) -> bool:
            if doc_id in seen:
                return True
            seen.add(doc_id)
            return False

        try:
            _write(writer, records, report, on_problem, on_article, known)
        except BaseException:
            writer.cancel()
            raise
        if report.indexed == 0:
            writer.cancel()
            ix.close()
            shutil.rmtree(tmp, ignore_errors=True)
            report.seconds = time.perf_counter() - started
            return report
        writer.commit(optimize=True)
        ix.close()
        final = generations / f"g-{stamp}-{os.getpid()}"
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    link_tmp = root / f".{CURRENT}.{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(Path(GENERATIONS) / final.name)
    os.replace(link_tmp, root / CURRENT)
    _remove_leftovers(generations, keep=final.resolve())
    report.seconds = time.perf_counter() - started
    return report


def add(
    index_dir: str | Path,
    records: Iterable[Record],
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> Report:
    """Add or replace articles by id in the live index, without a rebuild.

    Whoosh commits atomically, so readers see all of the additions or none.
    """
    started = time.perf_counter()
    ix = open_index(index_dir)
    report = Report()
    with ix.searcher() as searcher:
        writer = ix.writer(limitmb=128)
        try:
            _write(
                writer,
                records,
                report,
                on_problem,
                on_article,
                known=lambda doc_id: searcher.document_number(id=doc_id) is not None,
            )
        except BaseException:
            writer.cancel()
            raise
        if report.indexed or report.updated:
            writer.commit()
        else:
            writer.cancel()
    ix.close()
    report.seconds = time.perf_counter() - started
    return report
