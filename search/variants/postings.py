"""The whole index's posting lists of a field, as arrays: what every test
of the mining counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import numpy as np

from search.flat import of_leaf
from search.matching import read_postings

FIELD = "text"  # the stems every query word is matched by
EXACT_FIELD = "text_exact"  # the words as written (normalized, not stemmed): a form leaf's terms


def id_order(searcher) -> np.ndarray:
    """The index's document numbers in the order of their article ids (of
    one id, a deleted version first).  The miner numbers articles in this
    order rather than in the order they were indexed, so the articles it
    samples, and so the table it finds, do not depend on the order of the
    archive's files nor on how it is split into shards (search/cluster)."""
    from search.matching import column

    ids = column(searcher, "id", "")
    return np.asarray(sorted(range(len(ids)), key=lambda d: (ids[d], d)), dtype=np.int64)


class Postings:
    """Whole-index posting lists of one field as arrays of article numbers
    (an article's place in the order of the ids: ``docnums`` maps them back
    to document numbers)."""

    def __init__(self, searcher, fieldname: str = FIELD) -> None:
        self.fieldname = fieldname
        # Each segment's flat arrays, where it has them: a list is then a
        # slice, not Whoosh's blocks decoded (the neighbours and contexts
        # read some 20,000 lists on the full corpus).
        leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.segments = [(leaf, offset, of_leaf(leaf)) for leaf, offset in leaves]
        self.articles = searcher.doc_count_all()
        self.docnums = id_order(searcher)
        self.numbers = np.empty(len(self.docnums), dtype=np.int64)
        self.numbers[self.docnums] = np.arange(len(self.docnums))
        self._vocabulary: dict[str, int] | None = None

    def vocabulary(self) -> dict[str, int]:
        """Every term with the number of live articles that have it (near
        enough: a deleted article still counts until its segment merges).
        Read once: the stems' and the form leaves' mining both ask."""
        if self._vocabulary is None:
            counts: dict[str, int] = defaultdict(int)
            for leaf, _offset, _flat in self.segments:
                for term, info in leaf.iter_field(self.fieldname):
                    counts[term.decode("utf-8") if isinstance(term, bytes) else term] += info.doc_frequency()
            self._vocabulary = counts
        return self._vocabulary

    def terms(self) -> Iterator[str]:
        """Every term (of some segment), without reading its counts."""
        for leaf, _offset, _flat in self.segments:
            for term in leaf.lexicon(self.fieldname):
                yield term.decode("utf-8") if isinstance(term, bytes) else term

    def frequency(self, term: str) -> int:
        """The articles that have ``term`` (as vocabulary counts them)."""
        return sum(leaf.doc_frequency(self.fieldname, term) for leaf, _offset, _flat in self.segments)

    def docs(self, term: str) -> np.ndarray:
        parts = []
        for leaf, offset, flat in self.segments:
            # A term a segment lacks reads as an empty list (from its flat
            # directory, which lists every term, or from Whoosh).
            ids, _tfs = read_postings(leaf, self.fieldname, term, flat)
            if len(ids):
                parts.append(self.numbers[np.frombuffer(ids, dtype=np.int32).astype(np.int64) + offset])
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
