"""Scores of the matching articles, computed term by term with arrays.

Whoosh scores a query document by document: for every match it walks a tree
of union and intersection matchers (a long headline query has some fifty
terms: a dozen words in four fields) and looks up each field length anew.
Here each term's posting list (numpy arrays of document numbers and term
frequencies, search/arrays.py) is scored at once: its BM25F contribution,
computed for all its postings in a few array operations, is added into a
score array indexed by document number, with the length part of the
formula an array per field kept for the state of the index.

The result is the score Whoosh gives (the same formula, operations, order
of additions and boosts: tests/test_matching.py compares them), for the
articles the caller says match (search/matching.py).  Only Term and Phrase
leaves under And/Or/Not are scored here, which is all QueryBuilder makes; a
word spelled several ways is an Or of Terms like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from whoosh import query as wq

from search.arrays import IndexView, first

# Below this many candidates per posting, a term's postings for the
# candidates are found by binary search rather than by scoring the whole list.
_LOOKUP_RATIO = 16


def _leaves(query: wq.Query, boost: float = 1.0) -> Iterator[tuple[wq.Query, float]]:
    """The scored leaves of ``query`` with the product of the boosts above them."""
    if isinstance(query, wq.Not):
        return
    if isinstance(query, (wq.And, wq.Or)):
        for sub in query.subqueries:
            yield from _leaves(sub, boost * query.boost)
        return
    yield query, boost


def scores(
    view: IndexView, searcher, query: wq.Query, only: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(score of every article, mask of the articles with any positive term).

    With ``only`` (ascending document numbers), only those articles' scores
    are meant: a long posting list is then looked up for them rather than
    scored whole, and the other articles' scores are left incomplete.
    """
    out = np.zeros(view.n, dtype=np.float64)
    touched = np.zeros(view.n, dtype=bool)
    k1 = view.k1
    k1_1 = k1 + 1
    slices = view.slices()
    wanted = None
    if only is not None:
        bounds = np.searchsorted(only, [start for start, _ in slices] + [view.n])
        wanted = [only[bounds[i] : bounds[i + 1]] - start for i, (start, _) in enumerate(slices)]
    for node, boost in _leaves(query):
        if isinstance(node, wq.Term):
            lists = view.postings(searcher, node.fieldname, node.text)
            if not any(len(ids) for ids, _ in lists):
                continue
            idf = searcher.idf(node.fieldname, node.text)
            factor = boost * node.boost
            norm = view.norms(searcher, node.fieldname)
            for i, ((start, end), (ids, tfs)) in enumerate(zip(slices, lists)):
                if not len(ids):
                    continue
                if wanted is not None and len(wanted[i]) * _LOOKUP_RATIO < len(ids):
                    ids, tfs = _picked(ids, tfs, wanted[i])
                tf = tfs.astype(np.float64)
                # Whoosh's bm25(), then the Term's boost, as its WrappingMatcher.
                out[start:end][ids] += idf * ((tf * k1_1) / (tf + norm[start:end][ids])) * factor
                touched[start:end][ids] = True
        else:  # a phrase: Whoosh's own matcher and score
            for sub, offset in searcher.leaf_searchers():
                matcher = node.matcher(sub)
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    out[docnum] += matcher.score() * boost
                    touched[docnum] = True
                    matcher.next()
    return out, touched


def _picked(ids: np.ndarray, tfs: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The postings of the ``wanted`` (ascending) documents, found by binary search."""
    at = np.searchsorted(ids, wanted)
    inside = at < len(ids)
    at, wanted = at[inside], wanted[inside]
    hit = ids[at] == wanted
    return wanted[hit].astype(np.int32), tfs[at[hit]]


def best(scored: np.ndarray, docs: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The ``count`` best of ``docs`` (ascending) as (document, score): best
    first, of equal scores the older document first, as Whoosh orders them."""
    top = first(docs, scored[docs], count)
    return [(int(d), float(scored[d])) for d in top]
