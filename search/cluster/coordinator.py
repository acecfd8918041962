"""Searching a sharded index as one: the coordinator.

A search is the distributed BM25 search of Elasticsearch's "DFS query then
fetch":

1. *statistics*: every shard's article count, field lengths and document
   frequencies, summed, are the statistics of one index of all the articles
   (search.ranking.Stats), and the counts the respelling of rare words
   weighs.  They are gathered for every term once and held by every shard
   (search/cluster/statistics.py), so a search names them rather than
   asking for them; a shard that cannot list its terms makes every search
   ask each shard for its query's terms first (asked again with the
   respelled words only when there are some);
2. *query*: every shard scores its matches with those statistics, so its
   scores are the ones a single index gives, and sends its total, facet and
   timeline counts, its stories (search/clusters.py) and its best articles
   with their sort keys; the coordinator adds the counts up and merges the
   best articles (score, or date, then article id: the order one index uses);
3. *fetch*: the shards that hold the page's articles send their stored
   fields and snippets, and every shard its matches in the page's wire-copy
   clusters, folded under the best of each as one index folds them.

So the ids, order, scores, totals, facets, timeline, spellings and
suggestions are those of one index of the same articles
(tests/cluster/test_equivalence.py).  A shard that cannot answer (all its
replicas down) is left out and the results say so: ``partial`` and
``missing_shards``.  The backends that run the shards' ShardServices are in
search/cluster/local.py and search/cluster/ray_backend.py.
"""

from __future__ import annotations

import heapq
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from search import ranking
from search import timeline as timelines
from search.cluster import shards as layout
from search.cluster.service import Candidate, Fetched, ShardAnswer, ShardRequest
from search.cluster.statistics import IndexStats, NeedStats, StatsRef
from search.query import QueryError, parse
from search.results import ArticleView, Copy, Row, SearchResults
from search.searcher import (
    FACET_FIELDS,
    Filters,
    Searcher,
    SearchOptions,
    check_page,
    fold_depth,
    fold_more,
)
from search.spelling.offered import completions, spellings_searched, suggest


class ShardUnavailable(RuntimeError):
    """No replica of a shard could answer."""

    def __init__(self, shard: int) -> None:
        self.shard = shard
        super().__init__(f"shard {shard} is unavailable (no replica answers)")


class Backend(Protocol):
    """Runs each shard's ShardService somewhere and calls its methods."""

    count: int

    def call_all(self, method: str, args: Mapping[int, tuple], key: int = 0) -> tuple[dict[int, Any], set[int]]:
        """Call ``method`` on each shard of ``args`` with its arguments, all
        at once: (answers by shard, the shards that could not answer).
        Calls with the same ``key`` go to the same replica while it lives."""

    def close(self) -> None: ...


@dataclass
class _Call:
    """The shards left out of one search, over all its calls."""

    backend: Backend
    key: int
    missing: set[int] = field(default_factory=set)
    # The document frequencies this search has summed, by (field, term): the
    # statistics' counts answer the words' counts (search.spelling.offered.respell) too.
    known: dict[tuple[str, str], int] = field(default_factory=dict)
    # The whole index's statistics, if the shards hold them (statistics.py):
    # then every word's count is read there.
    whole: IndexStats | None = None

    def all(self, method: str, *args, shards: Sequence[int] | None = None) -> dict[int, Any]:
        wanted = range(self.backend.count) if shards is None else shards
        answers, missing = self.backend.call_all(method, {n: args for n in wanted if n not in self.missing}, self.key)
        self.missing |= missing
        return answers

    def each(self, method: str, args: Mapping[int, tuple]) -> dict[int, Any]:
        answers, missing = self.backend.call_all(method, {n: a for n, a in args.items() if n not in self.missing},
                                                 self.key)
        self.missing |= missing
        return answers


class _ShardedWords:
    """search.spelling.offered.Words over every shard: frequencies added up, the
    spelling of the article with the smallest id."""

    def __init__(self, call: _Call) -> None:
        self.call = call

    def doc_frequency(self, fieldname: str, term: str) -> int:
        if self.call.whole is not None:
            return self.call.whole.stats.doc_frequencies.get((fieldname, term), 0)
        known = self.call.known.get((fieldname, term))
        return sum(self.call.all("doc_frequency", fieldname, term).values()) if known is None else known

    def doc_frequencies(self, fieldname: str, terms: list[str]) -> dict[str, int]:
        if self.call.whole is not None:
            counts = self.call.whole.stats.doc_frequencies
            return {t: n for t in terms if (n := counts.get((fieldname, t), 0))}
        known = self.call.known
        asked = [t for t in terms if (fieldname, t) not in known]
        if asked:
            for t in asked:
                known[(fieldname, t)] = 0
            for found in self.call.all("doc_frequencies", fieldname, asked).values():
                for t, n in found.items():
                    known[(fieldname, t)] += n
        return {t: n for t in terms if (n := known[(fieldname, t)])}

    def near(self, fieldname: str, term: str, maxdist: int, prefix: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for found in self.call.all("near", fieldname, term, maxdist, prefix).values():
            for t, n in found.items():
                out[t] = out.get(t, 0) + n
        return out

    def commonest(self, fieldname: str, prefix: str, count: int) -> list[str]:
        # Each shard's commonest few, added up: near enough for completions
        # (a term common over all shards is common in most of them).
        totals: dict[str, int] = {}
        for found in self.call.all("commonest", fieldname, prefix, max(4 * count, 40)).values():
            for t, n in found.items():
                totals[t] = totals.get(t, 0) + n
        return heapq.nsmallest(count, totals, key=lambda t: (-totals[t], t))

    def written(self, term: str, fieldname: str) -> str:
        return self.written_all([(term, fieldname)])[0]

    def written_all(self, terms: list[tuple[str, str]]) -> list[str]:
        if not terms:
            return []
        answers = self.call.all("written_all", terms).values()
        out = []
        for n, (term, _field) in enumerate(terms):
            found = [a[n] for a in answers if a[n] is not None]
            out.append(min(found)[1] if found else term)
        return out

    def count(self, query: str) -> int:
        return sum(self.call.all("count", query).values())


def _order_key(candidate: Candidate) -> tuple:
    """Best first: the larger score (or newer date), then the smaller id."""
    return (-candidate.key, candidate.id)


def merge_facets(parts: Sequence[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Facet counts added up, commonest first (ties by value), as one index orders them."""
    out = {}
    for name in FACET_FIELDS:
        totals: dict[str, int] = {}
        for part in parts:
            for value, n in part.get(name, {}).items():
                totals[value] = totals.get(value, 0) + n
        out[name] = dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def merge_timeline(answers: Sequence[ShardAnswer], interval: str | None) -> timelines.Timeline:
    """The timeline of all the matches, from each shard's day counts."""
    if not answers:
        return timelines.Timeline()
    days = np.concatenate([np.repeat(a.days, a.day_counts) for a in answers])
    return timelines.count(days.astype(np.int64), interval)


def _heads(ranked: Sequence[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for c in ranked:
        if c.cluster not in seen:
            seen.add(c.cluster)
            out.append(c)
    return out


@dataclass
class _Merged:
    parsed: Any
    request: ShardRequest
    stats: ranking.Stats | StatsRef  # StatsRef: the whole index's, which the shards hold
    total: int = 0
    stories: int = 0
    facets: dict = field(default_factory=lambda: {f: {} for f in FACET_FIELDS})
    timeline: timelines.Timeline = field(default_factory=timelines.Timeline)
    page: list[Candidate] = field(default_factory=list)
    fallback: bool = False
    fetched: dict[int, Fetched] = field(default_factory=dict)


class Coordinator:
    """A sharded index searched as one: the interface of search.searcher.Searcher
    (search, export, article, complete, stats), for the CLI and the web app."""

    def __init__(self, index_dir: str | Path, backend: Backend, options: SearchOptions = SearchOptions()) -> None:
        self.index_dir = Path(index_dir)
        self.manifest = layout.load(index_dir)
        if self.manifest is None:
            raise ValueError(f"{index_dir} is not a sharded index")
        self.backend = backend
        self.options = options
        # The query builder and schema (shared by every shard: same analysis,
        # same spelling table), read from the first shard.
        self.local = Searcher(self.manifest.dirs(index_dir)[0], options)
        self._whole: IndexStats | None = None  # the shards' statistics added up (_gathered)
        self._whole_lock = threading.Lock()

    @property
    def schema(self):
        return self.local.schema

    def _gathered(self, call: _Call, stale: IndexStats | None = None) -> IndexStats:
        """The whole index's statistics, gathered from the shards and given
        to each of them (statistics.py), unless another search did it since
        ``stale`` was current."""
        with self._whole_lock:
            whole = self._whole
            if whole is None or whole is stale:
                whole = IndexStats.of(call.all("vocabulary"), self.backend.count)
                if whole.stats is not None:
                    call.all("keep_stats", whole.version, whole.stats)
                self._whole = whole
        return whole

    def _prepared(self, call: _Call) -> IndexStats:
        """The whole index's statistics as far as they are known, made the
        ones ``call`` counts words with when the shards hold them."""
        whole = self._whole or self._gathered(call)
        call.whole = whole if whole.stats is not None else None
        return whole

    def _respelled(self, call: _Call, parsed) -> tuple:
        """The respellings of the query's rare words (search.spelling.offered.respell),
        chosen from every shard's counts, as the shards receive them."""
        self._builder()  # the spelling table as it is on disk now
        return tuple(sorted(self.local.respell(_ShardedWords(call), parsed).respelled.items()))

    def _builder(self):
        self.local._searcher()  # the spelling table as it is on disk now
        return self.local._builder

    # -- searching -------------------------------------------------------------------------------

    def search(self, query: str, page: int = 1, per_page: int = 10, sort: str = "relevance",
               filters: Filters | Mapping | None = None, mode: str | None = None, collapse: bool = True,
               interval: str | None = None) -> SearchResults:
        """As Searcher.search, over every shard (see the module's docstring)."""
        started = time.perf_counter()
        check_page(query, page, per_page)
        call = _Call(self.backend, zlib.crc32(query.encode("utf-8", "surrogatepass")))
        merged = self._find(call, query, page, per_page, sort, filters, mode, collapse, interval, snippets=True)
        hits = []
        for head in merged.page:
            hit = merged.fetched.get(head.shard, Fetched()).hits.get(head.id)
            if hit is None:
                call.missing.add(head.shard)
                continue
            hits.append(replace(hit, cluster=head.cluster, copies=self._copies(merged, head)))
        builder = self._builder()
        words = _ShardedWords(call)
        suggestion = suggest(words, self.schema, merged.parsed, query, merged.total) if merged.total < 3 else None
        # The spellings as written are kept as one index keeps them (until the table changes).
        spellings = spellings_searched(words, self.schema, builder, merged.parsed, self.local._written)
        return SearchResults(
            query=query, total=merged.total, page=page, per_page=per_page, hits=hits, facets=merged.facets,
            suggestion=suggestion, took_ms=(time.perf_counter() - started) * 1000, sort=sort,
            fallback=merged.fallback, spellings=spellings, stories=merged.stories, collapse=collapse,
            timeline=merged.timeline, partial=bool(call.missing), missing_shards=sorted(call.missing),
        )

    def export(self, query: str, sort: str = "relevance", filters: Filters | Mapping | None = None,
               limit: int = 10_000, collapse: bool = True, mode: str | None = None) -> Iterator[Row]:
        """As Searcher.export, over every shard."""
        if limit < 1:
            raise QueryError("limit must be 1 or more")
        call = _Call(self.backend, zlib.crc32(query.encode("utf-8", "surrogatepass")) if isinstance(query, str) else 0)
        merged = self._find(call, query, 1, limit, sort, filters, mode, collapse, None, snippets=False)
        rows = []
        for head in merged.page:
            found = merged.fetched.get(head.shard, Fetched()).hits.get(head.id)
            if found is None:
                continue
            for item in [found, *self._copies(merged, head)]:
                rows.append(Row(item.id, item.title, item.date, item.source, item.category, item.url, item.score,
                                head.cluster))
        return iter(rows[:limit])

    def _find(self, call: _Call, query, page, per_page, sort, filters, mode, collapse, interval,
              snippets: bool, again: bool = True) -> _Merged:
        parsed, filters, mode = self.local.checked(query, sort, filters, mode, interval)
        start, end = (page - 1) * per_page, page * per_page
        depth = fold_depth(end) if collapse else end
        whole = self._prepared(call)
        if whole.stats is not None:  # the shards hold the whole index's statistics
            respelled = self._respelled(call, parsed)
            stats: ranking.Stats | StatsRef = StatsRef(whole.version)
        else:
            # The statistics first: their counts of the query's stems are what the
            # respelling weighs, so a query with no rare word needs no other call.
            stats = self._stats(call, query, ())
            respelled = self._respelled(call, parsed)
            if respelled:
                stats = self._stats(call, query, respelled)
        request = ShardRequest(query, mode, sort, filters, depth, collapse, respelled)
        merged = _Merged(parsed, request, stats)
        answers = self._query(call, request, stats)
        if not whole.current({a.shard: a.state for a in answers}):  # a shard changed (an add)
            held = whole.stats is not None
            self._gathered(call, whole)
            if held and again:  # the shards scored with the statistics of before
                return self._find(call, query, page, per_page, sort, filters, mode, collapse, interval, snippets,
                                  again=False)
        total = sum(a.total for a in answers)
        while answers and (later := self.local.falls_back(parsed, request.mode, total)):
            request = replace(request, mode=later)
            merged.request, merged.fallback = request, later == "or"
            answers = self._query(call, request, stats)
            total = sum(a.total for a in answers)
        if not answers:
            return merged
        merged.total = total = sum(a.total for a in answers)
        merged.facets = merge_facets([a.facets for a in answers])
        merged.timeline = merge_timeline(answers, interval)
        grouped = np.unique(np.concatenate([a.grouped for a in answers]))  # a cluster across shards once
        merged.stories = stories = sum(a.singles for a in answers) + len(grouped) if collapse else total
        if start >= stories:
            return merged
        ranked = sorted((c for a in answers for c in a.best), key=_order_key)
        if not collapse:
            merged.page = ranked[start:end]
        else:
            count = min(total, depth)
            while True:
                if count > request.depth:  # the shards' best ``count`` each (rare: copies filled the page)
                    request = merged.request = replace(request, depth=count)
                    answers = self._query(call, request, stats)
                    ranked = sorted((c for a in answers for c in a.best), key=_order_key)
                heads = _heads(ranked[:count])
                if len(heads) >= end or count >= total:
                    break
                count = fold_more(count, len(heads), end, total)
            merged.page = heads[start:end]
        by_shard: dict[int, list[str]] = {}
        for c in merged.page:
            by_shard.setdefault(c.shard, []).append(c.id)
        folded = sorted({c.cluster for c in merged.page if c.grouped}) if collapse else []
        asked = range(self.backend.count) if folded else sorted(by_shard)
        merged.fetched = self._asked(call, "fetch", {n: (request, stats, by_shard.get(n, []), folded, snippets)
                                                     for n in asked})
        return merged

    @staticmethod
    def _stats(call: _Call, query: str, respelled: tuple) -> ranking.Stats:
        parts = call.all("term_stats", query, respelled)
        stats = ranking.summed(parts[n] for n in sorted(parts))
        call.known.update(stats.doc_frequencies)
        return stats

    def _query(self, call: _Call, request: ShardRequest, stats: ranking.Stats | StatsRef) -> list[ShardAnswer]:
        answers = self._asked(call, "query", {n: (request, stats) for n in range(self.backend.count)})
        return [answers[n] for n in sorted(answers) if answers[n] is not None]

    @staticmethod
    def _asked(call: _Call, method: str, args: Mapping[int, tuple]) -> dict[int, Any]:
        """call.each, giving the whole index's statistics to a shard that
        does not hold them (a process started since) and asking it again."""
        answers = call.each(method, args)
        needing = [n for n, answer in answers.items() if isinstance(answer, NeedStats)]
        if needing and call.whole is not None:
            whole = call.whole
            call.each("keep_stats", {n: (whole.version, whole.stats) for n in needing})
            answers.update(call.each(method, {n: args[n] for n in needing}))
        for n in [n for n, answer in answers.items() if isinstance(answer, NeedStats)]:
            del answers[n]
            call.missing.add(n)
        return answers

    @staticmethod
    def _copies(merged: _Merged, head: Candidate) -> list[Copy]:
        """The matches of the head's cluster but the head, best (or newest)
        first, equal ones by id: as one index folds them."""
        if not head.grouped or not merged.request.collapse:
            return []
        members = [m for f in merged.fetched.values() for m in f.members
                   if m.cluster == head.cluster and m.copy.id != head.id]
        members.sort(key=lambda m: (-m.key, m.copy.id))
        return [m.copy for m in members]

    # -- articles, words, statistics ---------------------------------------------------------------

    def article(self, doc_id: str, highlight: str = "", related: int = 5) -> ArticleView | None:
        """One article, from its shard; ShardUnavailable if that shard has no
        live replica.  Related articles come from the same shard."""
        try:
            doc_id.encode("utf-8")
        except UnicodeEncodeError:
            return None
        shard = self.manifest.shard(doc_id)
        respelled: tuple = ()
        if highlight:  # the words are respelled as the search that led here respelled them
            try:
                parsed = parse(highlight)
            except QueryError:
                parsed = None
            if parsed is not None:
                call = _Call(self.backend, zlib.crc32(highlight.encode("utf-8", "surrogatepass")))
                self._prepared(call)
                respelled = self._respelled(call, parsed)
        answers, missing = self.backend.call_all("article", {shard: (doc_id, highlight, related, respelled)})
        if missing:
            raise ShardUnavailable(shard)
        return answers[shard]

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Words of the index that start with ``prefix``, commonest first
        (each shard's commonest, added up)."""
        call = _Call(self.backend, 0)
        return completions(_ShardedWords(call), prefix, limit)

    def stats(self) -> dict:
        """The shards' statistics added up (``missing_shards``: those that
        could not answer)."""
        answers, missing = self.backend.call_all("stats", {n: () for n in range(self.backend.count)})
        parts = [answers[n] for n in sorted(answers)]
        dates_from = [p["date_from"] for p in parts if p["date_from"]]
        dates_to = [p["date_to"] for p in parts if p["date_to"]]
        out: dict[str, Any] = {
            "articles": sum(p["articles"] for p in parts),
            "date_from": min(dates_from) if dates_from else None,
            "date_to": max(dates_to) if dates_to else None,
        }
        for key in ("sources", "categories"):
            totals: dict[str, int] = {}
            for p in parts:
                for value, n in p[key].items():
                    totals[value] = totals.get(value, 0) + n
            out[key] = dict(sorted(totals.items(), key=lambda kv: -kv[1]))
        out["size_bytes"] = sum(p["size_bytes"] for p in parts)
        out["index_dir"] = str(self.index_dir)
        out["shards"] = self.backend.count
        out["missing_shards"] = sorted(missing)
        return out

    def warm(self) -> None:
        self.backend.call_all("warm", {n: () for n in range(self.backend.count)})
        self._gathered(_Call(self.backend, 0))

    def close(self) -> None:
        self.backend.close()
        self.local.close()


def open_searcher(index_dir: str | Path, backend_factory: Callable[[Path, layout.Manifest], Backend] | None = None):
    """A Searcher for a plain index, a Coordinator for a sharded one (its
    shards searched by ``backend_factory``'s backend: local processes by
    default)."""
    manifest = layout.load(index_dir)
    if manifest is None:
        return Searcher(index_dir)
    if backend_factory is None:
        from search.cluster.local import LocalProcesses

        backend_factory = LocalProcesses
    return Coordinator(index_dir, backend_factory(Path(index_dir), manifest))
