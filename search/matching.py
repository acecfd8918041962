"""Which articles match a query: the total and the facet counts.

The total and the facet counts need every match, but not its score: here
they come from boolean masks over the index's document numbers, made from
the posting lists kept as arrays (search/arrays.py, shared with scoring in
search/ranking.py) and combined with numpy's elementwise and/or/not; the
facet counts are a ``bincount`` of the matched articles' value codes.  The
cost is a few array operations per term, whatever the number of matches.

The query counted is the ``text``-only form of the ranked one (a
QueryBuilder with search.searcher.COUNTING weights): every other field a
word is searched in (title, lead, exact form) holds a subset of the
articles whose ``text`` has it, so both queries match the same articles.
A word that expands into alternative terms is an Or of Terms, combined like
any other Or.  Only an all-words search matches fewer than its ranked
query: a word with the nisba is a term of the nisba field (المدني: مدني),
and a word without it (WithoutNisba) compares its stem's term frequency
with the sum of its marks', to keep the articles that write its stem more
often than with the ي (or, for a verb or a plural, than as the other).
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from search import arrays, phrases
from search.analysis import NISBA_FIELD, nisba_stem
from search.arrays import IndexView, first
from search.flat import FlatPostings


class WithoutNisba(wq.Term):
    """The articles that write a stem at least once in another form than
    its ``marks``, (field, word) terms that count some of its forms: by
    default its NISBA_FIELD word, so that a search for المدن does not match
    an article that only writes المدني.  A perfect verb adds the stem's
    feminine forms (حفلت, not an article that only writes حفلات), a plural
    in ات the perfect verb's written forms (تداولات, not an article that
    only writes تداولت).  Counted by search/matching.py; anything else
    takes it for the plain Term."""

    def __init__(self, fieldname: str, text: str, boost: float = 1.0,
                 marks: tuple[tuple[str, str], ...] | None = None) -> None:
        super().__init__(fieldname, text, boost=boost)
        self.marks = marks if marks is not None else ((NISBA_FIELD, nisba_stem(text)),)

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.marks == getattr(other, "marks", None)

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.marks))


def docset(view: IndexView, searcher, query: wq.Query, within: np.ndarray | None = None) -> np.ndarray:
    """A mask of the articles ``query`` matches (deleted ones may be set:
    ``view.live`` leaves them out), exact for those in ``within`` (a mask;
    None: every article).  An And narrows ``within`` for what it checks
    last, its phrases: their positions are read only for the articles
    that have everything else."""
    if isinstance(query, WithoutNisba):
        with_it = sum(view.frequencies(searcher, field, word) for field, word in query.marks)
        return view.frequencies(searcher, query.fieldname, query.text) > with_it
    if isinstance(query, wq.Term):
        return view.mask(searcher, query.fieldname, query.text)
    if isinstance(query, wq.Phrase):
        return phrases.mask(view, searcher, query, within)
    if isinstance(query, wq.And):
        wanted = [sub for sub in query.subqueries if not isinstance(sub, wq.Not)]
        if not wanted:
            return np.zeros(view.n, dtype=bool)
        found = np.ones(view.n, dtype=bool) if within is None else within.copy()
        # Phrases last, and the words left out before them.
        for sub in sorted(query.subqueries, key=lambda sub: (_has_phrase(sub), isinstance(sub, wq.Not))):
            if isinstance(sub, wq.Not):
                found &= ~docset(view, searcher, sub.query, found)
            else:
                found &= docset(view, searcher, sub, found)
        return found
    if isinstance(query, wq.Or):
        found = np.zeros(view.n, dtype=bool)
        for sub in query.subqueries:
            found |= docset(view, searcher, sub, within)
        return found
    # Ranges and the like: Whoosh's own matchers.
    found = np.zeros(view.n, dtype=bool)
    docs = np.fromiter(searcher.docs_for_query(query), dtype=np.int64)
    found[docs] = True
    return found


def _has_phrase(query: wq.Query) -> bool:
    """Whether ``query`` has a phrase, which docset checks last."""
    return isinstance(query, wq.Phrase) or any(_has_phrase(sub) for sub in getattr(query, "subqueries", ()))


def docnums(mask: np.ndarray) -> np.ndarray:
    """The document numbers a mask sets, ascending."""
    return np.flatnonzero(mask)


def facet_counts(view: IndexView, searcher, docs: np.ndarray, fields) -> dict[str, dict[str, int]]:
    """For each field, how many of ``docs`` have each non-empty value,
    commonest first (ties by value)."""
    out = {}
    for name in fields:
        codes, values = view.codes(searcher, name)
        counted = np.bincount(codes[docs], minlength=len(values)) if len(docs) else np.zeros(0, np.int64)
        pairs = [(values[c], int(counted[c])) for c in np.flatnonzero(counted)]
        pairs = [(v, k) for v, k in pairs if v not in ("", None)]
        out[name] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
    return out


def newest_first(view: IndexView, searcher, docs: np.ndarray, count: int) -> list[int]:
    """The ``count`` newest of ``docs`` (ascending); of the same date, the
    smaller article id first (IndexView.ranks); articles without a date last."""
    return first(docs, view.dates(searcher)[docs], count, view.ranks(searcher)).tolist()


def read_postings(leaf, fieldname: str, text: str, flat: FlatPostings | None = None,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(documents int32, term frequencies float32) of a term's live articles
    in one segment, from its ``flat`` arrays if given (the spelling miner's
    reading; queries keep deleted articles in their arrays and mask them)."""
    ids, tfs = arrays.read_term(leaf, fieldname, text, flat=flat)[0]
    deleted = list(leaf.segment().deleted_docs())
    if deleted and len(ids):
        keep = ~np.isin(ids, np.asarray(deleted, dtype=np.int32))
        ids, tfs = ids[keep], tfs[keep]
    return ids, tfs


def column(searcher, fieldname: str, missing, translate: bool = True) -> list:
    """A column's value for every article, by global document number."""
    values: list = []
    for leaf, _offset in searcher.reader().leaf_readers():
        values.extend(arrays.column_values(leaf, fieldname, missing, translate))
    return values
