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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from math import log

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from search import phrases
from search.arrays import IndexView, first, first_of_each, index_of, kth_largest, present

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
    view: IndexView,
    searcher,
    query: wq.Query,
    only: np.ndarray | None = None,
    top: int | None = None,
    among: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, "PhraseBonuses | None"]:
    """(score of every article, mask of the articles with any positive term,
    the phrase bonuses still to read).

    With ``only`` (ascending document numbers), only those articles' scores
    are meant: a long posting list is then looked up for them rather than
    scored whole, a phrase's positions are read for them alone, and the
    other articles' scores are left incomplete.

    With ``top`` (and ``among``, a mask of the articles that may be shown),
    only the ``top`` best scores of ``among`` need be exact (none with 0:
    the caller reads the bonuses it needs): a phrase's bonus is then checked
    (its words' positions, search/phrases.py) only for the articles it could
    lift into them, rather than for every article with all of its words.  A
    phrase of common words otherwise cost tens of milliseconds, most of a
    long query's time.  The PhraseBonuses that did it (None without
    phrases, or without ``top``) makes more scores exact later (a deeper
    page, a folded page's stories) without scoring again.
    """
    out = np.zeros(view.n, dtype=np.float64)
    touched = np.zeros(view.n, dtype=bool)
    k1_1 = view.k1 + 1
    slices = view.slices()
    wanted = None
    if only is not None:
        bounds = np.searchsorted(only, [start for start, _ in slices] + [view.n])
        wanted = [only[bounds[i] : bounds[i + 1]] - start for i, (start, _) in enumerate(slices)]
    waiting = []  # the phrases whose bonuses PhraseBonuses reads
    leaves = list(_leaves(query))
    # While every part added is positive, the articles of the terms are
    # those with a positive score: one pass over the scores marks them,
    # rather than a pass over each term's postings.
    marking = any(boost * node.boost <= 0 for node, boost in leaves)
    for node, boost in leaves:
        if isinstance(node, wq.Term):
            lists = view.postings(searcher, node.fieldname, node.text)
            if not any(len(ids) for ids, _ in lists):
                continue
            idf = idf_of(searcher, node.fieldname, node.text, lists)
            factor = boost * node.boost
            if idf <= 0 and not marking:  # another idf than BM25's
                touched |= out > 0
                marking = True
            norm = view.norms(searcher, node.fieldname)
            for i, ((start, end), (ids, tfs)) in enumerate(zip(slices, lists)):
                if not len(ids):
                    continue
                if wanted is not None and len(wanted[i]) * _LOOKUP_RATIO < len(ids):
                    ids, tfs = _picked(ids, tfs, wanted[i])
                ids, part = _bm25(ids, tfs, idf, norm[start:end], k1_1)
                if factor != 1.0:
                    part *= factor  # then the Term's boost, as its WrappingMatcher
                out[start:end][ids] += part
                if marking:
                    touched[start:end][ids] = True
        elif isinstance(node, wq.Phrase) and top is not None and only is None:
            waiting.append((node, boost))
        elif isinstance(node, wq.Phrase) and only is not None and node.slop == 1:
            # The asked articles' bonuses, their positions read for them alone
            # (Whoosh's matcher would read every article with all the words).
            bonus, has_all = _phrase_bonus(view, searcher, node, only)
            having = _add_phrase(view, searcher, node, boost, only[has_all[only]], out, bonus)
            touched[having] = True
        else:  # a phrase: Whoosh's own matcher and score
            for sub, offset in searcher.leaf_searchers():
                matcher = node.matcher(sub)
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    out[docnum] += matcher.score() * boost
                    touched[docnum] = True
                    matcher.next()
    if not marking:
        touched |= out > 0
    bonuses = None
    if waiting:
        bonuses = PhraseBonuses(view, searcher, waiting, touched if among is None else touched & among)
        if top:
            bonuses.add(out, top)
    return out, touched, bonuses


class PhraseBonuses:
    """The bonus of each phrase of a ranked query (where its words also
    count on their own, so the phrase adds to articles already scored),
    added only where it could change the best scores.

    Whoosh scores a phrase as the sum of its words' BM25 scores, boosted:
    that sum, for the articles with all the words, bounds the bonus.  Only
    positions say whether an article has the phrase (read one article at a
    time, search/phrases.py), so they are read for as few as can decide
    the page: the articles with the highest score plus bound first, a batch
    at a time, until the next one's score plus bound stays under the
    ``top``-th best score (which the bonuses found so far raise).  Articles
    never read keep their score without bonus; ``add`` with a larger ``top``
    reads on from there."""

    def __init__(self, view: IndexView, searcher, phrases: list, shown: np.ndarray) -> None:
        self.view, self.searcher, self.phrases, self.shown = view, searcher, phrases, shown
        self.bound = np.zeros(view.n, dtype=np.float64)
        self.candidates = []
        self.bonuses = []  # each phrase's score where an article has it, as Whoosh computes it
        for node, boost in phrases:
            bonus, has_all = _phrase_bonus(view, searcher, node)
            has_all &= shown
            self.bonuses.append(bonus)
            self.bound[has_all] += bonus[has_all] * boost
            self.candidates.append(has_all)
        self.read = np.zeros(view.n, dtype=bool)  # the articles whose bonuses are in the scores

    def add(self, out: np.ndarray, top: int) -> None:
        """Make the ``top`` best scores in ``out`` exact."""
        docs = np.flatnonzero(self.shown)
        threshold = _kth(out, docs, top)
        # A margin for rounding: the bound sums the phrases' bonuses, which are added to a score one by one.
        upper = out + self.bound * (1 + 1e-9) + 1e-9
        pending = np.flatnonzero((self.bound > 0) & ~self.read & (upper >= threshold))
        pending = pending[np.argsort(-upper[pending], kind="stable")]
        batch = max(2 * top, 64)
        for at in range(0, len(pending), batch):
            if upper[pending[at]] < threshold:
                break
            check = np.sort(pending[at : at + batch])
            self._read(out, check)
            if len(docs) > top:
                threshold = _kth(out, docs[out[docs] >= threshold], top)

    def add_stories(self, out: np.ndarray, end: int, stories: np.ndarray, ranks: np.ndarray) -> None:
        """Make exact, in ``out``, the best article of each of the ``end``
        best stories (``stories``: each article's story code) and which
        article that is: a folded page shows those, and a story's copies,
        which share its words and positions, need not each be read.

        An unread article matters only if its score with every bonus could
        reach the ``end``-th best story's score so far, and could beat the
        best article of its own story (more, or as much with a smaller
        rank: IndexView.ranks).  Its upper score adds its bonuses one by one
        in the order they would be added: rounding is monotone, so that is
        its score if it has every phrase and no less than it otherwise."""
        docs = np.flatnonzero(self.shown)
        batch = max(2 * end, 32)
        threshold = _story_kth(out, docs, stories, ranks, end)
        while True:
            # The threshold only rises: what cannot reach it now never will.
            docs = docs[out[docs] + self.bound[docs] * (1 + 1e-9) + 1e-9 >= threshold]
            unread = docs[(self.bound[docs] > 0) & ~self.read[docs]]
            upper = out[unread]  # a copy
            for (_node, boost), has_all, bonus in zip(self.phrases, self.candidates, self.bonuses):
                having = has_all[unread]
                upper[having] += bonus[unread[having]] * boost
            keep = upper >= threshold
            unread, upper = unread[keep], upper[keep]
            if not len(unread):
                return
            # The best article of each story so far, among those that score the threshold.
            high = docs[out[docs] >= threshold]
            high = high[np.lexsort((ranks[high], -out[high]))]
            codes, at = np.unique(stories[high], return_index=True)
            heads = high[at]
            where = np.minimum(np.searchsorted(codes, stories[unread]), len(codes) - 1)
            has_head = (codes[where] == stories[unread]) if len(codes) else np.zeros(len(unread), dtype=bool)
            head = heads[where] if len(codes) else unread
            beaten = has_head & ((upper < out[head]) | ((upper == out[head]) & (ranks[unread] > ranks[head])))
            unread, upper = unread[~beaten], upper[~beaten]
            if not len(unread):
                return
            # The likeliest first, one article a story: its copies wait for what it shows.
            check = np.sort(first_of_each(unread[np.lexsort((ranks[unread], -upper))], stories)[:batch])
            self._read(out, check)
            threshold = _story_kth(out, docs, stories, ranks, end)

    def add_for(self, out: np.ndarray, docs: np.ndarray) -> None:
        """Make the scores of ``docs`` (ascending) exact in ``out``."""
        check = docs[(self.bound[docs] > 0) & ~self.read[docs]]
        if len(check):
            self._read(out, check)

    def _read(self, out: np.ndarray, check: np.ndarray) -> None:
        """Add to ``out`` the bonuses of the phrases ``check`` (ascending)
        has, read from their positions, and mark them read."""
        for (node, boost), has_all, bonus in zip(self.phrases, self.candidates, self.bonuses):
            _add_phrase(self.view, self.searcher, node, boost, check[has_all[check]], out, bonus)
        self.read[check] = True


def _story_kth(out: np.ndarray, docs: np.ndarray, stories: np.ndarray, ranks: np.ndarray, end: int) -> float:
    """The score of the ``end``-th best story's best article in ``out`` (0
    if fewer stories have articles): from the best articles, more of them
    until they hold ``end`` stories."""
    count = min(len(docs), 3 * end)
    while count:
        heads = first_of_each(first(docs, out[docs], count, ranks), stories)
        if len(heads) >= end:
            return float(out[heads[end - 1]])
        if count == len(docs):
            break
        count = min(len(docs), 4 * count)
    return 0.0


def _phrase_bonus(view: IndexView, searcher, node: wq.Phrase, only: np.ndarray | None = None,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(the phrase's score for an article that has it, a mask of the
    articles with all its words), for every article or for ``only``
    (ascending document numbers).  Whoosh's phrase matcher scores the
    intersection of its words' matchers, a binary tree of sums
    (make_binary_tree), times the phrase's boost."""
    k1_1 = view.k1 + 1
    norm = view.norms(searcher, node.fieldname)
    has_all = np.ones(view.n, dtype=bool)
    words = []
    for word in node.words:
        lists = view.postings(searcher, node.fieldname, word)
        present = np.zeros(view.n, dtype=bool)
        score = np.zeros(view.n, dtype=np.float64)
        if any(len(ids) for ids, _ in lists):
            idf = idf_of(searcher, node.fieldname, word, lists)
            for (start, end), (ids, tfs) in zip(view.slices(), lists):
                if only is not None:
                    ids, tfs = _picked(ids, tfs, only[(only >= start) & (only < end)] - start)
                ids, part = _bm25(ids, tfs, idf, norm[start:end], k1_1)
                score[start:end][ids] = part
                present[start:end][ids] = True
        has_all &= present
        words.append(score)
    bonus = _tree_sum(words)
    if node.boost != 1.0:
        bonus = bonus * node.boost
    return bonus, has_all


def _kth(out: np.ndarray, docs: np.ndarray, top: int) -> float:
    """The ``top``-th best of ``docs``' scores (0 if there are fewer): no
    article of the page scores less, and scores only grow."""
    if len(docs) <= top:
        return 0.0
    return float(kth_largest(out[docs], top))


def bm25_idf(doc_frequency: int, doc_count: int) -> float:
    """Whoosh's BM25F idf (WeightingModel.idf) of a term in ``doc_frequency``
    of ``doc_count`` articles: what the spelling table's weights compare
    (search.variants.table) as the scoring here does."""
    return log(max(doc_count, 1) / (doc_frequency + 1)) + 1


def idf_of(searcher, fieldname: str, text: str, lists: list) -> float:
    """The term's idf as ``searcher.idf`` gives it, its document frequency
    counted from the term's lists (``lists``, one per segment, deleted
    articles in them as in Whoosh's count) rather than looked up again in
    every segment's term dictionary (about 30 µs a term)."""
    if type(searcher.weighting).idf is not scoring.WeightingModel.idf or isinstance(searcher, _StatsSearcher):
        return searcher.idf(fieldname, text)
    # WeightingModel.idf, with the frequency it would read.
    return bm25_idf(frequency(lists), searcher.get_parent().doc_count_all())


def frequency(lists: list) -> int:
    """A term's document frequency as Whoosh counts it (deleted articles
    too), from its lists in every segment."""
    return sum(len(ids) for ids, _ in lists)


def _bm25(ids: np.ndarray, tfs: np.ndarray, idf: float, norm: np.ndarray, k1_1: float,
          ) -> tuple[np.ndarray, np.ndarray]:
    """(the postings' articles as indexes, each one's BM25 part): Whoosh's
    bm25() for a term of one segment, ``norm`` that segment's length part."""
    ids = index_of(ids)
    tf = tfs.astype(np.float64)
    # idf * ((tf * k1_1) / (tf + norm)), in place: the same operations on the
    # same numbers (a sum or a product of two numbers does not depend on
    # their order), without a new array per step.
    part = norm[ids].astype(np.float64, copy=False)
    part += tf
    tf *= k1_1
    np.divide(tf, part, out=part)
    part *= idf
    return ids, part


def _tree_sum(parts: list[np.ndarray]) -> np.ndarray:
    """The sum of ``parts`` in the order of whoosh.util.make_binary_tree
    (the first half's sum plus the second's), so that a sum of floats is
    exactly the one Whoosh's intersection matchers make."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


def _add_phrase(view: IndexView, searcher, node: wq.Phrase, boost: float, docs: np.ndarray, out: np.ndarray,
                bonus: np.ndarray | None = None) -> np.ndarray:
    """Add the phrase's score to those of ``docs`` (ascending) that have it,
    and return those.  Of a phrase of adjacent words, which ones have it is
    read from the words' positions (search/phrases.py) and its score is
    ``bonus``, Whoosh's own sum; otherwise Whoosh's phrase matcher skips
    from one to the next (it reads the positions of every article with all
    the words on its way, and scores one article at a time)."""
    found = []
    for segment, (sub, offset) in enumerate(searcher.leaf_searchers()):
        local = docs[(docs >= offset) & (docs < offset + sub.reader().doc_count_all())] - offset
        if len(local) and node.slop == 1:
            local = phrases.having(view, segment, sub.reader(), node, local)
            if bonus is not None:
                having = local + offset
                out[having] += bonus[having] * boost
                found.append(having)
                continue
        if not len(local):
            continue
        matcher, hits = node.matcher(sub), []
        for docnum in phrases.on_each(matcher, local):
            out[docnum + offset] += matcher.score() * boost
            hits.append(docnum + offset)
        found.append(np.asarray(hits, dtype=docs.dtype))
    return np.concatenate(found) if found else docs[:0]


def _picked(ids: np.ndarray, tfs: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The postings of the ``wanted`` (ascending) documents, found by binary search."""
    found, at = present(ids, wanted)
    return found, tfs[at]


def best(scored: np.ndarray, docs: np.ndarray, count: int, ties: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``count`` best of ``docs`` (ascending) as (document, score): best
    first, of equal scores the smaller ``ties`` (IndexView.ranks: the
    smaller article id) first, else the older document, as Whoosh orders them."""
    top = first(docs, scored[docs], count, ties)
    return [(int(d), float(scored[d])) for d in top]


# -- the statistics a score is computed with -------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """The collection statistics BM25F takes: how many articles (deleted ones
    too, as Whoosh counts them), each field's total length, and each query
    term's document frequency.  A sharded index (search/cluster) sums them
    over its shards, so that every shard scores as one index would."""

    doc_count: int
    field_lengths: Mapping[str, float]
    doc_frequencies: Mapping[tuple[str, str], int]

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's BM25F idf (WeightingModel.idf) over these statistics
        (a phrase's matcher asks with the term's bytes)."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return bm25_idf(self.doc_frequencies.get((fieldname, text), 0), self.doc_count)

    def avg_field_length(self, fieldname: str) -> float:
        return self.field_lengths.get(fieldname, 0) / (self.doc_count or 1)


class _StatsSearcher(Searcher):
    """A Whoosh searcher over the same reader whose idf and average field
    lengths are ``stats``': what the array scoring (idf, norms) and Whoosh's
    own phrase scorer (through its parent searcher) read."""

    def __init__(self, reader, stats: Stats | None = None, **kwargs) -> None:
        parent = kwargs.get("parent")
        self._stats = stats if stats is not None else parent._stats
        super().__init__(reader, **kwargs)

    def idf(self, fieldname: str, text: str) -> float:
        return self._stats.idf(fieldname, text)

    def avg_field_length(self, fieldname, default=None):
        if not self.schema[fieldname].scorable:
            return default
        return self._stats.avg_field_length(fieldname)


def with_stats(searcher: Searcher, stats: Stats | None) -> Searcher:
    """``searcher`` itself (this index's own statistics), or a searcher of
    the same state of the index scoring with ``stats`` (made per query: it
    keeps no cache that another query's statistics could make stale)."""
    if stats is None:
        return searcher
    return _StatsSearcher(searcher.reader(), stats=stats, weighting=searcher.weighting, closereader=False,
                          fromindex=searcher._ix)


def term_stats(view: IndexView, searcher: Searcher, queries: Iterable[wq.Query], fields: Iterable[str]) -> Stats:
    """This index's statistics for the terms of ``queries`` (their scored
    leaves, a phrase's words) and the lengths of ``fields``: one shard's
    part of a sharded index's statistics.  The frequencies are counted from
    the terms' lists, which the shard's query then finds read."""
    wanted: set[tuple[str, str]] = set()
    for query in queries:
        for node, _boost in _leaves(query):
            if isinstance(node, wq.Term):
                wanted.add((node.fieldname, node.text))
            elif isinstance(node, wq.Phrase):
                wanted.update((node.fieldname, word) for word in node.words)
    reader = searcher.reader()
    return Stats(
        doc_count=searcher.doc_count_all(),
        field_lengths={name: reader.field_length(name) for name in fields},
        doc_frequencies={term: frequency(view.postings(searcher, *term)) for term in sorted(wanted)},
    )


def summed(parts: Iterable[Stats]) -> Stats:
    """The statistics of the union of the indexes ``parts`` describe."""
    doc_count = 0
    lengths: dict[str, float] = {}
    frequencies: dict[tuple[str, str], int] = {}
    for part in parts:
        doc_count += part.doc_count
        for name, value in part.field_lengths.items():
            lengths[name] = lengths.get(name, 0) + value
        for term, value in part.doc_frequencies.items():
            frequencies[term] = frequencies.get(term, 0) + value
    return Stats(doc_count, lengths, frequencies)
