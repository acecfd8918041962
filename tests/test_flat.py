"""The flat posting arrays of search/flat.py: written by the build's pool,
equal to Whoosh's own lists term by term, read without decoding Whoosh's
blocks, and left for Whoosh's lists where they are missing or not whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search import Searcher, arrays, flat
from search import index as idx
from search import pool
from search.ingest import read_sources

from helpers import write_jsonl
from test_pool import articles

TEXT_FIELDS = ("text", "title", "text_exact", "lead")
POSITION_FIELDS = ("text", "title")


def whooshs(leaf, fieldname: str, text: bytes) -> tuple[list[int], list[float], list[list[int]] | None]:
    """The term's list through Whoosh's matcher, deleted articles included:
    documents, weights and, in a field with positions, each one's positions."""
    postings = leaf.postings(fieldname, text)
    postings = getattr(postings, "child", postings)
    postings.reset()
    with_positions = postings.supports("positions")
    ids, tfs, positions = [], [], []
    while postings.is_active():
        ids.append(postings.id())
        tfs.append(postings.weight())
        if with_positions:
            positions.append(list(postings.value_as("positions")))
        postings.next()
    return ids, tfs, positions if with_positions else None


def check_every_term(ix) -> int:
    """Every segment has flat arrays, and every term's list in them is
    Whoosh's; the number of terms checked."""
    checked = 0
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            segment = leaf.segment()
            lists = flat.FlatPostings.open(flat.folder_of(leaf._storage), segment.segment_id())
            assert lists is not None, segment.segment_id()
            # Every term of every field, and nothing else: a word not listed is not in the segment.
            assert lists.complete and len(lists.keys) == sum(1 for _ in leaf.all_terms())
            for fieldname in TEXT_FIELDS:
                for text, info in leaf.iter_field(fieldname):
                    found = lists.postings(fieldname, text, info.doc_frequency())
                    assert found is not None, (fieldname, text)
                    ids, tfs, positions = whooshs(leaf, fieldname, text)
                    assert found[0].tolist() == ids and found[1].tolist() == np.float32(tfs).tolist(), (fieldname, text)
                    listed = lists.listed(fieldname, text)
                    assert listed[0].tolist() == ids and listed[1].tolist() == found[1].tolist()
                    if fieldname in POSITION_FIELDS:  # every posting's positions, as Whoosh reads them
                        decode = leaf.schema[fieldname].format.decoder("positions")
                        values = lists.value_bytes(fieldname, text, np.arange(len(ids)))
                        assert [decode(v) for v in values] == positions, (fieldname, text)
                    else:
                        assert lists.value_bytes(fieldname, text, np.arange(len(ids))) is None
                    checked += 1
                absent = lists.listed(fieldname, "كلمةليستهنا".encode())
                assert absent is not None and len(absent[0]) == len(absent[1]) == 0
    return checked


def build(path: Path, docs, **writer_settings):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), idx.make_schema())
    writer = pool.writer(ix, **writer_settings)
    for article in docs:
        writer.add_document(**idx.document(article))
    writer.commit()
    return ix


@pytest.fixture(scope="module")
def docs(shared_news_small):
    return articles(shared_news_small[:300])


@pytest.mark.parametrize("settings", [{}, {"limitmb": 0.25}, {"procs": 2, "batchsize": 50, "multisegment": True}],
                         ids=["in memory", "spilled runs", "two processes"])
def test_every_list_is_whooshs_own(docs, tmp_path, settings):
    ix = build(tmp_path / "ix", docs, **settings)
    try:
        assert check_every_term(ix) > 10_000
    finally:
        ix.close()


def test_an_add_writes_its_segments_arrays_and_a_merge_removes_the_old_ones(shared_news_small, tmp_path):
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", shared_news_small[:200])]))
    generation = (index_dir / "current").resolve()
    seen: set[str] = set()
    for k in range(6):  # small adds: Whoosh merges five small segments into one
        batch = shared_news_small[200 + 2 * k : 202 + 2 * k] + [dict(shared_news_small[k], body=f"تحديث {k}")]
        idx.add(index_dir, read_sources([write_jsonl(tmp_path / f"b{k}.jsonl", batch)]))
        seen |= {p.name[len("flat-"):].rsplit(".", 1)[0] for p in generation.glob("flat-*")}
    ix = whoosh_index.open_dir(str(generation))
    try:
        check_every_term(ix)
        with ix.reader() as reader:
            live = {leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()}
            assert any(leaf.segment().is_compound() for leaf, _ in reader.leaf_readers())
        written = {p.name[len("flat-"):].rsplit(".", 1)[0] for p in generation.glob("flat-*")}
        assert written == live and seen - live  # a merge happened, and its segments' arrays are gone
    finally:
        ix.close()


def _hits(index_dir: Path, queries: list[str]) -> dict[str, list[tuple[str, float]]]:
    arrays.STORE.forget(set(arrays.STORE.segments))  # nothing kept from an earlier search
    searcher = Searcher(index_dir)
    try:
        return {q: [(h.id, h.score) for h in searcher.search(q).hits] for q in queries}
    finally:
        searcher.close()


QUERIES = ["الحكومة", "وزير الخارجية", '"المملكة العربية السعودية" مجلس الوزراء', "الرياض اليوم",
           '"وزير الخارجية" السعودي', 'مجلس "الأمن الدولي" يناقش الأوضاع في سوريا اليوم والعراق']


def test_searches_read_the_arrays_not_whooshs_blocks(shared_news_small, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", shared_news_small[:300])]))
    with monkeypatch.context() as m:
        m.setattr(arrays.Segment, "flat", lambda self, leaf: None)
        from_blocks = _hits(index_dir, QUERIES)

    def refused(*args):
        raise AssertionError("decoded Whoosh's blocks")

    monkeypatch.setattr(arrays, "_decode_blocks", refused)
    monkeypatch.setattr(arrays, "_block_values", refused)  # the phrases' positions too
    assert _hits(index_dir, QUERIES) == from_blocks
    assert all(from_blocks.values())


def test_a_search_looks_words_up_in_the_arrays_directory_alone(shared_news_small, tmp_path, monkeypatch):
    """A long query looks up some hundred terms: in the flat directory,
    which lists every term, without Whoosh's term dictionary (asked only
    where a phrase's positions are read), and with the same hits and scores
    (idf counted from the lists read)."""
    from whoosh.reading import SegmentReader

    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", shared_news_small[:300])]))
    queries = QUERIES + ["كلمةليستفيالارشيف الحكومة"]
    with monkeypatch.context() as m:
        m.setattr(arrays.Segment, "flat", lambda self, leaf: None)
        from_whoosh = _hits(index_dir, queries)
    looked_up = []
    for name in ("term_info", "doc_frequency"):  # a list, or a count (respellings, the spellings shown)
        def counted(self, fieldname, text, _real=getattr(SegmentReader, name)):
            looked_up.append((fieldname, text))
            return _real(self, fieldname, text)

        monkeypatch.setattr(SegmentReader, name, counted)
    assert _hits(index_dir, queries) == from_whoosh
    assert all(from_whoosh[q] for q in QUERIES)
    looked_up.clear()
    _hits(index_dir, ["الحكومة", "كلمةليستفيالارشيف", "الامريكية"])  # words alone: no positions read
    assert not [term for term in looked_up if term[0] in TEXT_FIELDS]


def test_a_directory_of_the_first_layout_is_trusted_only_for_whooshs_counts(tmp_path):
    """Directories written before they listed every term (AKHFLAT1, the
    terms that share a key left out) still serve the lists Whoosh counts
    alike, but never say that a term is absent."""
    writer = flat.FlatWriter(tmp_path, "MAIN_v1")
    writer.add("text", b"a", [0, 3], [1.0, 2.0])
    writer.close()
    terms = tmp_path / "flat-MAIN_v1.terms"
    terms.write_bytes(b"AKHFLAT1" + terms.read_bytes()[8:])
    lists = flat.FlatPostings.open(tmp_path, "MAIN_v1")
    assert lists is not None and not lists.complete
    assert lists.postings("text", b"a", 2)[0].tolist() == [0, 3]
    assert lists.listed("text", b"a") is None and lists.listed("text", b"zz") is None


def test_a_segment_without_whole_arrays_is_read_from_whoosh(shared_news_small, tmp_path):
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", shared_news_small[:300])]))
    expected = _hits(index_dir, QUERIES)
    generation = (index_dir / "current").resolve()
    ids_files = sorted(generation.glob("flat-*.ids"))
    assert len(ids_files) >= 2
    ids_files[0].write_bytes(ids_files[0].read_bytes()[:-4])  # one segment's arrays cut short
    ids_files[1].with_suffix(".terms").unlink()  # another's directory missing
    for path in ids_files[:2]:
        assert flat.FlatPostings.open(generation, path.name[len("flat-"):-len(".ids")]) is None
    assert _hits(index_dir, QUERIES) == expected


def test_terms_that_share_a_key_are_left_to_whoosh(tmp_path, monkeypatch):
    monkeypatch.setattr(flat, "key_of", lambda fieldname, text: 7 if text in (b"a", b"b") else len(text))
    writer = flat.FlatWriter(tmp_path, "MAIN_x")
    writer.add("text", b"a", [0, 3], [1.0, 2.0])
    writer.add("text", b"b", [1], [1.0])
    writer.add("text", b"ccc", [0, 1], [1.0, 1.0])
    writer.add("text", b"ccc", [5], [4.0])  # a second part of the same term
    writer.close()
    lists = flat.FlatPostings.open(tmp_path, "MAIN_x")
    assert lists.postings("text", b"a", 2) is None and lists.postings("text", b"b", 1) is None
    assert lists.listed("text", b"a") is None and lists.listed("text", b"b") is None  # ask Whoosh
    assert len(lists.keys) == 2 and len(lists.listed("text", b"dd")[0]) == 0  # the shared key listed once
    ids, tfs = lists.postings("text", b"ccc", 3)
    assert ids.tolist() == [0, 1, 5] and tfs.tolist() == [1.0, 1.0, 4.0]
    assert lists.postings("text", b"ccc", 2) is None  # not the count Whoosh has: not trusted


def test_a_segment_write_that_stops_midway_leaves_no_arrays(tmp_path):
    terms = pool.TermPool(str(tmp_path), flat=lambda: flat.FlatWriter(tmp_path, "MAIN_y", frozenset({"text"})))
    for docnum in range(3):
        for word in (b"a", b"b"):
            terms.add(("text", word, docnum, 1.0, b""))
    postings = terms.iter_postings()
    next(postings)
    assert sorted(p.name for p in tmp_path.glob("flat-*")) == [f"flat-MAIN_y.{e}" for e in ("ends", "ids", "tfs", "vals")]
    postings.close()  # what Whoosh's writer does when it fails midway
    assert not list(tmp_path.glob("flat-*"))
    assert flat.FlatPostings.open(tmp_path, "MAIN_y") is None
    whole = pool.TermPool(str(tmp_path), flat=lambda: flat.FlatWriter(tmp_path, "MAIN_y"))
    whole.add(("text", b"a", 0, 2.0, b""))
    assert len(list(whole.iter_postings())) == 1
    assert flat.FlatPostings.open(tmp_path, "MAIN_y").postings("text", b"a", 1)[1].tolist() == [2.0]


def test_the_spelling_miner_reads_the_arrays_not_whooshs_blocks(shared_news_small, tmp_path, monkeypatch):
    """Mining the spellings reads thousands of lists (contexts, neighbours):
    from the flat arrays, with the same table as from Whoosh's blocks."""
    from search import variants
    from search.variants import postings as variant_postings

    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "a.jsonl", shared_news_small)]))
    generation = idx.resolve(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    with monkeypatch.context() as m:
        m.setattr(variant_postings, "of_leaf", lambda leaf: None)  # the name the miner's lists call
        with ix.searcher() as searcher:
            from_blocks = [(e.a, e.b, e.same, round(e.score, 9)) for e in variants.mine(searcher)]

    def refused(*args):
        raise AssertionError("decoded Whoosh's blocks")

    monkeypatch.setattr(arrays, "_decode_blocks", refused)
    monkeypatch.setattr(arrays, "_block_values", refused)  # the phrases' positions too
    with ix.searcher() as searcher:
        from_arrays = [(e.a, e.b, e.same, round(e.score, 9)) for e in variants.mine(searcher)]
    ix.close()
    assert from_arrays == from_blocks
    assert any(same for *_, same, _score in from_blocks)
