"""A segment's posting lists as flat arrays, written beside Whoosh's files.

Whoosh keeps a posting list as pickled, compressed blocks.  Decoding them
(about 200 ns a posting) is what a query costs the first time it meets a
word, and that cost grows with the archive: 29 % of the benchmark's query
time on 297,885 articles (docs/benchmarks.md).  So the build also writes each segment's
lists as plain arrays (document numbers int32, term frequencies float32)
with a directory of its terms; a searcher maps them into memory and a list
is a slice, shared by every process that searches the index (one copy in
the page cache, not one decoded copy per worker).

The arrays are written by the build's posting pool (search/pool.py) from
the same postings it hands Whoosh, so they hold exactly Whoosh's lists
(tests/test_flat.py compares every term).  A segment without them (one that
Whoosh merged, or an index from before them) is read from Whoosh's blocks as
before.  The files are named apart from the segment's own (Whoosh would
pack those into a compound file), so ``clean`` removes them once Whoosh has
merged their segment away.

Positions too: a ranked search checks its phrases in the articles that
could reach the page (search/phrases.py), and each check decoded a whole
Whoosh block (pickle and zlib, about 0.1 ms) for one article's positions;
where a story has copies, each copy's block is another.  So each posting's
value (the positions as Whoosh encodes them, the bytes its blocks hold) is
written too, and an article's positions are a slice of a memory-mapped file.

Layout: ``flat-<segment id>.ids`` and ``.tfs`` the postings of every term
one after the other, in the order Whoosh writes its terms; ``.terms`` a
header (magic, term count, posting count) then the terms'
keys (a 64-bit hash of field and term, ascending), starts and counts.  A
key two terms share is listed once with the count -1: those terms are read
from Whoosh.  So the directory names every term of the segment, and a term
it does not list is one the segment does not have: a word is looked up
there alone (a binary search in memory-mapped keys, about 8 µs) rather than
also in Whoosh's term dictionary (about 20 µs a segment), which a long
query does some hundred times.  Directories written before that
(``AKHFLAT1``: shared keys left out) are trusted only for terms Whoosh lists
with the same count.  ``.vals`` the values of the terms that have them (the
fields with positions), one after the other; ``.ends`` where each of their
postings' values ends, from the start of its term's; ``.vdir`` a header
(magic, term count, end count, value bytes) then, in the directory's order,
where each term's values and ends start (-1: none).  A segment written
before them has no ``.vdir``, and its positions are read from Whoosh's blocks.
"""

from __future__ import annotations

import hashlib
import os
import struct
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MAGIC = b"AKHFLAT2"  # the directory lists every term of the segment
_PARTIAL = b"AKHFLAT1"  # the terms that share a key left out
_SHARED = -1  # the count of a key two terms share
_HEADER = struct.Struct("<8sqq")
EXTENSIONS = ("ids", "tfs", "terms")
VALUES_MAGIC = b"AKHVALS1"
_VALUES_HEADER = struct.Struct("<8sqqq")
VALUE_EXTENSIONS = ("vals", "ends", "vdir")
_PREFIX = "flat-"


def key_of(fieldname: str, text: bytes) -> int:
    """The 64-bit key of a term of a field."""
    digest = hashlib.blake2b(fieldname.encode("utf-8") + b"\0" + text, digest_size=8).digest()
    return int.from_bytes(digest, "little")


def paths(folder: str | Path, segment_id: str, extensions: tuple[str, ...] = EXTENSIONS) -> tuple[Path, ...]:
    """The segment's files (its id is Whoosh's: the index name, _, an id),
    or with VALUE_EXTENSIONS its files of values."""
    return tuple(Path(folder) / f"{_PREFIX}{segment_id}.{ext}" for ext in extensions)


def value_paths(folder: str | Path, segment_id: str) -> tuple[Path, ...]:
    """The segment's files of values (positions): bytes, ends, directory."""
    return paths(folder, segment_id, VALUE_EXTENSIONS)


def folder_of(storage) -> str | None:
    """The folder of a Whoosh storage, also of a compound segment's (an
    overlay of its compound file on the folder)."""
    return getattr(storage, "folder", None) or getattr(getattr(storage, "b", None), "folder", None)


def of_leaf(leaf) -> "FlatPostings | None":
    """A segment reader's flat arrays, if its segment has them."""
    segment = leaf.segment()
    folder = folder_of(getattr(leaf, "_storage", None))
    return FlatPostings.open(folder, segment.segment_id()) if segment is not None and folder is not None else None


def clean(folder: str | Path, segment_ids: set[str]) -> None:
    """Remove the flat arrays of segments other than ``segment_ids`` (a
    searcher still reading one keeps its mapping; one that had not yet
    opened them reads Whoosh's lists)."""
    for path in Path(folder).glob(f"{_PREFIX}*"):
        if path.name[len(_PREFIX):].rsplit(".", 1)[0] not in segment_ids:
            try:
                path.unlink()
            except FileNotFoundError:
                pass


class FlatWriter:
    """Writes one segment's lists, term by term in Whoosh's order."""

    def __init__(self, folder: str | Path, segment_id: str, positions: frozenset[str] = frozenset()) -> None:
        self._positions = positions  # the fields whose values (positions) are written
        self._paths = paths(folder, segment_id)
        self._value_paths = value_paths(folder, segment_id)
        self._ids = open(self._paths[0], "wb")
        self._tfs = open(self._paths[1], "wb")
        self._vals = open(self._value_paths[0], "wb")
        self._ends = open(self._value_paths[1], "wb")
        # Arrays, not lists: a segment has a million terms and more, and the
        # build's peak memory is when its pool is written.
        self._keys = array("Q")
        self._starts = array("q")
        self._counts = array("q")
        self._value_starts = array("q")  # per term: where its values start in .vals (-1: none)
        self._end_starts = array("q")  # and its ends in .ends
        self._written = 0
        self._value_bytes = 0  # written to .vals
        self._ends_written = 0
        self._term_bytes = 0  # of the current term's values
        self._current: tuple[str, bytes] | None = None

    def add(self, fieldname: str, text: bytes, docnums: Sequence[int], weights: Sequence[float],
            ends: Sequence[int] | None = None, values: bytes | bytearray = b"") -> None:
        """Postings of a term (``docnums`` ascending), with their values
        (``values``, each posting's ending at its ``ends``, from the start of
        this part's); a term's postings may come in several parts, one
        after the other."""
        if (fieldname, text) != self._current:
            self._current = (fieldname, text)
            self._keys.append(key_of(fieldname, text))
            self._starts.append(self._written)
            self._counts.append(0)
            self._term_bytes = 0
            kept = bool(values) and fieldname in self._positions
            self._value_starts.append(self._value_bytes if kept else -1)
            self._end_starts.append(self._ends_written if kept else -1)
        ids = np.asarray(docnums, dtype=np.int32)
        self._ids.write(ids.tobytes())
        self._tfs.write(np.asarray(weights, dtype=np.float32).tobytes())
        self._counts[-1] += len(ids)
        self._written += len(ids)
        whole = values and ends is not None and len(ends) == len(ids)
        if self._value_starts[-1] >= 0 and whole and self._term_bytes + len(values) < 2**32:  # ends are 32-bit
            self._vals.write(values)
            self._ends.write((np.asarray(ends, dtype=np.int64) + self._term_bytes).astype(np.uint32).tobytes())
            self._term_bytes += len(values)
            self._value_bytes += len(values)
            self._ends_written += len(ids)
        elif self._value_starts[-1] >= 0:  # the term's values are not whole: none are read
            self._value_starts[-1] = self._end_starts[-1] = -1

    def close(self) -> None:
        """The directory, written last: a segment whose directory is
        missing or does not match its arrays is read from Whoosh."""
        for f in (self._ids, self._tfs, self._vals, self._ends):
            f.close()
        keys = np.frombuffer(self._keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        starts = np.frombuffer(self._starts, dtype=np.int64)[order]
        counts = np.frombuffer(self._counts, dtype=np.int64)[order]
        value_starts = np.frombuffer(self._value_starts, dtype=np.int64)[order]
        end_starts = np.frombuffer(self._end_starts, dtype=np.int64)[order]
        if len(keys) > 1:
            same = keys[1:] == keys[:-1]
            shared = np.zeros(len(keys), dtype=bool)
            shared[1:] |= same
            shared[:-1] |= same
            counts = np.where(shared, _SHARED, counts)
            first_of_key = np.concatenate(([True], ~same))
            keys, starts, counts = keys[first_of_key], starts[first_of_key], counts[first_of_key]
            value_starts, end_starts = value_starts[first_of_key], end_starts[first_of_key]
        # The values' directory first: a directory of postings without it is read from blocks.
        with open(self._value_paths[2], "wb") as f:
            f.write(_VALUES_HEADER.pack(VALUES_MAGIC, len(keys), self._ends_written, self._value_bytes))
            for part in (value_starts, end_starts):
                f.write(part.tobytes())
        with open(self._paths[2], "wb") as f:
            f.write(_HEADER.pack(MAGIC, len(keys), self._written))
            for part in (keys, starts, counts):
                f.write(part.tobytes())

    def cancel(self) -> None:
        for f in (self._ids, self._tfs, self._vals, self._ends):
            f.close()
        for path in self._paths + self._value_paths:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


class FlatPostings:
    """One segment's flat lists, memory-mapped."""

    def __init__(self, ids: np.ndarray, tfs: np.ndarray, keys: np.ndarray, starts: np.ndarray,
                 counts: np.ndarray, complete: bool = True, values: "FlatValues | None" = None) -> None:
        self.ids, self.tfs, self.keys, self.starts, self.counts = ids, tfs, keys, starts, counts
        self.complete = complete  # the directory lists every term of the segment
        self.values = values  # the postings' values (positions), if written

    @classmethod
    def open(cls, folder: str | Path, segment_id: str) -> "FlatPostings | None":
        """The segment's lists, or None if it has none (or they are not whole)."""
        ids_path, tfs_path, terms_path = paths(folder, segment_id)
        try:
            with open(terms_path, "rb") as f:
                magic, terms, postings = _HEADER.unpack(f.read(_HEADER.size))
            if magic not in (MAGIC, _PARTIAL):
                return None
            if ids_path.stat().st_size != 4 * postings or tfs_path.stat().st_size != 4 * postings:
                return None
            if terms_path.stat().st_size != _HEADER.size + 24 * terms:
                return None
        except (OSError, struct.error):
            return None
        if postings == 0 or terms == 0:
            empty = np.zeros(0, np.int64)
            return cls(np.zeros(0, np.int32), np.zeros(0, np.float32), empty.astype(np.uint64), empty, empty,
                       magic == MAGIC)
        directory = np.memmap(terms_path, dtype=np.uint8, mode="r", offset=_HEADER.size)
        keys = directory[: 8 * terms].view(np.uint64)
        starts = directory[8 * terms : 16 * terms].view(np.int64)
        counts = directory[16 * terms :].view(np.int64)
        return cls(np.memmap(ids_path, dtype=np.int32, mode="r"), np.memmap(tfs_path, dtype=np.float32, mode="r"),
                   keys, starts, counts, magic == MAGIC, FlatValues.open(folder, segment_id, terms))

    def _find(self, fieldname: str, text: bytes) -> int | None:
        """Where the term's key is in the directory (None: not there)."""
        key = np.uint64(key_of(fieldname, text))
        at = int(np.searchsorted(self.keys, key))
        return at if at < len(self.keys) and self.keys[at] == key else None

    def _entry(self, fieldname: str, text: bytes) -> tuple[int, int] | None:
        """(place in the directory, postings) of the term, (-1, 0) if the
        segment does not have it; None where only Whoosh can say (a key two
        terms share, or a directory that does not list every term)."""
        if not self.complete:
            return None
        at = self._find(fieldname, text)
        if at is None:
            return -1, 0
        count = int(self.counts[at])
        return None if count == _SHARED else (at, count)

    def listed(self, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's (documents, term frequencies), empty if the segment
        does not have the term; None where only Whoosh can say (_entry)."""
        entry = self._entry(fieldname, text)
        if entry is None:
            return None
        at, count = entry
        return self._list(at, count) if count else (np.zeros(0, np.int32), np.zeros(0, np.float32))

    def frequency(self, fieldname: str, text: bytes) -> int | None:
        """How many articles have the term (deleted ones too, as Whoosh
        counts them); None where only Whoosh can say (_entry)."""
        entry = self._entry(fieldname, text)
        return None if entry is None else entry[1]

    def postings(self, fieldname: str, text: bytes, count: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's (documents, term frequencies), or None if it is not
        here with ``count`` postings (Whoosh's own count of the list)."""
        at = self._find(fieldname, text)
        if at is None or int(self.counts[at]) != count:
            return None
        return self._list(at, count)

    def value_bytes(self, fieldname: str, text: bytes, places: np.ndarray) -> list[bytes] | None:
        """The values (Whoosh's encoded positions) of the term's postings at
        ``places`` (places in its list as ``listed`` gives it: where there
        is an entry, the list a search reads is that one, search/arrays.py's
        read_term); None where they were not written (the caller reads
        Whoosh's blocks)."""
        entry = self._entry(fieldname, text) if self.values is not None else None
        if entry is None or entry[1] == 0:
            return None
        return self.values.of(entry[0], places)

    def _list(self, at: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``count`` postings of the ``at``-th term of the directory."""
        start = int(self.starts[at])
        return np.asarray(self.ids[start : start + count]), np.asarray(self.tfs[start : start + count])


class FlatValues:
    """One segment's posting values (positions), memory-mapped."""

    def __init__(self, data: np.ndarray, ends: np.ndarray, value_starts: np.ndarray, end_starts: np.ndarray) -> None:
        self.data, self.ends, self.value_starts, self.end_starts = data, ends, value_starts, end_starts

    @classmethod
    def open(cls, folder: str | Path, segment_id: str, terms: int) -> "FlatValues | None":
        """The segment's values if they are whole for its ``terms`` terms."""
        vals_path, ends_path, directory_path = value_paths(folder, segment_id)
        try:
            with open(directory_path, "rb") as f:
                magic, count, ends, size = _VALUES_HEADER.unpack(f.read(_VALUES_HEADER.size))
            if magic != VALUES_MAGIC or count != terms or ends == 0 or size == 0:
                return None
            if directory_path.stat().st_size != _VALUES_HEADER.size + 16 * terms:
                return None
            if ends_path.stat().st_size != 4 * ends or vals_path.stat().st_size != size:
                return None
        except (OSError, struct.error):
            return None
        directory = np.memmap(directory_path, dtype=np.uint8, mode="r", offset=_VALUES_HEADER.size)
        return cls(np.memmap(vals_path, dtype=np.uint8, mode="r"), np.memmap(ends_path, dtype=np.uint32, mode="r"),
                   directory[: 8 * terms].view(np.int64), directory[8 * terms :].view(np.int64))

    def of(self, at: int, places: np.ndarray) -> list[bytes] | None:
        """The values of the ``at``-th term's postings at ``places``."""
        value_start, end_start = int(self.value_starts[at]), int(self.end_starts[at])
        if value_start < 0:
            return None
        places = np.asarray(places, dtype=np.int64)
        ends = self.ends[end_start + places].astype(np.int64)
        begins = np.where(places > 0, self.ends[np.maximum(end_start + places - 1, 0)], 0).astype(np.int64)
        data = self.data
        return [data[value_start + b : value_start + e].tobytes() for b, e in zip(begins.tolist(), ends.tolist())]
