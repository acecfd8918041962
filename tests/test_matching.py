"""Totals, facets and pages must be exactly what Whoosh's exhaustive search gives.

The searcher counts matches from posting masks on the ``text`` field and
scores the posting lists as arrays (search/matching.py, search/ranking.py).  Here every
answer is checked against Whoosh scoring and grouping every match of the full
query, on an index with several segments and deleted articles.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import query as wq
from whoosh import sorting

from search import Filters, Searcher
from search import index as idx
from search.ingest import read_sources
from search.matching import WithoutNisba
from search.query import QueryBuilder, parse
from search.searcher import COUNTING, FACET_FIELDS, SearchOptions
from search.variants import Spellings

from helpers import write_jsonl


@pytest.fixture(scope="module")
def news_index(tmp_path_factory, shared_news_small):
    root = tmp_path_factory.mktemp("matching")
    records = shared_news_small[:900]
    idx.build(root / "index", read_sources([write_jsonl(root / "a.jsonl", records[:800])]))
    # A third segment, and deleted articles: 50 of the first 800 replaced.
    changed = [dict(r, body=r["body"] + " تحديث") for r in records[:50]]
    idx.add(root / "index", read_sources([write_jsonl(root / "b.jsonl", records[800:] + changed)]))
    return root / "index", records


def _queries(records) -> list[str]:
    rng = random.Random(7)
    titles = [r["title"] for r in records if r.get("title")][:300]
    queries = []
    for title in rng.sample(titles, 40):
        words = title.split()
        queries.append(title)  # long: ranked OR
        k = min(len(words), rng.randint(1, 3))
        start = rng.randint(0, len(words) - k)
        queries.append(" ".join(words[start : start + k]))  # short: AND
    queries += ['"المملكة العربية السعودية"', "السعودية -الرياض", "النفط OR الغاز", "كأس العالم قطر"]
    # Long (ranked) queries with phrases: a phrase's bonus is checked only
    # where it could change the page (search/ranking.py).
    queries += ['"المملكة العربية السعودية" وزير الخارجية يلتقي نظيره', 'مجلس "الأمن الدولي" يناقش الأوضاع في سوريا اليوم',
                '"وزير الخارجية" "ولي العهد" يبحثان العلاقات الثنائية -قطر']
    # Short (all-words) queries with a phrase: its positions are read only
    # for the articles with the other words (search/phrases.py).
    queries += ['"وزير الخارجية" السعودي', '"مجلس الأمن" سوريا -روسيا']
    # A perfect verb in ت and a plural in ات: the stem, less the articles
    # that write it only as the other or with the nisba (WithoutNisba's marks).
    queries += ["قالت", "وأعلنت الحكومة", "تطورت", "تطورات", "بتحركاتها"]
    return queries


def _spellings(index_dir) -> Spellings:
    """The index's spelling table, which the searcher's queries use too."""
    return Spellings.load(idx.resolve(index_dir))


def _whoosh_matches(s, query: wq.Query) -> set[int]:
    """The documents a counting query matches, by Whoosh's own readers: a
    word without its nisba (WithoutNisba) by the term frequencies of the
    two fields' matchers."""
    if isinstance(query, WithoutNisba):
        def frequencies(fieldname: str, text: str) -> dict[int, float]:
            if (fieldname, text) not in s.reader():
                return {}
            return dict(s.postings(fieldname, text).items_as("frequency"))

        plain = frequencies(query.fieldname, query.text)
        marked = [frequencies(field, word) for field, word in query.marks]
        return {d for d, f in plain.items() if f > sum(m.get(d, 0) for m in marked)}
    if isinstance(query, wq.And):
        wanted = [sub for sub in query.subqueries if not isinstance(sub, wq.Not)]
        found = set.intersection(*(_whoosh_matches(s, sub) for sub in wanted))
        for sub in query.subqueries:
            if isinstance(sub, wq.Not):
                found -= set(s.docs_for_query(sub.query))
        return found
    if isinstance(query, wq.Or):
        return set().union(*(_whoosh_matches(s, sub) for sub in query.subqueries))
    return set(s.docs_for_query(query))


def _allowed(s, counting: QueryBuilder, parsed, filters: Filters) -> set[int]:
    """What an all-words search may find: the counting query's matches
    (a word with its nisba or without), within the filters."""
    allowed = _whoosh_matches(s, counting.build(parsed, "and"))
    if filters.query() is not None:
        allowed &= set(s.docs_for_query(filters.query()))
    return allowed or {-1}  # Whoosh takes an empty set for no filter at all


def _exhaustive(s, schema, query: str, filters: Filters, spellings: Spellings, owner: Searcher | None = None):
    """Whoosh scoring and grouping every match, as the searcher once did
    (the words the index hardly has respelled as ``owner`` respells them)."""
    options = SearchOptions()
    parsed = parse(query)
    if owner is not None:
        owner.respell(owner.words(s), parsed)
    mode = "and" if len(parsed.groups) <= options.auto_and_max_words else "or"
    builder = QueryBuilder(schema, options.weights, spellings)
    facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACET_FIELDS}
    if builder.build(parsed, mode) is None:  # stop words only
        return [], {name: {} for name in FACET_FIELDS}
    if mode == "and":
        counting = QueryBuilder(schema, COUNTING, spellings, nisba=True)
        allowed = _allowed(s, counting, parsed, filters)
        results = s.search(builder.build(parsed, mode), limit=None, filter=allowed, groupedby=facets)
        if len(results) == 0:  # each word by its stem, with or without the nisba
            results = s.search(builder.build(parsed, mode), limit=None, filter=filters.query(), groupedby=facets)
    else:
        results = s.search(builder.build(parsed, mode), limit=None, filter=filters.query(), groupedby=facets)
    if mode == "and" and len(parsed.groups) > 1 and len(results) == 0:
        results = s.search(builder.build(parsed, "or"), limit=None, filter=filters.query(), groupedby=facets)
    counts = {
        name: {k: v for k, v in results.groups(name).items() if k} for name in FACET_FIELDS
    }
    # Whoosh scores an excluded clause as a match worth 1 (its inverse
    # matcher's constant score); the searcher adds nothing for it.
    return [(h.score - len(parsed.excluded), h.fields()["id"]) for h in results], counts


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(source=None, category=None, date_from=None), "first-source", "date-range"],
    ids=["none", "empty", "source", "dates"],
)
def test_totals_facets_and_pages_equal_the_exhaustive_search(news_index, filters):
    index_dir, records = news_index
    if filters == "first-source":
        filters = Filters(source=next(r["source"] for r in records if r.get("source")))
    elif filters == "date-range":
        dates = sorted(r["date"][:10] for r in records if r.get("date"))
        from datetime import date

        filters = Filters(date_from=date.fromisoformat(dates[len(dates) // 4]), date_to=date.fromisoformat(dates[len(dates) // 2]))
    searcher = Searcher(index_dir)
    try:
        whoosh_searcher = searcher._searcher()
        assert len(whoosh_searcher.reader().leaf_readers()) >= 3
        assert whoosh_searcher.reader().has_deletions()
        checked_pages = 0
        for query in _queries(records):
            expected, counts = _exhaustive(whoosh_searcher, searcher.schema, query, filters, _spellings(index_dir),
                                           searcher)
            for page in (1, 2):
                got = searcher.search(query, page=page, per_page=10, filters=filters, collapse=False)
                assert got.total == len(expected), query
                assert got.facets == {n: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for n, c in counts.items()}, query
                want = [(round(score, 4), i) for score, i in expected[(page - 1) * 10 : page * 10]]
                have = [(h.score, h.id) for h in got.hits]
                # Same scores rank by rank; the same articles unless scores tie
                # (anywhere in the list: the searcher orders equal scores by
                # article id, Whoosh by document number).
                assert [s for s, _ in have] == [s for s, _ in want], query
                every = [round(score, 4) for score, _ in expected]
                tied = {s for s, _ in want if every.count(s) > 1}
                assert [i for s, i in have if s not in tied] == [i for s, i in want if s not in tied], query
                checked_pages += bool(want)
        assert checked_pages > 40
    finally:
        searcher.close()


def test_date_order_pages_are_the_exhaustive_date_order(news_index):
    index_dir, records = news_index
    searcher = Searcher(index_dir)
    try:
        whoosh_searcher = searcher._searcher()
        builder = QueryBuilder(searcher.schema, SearchOptions().weights, _spellings(index_dir))
        for query in ("السعودية", "وزير الخارجية", "النفط OR الغاز", "وزير الخارجية السعودي يلتقي نظيره الأمريكي"):
            parsed = parse(query)
            mode = "and" if len(parsed.groups) <= SearchOptions().auto_and_max_words else "or"
            counting = QueryBuilder(searcher.schema, COUNTING, _spellings(index_dir), nisba=True)
            allowed = _allowed(whoosh_searcher, counting, parsed, Filters()) if mode == "and" else None
            expected = whoosh_searcher.search(
                builder.build(parsed, mode), limit=None, sortedby="date", reverse=True, filter=allowed
            )
            got = searcher.search(query, sort="date", per_page=20, collapse=False)
            assert got.total == len(expected) > 20
            # Whoosh puts undated articles first (their column value is the
            # largest); the searcher puts them last.  This corpus dates all.
            assert all(h.get("date") for h in expected)
            assert [h.date for h in got.hits] == [h["date"] for h in expected[:20]], query
    finally:
        searcher.close()


def test_posting_lists_read_by_block_equal_the_matchers_one_by_one(news_index):
    """The block reader (whoosh3's format, positions left unread) against
    Whoosh's public matcher API, on every segment (one with deleted
    articles), for terms of one posting (stored inline), of one block and
    of many.  The arrays keep deleted articles (an IndexView masks them);
    Whoosh's matchers leave them out."""

    from search.arrays import read_postings

    index_dir, _ = news_index
    searcher = Searcher(index_dir)
    try:
        reader = searcher._searcher().reader()
        kinds = set()
        for leaf, _offset in reader.leaf_readers():
            deleted = set(leaf.segment().deleted_docs())
            for fieldname in ("text", "text_exact", "title", "lead"):
                terms = [t for _, t in leaf.most_frequent_terms(fieldname, 40)]
                terms += [t for t, _ in zip(leaf.lexicon(fieldname), range(300))]
                for term in terms:
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    ids, tfs = read_postings(leaf, fieldname, text)
                    assert ids.dtype == np.int32 and tfs.dtype == np.float32
                    matcher = leaf.postings(fieldname, text)
                    expected = []
                    while matcher.is_active():
                        expected.append((matcher.id(), matcher.weight()))
                        matcher.next()
                    live = [(int(d), float(tf)) for d, tf in zip(ids, tfs) if d not in deleted]
                    assert live == expected, (fieldname, text)
                    assert list(ids) == sorted(set(ids)), (fieldname, text)
                    slow = read_postings(leaf, fieldname, text, whole_blocks=False)
                    assert np.array_equal(ids, slow[0]) and np.array_equal(tfs, slow[1]), (fieldname, text)
                    kinds.add(min(len(ids), 2))
                    kinds.add("many" if len(ids) > 128 else "few")
                    kinds.add("deleted" if set(ids.tolist()) & deleted else "live")
        assert {1, 2, "many", "few", "deleted"} <= kinds
    finally:
        searcher.close()


def test_a_deeper_page_reads_on_the_phrase_bonuses_it_had_left(news_index):
    """A ranked query with phrases makes its best scores exact; asked for
    more, it reads the phrases of more articles rather than scoring again,
    and gets the order a fresh scoring of that depth gives."""
    from search import ranking

    index_dir, _records = news_index
    searcher = Searcher(index_dir)
    try:
        s = searcher._searcher()
        queries = ['"المملكة العربية السعودية" وزير الخارجية يلتقي نظيره', 'مجلس "الأمن الدولي" يناقش الأوضاع في سوريا اليوم',
                   '"وزير الخارجية" "ولي العهد" يبحثان العلاقات الثنائية']
        for query in queries:
            found = searcher.matched(s, parse(query), "or", "relevance", None, 5)
            assert found.bonuses is not None and found.exact_top == 5
            read_before = int(found.bonuses.read.sum())
            for count in (20, 80):
                deeper = found.best(count)
                fresh, _, _ = ranking.scores(found.view, s, found.ranked, top=count, among=found.shown)
                want = ranking.best(fresh, found.docs, count, found.view.ranks(s))
                assert [(d, round(found.score(d), 9)) for d in deeper] == [(d, round(x, 9)) for d, x in want], query
            assert found.bonuses.read.sum() >= read_before
    finally:
        searcher.close()


def test_a_phrase_bonus_is_the_score_whooshs_phrase_matcher_gives(news_index, monkeypatch):
    """The bonus of a phrase of adjacent words is summed from its words'
    arrays in the order Whoosh's matchers sum them: the same floats, to the
    last bit, as scoring each article with Whoosh's phrase matcher."""
    from search import ranking

    index_dir, _records = news_index
    searcher = Searcher(index_dir)
    try:
        s = searcher._searcher()
        view = searcher._view(s)
        queries = ['"المملكة العربية السعودية" وزير الخارجية يلتقي نظيره', '"مجلس الأمن الدولي" يناقش سوريا',
                   '"وزير الخارجية" "ولي العهد" يبحثان العلاقات الثنائية']
        whooshs = ranking._add_phrase

        def by_matcher(view, searcher, node, boost, docs, out, bonus=None):
            whooshs(view, searcher, node, boost, docs, out, None)

        for query in queries:
            ranked = searcher._builder.build(parse(query), "or")
            arrays_scores, _, bonuses = ranking.scores(view, s, ranked, top=50, among=view.live)
            assert bonuses is not None and bonuses.read.any(), query
            monkeypatch.setattr(ranking, "_add_phrase", by_matcher)
            matcher_scores, _, _ = ranking.scores(view, s, ranked, top=50, among=view.live)
            monkeypatch.setattr(ranking, "_add_phrase", whooshs)
            assert np.array_equal(arrays_scores, matcher_scores), query
            assert not np.array_equal(arrays_scores, ranking.scores(view, s, ranked)[0]), query  # bonuses were added
    finally:
        searcher.close()


def test_the_articles_with_a_phrase_are_those_whooshs_phrase_matcher_finds(news_index, monkeypatch):
    """Which articles have a phrase is read from its words' positions, each
    article's from its own posting block (arrays.Blocks): the same articles
    as Whoosh's phrase matcher finds, in lists of many blocks, in every
    segment, and without asking Whoosh's matchers."""
    from search import phrases, ranking

    index_dir, records = news_index
    searcher = Searcher(index_dir)
    try:
        s = searcher._searcher()
        view = searcher._view(s)
        rng = random.Random(11)
        quoted = []
        for title in rng.sample([r["title"] for r in records if r.get("title")], 60):
            words = title.split()
            if len(words) >= 3:
                k = rng.randint(2, 3)
                at = rng.randint(0, len(words) - k)
                quoted.append('"' + " ".join(words[at:at + k]) + '"')
        # Words in more than a block's 128 articles of a segment.
        quoted += ['"العام الماضي"', '"قال رئيس"', '"بين البلدين"', '"أول مرة"', '"في اليوم الأول"',
                    '"وزير الخارجية"', '"المملكة العربية السعودية"']

        def refused(*args):
            raise AssertionError("read through Whoosh's matchers")

        monkeypatch.setattr(phrases, "by_matchers", refused)
        many_blocks = checked = 0
        for query in quoted:
            nodes = [n for n, _ in ranking._leaves(searcher._builder.build(parse(query), "and"))
                     if isinstance(n, wq.Phrase) and n.slop == 1]
            for node in nodes:
                for segment, (sub, _offset) in enumerate(s.leaf_searchers()):
                    reader = sub.reader()
                    matcher = node.matcher(sub)
                    whooshs = set()
                    while matcher.is_active():  # the live articles with the phrase
                        whooshs.add(matcher.id())
                        matcher.next()
                    docs = np.arange(reader.doc_count_all())
                    mine = phrases.having(view, segment, reader, node, docs)
                    live = {int(d) for d in mine if not reader.is_deleted(int(d))}
                    assert live == whooshs, (query, segment)
                    checked += bool(whooshs)
                    for word in node.words:
                        blocks = view.store.blocks(view.segments[segment].key, reader, node.fieldname, word)
                        many_blocks += blocks is not None and len(blocks.firsts) > 1
        assert checked >= 20 and many_blocks >= 5
    finally:
        searcher.close()


def test_an_all_words_search_reads_a_phrase_only_where_its_other_words_are(news_index, monkeypatch):
    """Counting an all-words search with a phrase reads the phrase's
    positions only for the articles that have everything else (Whoosh's
    phrase matcher read every article with the phrase's words), and
    matches what Whoosh's own matchers match."""
    from search import arrays, matching

    index_dir, _records = news_index
    searcher = Searcher(index_dir)
    try:
        s = searcher._searcher()
        view = searcher._view(s)
        asked = []
        real = arrays.IndexView.positions

        def recorded(self, reader, segment, fieldname, text, docs):
            asked.append(docs + view.offsets[segment])
            return real(self, reader, segment, fieldname, text, docs)

        monkeypatch.setattr(arrays.IndexView, "positions", recorded)
        narrowed = 0
        for query in ['"وزير الخارجية" السعودي', '"المملكة العربية السعودية" الرياض -قطر', '"مجلس الأمن" سوريا']:
            counting = searcher._counting.build(parse(query), "and")
            asked.clear()
            found = matching.docset(view, s, counting) & view.live
            whooshs = np.zeros(view.n, dtype=bool)
            whooshs[list(s.docs_for_query(counting))] = True
            assert np.array_equal(found, whooshs), query
            # Everything else: the query with each phrase's words instead of the phrase.
            rest = matching.docset(view, s, _words_for_phrases(counting))
            assert asked and all(rest[docs].all() for docs in asked), query
            phrase = next(node for node in counting.leaves() if isinstance(node, wq.Phrase))
            with_words = np.logical_and.reduce([view.mask(s, phrase.fieldname, w) for w in phrase.words])
            narrowed += max(len(docs) for docs in asked) < np.count_nonzero(with_words)
        assert narrowed == 3
    finally:
        searcher.close()


def _words_for_phrases(query: wq.Query) -> wq.Query:
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, word) for word in query.words])
    return query.apply(_words_for_phrases)
