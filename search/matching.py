"""Which articles match a query: the total and the facet counts.

The total and the facet counts need every match, but not its score: here
they come from sets of document numbers, read straight from the posting
lists (kept per searcher, and shared with scoring in search/ranking.py) and
combined with Python's set operations, and from per-segment arrays of facet
values read once per searcher.

The query counted is the ``text``-only form of the ranked one (a
QueryBuilder with search.searcher.COUNTING weights): every other field a
word is searched in (title, lead, exact form) holds a subset of the
articles whose ``text`` has it, so both queries match the same articles.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


class PostingLists:
    """Whole posting lists (document numbers and term frequencies) of one
    searcher's segments, the most recently used kept up to MAX_POSTINGS in
    all: the common words of news come back query after query, and reading
    a long list posting by posting is most of a short query's time."""

    MAX_POSTINGS = 4_000_000  # about 32 MB

    def __init__(self, searcher) -> None:
        self.segments = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self._lists: OrderedDict[tuple[int, str, str], tuple[array, array]] = OrderedDict()
        self._size = 0

    def cached(self, segment: int, fieldname: str, text: str) -> tuple[array, array] | None:
        """The lists if they have been read already, else None."""
        found = self._lists.get((segment, fieldname, text))
        if found is not None:
            self._lists.move_to_end((segment, fieldname, text))
        return found

    def get(self, segment: int, fieldname: str, text: str) -> tuple[array, array] | None:
        """(documents, frequencies) of a term in a segment (deleted articles
        left out), None if the segment lacks it."""
        found = self.cached(segment, fieldname, text)
        if found is not None:
            return found
        leaf = self.segments[segment][0]
        if (fieldname, text) not in leaf:
            return None
        ids, tfs = read_postings(leaf, fieldname, text)
        self._lists[(segment, fieldname, text)] = found = (ids, tfs)
        self._size += len(ids)
        while self._size > self.MAX_POSTINGS and len(self._lists) > 1:
            _, (old, _) = self._lists.popitem(last=False)
            self._size -= len(old)
        return found

    def docs(self, fieldname: str, text: str) -> set[int]:
        """The (global) numbers of the live articles that have the term."""
        found: set[int] = set()
        for segment, (_leaf, offset) in enumerate(self.segments):
            lists = self.get(segment, fieldname, text)
            if lists is not None:
                found.update(lists[0] if not offset else [d + offset for d in lists[0]])
        return found


def read_postings(leaf, fieldname: str, text: str, whole_blocks: bool = True) -> tuple[array, array]:
    """(documents, term frequencies) of a term in one segment, deleted
    articles left out.

    Whoosh's matchers hand out one posting per call (about a microsecond
    each, most of a short query's time), though its segment format decodes a
    whole block of postings at once.  With ``whole_blocks``, a W3LeafMatcher
    (the format of whoosh3 3.54.0, pinned exactly in pyproject.toml) is read
    a block at a time through its block attributes; any other matcher, and
    ``whole_blocks=False``, one posting at a time through the public API.
    tests/test_matching.py checks both give the same lists.
    """
    ids, tfs = array("i"), array("f")
    matcher = leaf.postings(fieldname, text)
    deleted = None
    if whole_blocks and isinstance(matcher, FilterMatcher):
        # The filter leaves out deleted articles; they are left out below.
        deleted, matcher = leaf.deleted_docs_set, matcher.child
    if whole_blocks and isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start = matcher._i  # not 0 if the filter had already moved past deleted articles
            ids.extend(matcher._ids[start:])
            tfs.extend(matcher._weights[start:])
            matcher._next_block()
        if deleted:
            kept = [(d, tf) for d, tf in zip(ids, tfs) if d not in deleted]
            ids, tfs = array("i", [d for d, _ in kept]), array("f", [tf for _, tf in kept])
        return ids, tfs
    # Methods bound once: this loop runs once per posting.
    active, docnum, weight, step = matcher.is_active, matcher.id, matcher.weight, matcher.next
    add_id, add_tf = ids.append, tfs.append
    while active():
        add_id(docnum())
        add_tf(weight())
        step()
    return ids, tfs


def docset(searcher, query: wq.Query, postings: PostingLists) -> set[int]:
    """The (global) numbers of the live articles ``query`` matches."""
    if isinstance(query, wq.Term):
        return postings.docs(query.fieldname, query.text)
    if isinstance(query, wq.And):
        wanted = [docset(searcher, sub, postings) for sub in query.subqueries if not isinstance(sub, wq.Not)]
        unwanted = [docset(searcher, sub.query, postings) for sub in query.subqueries if isinstance(sub, wq.Not)]
        if not wanted:
            return set()
        wanted.sort(key=len)
        found = wanted[0].intersection(*wanted[1:])
        return found.difference(*unwanted)
    if isinstance(query, wq.Or):
        return set().union(*(docset(searcher, sub, postings) for sub in query.subqueries))
    # Phrases, ranges: Whoosh's own matchers.
    return set(searcher.docs_for_query(query))


def column(searcher, fieldname: str, missing, translate: bool = True) -> list:
    """A column's value for every article, by global document number.  Read
    segment by segment: a segment none of whose articles has the field (an
    ``add`` of undated articles) has no column, and ``missing`` stands in."""
    values: list = []
    for leaf, _offset in searcher.reader().leaf_readers():
        if leaf.has_column(fieldname):
            values.extend(leaf.column_reader(fieldname, translate=translate))
        else:
            values.extend([missing] * leaf.doc_count_all())
    return values


class FacetValues:
    """The value of each facet field for every article, by document number,
    read from the index's columns once and reused by every query of the
    searcher (reading them per query was a tenth of a short query's time)."""

    def __init__(self, searcher, fields: Iterable[str]) -> None:
        self._values = {name: column(searcher, name, "") for name in fields}

    def counts(self, docs: Iterable[int]) -> dict[str, dict[str, int]]:
        """For each field, how many of ``docs`` have each non-empty value,
        commonest first (ties by value)."""
        docs = list(docs)
        out = {}
        for name, values in self._values.items():
            counted = Counter(map(values.__getitem__, docs))
            counted.pop("", None)
            counted.pop(None, None)
            out[name] = dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))
        return out


# What Whoosh's date column holds for an article without a date.
_NO_DATE = 2**64 - 1


class Dates:
    """Every article's date as a sort key, read once per searcher."""

    def __init__(self, searcher, fieldname: str = "date") -> None:
        raw = column(searcher, fieldname, _NO_DATE, translate=False)
        self._keys = [-1 if value == _NO_DATE else value for value in raw]

    def newest_first(self, docs: Iterable[int], count: int) -> list[int]:
        """The ``count`` newest of ``docs``; of the same date, the older
        document number first; articles without a date last."""
        keys = self._keys
        return heapq.nsmallest(count, docs, key=lambda d: (-keys[d], d))
