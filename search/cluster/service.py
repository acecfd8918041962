"""One shard's searcher, answering the coordinator (search/cluster/coordinator.py).

A ShardService runs wherever the shard is searched: in this process, in a
local process of its own (search/cluster/local.py) or in a Ray actor
(search/cluster/ray_backend.py).  It is the Searcher of the shard's index
(search/searcher.py) with the coordinator's statistics put into its scoring
(search.ranking.with_stats): the matching, scoring, facet, timeline and
cluster code is the one-index code.  Everything it returns is plain data
(dataclasses, numbers, strings), cheap to send between processes.

A search is two calls: ``query`` (the total, facet and timeline counts,
the stories, and the best articles with their sort keys) and ``fetch``
(the stored fields and snippets of the articles the merged page shows, and
the copies folded under them).  The matches of a ``query`` are kept for a
while, so the ``fetch`` that follows reads them rather than searching again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from search import arrays, matching, ranking
from search.cluster import shards as layout
from search.cluster.statistics import NeedStats, StatsRef, Vocabulary, state_of, vocabulary
from search.query import ParsedQuery, Respelling, parse
from search.ranking import Stats
from search.results import ArticleView, Copy, Hit
from search.searcher import FACET_FIELDS, Filters, Matched, Searcher

# The fields whose lengths BM25F averages.
SCORED_FIELDS = ("text", "title", "lead", "text_exact")
KEPT_SEARCHES = 16


@dataclass(frozen=True)
class ShardRequest:
    """A search as every shard runs it: the mode already chosen ("and",
    "stems" or "or", see Searcher.falls_back) and ``depth``, how many of its
    best articles a shard returns."""

    query: str
    mode: str
    sort: str
    filters: Filters
    depth: int
    collapse: bool = True
    # The commoner spellings searched for words the archive hardly has,
    # chosen by the coordinator from the counts of every shard.
    respelled: tuple[tuple[str, Respelling], ...] = ()

    def parsed(self) -> ParsedQuery:
        return _parsed(self.query, self.respelled)


def _parsed(query: str, respelled: tuple[tuple[str, Respelling], ...]) -> ParsedQuery:
    parsed = parse(query)
    parsed.respelled = dict(respelled)
    return parsed


@dataclass(frozen=True)
class Candidate:
    """One of a shard's best articles: what the merge orders them by."""

    id: str
    key: float | int  # the score, or the date's key (-1: no date)
    cluster: str  # its wire-copy cluster's id
    grouped: bool  # the cluster has other members
    shard: int = 0


@dataclass(frozen=True)
class ShardAnswer:
    shard: int
    total: int
    facets: dict[str, dict[str, int]]
    days: np.ndarray  # the matches' distinct day numbers (search/timeline.py)
    day_counts: np.ndarray
    singles: int  # matches in no cluster of two or more
    # The clusters of two or more that matches are in, by the key of their id
    # (shards.id_key): where every story has copies, that is most of the
    # matches, and keys cross to the coordinator as one array, not as strings.
    grouped: np.ndarray
    best: list[Candidate]
    state: int = 0  # the state of the shard searched (statistics.state_of)


@dataclass(frozen=True)
class Member:
    """A match in one of the clusters asked for (a copy to fold)."""

    cluster: str
    key: float
    copy: Copy


@dataclass(frozen=True)
class Fetched:
    hits: dict[str, Hit | Copy] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)


class ShardService:
    """A shard's Searcher, answering the coordinator's calls."""

    def __init__(self, shard_dir: str | Path, number: int) -> None:
        self.number = number
        self.searcher = Searcher(shard_dir)
        # request -> (state of the index, Matched or None, the document number of each article id it answered)
        self._kept: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self._table_of: tuple[list[str], dict[str, int], np.ndarray] | None = None  # _table's, for the last table
        self._kept_stats: tuple[tuple, Stats] | None = None  # keep_stats': (version, the whole index's statistics)

    def ping(self) -> int:
        return self.number

    def warm(self) -> None:
        self.searcher.warm()

    # -- phase one: the statistics ---------------------------------------------------------------

    def term_stats(self, query: str, respelled: tuple[tuple[str, Respelling], ...] = ()) -> Stats:
        """This shard's statistics for every term the query scores, in
        either mode (an all-words search may fall back to any word)."""
        parsed = _parsed(query, respelled)
        searcher = self.searcher._searcher()
        builder = self.searcher._builder
        built = [q for q in (builder.build(parsed, "and"), builder.build(parsed, "or")) if q is not None]
        return ranking.term_stats(self.searcher._view(searcher), searcher, built, SCORED_FIELDS)

    def vocabulary(self) -> Vocabulary:
        """This shard's statistics for every term (search/cluster/statistics.py)."""
        searcher = self.searcher._searcher()
        return vocabulary(self.searcher._view(searcher), searcher, SCORED_FIELDS)

    def keep_stats(self, version: tuple, stats: Stats) -> None:
        """The whole index's statistics, which later calls name by ``version``."""
        self._kept_stats = (version, stats)

    def _resolved(self, stats: Stats | StatsRef) -> tuple[Stats | None, tuple]:
        """The statistics a call names, or None if this shard does not hold
        them; and what they are kept by."""
        if not isinstance(stats, StatsRef):
            return stats, (stats.doc_count, tuple(sorted(stats.field_lengths.items())),
                           tuple(sorted(stats.doc_frequencies.items())))
        kept = self._kept_stats
        return (kept[1] if kept is not None and kept[0] == stats.version else None), stats.version

    # -- phase two: the matches --------------------------------------------------------------------

    def _matched(self, request: ShardRequest, stats: Stats, kept_by: tuple,
                 ) -> tuple[Matched | None, dict[str, int], dict]:
        """The matches of ``request``, the document numbers of the articles
        its ``query`` calls answered with (which the ``fetch`` then asks for
        by id), and what was counted over them (``query``'s counts): kept
        from the first call if the shard has not changed since, read with
        this thread's Whoosh searcher (readers are not shared between
        threads).  Kept whatever the depth asked: where copies fill the
        page, the coordinator asks each shard again for more of its best
        articles (as one index folds more), and the matches, their counts
        and their scores are the same (matching again cost a sixth of a
        sharded search where every story has four copies)."""
        owner = self.searcher
        searcher = ranking.with_stats(owner._searcher(), stats)
        state = arrays.view_key(searcher)
        key = (replace(request, depth=0), kept_by)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None and kept[0] == state:
            found, numbers, counts = kept[1], kept[2], kept[3]
            if found is None:
                return None, numbers, counts
            # Without the kept PhraseBonuses: they read with the Whoosh searcher of the
            # thread that made them, so a deeper page here scores again instead.
            return Matched(owner, searcher, owner._view(searcher), found.ranked, found.sort, found.shown, found.docs,
                           found.scored, found.exact_top), numbers, counts
        allowed = owner._allowed(searcher, request.filters)
        found = owner.matched(searcher, request.parsed(), request.mode, request.sort, allowed, request.depth)
        numbers: dict[str, int] = {}
        counts: dict = {}
        with self._lock:
            self._kept[key] = (state, found, numbers, counts)
            while len(self._kept) > KEPT_SEARCHES:
                self._kept.popitem(last=False)
        return found, numbers, counts

    def query(self, request: ShardRequest, stats: Stats | StatsRef) -> ShardAnswer | NeedStats | None:
        """The counts over this shard's matches and its best ``depth`` articles
        (None: the query has no searchable word)."""
        whole, kept_by = self._resolved(stats)
        if whole is None:
            return NeedStats(self.number)
        found, numbers, counted = self._matched(request, whole, kept_by)
        if found is None:
            return None
        view, searcher, docs = found.view, found.searcher, found.docs
        codes, multi, names = view.clusters(searcher, self.searcher._roots)
        if "counts" not in counted:  # the same at any depth (_matched)
            facets = matching.facet_counts(view, searcher, docs, FACET_FIELDS)
            days, day_counts = np.unique(view.days(searcher)[docs], return_counts=True)
            in_groups = multi[docs]
            _codes, keys = self._table(names)
            grouped = np.unique(keys[codes[docs[in_groups]]])
            counted["counts"] = (facets, days, day_counts, int(np.count_nonzero(~in_groups)), grouped)
        facets, days, day_counts, singles, grouped = counted["counts"]
        top = found.best(min(len(docs), request.depth))
        ids, values = view.ids(searcher)
        if request.sort == "date":
            dates = view.dates(searcher)
            keys = [int(dates[d]) for d in top]
        else:
            keys = [found.score(d) for d in top]
        best = [Candidate(values[ids[d]], key, names[codes[d]], bool(multi[d]), self.number)
                for d, key in zip(top, keys)]
        numbers.update((c.id, d) for c, d in zip(best, top))
        return ShardAnswer(self.number, len(docs), facets, days, day_counts, singles, grouped, best,
                           state_of(view))

    # -- the fetch phase ---------------------------------------------------------------------------

    def fetch(self, request: ShardRequest, stats: Stats | StatsRef, ids: list[str], clusters: list[str],
              snippets: bool = True) -> Fetched | NeedStats:
        """The articles ``ids`` of the merged page (with snippets, or without
        for an export), and this shard's matches in ``clusters`` (the copies
        to fold under the page's hits), with their sort keys."""
        whole, kept_by = self._resolved(stats)
        if whole is None:
            return NeedStats(self.number)
        found, numbers, _counted = self._matched(request, whole, kept_by)
        if found is None:
            return Fetched()
        owner = self.searcher
        view, searcher, docs = found.view, found.searcher, found.docs
        if request.sort != "date":
            found.best(min(len(docs), request.depth))  # every score, the page's exact, as its query call made them
        marker = owner.marker(request.parsed()) if snippets else None
        codes, multi, names = view.clusters(searcher, owner._roots)
        hits: dict[str, Hit | Copy] = {}
        for doc_id in ids:
            d = numbers.get(doc_id)
            if d is None:  # an article this shard did not answer with (or a search no longer kept)
                d = searcher.document_number(id=doc_id)
            if d is None:
                continue
            score = found.score(d) if request.sort != "date" else 0.0
            if snippets:
                hits[doc_id] = owner._hit(searcher.stored_fields(d), score, marker)
            else:
                hits[doc_id] = owner.copies(searcher, [(d, score)])[0]
        members: list[Member] = []
        if clusters:
            chosen = np.zeros(len(names), dtype=bool)
            codes_of, _keys = self._table(names)
            chosen[[codes_of[c] for c in clusters if c in codes_of]] = True
            inside = docs[multi[docs] & chosen[codes[docs]]] if len(docs) else docs
            dates = view.dates(searcher) if request.sort == "date" else None
            keyed = []
            for d in inside.tolist():
                if dates is not None:
                    keyed.append((d, float(np.float64(dates[d])), 0.0))
                else:
                    keyed.append((d, found.score(d), found.score(d)))
            copies = owner.copies(searcher, [(d, score) for d, _key, score in keyed])
            members = [Member(names[codes[d]], key, copy) for (d, key, _score), copy in zip(keyed, copies)]
        return Fetched(hits, members)

    def _table(self, names: list[str]) -> tuple[dict[str, int], np.ndarray]:
        """Each cluster's code in the clusters table ``names``, and the key
        of each code's id (shards.id_key): made once a table."""
        kept = self._table_of
        if kept is None or kept[0] is not names:
            keys = np.fromiter((layout.id_key(n) for n in names), dtype=np.uint64, count=len(names))
            kept = self._table_of = (names, {name: code for code, name in enumerate(names)}, keys)
        return kept[1], kept[2]

    # -- single articles, words, statistics ---------------------------------------------------------

    def article(self, doc_id: str, highlight: str = "", related: int = 5,
                respelled: tuple[tuple[str, Respelling], ...] | None = None) -> ArticleView | None:
        return self.searcher.article(doc_id, highlight=highlight, related=related,
                                     respelled=None if respelled is None else dict(respelled))

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.searcher.words(self.searcher._searcher()).doc_frequency(fieldname, term)

    def doc_frequencies(self, fieldname: str, terms: list[str]) -> dict[str, int]:
        return self.searcher.words(self.searcher._searcher()).doc_frequencies(fieldname, terms)

    def near(self, fieldname: str, term: str, maxdist: int, prefix: int) -> dict[str, int]:
        return self.searcher.words(self.searcher._searcher()).near(fieldname, term, maxdist, prefix)

    def commonest(self, fieldname: str, prefix: str, count: int) -> dict[str, int]:
        """This shard's ``count`` commonest terms with the prefix, with their
        document frequencies (to add up over the shards)."""
        searcher = self.searcher._searcher()
        terms = self.searcher.words(searcher).commonest(fieldname, prefix, count)
        reader = searcher.reader()
        return {t: reader.doc_frequency(fieldname, t) for t in terms}

    def written_all(self, terms: list[tuple[str, str]]) -> list[tuple[str, str] | None]:
        """Searcher.written_by of each (term, field): the coordinator keeps the
        smallest id over the shards."""
        searcher = self.searcher._searcher()
        return [self.searcher.written_by(searcher, term, fieldname) for term, fieldname in terms]

    def count(self, query: str) -> int:
        return self.searcher.count(self.searcher._searcher(), query)

    def stats(self) -> dict:
        return self.searcher.stats()

    def close(self) -> None:
        self.searcher.close()
