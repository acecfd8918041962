"""Which articles have a phrase: its words at consecutive positions.

Whoosh's phrase matcher walks the intersection of its words' lists and
reads the positions of every article with all the words on its way: for a
phrase of common words, thousands of articles for each one it finds.  Here
the positions are read only for the articles asked about (those a search
could still show or count), each from its own posting block
(search/arrays.IndexView.positions): what the counting of an all-words
search (search/matching.py) and the phrase bonuses of a ranked one
(search/ranking.py) both need.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from whoosh import query as wq
from whoosh.reading import TermNotFound

from search.arrays import IndexView


def mask(view: IndexView, searcher, node: wq.Phrase, within: np.ndarray | None = None) -> np.ndarray:
    """A mask of the articles that have the phrase, exact for those in
    ``within`` (a mask; None: every article): the others are not read."""
    candidates = np.ones(view.n, dtype=bool) if within is None else within.copy()
    for word in node.words:
        candidates &= view.mask(searcher, node.fieldname, word)
    found = np.zeros(view.n, dtype=bool)
    for segment, (sub, offset) in enumerate(searcher.leaf_searchers()):
        reader = sub.reader()
        local = np.flatnonzero(candidates[offset : offset + reader.doc_count_all()])
        if not len(local):
            continue
        if node.slop == 1:
            found[offset + having(view, segment, reader, node, local)] = True
        else:  # words within a distance: Whoosh's matcher, skipping to the candidates
            found[offset + np.fromiter(on_each(node.matcher(sub), local), dtype=np.int64)] = True
    return found


def having(view: IndexView, segment: int, reader, node: wq.Phrase, docs: np.ndarray) -> np.ndarray:
    """Those of ``docs`` (ascending, local to the ``segment``-th segment)
    that have the phrase of adjacent words (slop 1, as Whoosh's phrase
    matcher finds them).  Each word's positions are read for the asked
    articles only, each from its own block, or where that cannot be,
    through the words' own matchers (by_matchers)."""
    found, words = docs, []
    for word in node.words:
        read = view.positions(reader, segment, node.fieldname, word, found)
        if read is None:
            return by_matchers(reader, node, docs)
        if len(read[0]) < len(found):  # keep each word's positions for the articles left
            keep = np.isin(found, read[0])
            words = [[p for p, k in zip(positions, keep) if k] for positions in words]
        found = read[0]
        words.append(read[1])
        if not len(found):
            break
    return found[[_consecutive(positions) for positions in zip(*words)]] if len(found) else found


def _consecutive(positions: tuple[list[int], ...]) -> bool:
    """Whether the words, at these positions each, follow one another somewhere."""
    starts = set(positions[0])
    for i, later in enumerate(positions[1:], start=1):
        starts.intersection_update(p - i for p in later)
    return bool(starts)


def by_matchers(reader, node: wq.Phrase, docs: np.ndarray) -> np.ndarray:
    """``having`` through the words' Whoosh matchers, each skipping by block
    header to the asked articles."""
    try:
        matchers = [reader.postings(node.fieldname, word) for word in node.words]
    except TermNotFound:
        return docs[:0]
    found = []
    for docnum in docs.tolist():
        positions = []
        for matcher in matchers:
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active() or matcher.id() != docnum:
                break
            positions.append(matcher.value_as("positions"))
        else:
            if _consecutive(tuple(positions)):
                found.append(docnum)
    return np.asarray(found, dtype=docs.dtype)


def on_each(matcher, docs: np.ndarray) -> Iterator[int]:
    """Those of ``docs`` (ascending, local) a phrase's own Whoosh matcher
    finds, skipping to each in turn; the matcher is on each as it is
    yielded (for its score)."""
    for docnum in docs.tolist():
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                return
        if matcher.id() == docnum:
            yield docnum
