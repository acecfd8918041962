"""The whole index's statistics, gathered from the shards once and held by
each of them (search/cluster/statistics.py): the counts of one index, two
calls a search, and gathered again when a shard changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from search import index as idx
from search.cluster import shards
from search.cluster.service import SCORED_FIELDS, ShardRequest, ShardService
from search.cluster.statistics import IndexStats, NeedStats, StatsRef
from search.ingest import read_sources
from search.searcher import Filters, Searcher
from cluster.conftest import assert_same_answers, counted_coordinator


def test_the_shards_vocabularies_add_up_to_one_index_counts(built):
    one_dir, sharded_dir = built
    services = [ShardService(d, n) for n, d in enumerate(shards.load(sharded_dir).dirs(sharded_dir))]
    one = idx.open_index(one_dir)
    try:
        whole = IndexStats.of({s.number: s.vocabulary() for s in services}, len(services))
        assert whole.stats is not None and None not in whole.version
        with one.searcher() as searcher:
            reader = searcher.reader()
            assert whole.stats.doc_count == searcher.doc_count_all()
            for name in SCORED_FIELDS:
                assert whole.stats.field_lengths[name] == reader.field_length(name)
            compared = 0
            for name in SCORED_FIELDS:
                for term in reader.lexicon(name):
                    text = term.decode("utf-8")
                    assert whole.stats.doc_frequencies[(name, text)] == reader.doc_frequency(name, term), (name, text)
                    compared += 1
            assert compared > 10_000
        assert whole.stats.doc_frequencies.get(("text", "كلمةلاتوجد"), 0) == 0
    finally:
        one.close()
        for service in services:
            service.close()


def test_a_search_is_two_calls_once_the_shards_hold_the_statistics(built, queries):
    """No statistics phase, and the respelling's counts read from the
    gathered statistics: every search after the first is a query and a fetch."""
    one_dir, sharded_dir = built
    one = Searcher(one_dir)
    sharded, calls = counted_coordinator(sharded_dir)
    try:
        assert_same_answers(one, sharded, queries[:1], ({},))
        assert calls[:2] == ["vocabulary", "keep_stats"]
        asked = 0
        for query in queries[1:40]:
            calls.clear()
            assert_same_answers(one, sharded, [query], ({},))
            if calls and one.search(query).total >= 3:
                assert [c for c in calls if c != "written_all"] == ["query", "fetch"], (query, calls)
                asked += 1
        assert asked >= 20
    finally:
        one.close()
        sharded.close()


def test_a_shard_that_lost_its_statistics_is_given_them_again(built, queries):
    """A shard process started again holds no statistics: it says so, is
    given them, and the search is whole."""
    one_dir, sharded_dir = built
    one = Searcher(one_dir)
    sharded, calls = counted_coordinator(sharded_dir)
    try:
        sharded.warm()
        lost = sharded.backend.services[1]
        lost._kept_stats = None
        request = ShardRequest(queries[1], "or", "relevance", Filters(), 10)
        assert lost.query(request, StatsRef(sharded._whole.version)) == NeedStats(1)
        calls.clear()
        assert_same_answers(one, sharded, queries[1:2], ({},))
        assert calls.count("keep_stats") == 1 and "vocabulary" not in calls, calls
    finally:
        one.close()
        sharded.close()


def test_an_add_makes_the_coordinator_gather_the_statistics_again(built, queries, tmp_path: Path):
    """An added article changes every term's idf: the shards' answers name
    the state they searched, and the coordinator, seeing one its statistics
    were not made of, gathers them again and asks again."""
    one_dir, sharded_dir = built
    shutil.copytree(one_dir, tmp_path / "one")
    shutil.copytree(sharded_dir, tmp_path / "sharded")
    one_dir, sharded_dir = tmp_path / "one", tmp_path / "sharded"
    one = Searcher(one_dir)
    sharded, calls = counted_coordinator(sharded_dir)
    try:
        assert_same_answers(one, sharded, queries[:5], ({},))
        more = tmp_path / "more.jsonl"
        more.write_text("".join(
            '{"id": "added-%d", "title": "%s", "body": "%s", "date": "2022-09-2%d", "source": "الجزيرة"}\n'
            % (n, q.replace('"', ""), (q.replace('"', "") + " ") * 3, n) for n, q in enumerate(queries[:6])),
            encoding="utf-8")
        idx.add(one_dir, read_sources([more]))
        shards.add(sharded_dir, read_sources([more]))
        calls.clear()
        assert_same_answers(one, sharded, queries[:5], ({},))
        assert calls.count("vocabulary") == 1, calls
        assert any(h.id.startswith("added-") for h in sharded.search(queries[0]).hits)
    finally:
        one.close()
        sharded.close()


def test_a_shard_without_a_whole_term_directory_is_asked_for_its_statistics(built, queries, tmp_path: Path):
    """A segment without flat arrays (one Whoosh merged) lists no terms: the
    coordinator asks for each search's statistics, as one index answers."""
    one_dir, sharded_dir = built
    shutil.copytree(sharded_dir, tmp_path / "sharded")
    sharded_dir = tmp_path / "sharded"
    shard = idx.resolve(shards.load(sharded_dir).dirs(sharded_dir)[2])
    removed = list(shard.glob("flat-*.terms"))
    assert removed
    for path in removed:
        path.unlink()
    one = Searcher(one_dir)
    sharded, calls = counted_coordinator(sharded_dir)
    try:
        assert_same_answers(one, sharded, queries[:10], ({},))
        assert "keep_stats" not in calls and calls.count("term_stats") >= 10, calls
        assert sharded._whole.stats is None and np.all([v is not None for v in sharded._whole.version])
    finally:
        one.close()
        sharded.close()
