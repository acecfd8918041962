"""Scores of the matching articles, computed term by term.

Whoosh scores a query document by document: for every match it walks a tree
of union and intersection matchers (a long headline query has some fifty
terms: a dozen words in four fields) and looks up each field length anew.
That was nearly all of a long query's time.  Here each term's posting list
is read once, straight through, and its BM25F contribution added to the
article's sum, with the length part of the formula computed once per
article and field for the life of the searcher.

The result is the score Whoosh gives (the same formula, operations and
boosts: tests/test_matching.py compares them), for the articles the caller
says match (search/matching.py).  Only Term and Phrase leaves under
And/Or/Not are scored here, which is all QueryBuilder makes.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator

from whoosh import query as wq

from search.matching import PostingLists


class LengthNorms:
    """For each (segment, field): ``K1 * ((1 - B) + B * length / average)``
    of every article, the part of BM25 that depends on the article only."""

    def __init__(self, searcher, k1: float, b: float, field_b: dict[str, float]) -> None:
        self._searcher = searcher
        self.k1 = k1
        self._b = b
        self._field_b = field_b
        self._norms: dict[tuple[int, str], array] = {}

    def get(self, segment: int, leaf, fieldname: str) -> array:
        key = (segment, fieldname)
        norms = self._norms.get(key)
        if norms is None:
            b = self._field_b.get(fieldname, self._b)
            k1 = self.k1
            average = self._searcher.avg_field_length(fieldname) or 1
            length = leaf.doc_field_length
            norms = array(
                "d", (k1 * ((1 - b) + b * (length(d, fieldname, 0) or 0) / average) for d in range(leaf.doc_count_all()))
            )
            self._norms[key] = norms
        return norms


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
    searcher, query: wq.Query, norms: LengthNorms, postings: PostingLists, only: set[int] | None = None
) -> dict[int, float]:
    """The score of every article that ``query``'s positive terms match, or
    of the articles of ``only`` (global numbers) when given."""
    out: dict[int, float] = dict.fromkeys(only, 0.0) if only is not None else {}
    weighting = searcher.weighting
    k1 = norms.k1
    k1_1 = k1 + 1
    leaves = list(_leaves(query))
    for segment, (sub, offset) in enumerate(searcher.leaf_searchers()):
        leaf = sub.reader()
        wanted = None
        if only is not None:
            end = offset + leaf.doc_count_all()
            wanted = sorted(d - offset for d in out if offset <= d < end)
            if not wanted:
                continue
        for node, boost in leaves:
            if isinstance(node, wq.Term):
                if (node.fieldname, node.text) not in leaf:
                    continue
                idf = weighting.scorer(sub, node.fieldname, node.text).idf
                factor = boost * node.boost
                norm = norms.get(segment, leaf, node.fieldname)
                get = out.get
                lists = postings.cached(segment, node.fieldname, node.text)
                if lists is None and wanted is not None and len(wanted) * 8 < leaf.doc_frequency(node.fieldname, node.text):
                    # A few articles in a long list: skip to each of them
                    # (whole blocks are passed over unread).
                    lists = _skipping(leaf.postings(node.fieldname, node.text), wanted)
                elif lists is None:
                    lists = postings.get(segment, node.fieldname, node.text)
                if wanted is not None and len(wanted) * 16 < len(lists[0]):
                    lists = _picked(lists, wanted)  # a few articles in a long list read before
                # Whoosh's bm25(), then the Term's boost, as its WrappingMatcher.
                for local, tf in zip(*lists):
                    docnum = local + offset
                    if only is None:
                        out[docnum] = get(docnum, 0.0) + idf * ((tf * k1_1) / (tf + norm[local])) * factor
                    elif docnum in out:
                        out[docnum] += idf * ((tf * k1_1) / (tf + norm[local])) * factor
            else:  # a phrase: Whoosh's own matcher and score
                matcher = node.matcher(sub)
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    if only is None or docnum in out:
                        out[docnum] = out.get(docnum, 0.0) + matcher.score() * boost
                    matcher.next()
    return out


def _skipping(matcher, wanted: list[int]) -> tuple[list[int], list[float]]:
    """(documents, frequencies) of the ``wanted`` (sorted) documents in a posting list."""
    ids: list[int] = []
    tfs: list[float] = []
    for docnum in wanted:
        if not matcher.is_active():
            break
        if docnum > matcher.id():
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            ids.append(docnum)
            tfs.append(matcher.weight())
    return ids, tfs


def _picked(lists: tuple, wanted: list[int]) -> tuple[list[int], list[float]]:
    """(documents, frequencies) of the ``wanted`` (sorted) documents in a
    posting list in memory, found by bisection rather than by a walk."""
    ids, tfs = lists
    out_ids: list[int] = []
    out_tfs: list[float] = []
    at, end = 0, len(ids)
    for docnum in wanted:
        at = bisect_left(ids, docnum, at, end)
        if at == end:
            break
        if ids[at] == docnum:
            out_ids.append(docnum)
            out_tfs.append(tfs[at])
    return out_ids, out_tfs
