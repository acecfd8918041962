"""An index's posting lists, field lengths, facet values and dates as numpy
arrays: one copy per process, shared by its threads.

A Whoosh segment never changes on disk once written, except for the set of
its deleted articles.  So everything decoded from a segment is kept under
the segment's identity (its generation directory and segment id) and reused
by every thread and every later state of the index: after an ``akhbar add``
only the new segment is read.  Deletions are not in the arrays; an
``IndexView`` (one state of the index: its segments with their deletions)
holds a mask of the live articles, and the arrays that depend on the whole
index (the BM25 length norms, which use the average field length).

Threads share the arrays; Whoosh readers are not shared.  A thread reads
what is missing through its own Whoosh searcher (file positions are per
reader), and the decoded arrays are only ever replaced, never changed in
place, so a reader needs no lock: two threads missing the same term at once
both read it and one copy is kept.  The lock guards the dictionaries.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import _length_byte_cache

from search.flat import FlatPostings, folder_of, of_leaf

# What Whoosh's date column holds for an article without a date.
NO_DATE = 2**64 - 1
_MICROSECONDS_A_DAY = 86_400_000_000
_DAYS_TO_1970 = 719_162  # from 0001-01-01
# Whoosh's field lengths are stored as one byte each; this decodes them.
_LENGTH_OF_BYTE = np.asarray(_length_byte_cache, dtype=np.float64)
_BLOCK_LENGTH = struct.Struct("!i")

Postings = tuple[np.ndarray, np.ndarray]  # (documents int32, term frequencies float32), one segment
EMPTY: Postings = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class Blocks(NamedTuple):
    """Where each block of a term's posting list is: the place of its first
    posting in the list and its offset in the postings file.  With it one
    article's positions are read from its own block.  Whoosh's matchers
    find a block by reading every block header before it, so a phrase
    checked in a few articles cost time in proportion to its words' lists,
    which grow with the archive."""

    firsts: np.ndarray  # int64, ascending, starting at 0
    offsets: np.ndarray  # int64


def present(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(those of ``wanted`` that are in ``ids`` (ascending), their places
    in ``ids``), in the order of ``wanted``, by binary search: for a few
    articles among a long list."""
    at = np.searchsorted(ids, wanted)
    inside = at < len(ids)
    at, wanted = at[inside], wanted[inside]
    hit = ids[at] == wanted
    return wanted[hit], at[hit]


def index_of(ids: np.ndarray) -> np.ndarray:
    """Document numbers in numpy's own index type (intp).  Kept as int32
    (half the memory), they are cast for each use: numpy indexes with any
    other integer type through a buffered cast, which made scattering a
    list into the score array 3-5 times slower than casting it first."""
    return ids.astype(np.intp, copy=False)


# -- reading a segment -------------------------------------------------------------------------


def read_postings(leaf, fieldname: str, text: str, whole_blocks: bool = True) -> Postings:
    """(documents, term frequencies) of a term in one segment, deleted
    articles included (an IndexView masks them), empty if the segment lacks
    the term.

    Whoosh's matchers hand out one posting per call (about a microsecond
    each, most of a cold query's time).  With ``whole_blocks``, the posting
    blocks of whoosh3's format (3.54.0, pinned exactly in pyproject.toml)
    are read in one piece from the postings file and decoded block by block
    (each a zlib-compressed pickle of the block's delta-coded documents,
    term frequencies and positions); otherwise, and for any other format,
    one posting at a time through Whoosh's public matcher API.
    tests/test_arrays.py checks both give the same lists.
    """
    return read_term(leaf, fieldname, text, whole_blocks)[0]


def read_term(leaf, fieldname: str, text: str, whole_blocks: bool = True, flat: FlatPostings | None = None,
              ) -> tuple[Postings, Blocks | None]:
    """A term's postings in one segment (read_postings) and, where they
    were read block by block, where its blocks are (None otherwise: read
    from the segment's ``flat`` arrays, an inlined posting, another
    format, or ``whole_blocks`` off)."""
    if flat is not None and fieldname in leaf.schema:
        found = flat.listed(fieldname, leaf.schema[fieldname].to_bytes(text))
        if found is not None:
            return found, None
    try:
        info = leaf.term_info(fieldname, text)
    except TermNotFound:
        return EMPTY, None
    if flat is not None:
        found = flat.postings(fieldname, leaf.schema[fieldname].to_bytes(text), info.doc_frequency())
        if found is not None:
            return found, None
    if whole_blocks and isinstance(info, W3TermInfo):
        if info.is_inlined():
            ids, weights, _values = info.inlined_postings()
            return (np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)), None
        postfile = _postfile(leaf)
        if postfile is not None:
            offset, length = _extent(info)
            postings, firsts, starts = _decode_blocks(postfile.get(offset, length))
            return postings, Blocks(firsts, starts + offset)
    matcher = leaf.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # the filter that skips deleted articles
        matcher = matcher.child
        matcher.reset()  # the filter has already moved it past the first deleted ones
    ids, tfs = [], []
    # Methods bound once: this loop runs once per posting.
    active, docnum, weight, step = matcher.is_active, matcher.id, matcher.weight, matcher.next
    add_id, add_tf = ids.append, tfs.append
    while active():
        add_id(docnum())
        add_tf(weight())
        step()
    return (np.asarray(ids, dtype=np.int32), np.asarray(tfs, dtype=np.float32)), None


def read_blocks(leaf, fieldname: str, text: str) -> Blocks | None:
    """Where the blocks of a term's list are, from their headers alone
    (for a list read from flat arrays); None for an inlined posting or
    another format."""
    try:
        info = leaf.term_info(fieldname, text)
    except TermNotFound:
        return None
    postfile = _postfile(leaf)
    if not isinstance(info, W3TermInfo) or info.is_inlined() or postfile is None:
        return None
    offset, length = _extent(info)
    if postfile.get(offset, 4) != WHOOSH3_HEADER_MAGIC:
        return None
    firsts, starts = [], []
    position, count = offset + 4, 0
    while position < offset + length:
        (size,) = _BLOCK_LENGTH.unpack(postfile.get(position, 4))
        firsts.append(count)
        starts.append(position)
        # The block info is a small pickle; what follows it is ignored.
        count += pickle.loads(postfile.get(position + 4, min(abs(size), _BLOCK_INFO_BYTES)))[0]
        position += 4 + abs(size)
        if size < 0:
            break
    return Blocks(np.asarray(firsts, dtype=np.int64), np.asarray(starts, dtype=np.int64))


# Enough bytes for a pickled block info (six numbers, protocol 2).
_BLOCK_INFO_BYTES = 64


def _extent(info: W3TermInfo) -> tuple[int, int]:
    """Where a term's list is in the postings file: offset and length
    (whoosh3 3.54.0 reads the length back as struct.unpack's 1-tuple)."""
    offset, length = info.extent()
    if isinstance(length, tuple):
        (length,) = length
    return offset, length


def _postfile(leaf):
    """The segment's postings file, where whoosh3's reader keeps it."""
    return getattr(getattr(leaf, "_terms", None), "_postfile", None)


def read_positions(leaf, fieldname: str, blocks: Blocks, places: np.ndarray,
                   block_values: Callable[[object, int], tuple | None] | None = None) -> list[list[int]] | None:
    """The term's positions in the postings at ``places`` (ascending places
    in its list, Blocks), each block decoded once (by ``block_values``,
    which may keep them: Store.block_values); None if a block is not what
    whoosh3 writes (the caller then asks Whoosh's matchers)."""
    postfile = _postfile(leaf)
    if postfile is None:
        return None
    decode = leaf.schema[fieldname].format.decoder("positions")
    which = np.searchsorted(blocks.firsts, places, side="right") - 1
    out = []
    current, values = -1, ()
    for place, block in zip(places.tolist(), which.tolist()):
        if block != current:
            current = block
            values = (block_values or _block_values)(postfile, int(blocks.offsets[block]))
        at = place - int(blocks.firsts[block])
        if values is None or not 0 <= at < len(values):
            return None
        out.append(decode(values[at]))
    return out


def _block_values(postfile, offset: int) -> tuple | None:
    """The values (encoded positions) of the postings of the block at
    ``offset``, in their order; None unless it holds one per posting."""
    (length,) = _BLOCK_LENGTH.unpack(postfile.get(offset, 4))
    data = postfile.get(offset + 4, abs(length))
    stream = io.BytesIO(data)
    count, _maxid, _maxweight, compression, _mn, _mx = pickle.load(stream)
    raw = data[stream.tell():]
    _ids, _weights, values = pickle.loads(zlib.decompress(raw) if compression else raw)
    if not isinstance(values, (list, tuple)) or len(values) != count:
        return None
    return values


def _decode_blocks(data: bytes) -> tuple[Postings, np.ndarray, np.ndarray]:
    """(the postings, the place of each block's first posting, where each
    block starts in ``data``) of W3PostingsWriter's blocks: a header tag,
    then per block a signed length (negative for the last block), the
    pickled block info (count, last document, max weight, compression,
    lengths) and the pickled, maybe compressed (documents as deltas,
    weights, values)."""
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a whoosh3 posting list")
    stream = io.BytesIO(data)
    stream.seek(4)
    deltas: list[int] = []
    weights: list[np.ndarray] = []
    firsts: list[int] = []  # where each block starts in ``deltas``
    starts: list[int] = []  # and in ``data``
    last_of_previous = 0
    position = 4
    while True:
        starts.append(position)
        (length,) = _BLOCK_LENGTH.unpack_from(data, position)
        last = length < 0
        end = position + 4 + abs(length)
        stream.seek(position + 4)
        count, maxid, _maxweight, compression, _mn, _mx = pickle.load(stream)
        block_ids, block_weights = _ids_and_weights(data[stream.tell() : end], compression, count)
        firsts.append(len(deltas))
        deltas.extend(block_ids)
        # The first document of a block is absolute: make it a delta from
        # the last document of the block before, so that one cumulative sum
        # decodes the whole list.
        deltas[firsts[-1]] -= last_of_previous
        last_of_previous = maxid
        if block_weights is None:
            weights.append(np.ones(count, np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights, np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        position = end
        if last:
            break
    ids = np.cumsum(np.asarray(deltas, dtype=np.int64)).astype(np.int32)
    return (ids, np.concatenate(weights)), np.asarray(firsts, dtype=np.int64), np.asarray(starts, dtype=np.int64)


# Where a block's pickled values (positions) start: protocol 2 pickles bytes
# as a call of _codecs.encode, and the first value names it.
_VALUES_START = b"c_codecs\nencode\n"
# The most a block's documents and weights take pickled: 5 bytes a document
# number (BININT), 9 a weight (BINFLOAT), and the tuples' opcodes.
_IDS_WEIGHTS_BYTES = 14


def _ids_and_weights(raw: bytes, compressed: int, count: int) -> tuple:
    """A block's (document deltas, weights), unpickling only those: its
    positions are most of its bytes and of the time to unpickle it (each is
    a bytes object rebuilt by a function call), and no query here needs them.
    Whatever does not look as expected is unpickled whole."""
    if compressed:
        inflater = zlib.decompressobj()
        head = inflater.decompress(raw, _IDS_WEIGHTS_BYTES * count + 64)
    else:
        inflater, head = None, raw
    at = head.find(_VALUES_START)
    if at > 0:
        cut = at - 1 if head[at - 1 : at] == b"(" else at  # a tuple of values starts with a MARK
        try:
            ids, weights = pickle.loads(head[:cut] + b"\x86.")  # TUPLE2, STOP
            if len(ids) == count and (weights is None or isinstance(weights, float) or len(weights) == count):
                return ids, weights
        except Exception:
            pass
    whole = head + inflater.decompress(inflater.unconsumed_tail) + inflater.flush() if inflater is not None else raw
    ids, weights, _values = pickle.loads(whole)
    return ids, weights


def field_lengths(leaf, fieldname: str) -> np.ndarray:
    """Every article's length in ``fieldname`` (as Whoosh stores it: one
    byte, decoded), by segment document number."""
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
    if reader is not None and hasattr(reader, "_dbfile"):
        stored = min(reader._count, count)  # documents past the last non-zero length are not written
        raw = np.zeros(count, np.uint8)
        raw[:stored] = np.frombuffer(reader._dbfile.get(reader._basepos, stored), dtype=np.uint8)
        return _LENGTH_OF_BYTE[raw]
    if reader is None and perdoc is not None:
        return np.zeros(count, np.float64)
    return np.asarray([leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count)], dtype=np.float64)


def column_values(leaf, fieldname: str, missing, translate: bool = True) -> list:
    """A column's value for every article of a segment; ``missing`` for all
    of them when the segment has no such column (an ``add`` of articles none
    of which has the field)."""
    if leaf.has_column(fieldname):
        return list(leaf.column_reader(fieldname, translate=translate))
    return [missing] * leaf.doc_count_all()


# -- what is kept per process ------------------------------------------------------------------


class Segment:
    """The arrays of one segment that do not depend on the rest of the index."""

    def __init__(self, key: tuple, doc_count: int) -> None:
        self.key = key
        self.doc_count = doc_count
        self.lengths: dict[str, np.ndarray] = {}
        self.codes: dict[str, np.ndarray] = {}  # facet field -> code of each article's value (Values)
        self.dates: np.ndarray | None = None
        self._flat: FlatPostings | None | bool = False  # False: not looked for yet

    def flat(self, leaf) -> FlatPostings | None:
        """The segment's flat posting arrays (search/flat.py), if it has them."""
        if self._flat is False:
            self._flat = of_leaf(leaf)
        return self._flat


class Values:
    """The distinct values of a facet field across segments, each with a
    code (its position); codes are never reused, so arrays of codes made for
    one segment stay valid as others are added."""

    def __init__(self) -> None:
        self.values: list = []
        self._codes: dict = {}

    def codes(self, values: Sequence) -> np.ndarray:
        lookup = self._codes
        for value in set(values) - lookup.keys():
            lookup[value] = len(self.values)
            self.values.append(value)
        return np.fromiter((lookup[v] for v in values), dtype=np.int32, count=len(values))

    def code(self, value) -> int:
        """The code of one value, given one if it has none yet."""
        found = self._codes.get(value)
        if found is None:
            found = self._codes[value] = len(self.values)
            self.values.append(value)
        return found


# Megabytes of decoded posting lists a process keeps (8 bytes a posting).
# Decoding a list costs far more than scoring it, so a list read again
# after it was dropped is most of a warm query's time: the 2,000 queries of
# bench/run.py on 297,885 articles use 48 million postings (385 MB), and
# with the earlier 100 MB their long-query p50 was twice what it is with
# room for all of them.  Small archives never fill it.
DEFAULT_CACHE_MB = 512
_POSTING_BYTES = 8
# Decoded blocks of positions a process keeps (Store.block_values): a
# block holds up to 128 articles' positions, about 10 KB decoded.
KEPT_BLOCKS = 4096


class Store:
    """Decoded segments and posting lists of one process.  Posting lists are
    kept most recently used first, up to ``cache_mb`` megabytes in all."""

    def __init__(self, cache_mb: int = DEFAULT_CACHE_MB) -> None:
        self.max_postings = _postings_in(cache_mb)
        self.lock = threading.RLock()
        self.segments: dict[tuple, Segment] = {}
        self.values: dict[str, Values] = {}
        self._postings: OrderedDict[tuple, tuple[Postings, Blocks | None]] = OrderedDict()
        self._size = 0
        self._blocks: OrderedDict[tuple, tuple | None] = OrderedDict()  # (segment key, offset) -> values

    def segment(self, key: tuple, leaf) -> Segment:
        with self.lock:
            found = self.segments.get(key)
            if found is None:
                found = self.segments[key] = Segment(key, leaf.doc_count_all())
            return found

    def postings(self, key: tuple, leaf, fieldname: str, text: str) -> Postings:
        """A term's postings in a segment: kept, or read with ``leaf`` (the
        calling thread's reader of that segment)."""
        return self._term(key, leaf, fieldname, text)[0]

    def blocks(self, key: tuple, leaf, fieldname: str, text: str) -> Blocks | None:
        """Where the blocks of the term's list in a segment are (read_term,
        or read_blocks for a list read from flat arrays)."""
        postings, blocks = self._term(key, leaf, fieldname, text)
        if blocks is None and len(postings[0]):
            blocks = read_blocks(leaf, fieldname, text)
            if blocks is not None:
                with self.lock:
                    entry = (key, fieldname, text)
                    if entry in self._postings:
                        self._postings[entry] = (postings, blocks)
        return blocks

    def _term(self, key: tuple, leaf, fieldname: str, text: str) -> tuple[Postings, Blocks | None]:
        entry = (key, fieldname, text)
        with self.lock:
            found = self._postings.get(entry)
            if found is not None:
                self._postings.move_to_end(entry)
                return found
        found = read_term(leaf, fieldname, text, flat=self.segment(key, leaf).flat(leaf))  # outside the lock
        with self.lock:
            if entry not in self._postings:
                self._postings[entry] = found
                self._size += len(found[0][0])
                self._shrink()
            return self._postings.get(entry, found)

    def block_values(self, key: tuple, postfile, offset: int) -> tuple | None:
        """The decoded values (positions) of the block at ``offset`` of a
        segment's postings file, kept: a ranked search with a phrase reads
        its words' positions a batch of articles at a time (ranking.
        PhraseBonuses), and articles of one batch and the next, or of a
        deeper page, often share a block of a common word."""
        entry = (key, offset)
        with self.lock:
            if entry in self._blocks:
                self._blocks.move_to_end(entry)
                return self._blocks[entry]
        found = _block_values(postfile, offset)  # outside the lock
        with self.lock:
            self._blocks[entry] = found
            while len(self._blocks) > KEPT_BLOCKS:
                self._blocks.popitem(last=False)
        return found

    def resize(self, cache_mb: int) -> None:
        """Keep up to ``cache_mb`` megabytes of posting lists from now on."""
        with self.lock:
            self.max_postings = _postings_in(cache_mb)
            self._shrink()

    def _shrink(self) -> None:
        """Drop the least recently used lists past the size (the last one read stays)."""
        while self._size > self.max_postings and len(self._postings) > 1:
            _, ((old, _), _) = self._postings.popitem(last=False)
            self._size -= len(old)

    def forget(self, keys: set[tuple]) -> None:
        """Forget segments that are gone (merged, or a rebuilt index)."""
        if not keys:
            return
        with self.lock:
            for key in keys:
                self.segments.pop(key, None)
            for entry in [e for e in self._postings if e[0] in keys]:
                self._size -= len(self._postings.pop(entry)[0][0])
            for entry in [e for e in self._blocks if e[0] in keys]:
                del self._blocks[entry]

    def facet_values(self, fieldname: str) -> Values:
        with self.lock:
            return self.values.setdefault(fieldname, Values())


def _postings_in(cache_mb: int) -> int:
    return cache_mb * 1_000_000 // _POSTING_BYTES


STORE = Store()  # the process's one copy (akhbar serve sizes it: --cache-mb, AKHBAR_CACHE_MB)


# -- one state of the index --------------------------------------------------------------------


def segment_key(leaf) -> tuple:
    """A segment's identity: its directory (the index generation) and id."""
    segment = leaf.segment()  # None: an empty index (a shard that got no article)
    return (str(folder_of(getattr(leaf, "_storage", None)) or ""), segment.segment_id() if segment else "")


def view_key(searcher) -> tuple:
    """What identifies a state of the index: its segments and their deletions."""
    return tuple((segment_key(leaf), leaf.segment().deleted_count() if leaf.segment() else 0)
                 for leaf, _ in searcher.reader().leaf_readers())


class IndexView:
    """Arrays over the whole index in one state, by global document number,
    built from the shared per-segment arrays.  Any thread's Whoosh searcher
    of the same state may be used with it."""

    def __init__(self, searcher, norm_settings: tuple[float, float, dict[str, float]], store: Store = STORE) -> None:
        self.key = view_key(searcher)
        self.store = store
        leaves = searcher.reader().leaf_readers()
        self.segments = [store.segment(segment_key(leaf), leaf) for leaf, _ in leaves]
        self.offsets = [offset for _, offset in leaves]
        self.n = sum(s.doc_count for s in self.segments)
        live = np.ones(self.n, dtype=bool)
        for (leaf, offset) in leaves:
            deleted = list(leaf.segment().deleted_docs()) if leaf.segment() else []
            if deleted:
                live[offset + np.asarray(deleted, dtype=np.int64)] = False
        self.live = live
        self.k1, self._b, self._field_b = norm_settings
        self._norms: dict[str, tuple[float, np.ndarray]] = {}  # field -> (average length, norms)
        self._ranks: np.ndarray | None = None
        self._codes: dict[str, np.ndarray] = {}
        self._dates: np.ndarray | None = None
        self._days: np.ndarray | None = None
        self._clusters: tuple | None = None  # (the table it was made from, codes, in a cluster of 2+)
        self._members: tuple | None = None  # (the codes it was made from, articles by code, their codes)
        self._lock = threading.Lock()

    def slices(self) -> list[tuple[int, int]]:
        return [(offset, offset + s.doc_count) for s, offset in zip(self.segments, self.offsets)]

    # -- posting lists

    def postings(self, searcher, fieldname: str, text: str) -> list[Postings]:
        """A term's postings, segment by segment (local document numbers)."""
        leaves = searcher.reader().leaf_readers()
        return [self.store.postings(s.key, leaf, fieldname, text) for s, (leaf, _) in zip(self.segments, leaves)]

    def positions(self, reader, segment: int, fieldname: str, text: str, docs: np.ndarray,
                  ) -> tuple[np.ndarray, list[list[int]]] | None:
        """(those of ``docs`` (ascending local numbers of the ``segment``-th
        segment, ``reader`` the calling thread's reader of it) that have the
        term, the term's positions in each), each a slice of the segment's
        flat values (search/flat.py) or read from its own block (Blocks);
        None where the list was read neither way."""
        key = self.segments[segment].key
        ids, _tfs = self.store.postings(key, reader, fieldname, text)
        if not len(ids):
            return docs[:0], []
        found, places = present(ids, docs)
        lists = self.segments[segment].flat(reader)
        if lists is not None and lists.values is not None and fieldname in reader.schema:
            values = lists.value_bytes(fieldname, reader.schema[fieldname].to_bytes(text), places)
            if values is not None:
                decode = reader.schema[fieldname].format.decoder("positions")
                return found, [decode(value) for value in values]
        blocks = self.store.blocks(key, reader, fieldname, text)
        if blocks is None:
            return None
        positions = read_positions(reader, fieldname, blocks, places,
                                   lambda postfile, offset: self.store.block_values(key, postfile, offset))
        return None if positions is None else (found, positions)

    def doc_frequency(self, searcher, fieldname: str, text: str) -> int:
        """Whoosh's document frequency of the term, from the segments' flat
        directories where they list every term (no list is read)."""
        total = 0
        for segment, (leaf, _) in zip(self.segments, searcher.reader().leaf_readers()):
            lists = segment.flat(leaf)
            found = None
            if lists is not None and fieldname in leaf.schema:
                found = lists.frequency(fieldname, leaf.schema[fieldname].to_bytes(text))
            total += leaf.doc_frequency(fieldname, text) if found is None else found
        return total

    def mask(self, searcher, fieldname: str, text: str) -> np.ndarray:
        """The articles (deleted ones too) whose ``fieldname`` has the term."""
        out = np.zeros(self.n, dtype=bool)
        for (start, end), (ids, _tfs) in zip(self.slices(), self.postings(searcher, fieldname, text)):
            out[start:end][index_of(ids)] = True
        return out

    def frequencies(self, searcher, fieldname: str, text: str) -> np.ndarray:
        """The term's frequency in each article (0 where it is not)."""
        out = np.zeros(self.n, dtype=np.float32)
        for (start, end), (ids, tfs) in zip(self.slices(), self.postings(searcher, fieldname, text)):
            out[start:end][index_of(ids)] = tfs
        return out

    # -- per-article arrays

    def _built(self, cache: dict, name: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        found = cache.get(name)
        if found is None:
            with self._lock:
                found = cache.get(name)
                if found is None:
                    found = cache[name] = make()
        return found

    def norms(self, searcher, fieldname: str) -> np.ndarray:
        """``K1 * ((1 - B) + B * length / average)`` of every article: the
        part of BM25 that depends on the article alone (the average is the
        whole index's, so this is per state; the lengths are per segment)."""

        # The average comes from the searcher: this index's own, or a sharded
        # index's over every shard (search.ranking.with_stats); the array is
        # kept for the latest average asked for.
        average = searcher.avg_field_length(fieldname) or 1
        found = self._norms.get(fieldname)
        if found is not None and found[0] == average:
            return found[1]
        b = self._field_b.get(fieldname, self._b)
        lengths = self._per_segment(searcher, "lengths", fieldname, lambda leaf: field_lengths(leaf, fieldname))
        made = self.k1 * ((1 - b) + b * lengths / average)
        with self._lock:
            self._norms[fieldname] = (average, made)
        return made

    def codes(self, searcher, fieldname: str) -> tuple[np.ndarray, list]:
        """Each article's code for its value of a facet field, and the values."""
        values = self.store.facet_values(fieldname)

        def make() -> np.ndarray:
            def read(leaf) -> np.ndarray:
                column = column_values(leaf, fieldname, "")
                with self.store.lock:  # the table of values is the process's
                    return values.codes(column)

            return self._per_segment(searcher, "codes", fieldname, read)

        return self._built(self._codes, fieldname, make), values.values

    def dates(self, searcher) -> np.ndarray:
        """Every article's date as a sort key (-1 for none)."""
        if self._dates is None:
            with self._lock:
                if self._dates is None:
                    keys = []
                    for segment, (leaf, _) in zip(self.segments, searcher.reader().leaf_readers()):
                        if segment.dates is None:
                            raw = np.asarray(column_values(leaf, "date", NO_DATE, translate=False), dtype=np.uint64)
                            segment.dates = np.where(raw == NO_DATE, -1, raw.astype(np.int64))
                        keys.append(segment.dates)
                    self._dates = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        return self._dates

    def days(self, searcher) -> np.ndarray:
        """Every article's date as a day number since 1970-01-01
        (search.timeline.UNDATED for none): what timelines count."""
        if self._days is None:
            keys = self.dates(searcher)
            with self._lock:
                if self._days is None:
                    # Whoosh's date keys count microseconds from 0001-01-01.
                    days = keys // _MICROSECONDS_A_DAY - _DAYS_TO_1970
                    self._days = np.where(keys >= 0, days, np.iinfo(np.int64).min)
        return self._days

    def ids(self, searcher) -> tuple[np.ndarray, list]:
        """Each article's code for its id, and the ids (a column in indexes
        built since clusters exist; the id terms' postings in older ones)."""
        values = self.store.facet_values("id")

        def make() -> np.ndarray:
            def read(leaf) -> np.ndarray:
                if leaf.has_column("id"):
                    column = column_values(leaf, "id", "")
                else:
                    column = [""] * leaf.doc_count_all()
                    for text, _info in leaf.iter_field("id"):
                        docs, _tfs = read_postings(leaf, "id", text)
                        for d in docs.tolist():
                            column[d] = text.decode("utf-8") if isinstance(text, bytes) else text
                with self.store.lock:
                    return values.codes(column)

            return self._per_segment(searcher, "codes", "id", read)

        return self._built(self._codes, "id", make), values.values

    def ranks(self, searcher) -> np.ndarray:
        """Each article's place in the order of the ids: what orders equal
        scores or dates, so that the order of results does not depend on the
        order articles were indexed in (nor on which shard holds them)."""
        if self._ranks is None:
            codes, values = self.ids(searcher)
            present = np.unique(codes)
            with self.store.lock:
                names = [values[c] for c in present.tolist()]
            order = sorted(range(len(names)), key=names.__getitem__)  # Python's order of strings
            place = np.empty(len(names), dtype=np.int64)
            place[order] = np.arange(len(names))
            self._ranks = place[np.searchsorted(present, codes)] if len(codes) else np.zeros(0, np.int64)
        return self._ranks

    def clusters(self, searcher, roots: dict[str, str]) -> tuple[np.ndarray, np.ndarray, list]:
        """(each article's cluster code, whether its cluster has other
        members, the ids the codes name): a cluster's code is its root's id
        code, so an article in no cluster is a cluster of its own.  Made
        again when ``roots`` (id -> cluster id, search/clusters.py) is
        another table."""
        made = self._clusters
        if made is not None and made[0] is roots:
            return made[1], made[2], made[3]
        ids, values = self.ids(searcher)
        with self.store.lock:
            table = self.store.facet_values("id")
            pairs = [(table.code(member), table.code(root)) for member, root in roots.items()]
            remap = np.arange(len(values), dtype=np.int32)
            grouped = np.zeros(len(values), dtype=bool)
            if pairs:
                members, heads = np.asarray(pairs, dtype=np.int64).T
                remap[members] = heads
                grouped[members] = True
            names = list(values)
        codes = remap[ids]
        multi = grouped[ids]
        self._clusters = (roots, codes, multi, names)
        return codes, multi, names

    def members(self, codes: np.ndarray, clusters: np.ndarray) -> np.ndarray:
        """Every article of ``clusters`` (codes of ``clusters()``), ascending:
        from a list of the articles by cluster made once for this table,
        so that folding a page's copies costs the copies, not the archive."""
        if not len(clusters):
            return np.zeros(0, np.int64)
        made = self._members
        if made is None or made[0] is not codes:
            order = np.argsort(codes, kind="stable")
            made = self._members = (codes, order, codes[order])
        _codes, order, ordered = made
        lo = np.searchsorted(ordered, clusters, side="left")
        hi = np.searchsorted(ordered, clusters, side="right")
        return np.sort(np.concatenate([order[a:b] for a, b in zip(lo.tolist(), hi.tolist())]))

    def _per_segment(self, searcher, kind: str, fieldname: str, read: Callable) -> np.ndarray:
        parts = []
        for segment, (leaf, _) in zip(self.segments, searcher.reader().leaf_readers()):
            kept = getattr(segment, kind)
            if fieldname not in kept:
                kept[fieldname] = read(leaf)
            parts.append(kept[fieldname])
        return np.concatenate(parts) if parts else np.zeros(0)


# -- picking the page --------------------------------------------------------------------------


def first(docs: np.ndarray, keys: np.ndarray, count: int, ties: np.ndarray | None = None) -> np.ndarray:
    """The ``count`` of ``docs`` with the largest ``keys``; of equal keys the
    smaller ``ties`` first (an article's IndexView.ranks: its id), or the
    smaller document number (``docs`` ascending)."""
    if count <= 0 or not len(docs):
        return docs[:0]
    if len(docs) > count:
        # Everything at or above the count-th largest key, then order those.
        keep = keys >= kth_largest(keys, count)
        docs, keys = docs[keep], keys[keep]
    order = np.lexsort((docs if ties is None else ties[docs], -keys))
    return docs[order[:count]]


def first_of_each(ranked: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The first of ``ranked`` (articles in page order) of each value of
    ``codes`` (each article's story), in that order: a folded page's heads."""
    if not len(ranked):
        return ranked
    _, at = np.unique(codes[ranked], return_index=True)
    return ranked[np.sort(at)]


# Below this many keys a count, the whole array is partitioned.
_SAMPLED_FROM = 64


def kth_largest(keys: np.ndarray, count: int) -> float:
    """The ``count``-th largest of ``keys`` (more than ``count`` of them).

    A long query matches most of the archive, and partitioning every score
    for a page of ten was a millisecond of each search at 300,000 articles.
    So a guess comes first, from every ``step``-th key, set to leave a few
    times ``count`` keys above it; when at least ``count`` are, the answer
    is among them (exactly: nothing below the guess can be), else the whole
    array is partitioned as before."""
    n = len(keys)
    if n >= _SAMPLED_FROM * count:
        step = n // (_SAMPLED_FROM * count // 4)
        sample = keys[::step]
        rank = min(len(sample), -(-4 * count // step) + 1)
        guess = np.partition(sample, len(sample) - rank)[len(sample) - rank]
        above = keys[keys >= guess]
        if len(above) >= count:
            return np.partition(above, len(above) - count)[len(above) - count]
    return np.partition(keys, n - count)[n - count]
