"""The arrays of search/arrays.py: one copy per process shared by the
threads, read per segment (an add reads only its new segment), and equal to
what Whoosh reads article by article."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from search import Searcher
from search import arrays
from search import index as idx
from search.ingest import read_sources

from helpers import write_jsonl


def _articles(prefix: str, n: int, word: str) -> list[dict]:
    sources = ("alpha", "beta", "gamma")
    return [
        {"id": f"{prefix}-{k}", "title": f"خبر {k} {word}", "body": f"قالت الحكومة في بيان رقم {k} إن {word} مستمرة " * (1 + k % 4),
         "date": f"2020-01-{1 + k % 28:02d}T10:00:00", "source": sources[k % 3], "category": "سياسة" if k % 2 else ""}
        for k in range(n)
    ]


@pytest.fixture()
def small_index(tmp_path):
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", _articles("a", 60, "المفاوضات"))]))
    return index_dir, tmp_path


def test_threads_share_one_view_and_one_copy_of_each_posting_list(small_index):
    index_dir, _ = small_index
    searcher = Searcher(index_dir)
    try:
        views, lists, errors = [], [], []

        def search() -> None:
            try:
                assert searcher.search("المفاوضات").total == 60
                whoosh = searcher._searcher()  # this thread's own Whoosh searcher
                view = searcher._view(whoosh)
                views.append(view)
                lists.append(view.postings(whoosh, "text", searcher._builder.stems("المفاوضات")[0])[0][0])
            except BaseException as error:  # noqa: BLE001
                errors.append(error)

        threads = [threading.Thread(target=search) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len({id(v) for v in views}) == 1  # one view for the four threads
        assert len({id(a) for a in lists}) == 1 and len(lists[0]) == 60  # one array, read once
    finally:
        searcher.close()


def test_an_add_reads_only_its_new_segment(small_index, monkeypatch):
    index_dir, tmp_path = small_index
    searcher = Searcher(index_dir)
    try:
        assert searcher.search("المفاوضات").total == 60
        before = searcher._view(searcher._searcher())
        old_keys = {s.key for s in before.segments}
        read: list[tuple] = []
        original = arrays.read_term

        def counting(leaf, fieldname, text, whole_blocks=True, flat=None):
            read.append((arrays.segment_key(leaf), fieldname, text))
            return original(leaf, fieldname, text, whole_blocks, flat)

        monkeypatch.setattr(arrays, "read_term", counting)
        # New articles, and one old one replaced (a deletion in an old segment).
        added = _articles("b", 5, "المفاوضات") + [dict(_articles("a", 1, "المفاوضات")[0], body="نص جديد المفاوضات")]
        idx.add(index_dir, read_sources([write_jsonl(tmp_path / "b.jsonl", added)]))
        assert searcher.search("المفاوضات").total == 65
        after = searcher._view(searcher._searcher())
        assert after is not before
        assert read and all(key not in old_keys for key, _field, _text in read)
        # The old segments' arrays are the same objects, now with a deletion masked.
        assert {s.key for s in after.segments} >= old_keys
        assert int(np.count_nonzero(~after.live)) == 1
        assert searcher.article("a-0").body.startswith("نص جديد")
    finally:
        searcher.close()


def test_field_lengths_facet_codes_and_dates_equal_whoosh_article_by_article(small_index):
    index_dir, tmp_path = small_index
    # A second segment with a value the first lacks, and undated articles.
    extra = [dict(a, source="delta", date=None) for a in _articles("c", 4, "الانتخابات")]
    idx.add(index_dir, read_sources([write_jsonl(tmp_path / "c.jsonl", extra)]))
    searcher = Searcher(index_dir)
    try:
        whoosh = searcher._searcher()
        view = searcher._view(whoosh)
        reader = whoosh.reader()
        assert len(reader.leaf_readers()) >= 2
        for field in ("text", "title", "lead", "text_exact"):
            for leaf, offset in reader.leaf_readers():
                lengths = arrays.field_lengths(leaf, field)
                assert lengths.tolist() == [leaf.doc_field_length(d, field, 0) or 0 for d in range(leaf.doc_count_all())]
        docs = np.arange(view.n)
        stored = [reader.stored_fields(d) for d in range(view.n)]
        for field in ("source", "category"):
            codes, values = view.codes(whoosh, field)
            assert [values[c] or "" for c in codes[docs]] == [s.get(field, "") for s in stored]
        dates = view.dates(whoosh)
        assert [d >= 0 for d in dates] == [s.get("date") is not None for s in stored]
        dated = [d for d in range(view.n) if stored[d].get("date") is not None]
        for a in dated:
            for b in dated:
                assert (dates[a] < dates[b]) == (stored[a]["date"] < stored[b]["date"])
    finally:
        searcher.close()


def test_first_orders_by_key_then_older_document_like_a_full_sort():
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(0, 60))
        docs = np.sort(rng.choice(1000, size=n, replace=False))
        keys = rng.integers(0, 6, size=n).astype(np.float64)  # many ties
        count = int(rng.integers(0, 70))
        expected = sorted(range(n), key=lambda i: (-keys[i], docs[i]))[:count]
        assert arrays.first(docs, keys, count).tolist() == [int(docs[i]) for i in expected]


def test_first_of_many_keys_guesses_a_threshold_and_is_still_exact():
    """Thousands of keys for a short page take the sampled way
    (arrays.kth_largest): scores, many ties, every score five times (an
    archive of copies), ascending or descending ones, where a sample's guess
    is far off."""
    rng = np.random.default_rng(6)
    for trial in range(120):
        n = int(rng.integers(2_000, 40_000))
        docs = np.sort(rng.choice(100_000, size=n, replace=False))
        keys = [
            rng.random(n),
            rng.integers(0, 4, size=n).astype(np.float64),
            np.repeat(rng.random(n // 5 + 1), 5)[:n],
            np.sort(rng.random(n)) * (1 if trial % 2 else -1),
        ][trial % 4]
        count = int(rng.integers(1, 31))
        expected = docs[np.lexsort((docs, -keys))][:count]
        assert arrays.first(docs, keys, count).tolist() == expected.tolist()
        assert arrays.kth_largest(keys, count) == np.sort(keys)[n - count]


def test_the_store_keeps_posting_lists_up_to_its_size_most_recent_first(small_index):
    index_dir, _ = small_index
    searcher = Searcher(index_dir)
    try:
        whoosh = searcher._searcher()
        (leaf, _offset), = whoosh.reader().leaf_readers()
        key = arrays.segment_key(leaf)
        terms = [text.decode("utf-8") for text, _info in leaf.iter_field("text")]
        lengths = {t: len(arrays.read_postings(leaf, "text", t)[0]) for t in terms}
        store = arrays.Store(cache_mb=1)
        store.max_postings = 100  # a hundred postings, so that this small index overflows it
        for t in terms:
            store.postings(key, leaf, "text", t)
            assert store._size <= 100 or len(store._postings) == 1
        kept = [entry[2] for entry in store._postings]
        # The most recently read lists are the ones kept.
        assert kept == terms[len(terms) - len(kept):]
        assert store._size == sum(lengths[t] for t in kept)
        # Asking again for a kept list moves it last instead of reading it.
        first = store.postings(key, leaf, "text", kept[0])
        assert [e[2] for e in store._postings][-1] == kept[0] and first is store.postings(key, leaf, "text", kept[0])
        store.resize(1)  # a megabyte: 125,000 postings, and nothing is dropped
        assert store.max_postings == 125_000 and len(store._postings) == len(kept)
        store.resize(0)
        assert len(store._postings) == 1  # the last list read stays
    finally:
        searcher.close()


def test_a_block_of_positions_is_decoded_once_and_forgotten_with_its_segment(tmp_path, monkeypatch):
    """Store.block_values keeps decoded blocks of positions: asked again (the
    next batch of a phrase's articles, a deeper page), a block is not decoded
    again, and it is dropped with its segment.  (A segment the build wrote
    has its positions in flat arrays too, search/flat.py: here it is read as
    one Whoosh merged, without them.)"""
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", _articles("a", 600, "المفاوضات"))]))
    searcher = Searcher(index_dir)
    store = arrays.Store()
    decoded = []
    real = arrays._block_values

    def counted(postfile, offset):
        decoded.append(offset)
        return real(postfile, offset)

    monkeypatch.setattr(arrays, "_block_values", counted)
    monkeypatch.setattr(arrays.Segment, "flat", lambda self, leaf: None)
    try:
        whoosh = searcher._searcher()
        view = searcher._view(whoosh)
        view.store = store
        leaves = [leaf for leaf, _ in whoosh.reader().leaf_readers()]
        segment = max(range(len(leaves)), key=lambda i: leaves[i].doc_count_all())
        leaf = leaves[segment]
        n = leaf.doc_count_all()
        blocks = -(-n // 128)  # every article has the word; 128 postings a block
        assert blocks >= 2
        word = searcher._builder.stems("المفاوضات")[0]
        docs = np.arange(n)
        first = view.positions(leaf, segment, "text", word, docs)
        assert len(first[0]) == n and len(set(decoded)) == len(decoded) == blocks
        again = view.positions(leaf, segment, "text", word, docs[::7])
        assert len(decoded) == blocks  # every block kept
        assert [first[1][i] for i in range(0, n, 7)] == again[1]
        whooshs = dict(leaf.postings("text", word).items_as("positions"))
        assert {int(d): list(p) for d, p in zip(first[0], first[1])} == {d: list(p) for d, p in whooshs.items()}
        store.forget({view.segments[segment].key})
        view.positions(leaf, segment, "text", word, docs[:1])
        assert len(decoded) == blocks + 1  # read again once its segment was forgotten
    finally:
        searcher.close()
