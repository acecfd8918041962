"""Which articles match a query: the total and the facet counts.

Ranking needs only the articles of the page, which Whoosh's top-k collector
finds while skipping the posting blocks that cannot reach it.  The total and
the facet counts need every match, but not its score: here they come from
sets of document numbers, read straight from the posting lists and combined
with Python's set operations, and from per-segment arrays of facet values
read once per searcher.

The query counted is the ``text``-only form of the ranked one (see
``QueryBuilder.build(..., matching=True)``): every other field a word is
searched in (title, lead, exact form) holds a subset of the articles whose
``text`` has it, so both queries match the same articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from whoosh import query as wq


def docset(searcher, query: wq.Query) -> set[int]:
    """The (global) numbers of the live articles ``query`` matches."""
    if isinstance(query, wq.Term):
        return _term_docs(searcher, query.fieldname, query.text)
    if isinstance(query, wq.And):
        wanted = [docset(searcher, sub) for sub in query.subqueries if not isinstance(sub, wq.Not)]
        unwanted = [docset(searcher, sub.query) for sub in query.subqueries if isinstance(sub, wq.Not)]
        if not wanted:
            return set()
        wanted.sort(key=len)
        found = wanted[0].intersection(*wanted[1:])
        return found.difference(*unwanted)
    if isinstance(query, wq.Or):
        return set().union(*(docset(searcher, sub) for sub in query.subqueries))
    # Phrases, ranges: Whoosh's own matchers.
    return set(searcher.docs_for_query(query))


def _term_docs(searcher, fieldname: str, text: str) -> set[int]:
    found: set[int] = set()
    for leaf, offset in searcher.reader().leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        ids = leaf.postings(fieldname, text).all_ids()  # deleted articles left out
        found.update(ids if not offset else (d + offset for d in ids))
    return found


class FacetValues:
    """The value of each facet field for every article, by document number,
    read from the index's columns once and reused by every query of the
    searcher (reading them per query was a tenth of a short query's time)."""

    def __init__(self, searcher, fields: Iterable[str]) -> None:
        reader = searcher.reader()
        self._values = {name: list(reader.column_reader(name)) for name in fields}

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
