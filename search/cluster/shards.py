"""A sharded index: its layout, where each article goes, and its builds and adds.

A sharded index is one index directory holding a manifest and N shards,
each a complete index directory of its own (search/index.py: generations,
``current``), built with the same analysis::

    index/shards.json        {"count": 4, "routing": "blake2b-64"}
    index/shard-000/current -> generations/g-...
    index/shard-001/...

An article lives in the shard ``shard_of(id, count)``: a stable hash of its
id (BLAKE2b, 8 bytes, modulo the count), the same in every process, Python
version and machine, so an ``add`` finds the shard that holds an id.  An
index of one shard is today's layout, with no manifest.

What is mined over the whole archive is the same in every shard: the
spelling table (search/variants/, mined over all the shards' segments at
once) and the wire-copy clusters (search/clusters.py, each shard's pairs and
the pairs across shards), so a sharded search expands the same spellings and
folds the same copies as one index would.

The shards are written one after another (or as Ray tasks,
search/cluster/ray_backend.py) into generations that are not yet live, then
the tables are made, then every shard goes live and the manifest is
written.  Each shard's swap is atomic; the shards' swaps together are not:
a search during the last step of a rebuild may read some shards old and
some new.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import MultiReader
from whoosh.searching import Searcher as WhooshSearcher

from search import clusters, variants
from search import index as idx
from search.analysis import AnalysisConfig
from search.ingest import Article, Problem, Record

MANIFEST = "shards.json"
ROUTING = "blake2b-64"
MAX_SHARDS = 256


def id_key(doc_id: str) -> int:
    """A 64-bit key of an article id, the same everywhere (not Python's
    hash(), which is salted per process)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def shard_of(doc_id: str, count: int) -> int:
    """The shard of an article id: stable everywhere."""
    return id_key(doc_id) % count


def shard_name(number: int) -> str:
    return f"shard-{number:03d}"


@dataclass(frozen=True)
class Manifest:
    """How many shards an index has and how articles are routed to them."""

    count: int
    routing: str = ROUTING

    def dirs(self, index_dir: str | Path) -> list[Path]:
        """Each shard's index directory, in shard order."""
        return [Path(index_dir) / shard_name(n) for n in range(self.count)]

    def shard(self, doc_id: str) -> int:
        return shard_of(doc_id, self.count)


def load(index_dir: str | Path) -> Manifest | None:
    """The manifest of a sharded index; None for a plain (one-shard) index."""
    try:
        data = json.loads((Path(index_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("routing") != ROUTING:
        return None
    count = data.get("count")
    if not isinstance(count, int) or not 1 <= count <= MAX_SHARDS:
        return None
    return Manifest(count, ROUTING)


def save(index_dir: str | Path, manifest: Manifest) -> None:
    """Written to a temporary file and renamed: readers see the old or the new."""
    path = Path(index_dir) / MANIFEST
    tmp = path.with_name(f".{MANIFEST}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump({"count": manifest.count, "routing": manifest.routing}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def is_sharded(index_dir: str | Path) -> bool:
    return load(index_dir) is not None


def exists(index_dir: str | Path) -> bool:
    """Whether there is an index, plain or sharded, in ``index_dir``."""
    manifest = load(index_dir)
    if manifest is None:
        return idx.exists(index_dir)
    return all(idx.exists(d) for d in manifest.dirs(index_dir))


def route(records: Iterable[Record], count: int, report: idx.Report,
          on_problem: Callable[[Problem], None] | None = None,
          on_article: Callable[[Article], None] | None = None) -> list[list[Article]]:
    """The articles of ``records`` by shard, in their order; bad records are
    reported here (once, not per shard)."""
    parts: list[list[Article]] = [[] for _ in range(count)]
    for record in records:
        if isinstance(record, Problem):
            report.problems.append(record)
            if on_problem:
                on_problem(record)
            continue
        parts[shard_of(record.id, count)].append(record)
        if on_article:
            on_article(record)
    return parts


# -- the tables made over every shard ------------------------------------------------------------


class _Union:
    """The shards' indexes read as one (their segments in shard order), for
    mining spellings over the whole archive."""

    def __init__(self, indexes: Sequence) -> None:
        self.indexes = indexes

    def searcher(self) -> WhooshSearcher:
        readers = [ix.reader() for ix in self.indexes]
        # An empty shard's reader has no segment: nothing to mine in it.
        leaves = [leaf for reader in readers for leaf, _offset in reader.leaf_readers() if leaf.segment() is not None]
        return WhooshSearcher(MultiReader(leaves) if leaves else readers[0])


def _text_of(indexes: Sequence, count: int) -> tuple[Callable[[str], str | None], Callable[[], None]]:
    """A stored article's text by id, read from its shard, and a closer."""
    searchers: dict[int, object] = {}

    def text_of(doc_id: str) -> str | None:
        n = shard_of(doc_id, count)
        if n not in searchers:
            searchers[n] = indexes[n].searcher()
        searcher = searchers[n]
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        return clusters.article_text(stored.get("title", ""), stored.get("body", ""))

    def close() -> None:
        for searcher in searchers.values():
            searcher.close()

    return text_of, close


def make_tables(generations: Sequence[Path], rebuilt: bool, collector: clusters.Collector | None = None,
                config: variants.MinerConfig = variants.MinerConfig()) -> None:
    """The spelling table and the wire-copy clusters of all the shards,
    written into each shard's generation.  ``rebuilt``: the generations are
    new, each with its own clusters (a build); otherwise ``collector`` holds
    the articles an add wrote."""
    indexes = [whoosh_index.open_dir(str(g)) for g in generations]
    try:
        variants.update(generations[0], _Union(indexes), config)
        table = (generations[0] / variants.FILE).read_bytes()
        text_of, close = _text_of(indexes, len(generations))
        try:
            old = None if rebuilt else clusters.Clusters.load(generations[0])
            if rebuilt:
                parts = [clusters.Clusters.load(g) or clusters.Clusters() for g in generations]
                found = clusters.combine(parts, text_of)
            elif old is None:  # built before clusters existed: all of it once
                every = clusters.Collector()
                for ix in indexes:
                    with ix.searcher() as searcher:
                        for stored in searcher.all_stored_fields():
                            every.add(stored["id"], stored.get("title", ""), stored.get("body", ""))
                found = every.build()
            else:
                found = (collector or clusters.Collector()).merge_into(old, text_of)
        finally:
            close()
    finally:
        for ix in indexes:
            ix.close()
    for generation in generations:
        if generation != generations[0]:
            _write_bytes(generation / variants.FILE, table)
        found.save(generation)


def _write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


# -- building and adding -------------------------------------------------------------------------

# One shard's writer when shards are written side by side (Ray tasks): one
# process each, the cores go to the shards.
SHARD_WRITER: dict = {**idx.BUILD_WRITER, "procs": 1, "multisegment": False}


def write_shard(shard_dir: str, articles: list[Article], config: AnalysisConfig = AnalysisConfig(),
                writer_settings: dict | None = None) -> tuple[idx.Report, str]:
    """One shard's new generation (not yet live), with its own clusters and
    no spellings: a unit of work a Ray task can run on any node that sees
    the index directory."""
    root = Path(shard_dir)
    root.mkdir(parents=True, exist_ok=True)
    report, final = idx.write_generation(root, articles, config, mine=False, empty=True,
                                         writer_settings=writer_settings)
    return report, str(final)


Runner = Callable[[list[tuple[str, list[Article]]], AnalysisConfig], list[tuple[idx.Report, str]]]


def write_here(tasks: list[tuple[str, list[Article]]], config: AnalysisConfig) -> list[tuple[idx.Report, str]]:
    """The shards written one after another in this process, each with the
    build's usual writer (its own helper processes)."""
    return [write_shard(shard_dir, articles, config) for shard_dir, articles in tasks]


def build(
    index_dir: str | Path,
    records: Iterable[Record],
    shards: int,
    config: AnalysisConfig = AnalysisConfig(),
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
    on_duplicate: Callable[[Article, str], None] | None = None,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
    runner: Runner = write_here,
) -> idx.Report:
    """A fresh index of ``shards`` shards (1: the plain layout, search.index.build).

    Raises IndexLocked if another build or add holds the index for longer
    than ``wait`` seconds."""
    if not 1 <= shards <= MAX_SHARDS:
        raise ValueError(f"shards must be between 1 and {MAX_SHARDS}")
    root = Path(index_dir)
    if shards == 1:
        report = idx.build(root, records, config, on_problem, on_article, on_duplicate, wait, on_wait)
        if report.indexed and load(root) is not None:
            with idx.locked(root, "akhbar build", wait, on_wait):
                _unshard(root)
        return report
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    report = idx.Report()
    with idx.locked(root, f"akhbar build --shards {shards}", wait, on_wait):
        parts = route(records, shards, report, on_problem, on_article)
        if not any(parts):
            report.seconds = time.perf_counter() - started
            return report
        manifest = Manifest(shards)
        dirs = manifest.dirs(root)
        written = runner([(str(d), part) for d, part in zip(dirs, parts)], config)
        finals = [Path(final) for _report, final in written]
        try:
            for part_report, _final in written:
                report.indexed += part_report.indexed
                report.duplicates += part_report.duplicates
                for problem in part_report.problems:  # notes (truncated bodies)
                    report.problems.append(problem)
                    if on_problem:
                        on_problem(problem)
            make_tables(finals, rebuilt=True)
        except BaseException:
            for final in finals:
                shutil.rmtree(final, ignore_errors=True)
            raise
        for shard_dir, final in zip(dirs, finals):
            idx.go_live(shard_dir, final)
        save(root, manifest)
        _remove_other_layouts(root, manifest)
    report.seconds = time.perf_counter() - started
    return report


def _remove_other_layouts(root: Path, manifest: Manifest) -> None:
    """What a build of another shape left: a plain index's generations and
    links, shards past the count."""
    for name in (idx.CURRENT, idx.PREVIOUS):
        link = root / name
        if link.is_symlink():
            link.unlink()
    shutil.rmtree(root / idx.GENERATIONS, ignore_errors=True)
    for extra in root.glob("shard-*"):
        if extra.is_dir() and extra.name not in {d.name for d in manifest.dirs(root)}:
            shutil.rmtree(extra, ignore_errors=True)


def _unshard(root: Path) -> None:
    """A plain index was built over a sharded one: the shards go."""
    (root / MANIFEST).unlink(missing_ok=True)
    for extra in root.glob("shard-*"):
        if extra.is_dir():
            shutil.rmtree(extra, ignore_errors=True)


def add(
    index_dir: str | Path,
    records: Iterable[Record],
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
    on_duplicate: Callable[[Article, str], None] | None = None,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> idx.Report:
    """Add or replace articles by id, each in its shard (a plain index:
    search.index.add).  Each shard commits its additions atomically; the
    spellings and clusters are then made again over all the shards."""
    manifest = load(index_dir)
    if manifest is None:
        return idx.add(index_dir, records, on_problem, on_article, on_duplicate, wait, on_wait)
    started = time.perf_counter()
    root = Path(index_dir)
    dirs = manifest.dirs(root)
    for d in dirs:
        idx.resolve(d)  # IndexMissing before any lock is taken
    report = idx.Report()
    with idx.locked(root, "akhbar add", wait, on_wait):
        parts = route(records, manifest.count, report, on_problem, on_article)
        collector = clusters.Collector()
        for shard_dir, part in zip(dirs, parts):
            if not part:
                continue
            ix = idx.open_index(shard_dir)
            try:
                done = idx.write_additions(ix, shard_dir, part, on_problem, None, on_duplicate, collector)
            finally:
                ix.close()
            report.indexed += done.indexed
            report.updated += done.updated
            report.duplicates += done.duplicates
            report.problems.extend(done.problems)
        if report.indexed or report.updated:
            generations = [idx.resolve(d) for d in dirs]
            make_tables(generations, rebuilt=False, collector=collector)
            for generation in generations:
                idx.sync_tree(generation)
    report.seconds = time.perf_counter() - started
    return report
