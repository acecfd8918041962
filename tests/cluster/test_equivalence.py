"""Four shards searched as one give the answers of one index of the same
articles: in this process and in a process per shard (the Ray cluster's
run is in test_ray.py)."""

from __future__ import annotations

import json

from search.cluster import shards
from search.cluster.coordinator import Coordinator
from search.cluster.local import InProcess, LocalProcesses
from search.normalize import normalize
from search.spelling.respellings import respellings
from search.searcher import Searcher
from cluster.conftest import assert_same_answers, counted_coordinator


def test_the_shards_answer_as_one_index(built, queries):
    one_dir, sharded_dir = built
    one = Searcher(one_dir)
    sharded = Coordinator(sharded_dir, InProcess(sharded_dir, shards.load(sharded_dir)))
    try:
        assert assert_same_answers(one, sharded, queries) == 400
        # Filters, an any-word query, suggestions and completions too.
        for filters in ({"source": "bbc-arabic"}, {"category": "sport"}):
            assert_same_answers(one, sharded, queries[:20], ({"filters": filters},))
        assert_same_answers(one, sharded, ["الحكومه السعوديه OR ترمب", "ترامب -بوتين", "وزارت"], ({},))
        for prefix in ("ال", "وزي", "ترا"):
            assert sharded.complete(prefix) == one.complete(prefix)
        stats, merged = one.stats(), sharded.stats()
        for key in ("articles", "date_from", "date_to", "sources", "categories"):
            assert merged[key] == stats[key]
        assert merged["missing_shards"] == []
        assert [r.id for r in sharded.export("ترامب")] == [r.id for r in one.export("ترامب")]
        some = one.search("ترامب").hits[0].id
        assert sharded.article(some, "ترامب").body_html == one.article(some, "ترامب").body_html
        assert sharded.article("no-such-article") is None
    finally:
        one.close()
        sharded.close()


def test_words_the_archive_hardly_has_are_respelled_as_one_index_respells_them(built, queries):
    """The coordinator chooses the respelling from every shard's counts, so
    a word rare in the archive but absent from a shard is respelled alike."""
    one_dir, sharded_dir = built
    one = Searcher(one_dir)
    sharded = Coordinator(sharded_dir, InProcess(sharded_dir, shards.load(sharded_dir)))
    try:
        typed = []
        words = sorted({normalize(w) for q in queries for w in q.replace('"', " ").split() if len(w) >= 6})
        for word in words:
            for respelled in sorted(respellings(word))[:20]:
                # Respelled, not a spelling of the table: in quotes, it finds (almost) nothing.
                if one.search(respelled, per_page=1).spellings and one.search(f'"{respelled}"').total < 5:
                    typed.append(respelled)
                    break
            if len(typed) == 10:
                break
        assert len(typed) >= 5, typed
        assert assert_same_answers(one, sharded, typed) == 4 * len(typed)
        for word in typed[:3]:  # the article page marks the same words
            some = one.search(word).hits[0].id
            assert sharded.article(some, word).body_html == one.article(some, word).body_html
    finally:
        one.close()
        sharded.close()


def test_a_process_per_shard_answers_as_one_index(built, queries):
    one_dir, sharded_dir = built
    one = Searcher(one_dir)
    sharded = Coordinator(sharded_dir, LocalProcesses(sharded_dir, shards.load(sharded_dir)))
    try:
        assert assert_same_answers(one, sharded, queries, ({},)) == 100
    finally:
        one.close()
        sharded.close()


def test_a_killed_shard_process_gives_partial_answers_then_is_started_again(built):
    import os
    import signal
    import time

    _one_dir, sharded_dir = built
    backend = LocalProcesses(sharded_dir, shards.load(sharded_dir))
    sharded = Coordinator(sharded_dir, backend)
    try:
        full = sharded.search("ترامب")
        assert not full.partial and full.missing_shards == []
        os.kill(backend.pids()[2], signal.SIGKILL)
        time.sleep(0.5)
        hurt = sharded.search("ترامب")
        assert hurt.partial and hurt.missing_shards == [2]
        assert hurt.total < full.total
        deadline = time.monotonic() + 60
        while sharded.search("ترامب").partial and time.monotonic() < deadline:
            time.sleep(0.5)
        again = sharded.search("ترامب")
        assert not again.partial and again.total == full.total
        assert [h.id for h in again.hits] == [h.id for h in full.hits]
    finally:
        sharded.close()


def test_the_manifest_and_shards_on_disk(built):
    _one_dir, sharded_dir = built
    manifest = json.loads((sharded_dir / shards.MANIFEST).read_text())
    assert manifest == {"count": 4, "routing": shards.ROUTING}
    assert sorted(p.name for p in sharded_dir.glob("shard-*")) == ["shard-000", "shard-001", "shard-002", "shard-003"]
    assert not (sharded_dir / "current").exists()


def test_the_spellings_shown_cost_two_calls_to_the_shards_whatever_their_number(built, queries):
    """Each call to the shards is a round trip to every one of them (a
    network's on a cluster), so the spellings a page shows are looked up
    all at once: a count of the respelled forms, then how each is written."""
    one_dir, sharded_dir = built
    one = Searcher(one_dir)
    sharded, calls = counted_coordinator(sharded_dir)
    try:
        spelled = [w for q in queries for w in q.replace('"', " ").split() if one.search(w, per_page=1).spellings]
        query = " ".join(dict.fromkeys(spelled))
        want = one.search(query)
        assert sum(len(forms) - 1 for forms in want.spellings.values()) >= 3, want.spellings
        calls.clear()
        got = sharded.search(query)
        assert got.spellings == want.spellings
        assert calls.count("written_all") == 1 and "written" not in calls and "doc_frequency" not in calls, calls
        calls.clear()
        assert sharded.search(query).spellings == want.spellings
        assert "written_all" not in calls  # kept, as one index keeps them
    finally:
        one.close()
        sharded.close()


def test_a_form_leaf_is_searched_across_shards_as_in_one_index(tmp_path):
    """كرونا's written forms (variants.FormLeaf) are terms of text_exact,
    which the shards' statistics count like any other term."""
    from search import index as idx
    from search.ingest import read_sources
    from helpers import write_jsonl
    from test_variants import form_leaf_records

    corpus = write_jsonl(tmp_path / "news.jsonl", form_leaf_records())
    one_dir, sharded_dir = tmp_path / "one", tmp_path / "sharded"
    idx.build(one_dir, read_sources([corpus]))
    shards.build(sharded_dir, read_sources([corpus]), 2)
    one = Searcher(one_dir)
    sharded = Coordinator(sharded_dir, InProcess(sharded_dir, shards.load(sharded_dir)))
    try:
        assert {"c-rare0", "c-rare1"} <= {h.id for h in one.search("كورونا", per_page=20).hits}
        assert assert_same_answers(one, sharded, ["كورونا", "كرونا", "بالكورونا", '"كورونا"', "كورونا الاتحاد"]) == 20
    finally:
        one.close()
        sharded.close()
