"""Searching an index: the one call every front end uses.

``Searcher(index_dir).search(...)`` returns plain dataclasses
(search/results.py); the CLI and the web layer only format them.  A
Searcher is opened once and shared: each thread keeps its own Whoosh
searcher (Whoosh's readers are not shared between threads), reopened only
when the index on disk changes (a rebuild swaps the generation, an ``add``
commits a new segment); the arrays decoded from the index (search/arrays.py)
are one copy for all the threads.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.util.times import long_to_datetime

from search import index as idx
from search import arrays, lexicon, matching, ranking
from search import snippets
from search import timeline as timelines
from search.clusters import FILE as CLUSTERS_FILE, Clusters
from search.analysis import Marker, load_words
from search.results import ArticleView, Copy, Hit, Row, SearchResults
from search.normalize import clean
from search.query import ParsedQuery, QueryBuilder, QueryError, Respelling, Weights, parse
from search.spelling.offered import SPELL_FIELD, Words, completions, respell, spellings_searched, suggest
from search.spelling.terms import TermLists, commonest, terms_within_index
from search.variants import FILE as SPELLINGS_FILE, Spellings

SORTS = ("relevance", "date")
MODES = ("and", "or", "auto")
MAX_PER_PAGE = 100
FACET_FIELDS = ("source", "category")
# The query that counts matches (search/matching.py): the words in ``text``
# alone, without the bonus fields, which match no article ``text`` does not.
COUNTING = Weights(text=1.0, title=0.0, lead=0.0, exact=0.0)


@dataclass(frozen=True)
class SearchOptions:
    """Ranking settings; the relevance evaluation compares variants of these."""

    weights: Weights = Weights()
    k1: float = 0.7
    b: float = 0.75
    title_b: float = 0.5
    # "and": all words must match, each with its nisba adjective's ي or
    # without as typed (falls_back: by stem alone when that finds nothing),
    # falling back to "or" when that finds fewer than ``fallback_below``
    # articles; "or": ranked any-word matching;
    # "auto": "and" for short keyword queries, "or" for longer ones
    # (questions, headlines), where requiring every word finds nothing.
    mode: str = "auto"
    fallback_below: int = 1
    auto_and_max_words: int = 3
    # Match every spelling of a word that the index's spelling table knows
    # (search/variants/); off only to measure what it buys.
    spellings: bool = True

    def weighting(self) -> scoring.BM25F:
        return scoring.BM25F(B=self.b, K1=self.k1, title_B=self.title_b)


@dataclass(frozen=True)
class Filters:
    source: str | None = None
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def query(self) -> wq.Query | None:
        parts: list[wq.Query] = []
        if self.source:
            parts.append(wq.Term("source", self.source))
        if self.category:
            parts.append(wq.Term("category", self.category))
        if self.date_from or self.date_to:
            start = datetime.combine(self.date_from, datetime.min.time()) if self.date_from else None
            end = (
                datetime.combine(self.date_to + timedelta(days=1), datetime.min.time()) - timedelta(microseconds=1)
                if self.date_to
                else None
            )
            parts.append(wq.DateRange("date", start, end))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)


@dataclass(frozen=True)
class _Found:
    total: int
    # (document number, score, its folded copies as (document number, score)) of the page
    hits: list[tuple[int, float, list[tuple[int, float]]]]
    facets: dict[str, dict[str, int]]
    stories: int = 0
    timeline: timelines.Timeline = field(default_factory=timelines.Timeline)
    clusters: tuple | None = None  # the view's (codes, in a cluster of 2+, ids)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_ino


RELATED_CHARS = 50_000  # of a body, looked at for related articles


def check_page(query, page: int, per_page: int) -> None:
    """QueryError for a search's query that is not text or a page out of range."""
    if not isinstance(query, str):
        raise QueryError("query must be text")
    if page < 1:
        raise QueryError("page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}")


def fold_depth(end: int) -> int:
    """How many of the best articles are folded first to fill ``end``
    stories: twice as many and ten more (copies rarely take more)."""
    return 2 * end + 10


def fold_more(count: int, heads: int, end: int, total: int) -> int:
    """How many of the best articles to fold next, when the best ``count``
    made ``heads`` stories of the ``end`` a page needs: as many as that
    share of stories says, a quarter more, at most four times as many.
    Every article more may have its phrases' positions read (ranking.
    PhraseBonuses), so the fewer the better: where every story has four
    copies, 30 articles make 6 stories, and 63 rather than 120 fill 10."""
    wanted = -(-count * end * 5 // (max(heads, 1) * 4))  # ceil(count * end / heads * 1.25)
    return min(total, count * 4, max(wanted, count + end - heads))


def _distinct(codes: np.ndarray) -> int:
    """How many different values ``codes`` (non-negative) holds: a mark
    per value rather than a sort."""
    if not len(codes):
        return 0
    seen = np.zeros(int(codes.max()) + 1, dtype=bool)
    seen[codes] = True
    return int(np.count_nonzero(seen))


class Matched:
    """The articles a query matches in one state of the index, ascending,
    and their scores: what a page, an export and a shard's answer are made
    from.  The scores are exact for the best ``exact_top`` (None: all the
    scores made are exact); ``best`` makes more exact as it needs them."""

    def __init__(self, owner: "Searcher", searcher, view: arrays.IndexView, ranked, sort: str, shown: np.ndarray,
                 docs: np.ndarray, scored: np.ndarray | None, exact_top: int | None,
                 bonuses: ranking.PhraseBonuses | None = None) -> None:
        self.owner, self.searcher, self.view, self.ranked, self.sort = owner, searcher, view, ranked, sort
        self.shown, self.docs, self.scored, self.exact_top = shown, docs, scored, exact_top
        self.bonuses = bonuses  # phrase bonuses not read yet (exact_top set)

    def score_all(self) -> None:
        """Scores for every match (an all-words search scores none until asked)."""
        if self.sort != "date" and self.scored is None:
            self.scored, _, _ = ranking.scores(self.view, self.searcher, self.ranked, only=self.docs)

    def best(self, count: int) -> list[int]:
        """The ``count`` first matches in the page order: best score (or
        newest) first, equal ones by article id."""
        view, searcher = self.view, self.searcher
        if self.sort == "date":
            return matching.newest_first(view, searcher, self.docs, count)
        self.score_all()
        if self.exact_top is not None and count > self.exact_top:
            if self.bonuses is not None:
                self.scored = self.scored.copy()  # a shard may keep this Matched's arrays for another call
                self.bonuses.add(self.scored, count)
            else:
                self.scored, _, _ = ranking.scores(view, searcher, self.ranked, top=count, among=self.shown)
            self.exact_top = count
        return [d for d, _ in ranking.best(self.scored, self.docs, count, view.ranks(searcher))]

    def heads(self, end: int, depth: int, codes: np.ndarray) -> list[int]:
        """The best article of each of the ``end`` first stories (``codes``:
        each article's story), in the page order, from the best ``depth``
        articles first, more if copies fill them.  Where phrase bonuses
        wait, only the stories' best articles are made exact (ranking.
        PhraseBonuses.add_stories): the best 63 articles of a page of ten
        are a dozen stories where every story has four copies."""
        if self.sort != "date" and self.bonuses is not None:
            ranks = self.view.ranks(self.searcher)
            self.scored = self.scored.copy()  # a shard may keep this Matched's arrays for another call
            self.bonuses.add_stories(self.scored, end, codes, ranks)

            def pick(count: int) -> list[int]:
                return [d for d, _ in ranking.best(self.scored, self.docs, count, ranks)]
        else:
            pick = self.best

        count = min(len(self.docs), depth)
        while True:
            heads = arrays.first_of_each(np.asarray(pick(count), dtype=np.int64), codes).tolist()
            if len(heads) >= end or count >= len(self.docs):
                return heads
            count = fold_more(count, len(heads), end, len(self.docs))

    def make_exact(self, docs: np.ndarray) -> None:
        """Make the scores of ``docs`` (ascending) exact: the copies a page
        shows under their story's best article, with their scores."""
        if self.sort != "date" and self.bonuses is not None:
            self.bonuses.add_for(self.scored, docs)

    def score(self, d: int) -> float:
        return float(self.scored[d]) if self.scored is not None else 0.0


class LocalWords:
    """Words of one index, read with one thread's Whoosh searcher."""

    def __init__(self, owner: "Searcher", searcher) -> None:
        self.owner, self.searcher = owner, searcher

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.owner._view(self.searcher).doc_frequency(self.searcher, fieldname, term)

    def doc_frequencies(self, fieldname: str, terms: list[str]) -> dict[str, int]:
        view = self.owner._view(self.searcher)
        return {t: n for t in terms if (n := view.doc_frequency(self.searcher, fieldname, t))}

    def near(self, fieldname: str, term: str, maxdist: int, prefix: int) -> dict[str, int]:
        reader = self.searcher.reader()
        found = terms_within_index(reader, fieldname, term, maxdist, prefix, self.owner._term_lists)
        return {t: reader.frequency(fieldname, t) for t in found}

    def commonest(self, fieldname: str, prefix: str, count: int) -> list[str]:
        return commonest(self.owner._term_lists, self.searcher.reader(), fieldname, prefix, count)

    def written(self, term: str, fieldname: str) -> str:
        found = self.owner.written_by(self.searcher, term, fieldname)
        return term if found is None else found[1]

    def written_all(self, terms: list[tuple[str, str]]) -> list[str]:
        return [self.written(term, fieldname) for term, fieldname in terms]

    def count(self, query: str) -> int:
        return self.owner.count(self.searcher, query)


class Searcher:
    def __init__(self, index_dir: str | Path, options: SearchOptions = SearchOptions()) -> None:
        self.index_dir = Path(index_dir)
        self.options = options
        self._lock = threading.Lock()
        self._local = threading.local()
        self._ix = None
        self._generation: Path | None = None
        self._term_lists = TermLists()  # for suggestions and completions, shared by the threads
        self._views: dict[tuple, arrays.IndexView] = {}  # posting, norm, facet and date arrays (search/arrays.py)
        self._roots: dict[str, str] = {}  # article id -> its wire-copy cluster's id, for clusters of 2+
        self._open()

    # -- opening and reopening -------------------------------------------

    def _open(self) -> None:
        lexicon.load()  # once per process, not inside the first query's time
        generation = idx.resolve(self.index_dir)
        self._ix = idx.open_index(self.index_dir)
        # Read once: FileIndex.schema rereads the TOC from disk on every use,
        # which fails once a rebuild has removed this generation.
        self._schema = self._ix.schema
        self._generation = generation
        load_words(self._schema["text"].analyzer, generation)  # the archive's common words, analysed at the build
        self._load_spellings()
        self._load_clusters()

    def _load_clusters(self) -> None:
        """The wire-copy clusters stored beside the index (rewritten by an add)."""
        self._clusters_stamp = _stamp(self._generation / CLUSTERS_FILE)
        found = Clusters.load(self._generation, signatures=False)
        self._roots = found.roots if found is not None else {}

    def _load_spellings(self) -> None:
        """The query builders, with the spelling table mined for this index
        (an add rewrites it beside the index)."""
        self._spellings_stamp = _stamp(self._generation / SPELLINGS_FILE)
        spellings = Spellings.load(self._generation) if self.options.spellings else Spellings()
        self._builder = QueryBuilder(self._schema, self.options.weights, spellings)
        self._counting = QueryBuilder(self._schema, COUNTING, spellings, nisba=True)
        self._written: dict[str, str] = {}
        self._respelled: dict[str, Respelling | None] = {}

    def _searcher(self):
        """This thread's Whoosh searcher, current with the index on disk."""
        generation = idx.resolve(self.index_dir)
        if generation != self._generation:
            with self._lock:
                if generation != self._generation:
                    self._open()
        ix = self._ix
        current = getattr(self._local, "searcher", None)
        if current is not None and getattr(self._local, "ix", None) is ix:
            if current.up_to_date():
                return current
            # A fresh searcher, not Searcher.refresh(): refresh reuses the
            # readers of unchanged segments and misses their new deletions.
        if current is not None:
            current.close()
        if _stamp(self._generation / SPELLINGS_FILE) != self._spellings_stamp:
            with self._lock:
                if _stamp(self._generation / SPELLINGS_FILE) != self._spellings_stamp:
                    self._load_spellings()
        if _stamp(self._generation / CLUSTERS_FILE) != self._clusters_stamp:
            with self._lock:
                if _stamp(self._generation / CLUSTERS_FILE) != self._clusters_stamp:
                    self._load_clusters()
        current = ix.searcher(weighting=self.options.weighting())
        self._local.searcher, self._local.ix = current, ix
        return current

    def warm(self) -> None:
        """Read the arrays every query needs (length norms, facet values,
        dates) and the completions' word lists, so that a server's first
        searches and keystrokes do not pay for them."""
        searcher = self._searcher()
        view = self._view(searcher)
        for name in ("text", "title", "lead", "text_exact"):
            view.norms(searcher, name)
        for name in FACET_FIELDS:
            view.codes(searcher, name)
        view.dates(searcher)
        view.days(searcher)
        view.clusters(searcher, self._roots)
        view.ranks(searcher)
        for leaf, _offset in searcher.reader().leaf_readers():  # completions (search/spelling/terms.py)
            self._term_lists.warm(leaf, SPELL_FIELD)

    @property
    def schema(self):
        return self._schema

    # -- searching ----------------------------------------------------------

    def search(
        self,
        query: str,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
        filters: Filters | Mapping | None = None,
        mode: str | None = None,
        collapse: bool = True,
        interval: str | None = None,
    ) -> SearchResults:
        """Ranked, paged results with snippets, facet counts, a timeline and,
        when little is found, a spelling suggestion.  With ``collapse``, near
        copies of a better-ranked hit (wire copies, search/clusters.py) are
        folded under it and pages count stories.  Raises QueryError on bad
        arguments."""
        started = time.perf_counter()
        check_page(query, page, per_page)
        searcher, parsed, found, fallback = self._find(query, page, per_page, sort, filters, mode, collapse, interval)
        total = found.total if found is not None else 0
        marker = self.marker(parsed)
        hits = []
        if found is not None:
            codes, _multi, names = found.clusters
            for d, score, copies in found.hits:
                hit = self._hit(searcher.stored_fields(d), score, marker)
                folded = self.copies(searcher, copies)
                hits.append(dataclasses.replace(hit, cluster=names[codes[d]], copies=folded))
        facets = found.facets if found is not None else {f: {} for f in FACET_FIELDS}
        words = self.words(searcher)
        suggestion = suggest(words, self._schema, parsed, query, total) if total < 3 else None
        spellings = self._spellings(searcher, parsed)
        return SearchResults(
            query=query,
            total=total,
            page=page,
            per_page=per_page,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            took_ms=(time.perf_counter() - started) * 1000,
            sort=sort,
            fallback=fallback,
            spellings=spellings,
            stories=found.stories if found is not None else 0,
            collapse=collapse,
            timeline=found.timeline if found is not None else timelines.Timeline(),
        )

    def export(
        self,
        query: str,
        sort: str = "relevance",
        filters: Filters | Mapping | None = None,
        limit: int = 10_000,
        collapse: bool = True,
        mode: str | None = None,
    ) -> Iterator[Row]:
        """Up to ``limit`` matching articles in the order of the result
        pages (with ``collapse``, each story's best article then its copies),
        without snippets: what a spreadsheet export needs.  The search runs
        (and raises QueryError) now; the articles are read as iterated."""
        if limit < 1:
            raise QueryError("limit must be 1 or more")
        searcher, _parsed, found, _fallback = self._find(query, 1, limit, sort, filters, mode, collapse, None)
        if found is None:
            return iter(())
        codes, _multi, names = found.clusters

        def rows() -> Iterator[Row]:
            count = 0
            for d, score, copies in found.hits:
                for docnum, value in [(d, score), *copies]:
                    stored = searcher.stored_fields(docnum)
                    yield Row(
                        id=stored["id"],
                        title=stored.get("title", ""),
                        date=stored.get("date"),
                        source=stored.get("source", ""),
                        category=stored.get("category", ""),
                        url=stored.get("url", ""),
                        score=round(float(value or 0.0), 4),
                        cluster=names[codes[docnum]],
                    )
                    count += 1
                    if count == limit:
                        return

        return rows()

    def checked(self, query, sort, filters, mode, interval) -> tuple[ParsedQuery, Filters, str]:
        """The parsed query, the filters and the mode ("and" or "or") of a
        search's arguments; QueryError for a bad one."""
        if not isinstance(query, str):
            raise QueryError("query must be text")
        if sort not in SORTS:
            raise QueryError(f"sort must be one of: {', '.join(SORTS)}")
        mode = mode or self.options.mode
        if mode not in MODES:
            raise QueryError(f"mode must be one of: {', '.join(MODES)}")
        if interval is not None and interval not in timelines.INTERVALS:
            raise QueryError(f"interval must be one of: {', '.join(timelines.INTERVALS)}")
        if isinstance(filters, Mapping):
            filters = Filters(**filters)
        filters = filters or Filters()
        parsed = parse(query)
        if mode == "auto":
            mode = "and" if len(parsed.groups) <= self.options.auto_and_max_words else "or"
        return parsed, filters, mode

    def falls_back(self, parsed: ParsedQuery, mode: str, total: int) -> str | None:
        """The mode an all-words search that found ``total`` is run again
        in, if any: when it found nothing, with each word by its stem (a
        noun then finds its nisba adjective, حكومي finds الحكومة: an empty
        page is never the better answer); when it found too few, with any
        word."""
        if mode == "and" and total == 0 and self._counting.nisba:
            return "stems"
        if mode != "or" and len(parsed.groups) > 1 and total < self.options.fallback_below:
            return "or"
        return None

    def _find(self, query, page, per_page, sort, filters, mode, collapse, interval):
        """(Whoosh searcher, parsed query, _Found or None, whether the
        query fell back to any-word matching): the search behind a page or
        an export."""
        parsed, filters, mode = self.checked(query, sort, filters, mode, interval)
        searcher = self._searcher()
        self.respell(self.words(searcher), parsed)
        allowed = self._allowed(searcher, filters)
        fallback = False
        run = (searcher, parsed, page, per_page, sort, allowed, collapse, interval)
        found = self._run(run[0], run[1], mode, *run[2:])
        while found is not None and (later := self.falls_back(parsed, mode, found.total)):
            mode = later
            found = self._run(run[0], run[1], mode, *run[2:])
            fallback = mode == "or"
        return searcher, parsed, found, fallback

    def words(self, searcher) -> LocalWords:
        return LocalWords(self, searcher)

    def respell(self, words: Words, parsed: ParsedQuery) -> ParsedQuery:
        """``parsed`` with the commoner spellings searched for the words the
        index hardly has (the function respell), unless spellings are off."""
        if self.options.spellings:
            parsed.respelled = respell(words, self._schema, parsed, self._builder.spellings, self._respelled)
        return parsed

    def marker(self, parsed: ParsedQuery) -> Marker:
        """What marks the query's words in titles and snippets."""
        return Marker(self.schema["text"].analyzer, self._builder.highlight_terms(parsed))

    def _spellings(self, searcher, parsed: ParsedQuery) -> dict[str, list[str]]:
        return spellings_searched(self.words(searcher), self._schema, self._builder, parsed, self._written)

    def count(self, searcher, query: str) -> int:
        """How many articles have every word of ``query``."""
        built = self._counting.build(parse(query), "and")
        if built is None:
            return 0
        view = self._view(searcher)
        return int(np.count_nonzero(matching.docset(view, searcher, built) & view.live))

    def matching_ids(self, query: str) -> set[str]:
        """The ids of every article that ``query`` matches, unranked, as a
        search matches them (its fallbacks too): what the relevance
        evaluation counts recall and leaks in."""
        parsed = parse(query)
        searcher = self._searcher()
        self.respell(self.words(searcher), parsed)
        mode = "and" if len(parsed.groups) <= self.options.auto_and_max_words else "or"
        view = self._view(searcher)
        while True:
            built = self._counting.build(parsed, mode)
            if built is None:
                return set()
            docs = matching.docnums(matching.docset(view, searcher, built) & view.live)
            mode = self.falls_back(parsed, mode, len(docs))
            if mode is None:
                return {searcher.stored_fields(int(d))["id"] for d in docs}

    def _allowed(self, searcher, filters: Filters):
        """A mask of the articles the filters let through (None: all of them)."""
        query = filters.query()
        return None if query is None else matching.docset(self._view(searcher), searcher, query)

    def matched(self, searcher, parsed, mode, sort, allowed, depth) -> Matched | None:
        """Every article the query matches among those ``allowed`` (None:
        all), with the scores exact for the best ``depth`` of them: the part
        of a search a shard of a sharded index runs (``searcher`` may score
        with its statistics: search.ranking.with_stats)."""
        ranked = self._builder.build(parsed, mode)
        if ranked is None:
            return None
        view = self._view(searcher)
        shown = view.live if allowed is None else view.live & allowed  # never changed in place
        exact_top = None  # ranked "or": the scores are exact for the best this many
        pending = None
        if mode != "or" or sort == "date":
            matched = matching.docset(view, searcher, self._counting.build(parsed, mode)) & shown
            scored = None
        else:
            # Every term is optional: the articles matched are those scored
            # (exactly, for the best ``depth`` of them: ranking.scores).
            for excluded in self._counting.exclusions(parsed):
                shown = shown & ~matching.docset(view, searcher, excluded.query)
            scored, matched, pending = ranking.scores(view, searcher, ranked, top=depth, among=shown)
            # Every term is scored whole; only phrase bonuses wait until a
            # page further down, or folding, needs more exact scores.
            exact_top = depth if pending is not None else None
            matched &= shown
        return Matched(self, searcher, view, ranked, sort, shown, matching.docnums(matched), scored, exact_top, pending)

    def _run(self, searcher, parsed, mode, page, per_page, sort, allowed, collapse=True, interval=None) -> _Found | None:
        """The total, facets, stories and timeline over every match; the
        page, best first, each hit with its folded copies."""
        start, end = (page - 1) * per_page, page * per_page
        # With folding, the page's stories are found among the best ``depth``
        # articles, more if copies fill them (rare): the cost stays that of the page.
        depth = fold_depth(end) if collapse else end
        # Folded, the stories' best articles are made exact (Matched.heads), not the best ``depth``.
        found = self.matched(searcher, parsed, mode, sort, allowed, 0 if collapse else depth)
        if found is None:
            return None
        view, docs = found.view, found.docs
        facets = matching.facet_counts(view, searcher, docs, FACET_FIELDS)
        timeline = timelines.count(view.days(searcher)[docs], interval)
        clusters = view.clusters(searcher, self._roots)
        codes, multi, _names = clusters
        stories = _distinct(codes[docs]) if collapse else len(docs)
        if start >= stories:
            return _Found(len(docs), [], facets, stories, timeline, clusters)
        found.score_all()

        if not collapse:
            return _Found(len(docs), [(d, found.score(d), []) for d in found.best(end)[start:end]], facets, stories,
                          timeline, clusters)
        heads = found.heads(end, depth, codes)[start:end]
        folded = self._folded_under(found, heads, codes, multi)
        return _Found(len(docs), [(h, found.score(h), folded.get(h, [])) for h in heads], facets, stories, timeline,
                      clusters)

    @staticmethod
    def _folded_under(found: Matched, heads, codes, multi) -> dict[int, list[tuple[int, float]]]:
        """The matched members of each head's cluster but the head, in the
        page's order (best score, or newest, first)."""
        grouped = [h for h in heads if multi[h]]
        if not grouped:
            return {}
        view, searcher, sort = found.view, found.searcher, found.sort
        # The matched articles of the heads' clusters (found.docs is ascending).
        members, _ = arrays.present(found.docs, view.members(codes, np.unique(codes[np.asarray(grouped)])))
        found.make_exact(members)
        scored = found.scored
        if sort == "date":
            keys = view.dates(searcher)[members].astype(np.float64)
        else:
            keys = scored[members]
        order = np.lexsort((view.ranks(searcher)[members], -keys))
        out: dict[int, list[tuple[int, float]]] = {h: [] for h in grouped}
        head_of = {int(codes[h]): h for h in grouped}
        for d in members[order].tolist():
            head = head_of[int(codes[d])]
            if d != head:
                out[head].append((d, float(scored[d]) if scored is not None and sort != "date" else 0.0))
        return out

    # -- the arrays shared by the threads --------------------------------------

    def _view(self, searcher) -> arrays.IndexView:
        """The arrays for the state of the index ``searcher`` reads: one
        IndexView per state, shared by every thread (a thread may briefly
        read an older state than another while the index changes)."""
        key = arrays.view_key(searcher)
        view = self._views.get(key)
        if view is None:
            with self._lock:
                view = self._views.get(key)
                if view is None:
                    o = self.options
                    view = arrays.IndexView(searcher, (o.k1, o.b, {"title": o.title_b}))
                    # Keep this state and the one before it (threads still on it);
                    # forget the segments only older states had (merged, rebuilt).
                    kept = dict(list(self._views.items())[-1:])
                    kept[key] = view
                    old = {s.key for v in self._views.values() for s in v.segments}
                    arrays.STORE.forget(old - {s.key for v in kept.values() for s in v.segments})
                    self._views = kept
        return view

    def copies(self, searcher, docs: list[tuple[int, float]]) -> list[Copy]:
        """The articles ``docs`` (document number, score) as folded copies,
        read from columns: the view's ids, dates, sources and categories
        and the ``brief`` column's title and url.  A copy's stored fields
        would unpickle its whole body: at five times the corpus, where every
        story has copies, 3 ms of a headline's 27 (docs/benchmarks.md).
        An index built before the column exists reads the stored fields."""
        if not docs:
            return []
        briefs = self._briefs(searcher)
        if briefs is None:
            return [self._copy(searcher.stored_fields(d), s) for d, s in docs]
        view = self._view(searcher)
        ids, id_values = view.ids(searcher)
        dates = view.dates(searcher)
        sources, source_values = view.codes(searcher, "source")
        categories, category_values = view.codes(searcher, "category")
        out = []
        for d, score in docs:
            title, url = idx.read_brief(briefs[d])
            fields = {"id": id_values[ids[d]], "title": title, "url": url,
                      "date": long_to_datetime(int(dates[d])) if dates[d] >= 0 else None,
                      "source": source_values[sources[d]], "category": category_values[categories[d]]}
            out.append(self._copy(fields, score))
        return out

    def _briefs(self, searcher):
        """The ``brief`` column of ``searcher``'s index, by document number
        (None if a segment has none), kept for this thread: a column reader
        seeks and reads its file, so threads do not share one."""
        reader = searcher.reader()  # a shard's searcher of global statistics shares it
        kept = getattr(self._local, "briefs", None)
        if kept is not None and kept[0] is reader:
            return kept[1]
        leaves = reader.leaf_readers()
        field = idx.BRIEF_FIELD
        has = field in searcher.schema and bool(leaves) and all(leaf.has_column(field) for leaf, _ in leaves)
        briefs = reader.column_reader(field) if has else None
        self._local.briefs = (reader, briefs)
        return briefs

    @staticmethod
    def _copy(stored: dict, score: float) -> Copy:
        return Copy(
            id=stored["id"],
            title=stored.get("title", ""),
            url=stored.get("url", ""),
            date=stored.get("date"),
            source=stored.get("source", ""),
            category=stored.get("category", ""),
            score=round(float(score or 0.0), 4),
        )

    def _hit(self, stored: dict, score: float, marker: Marker) -> Hit:
        """An article as a plain result, its title and snippet marked by ``marker``."""
        title = stored.get("title", "")
        return Hit(
            id=stored["id"],
            title=title,
            url=stored.get("url", ""),
            date=stored.get("date"),
            source=stored.get("source", ""),
            category=stored.get("category", ""),
            score=round(float(score or 0.0), 4),
            snippet=snippets.snippet(stored.get("body", ""), marker),
            title_html=snippets.whole(title, marker),
        )

    def _suggest(self, searcher, parsed: ParsedQuery, query: str, total: int) -> str | None:
        return suggest(self.words(searcher), self._schema, parsed, query, total)

    def written_by(self, searcher, term: str, fieldname: str = SPELL_FIELD) -> tuple[str, str] | None:
        """(id, form) of the article with the smallest id that has ``term``
        (an index term: normalized, bare alef, ه for ة), the form as that
        article writes it without diacritics (the term itself if no
        text shows it); None if no article has it.  The smallest id, not
        the first indexed: the same article whichever shard holds it."""
        view = self._view(searcher)
        lists = view.postings(searcher, fieldname, term)
        docs = np.concatenate([ids.astype(np.int64) + start for (start, _end), (ids, _tfs) in zip(view.slices(), lists)]) \
            if lists else np.zeros(0, np.int64)
        docs = docs[view.live[docs]] if len(docs) else docs
        if not len(docs):
            return None
        docnum = int(docs[np.argmin(view.ranks(searcher)[docs])])
        stored = searcher.stored_fields(docnum)
        marker = Marker(self._schema[fieldname].analyzer, (term,))
        for text in (stored.get("title", ""), stored.get("body", "")):
            spans = marker.spans(text)
            if spans:
                start, end, _term = spans[0]
                return stored["id"], clean(text[start:end])
        return stored["id"], term

    def _as_written(self, searcher, term: str, fieldname: str = SPELL_FIELD) -> str:
        """An index term as the articles write it, without diacritics: what a user is shown."""
        found = self.written_by(searcher, term, fieldname)
        return term if found is None else found[1]

    # -- single articles ------------------------------------------------------

    def article(self, doc_id: str, highlight: str = "", related: int = 5,
                respelled: Mapping[str, Respelling] | None = None) -> ArticleView | None:
        """One article, the words of ``highlight`` marked, with similar
        articles.  ``respelled``: the respellings of highlight's words as a
        coordinator chose them from every shard's counts (None: from this
        index's, as its searches choose them)."""
        try:
            doc_id.encode("utf-8")
        except UnicodeEncodeError:
            return None  # no article id holds a lone surrogate (ingest replaces them)
        searcher = self._searcher()
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        terms = frozenset()
        if highlight:
            try:
                parsed = parse(highlight)
                if respelled is None:
                    self.respell(self.words(searcher), parsed)
                else:
                    parsed.respelled = dict(respelled)
                terms = self._builder.highlight_terms(parsed)
            except QueryError:
                terms = frozenset()
        marker = Marker(self.schema["text"].analyzer, terms)
        similar = self._related(searcher, docnum, stored, related)
        return ArticleView(
            id=stored["id"],
            title=stored.get("title", ""),
            body=stored.get("body", ""),
            date=stored.get("date"),
            source=stored.get("source", ""),
            category=stored.get("category", ""),
            url=stored.get("url", ""),
            title_html=snippets.whole(stored.get("title", ""), marker),
            body_html=snippets.whole(stored.get("body", ""), marker),
            related=similar,
        )

    def _related(self, searcher, docnum: int, stored: dict, top: int) -> list[Hit]:
        """Articles sharing the most distinctive stems of this one."""
        if not top:
            return []
        # The opening of a very long article is enough to say what it is about
        # (analysing 3 million characters took 10 s a view).
        text = idx.article_text(stored.get("title", ""), stored.get("body", "")[:RELATED_CHARS])
        similar = searcher.more_like(docnum, "text", text=text, top=top)
        unmarked = Marker(self.schema["text"].analyzer, ())
        return [self._hit(hit.fields(), hit.score, unmarked) for hit in similar]

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Words of the index that start with ``prefix``, commonest first."""
        return completions(self.words(self._searcher()), prefix, limit)

    def stats(self) -> dict:
        """Size and shape of the index, for ``akhbar stats`` and the API."""
        reader = self._searcher().reader()
        dates = []
        counts: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
        for fields in reader.all_stored_fields():
            if fields.get("date"):
                dates.append(fields["date"])
            for name in FACET_FIELDS:
                value = fields.get(name) or ""
                if value:
                    counts[name][value] = counts[name].get(value, 0) + 1
        size = sum(p.stat().st_size for p in self._generation.iterdir() if p.is_file())
        return {
            "articles": reader.doc_count(),
            "date_from": min(dates).date().isoformat() if dates else None,
            "date_to": max(dates).date().isoformat() if dates else None,
            "sources": dict(sorted(counts["source"].items(), key=lambda kv: -kv[1])),
            "categories": dict(sorted(counts["category"].items(), key=lambda kv: -kv[1])),
            "size_bytes": size,
            "index_dir": str(self.index_dir),
        }

    def close(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current is not None:
            current.close()
        if self._ix is not None:
            self._ix.close()
