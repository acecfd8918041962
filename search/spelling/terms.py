"""Words of the index offered to the user: the nearest word to one it
lacks ("did you mean"), and the commonest words that complete a prefix.

Whoosh finds the words within two edits of a word with a Levenshtein
automaton that leaps through the sorted term list.  Each leap is a binary
search of the term table on disk, a file read per probe: 80 to 320 ms a
word on the full corpus.  TermLists keeps the terms that share the word's
first letter in memory, per segment, so that each leap is a bisection of a
Python list (tests/test_spelling.py checks the answers are the same).  The
same lists hold how many articles have each term, which completions add up
over the segments.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict

from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata


class TermLists:
    """The terms of one segment's field that share a prefix (in practice a
    first letter), in order, with the number of articles that have each:
    read once and kept in memory, the least recently used dropped first (a
    list is at most a fifth of a segment's words: about 5 MB for the
    commonest first letter on the full corpus).  Kept per segment, so that
    an add, which writes a small new segment, leaves the lists of the large
    ones in place.  Shared by the threads of a Searcher: a list never
    changes once read."""

    MAX_TERMS = 1_000_000  # in all lists: about 100 MB, the vocabulary of the full corpus twice over

    def __init__(self) -> None:
        self._lists: OrderedDict[tuple, tuple[list[str], array]] = OrderedDict()
        self._terms = 0
        self._lock = threading.Lock()

    def warm(self, leaf, fieldname: str) -> None:
        """Read every list of a segment's field in one pass over its terms
        (about 4 µs a term: 2 s for the full corpus's two segments), so that
        a server's first completions of each letter do not pay 0.2-0.8 s
        each in every process, holding a thread while they do."""
        lists: dict[str, tuple[list[str], array]] = {}
        for term, info in leaf.iter_field(fieldname):
            text = _text(term)
            found = lists.get(text[:1])
            if found is None:
                found = lists[text[:1]] = ([], array("l"))
            found[0].append(text)
            found[1].append(info.doc_frequency())
        with self._lock:
            for prefix, (terms, counts) in lists.items():
                key = _key(leaf, fieldname, prefix)
                if key not in self._lists and self._terms + len(terms) <= self.MAX_TERMS:
                    self._lists[key] = (terms, counts)
                    self._terms += len(terms)

    def get(self, leaf, fieldname: str, prefix: str) -> tuple[list[str], array]:
        key = _key(leaf, fieldname, prefix)
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
                return found
        terms, counts = [], array("l")
        for term, info in leaf.iter_prefix(fieldname, prefix):
            terms.append(_text(term))
            counts.append(info.doc_frequency())
        with self._lock:
            if key not in self._lists:
                self._lists[key] = (terms, counts)
                self._terms += len(terms)
            while self._terms > self.MAX_TERMS and len(self._lists) > 1:
                _, (old, _) = self._lists.popitem(last=False)
                self._terms -= len(old)
        return terms, counts


def _key(leaf, fieldname: str, prefix: str) -> tuple[str, str, str]:
    """A list's key in TermLists: its segment, field and prefix."""
    return (leaf.segment().segment_id() if leaf.segment() else "", fieldname, prefix)


def _text(term: str | bytes) -> str:
    return term if isinstance(term, str) else term.decode("utf-8")


def commonest(lists: TermLists, reader, fieldname: str, prefix: str, count: int) -> list[str]:
    """The ``count`` terms that start with ``prefix`` in the most articles
    of all segments (of equal counts, in term order)."""
    totals: dict[str, int] = {}
    for leaf, _offset in reader.leaf_readers():
        terms, counts = lists.get(leaf, fieldname, prefix[:1])
        lo = bisect_left(terms, prefix)
        hi = bisect_left(terms, prefix + "\U0010ffff", lo)
        if not totals:
            totals = dict(zip(terms[lo:hi], counts[lo:hi]))
            continue
        for term, n in zip(terms[lo:hi], counts[lo:hi]):
            totals[term] = totals.get(term, 0) + n
    return heapq.nsmallest(count, totals, key=lambda term: (-totals[term], term))


class _ListCursor:
    """The two calls Whoosh's automaton search makes on a term cursor."""

    def __init__(self, terms: list[str]) -> None:
        self._terms = terms
        self._at = 0

    def text(self) -> str | None:
        return self._terms[self._at] if self._at < len(self._terms) else None

    def find(self, term: str) -> None:
        self._at = bisect_left(self._terms, term)


def terms_within(leaf, fieldname: str, word: str, maxdist: int, prefix: int, lists: TermLists | None) -> set[str]:
    """The terms of one segment within ``maxdist`` edits of ``word`` that
    share its first ``prefix`` letters."""
    if lists is None or not prefix:
        return set(leaf.terms_within(fieldname, word, maxdist, prefix=prefix))
    terms, _counts = lists.get(leaf, fieldname, word[:prefix])
    automaton = levenshtein_automaton(word, maxdist, prefix).to_dfa()
    return set(Automata.find_matches(automaton, _ListCursor(terms)))


def terms_within_index(reader, fieldname: str, word: str, maxdist: int, prefix: int,
                       lists: TermLists | None) -> set[str]:
    """The terms of every segment within ``maxdist`` edits of ``word``."""
    found: set[str] = set()
    for leaf, _offset in reader.leaf_readers():
        found |= terms_within(leaf, fieldname, word, maxdist, prefix, lists)
    return found


def choose_nearest(frequencies: dict[str, int], word: str, maxdist: int = 2) -> str | None:
    """Of the terms near ``word`` (with how often the index has each), the
    one Whoosh's corrector would offer: the commonest, of equal ones the
    last in term order."""
    best: tuple[float, str] | None = None
    for candidate, frequency in frequencies.items():
        if candidate == word:
            continue
        item = (0 - (maxdist + (1.0 / (frequency or 1) * 0.5)), candidate)
        if best is None or item > best:
            best = item
    return None if best is None else best[1]


def nearest_word(
    reader, fieldname: str, word: str, maxdist: int = 2, prefix: int = 1, lists: TermLists | None = None
) -> str | None:
    """The commonest term of ``fieldname`` within ``maxdist`` edits of
    ``word`` (sharing its first ``prefix`` letters): what Whoosh's
    ``corrector(fieldname).suggest(word, limit=1)`` answers on a one-segment
    index, whatever the number of segments.

    On several segments Whoosh falls back to computing a Python edit
    distance against every term with the prefix (tens of milliseconds a
    word); here each segment walks its own term list with a Levenshtein
    automaton, as a single segment does, and the words found are ranked by
    their frequency in the whole index, as the corrector ranks them.
    """
    found = terms_within_index(reader, fieldname, word, maxdist, prefix, lists)
    return choose_nearest({t: reader.frequency(fieldname, t) for t in found}, word, maxdist)
