"""Where a build gathers its postings before Whoosh writes them.

Whoosh's writer keeps every posting as a tuple in one list, sorts it, and
once the list outgrows its memory limit pickles every posting to a run
file, one by one, to merge them back at the end.  A full build goes over
the limit many times, so each of its twenty million postings was pickled,
unpickled and merged through a heap: 18 % of the profiled build (the
run-file functions in docs/benchmarks.md as of 2947a34).

A writer adds documents in document-number order, so the postings of one
term already arrive sorted.  TermPool therefore keeps them per term, in
compact arrays, and a spill writes one record per term; only the terms
need sorting, and the runs merge term by term.  Whoosh's postings writer
receives exactly the stream it would have had (tests/test_pool.py builds
the same index both ways and compares every posting).  20,000 articles
were built in 44-47 s instead of 56-59 s, the full corpus in 113-123 s
instead of 160 s.

Since the pool holds each term's documents and frequencies as arrays, it
also writes them as the segment's flat posting arrays (search/flat.py),
which searches read without decoding Whoosh's blocks, and their values
(positions), which a phrase's check reads an article at a time.
"""

from __future__ import annotations

import heapq
import marshal
import tempfile
from array import array
from collections.abc import Iterator
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import IO, Callable

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from search.analysis import leave_words
from search.flat import FlatWriter, folder_of

Posting = tuple[str, bytes, int, float, bytes]
_BYTES_PER_POSTING = 4 + 8 + 4  # document number, weight, end of its value
_BYTES_PER_TERM = 400  # the key and four containers, roughly


class TermPool:
    """The postings of one segment, grouped by term (a stand-in for
    whoosh.writing.PostingPool with the same ``add``/``iter_postings``)."""

    def __init__(self, tempdir: str | None = None, limitmb: float = 128,
                 flat: Callable[[], FlatWriter] | None = None) -> None:
        self.tempdir = tempdir
        self.flat = flat  # makes the writer of the segment's flat arrays
        self.limit = int(limitmb * 1024 * 1024)
        self.fieldnames: set[str] = set()
        self._terms: dict[tuple[str, bytes], tuple[array, array, array, bytearray]] = {}
        self._size = 0
        self._runs: list[IO[bytes]] = []
        self.spills = 0

    def add(self, item: Posting) -> None:
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        postings = self._terms.get(key)
        if postings is None:
            self.fieldnames.add(fieldname)
            postings = self._terms[key] = (array("i"), array("d"), array("I"), bytearray())
            self._size += _BYTES_PER_TERM + len(text)
        docnums, weights, ends, values = postings
        docnums.append(docnum)
        weights.append(weight)
        if value:
            values += value
        ends.append(len(values))
        self._size += _BYTES_PER_POSTING + len(value or b"")
        if self._size > self.limit:
            self._spill()

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting, in (field, term, document) order; the flat arrays
        are written as they go, and kept only if every posting went."""
        flat = self.flat() if self.flat is not None else None
        done = False
        try:
            for key, postings in self._by_term():
                if flat is not None:
                    flat.add(key[0], key[1], postings[0], postings[1], postings[2], postings[3])
                yield from _postings(key, postings)
            done = True
        finally:
            if flat is not None and done:
                flat.close()
            elif flat is not None:
                flat.cancel()

    def _by_term(self) -> Iterator[tuple[tuple[str, bytes], tuple]]:
        """(term, postings) in term order: a term of several runs comes in
        several parts, in document order."""
        if not self._runs:
            for key in sorted(self._terms):
                yield key, self._terms[key]
            return
        self._spill()
        runs = [_read_run(f) for f in self._runs]
        for key, parts in groupby(heapq.merge(*runs, key=itemgetter(0)), key=itemgetter(0)):
            for _key, postings in parts:  # in run order, so document order
                yield key, postings

    def cleanup(self) -> None:
        for f in self._runs:
            f.close()
        self._runs = []
        self._terms = {}

    def _spill(self) -> None:
        """Write the terms gathered so far to a run file, one record each."""
        if not self._terms:
            return
        f = tempfile.TemporaryFile(dir=self.tempdir, suffix=".run")
        for key in sorted(self._terms):
            docnums, weights, ends, values = self._terms[key]
            marshal.dump((key, (docnums.tobytes(), weights.tobytes(), ends.tobytes(), bytes(values))), f)
        f.flush()
        self._runs.append(f)
        self.spills += 1
        self._terms = {}
        self._size = 0


def _read_run(f: IO[bytes]) -> Iterator[tuple]:
    f.seek(0)
    while True:
        try:  # marshal keeps no memo, so what was read can be let go
            key, (docnums, weights, ends, values) = marshal.load(f)
        except EOFError:
            return
        yield key, (array("i", docnums), array("d", weights), array("I", ends), values)


def _postings(key: tuple[str, bytes], postings) -> Iterator[Posting]:
    fieldname, text = key
    docnums, weights, ends, values = postings
    values = bytes(values)
    start = 0
    for docnum, weight, end in zip(docnums, weights, ends):
        yield fieldname, text, docnum, weight, values[start:end]
        start = end


class _TermPoolTask(SubWriterTask):
    """Whoosh's indexing subprocess, its writer's pool swapped for a
    TermPool before the first document (when the pool is still empty); at
    the end it leaves the analyses of ``words_of``'s words in the index's
    folder (analysis.leave_words)."""

    words_of: str | None = None

    def _process_file(self, filename: str, doc_count: int) -> None:
        writer = self.writer
        if not isinstance(writer.pool, TermPool):
            _equip(writer, self.kwargs.get("limitmb", 128))
        super()._process_file(filename, doc_count)

    def run(self) -> None:
        super().run()
        if self.running and self.words_of is not None and hasattr(self.storage, "folder"):
            leave_words(self.writer.schema[self.words_of].analyzer, self.storage.folder)


class TermPoolWriter(MpWriter):
    """Whoosh's multiprocess writer whose subprocesses gather postings in a
    TermPool.  ``ix.writer(procs=...)`` otherwise, with the same arguments,
    and ``words_of``: the field whose analyses the subprocesses leave behind."""

    def __init__(self, ix, words_of: str | None = None, **kwargs) -> None:
        self.words_of = words_of
        super().__init__(ix, **kwargs)

    def _new_task(self) -> SubWriterTask:
        if self.start_method is not None:
            return super()._new_task()
        task = _TermPoolTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment)
        task.words_of = self.words_of
        self.tasks.append(task)
        task.start()
        return task


def writer(ix, procs: int = 1, words_of: str | None = None, **kwargs) -> SegmentWriter:
    """A writer of ``ix`` whose postings gather in TermPools: Whoosh's
    multiprocess writer over ``procs`` processes (leaving the analyses of
    ``words_of``'s words in the index's folder, see TermPoolWriter), or its
    one-process writer; the other arguments are Whoosh's."""
    if procs > 1:
        return TermPoolWriter(ix, procs=procs, words_of=words_of, **kwargs)
    one = ix.writer(**kwargs)
    _equip(one, kwargs.get("limitmb", 128))
    return one


def _equip(writer: SegmentWriter, limitmb: float) -> None:
    """Give ``writer`` a TermPool, and field lengths read once per field
    when it writes its postings (_ColumnLengths)."""
    writer.pool = _pool_of(writer, limitmb)
    per_document_reader = writer.per_document_reader
    writer.per_document_reader = lambda: _ColumnLengths(per_document_reader())


class _ColumnLengths:
    """A segment's per-document reader, but for the length of each
    document's field, which Whoosh's postings writer asks of every posting
    (a block keeps its shortest and longest): read from the length column
    once per field into a list, not a file read and an unpack a posting,
    which was 18 % of writing a segment's postings (pyinstrument, 6,000
    articles in one process).  The same values, so the same files."""

    def __init__(self, reader) -> None:
        self._reader = reader

    def __getattr__(self, name: str):
        return getattr(self._reader, name)

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], int | None]:
        one = self._reader.doc_field_length_reader(fieldname, default)
        return [one(docnum) for docnum in range(self._reader.doc_count_all())].__getitem__


def _pool_of(writer: SegmentWriter, limitmb: float) -> TermPool:
    """A TermPool for ``writer``'s segment, which writes its flat arrays
    where the segment's files are (if they are in a folder)."""
    folder = folder_of(writer.storage)
    flat: Callable[[], FlatWriter] | None = None
    if folder is not None:
        positions = frozenset(name for name, field in writer.schema.items()
                              if field.format is not None and field.format.supports("positions"))
        flat = partial(FlatWriter, folder, writer.newsegment.segment_id(), positions)
    return TermPool(folder, limitmb, flat)
