"""TermPool must hand Whoosh's postings writer exactly what its own pool would."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search import index as idx
from search.ingest import Article
from search import pool
from search.analysis import WORDS_FILES, forget_words, learn_words, stem_analyzer
from search.pool import TermPool, TermPoolWriter


def articles(raw: list[dict]) -> list[Article]:
    return [
        Article(
            id=r["id"], title=r.get("title") or "", body=r["body"], date=None,
            source=r.get("source") or "", category=r.get("category") or "", url="", origin="test",
        )
        for r in raw
    ]


def everything(ix) -> dict:
    """Every posting of every field in index order, articles named by id,
    and every field length."""
    out: dict = {}
    with ix.searcher() as s:
        r = s.reader()
        ids = {docnum: fields["id"] for docnum, fields in r.iter_docs()}
        for fieldname in ix.schema.names():
            if not ix.schema[fieldname].indexed:
                continue
            for term in r.lexicon(fieldname):
                m = r.postings(fieldname, term)
                postings, docnums = [], []
                while m.is_active():
                    docnums.append(m.id())
                    postings.append((ids[m.id()], m.weight(), m.value()))
                    m.next()
                assert docnums == sorted(set(docnums)), (fieldname, term)  # what skipping relies on
                out[fieldname, term] = postings
            out["length", fieldname] = {ids[d]: r.doc_field_length(d, fieldname) for d in ids}
    return out


def write(path: Path, docs: list[Article], make_writer):
    """A new index in ``path`` of ``docs``, written by ``make_writer(ix)``."""
    path.mkdir()
    ix = whoosh_index.create_in(str(path), idx.make_schema())
    writer = make_writer(ix)
    for article in docs:
        writer.add_document(**idx.document(article))
    writer.commit()
    return ix


def build(tmp: Path, name: str, docs: list[Article], make_writer) -> dict:
    ix = write(tmp / name, docs, make_writer)
    try:
        return everything(ix)
    finally:
        ix.close()


@pytest.fixture(scope="module")
def docs(shared_news_small) -> list[Article]:
    return articles(shared_news_small[:400])


@pytest.fixture(scope="module")
def reference(docs, tmp_path_factory) -> dict:
    return build(tmp_path_factory.mktemp("whoosh"), "ix", docs, lambda ix: ix.writer())


def test_in_memory_pool_writes_the_same_index(docs, reference, tmp_path):
    def writer(ix):
        w = pool.writer(ix)
        assert isinstance(w.pool, TermPool)
        return w

    assert build(tmp_path, "ix", docs, writer) == reference


def test_spilled_runs_merge_into_the_same_index(docs, reference, tmp_path):
    pools = []

    def writer(ix):
        w = pool.writer(ix, limitmb=0.25)
        pools.append(w.pool)
        return w

    assert build(tmp_path, "ix", docs, writer) == reference
    assert pools[0].spills >= 4  # the merge of several runs was exercised


def test_the_build_writer_makes_the_same_postings_in_two_processes(docs, reference, tmp_path):
    def writer(ix):
        w = pool.writer(ix, procs=2, batchsize=50, multisegment=True, limitmb=1)
        assert isinstance(w, TermPoolWriter)
        return w

    built = build(tmp_path, "ix", docs, writer)  # two segments, documents numbered differently
    assert built.keys() == reference.keys()
    for key, value in reference.items():
        assert sorted(built[key]) == sorted(value) if key[0] != "length" else built[key] == value, key


def _segment_files(path: Path, suffix: str) -> bytes:
    (found,) = path.glob(f"*{suffix}")
    return found.read_bytes()


def test_the_postings_file_is_byte_for_byte_whooshs_own(docs, tmp_path):
    """Whoosh's blocks keep their postings' shortest and longest field
    lengths, which the pool's writer reads from the length column once per
    field (pool._ColumnLengths): the same bytes as Whoosh's own writer.
    A pool that spilled to runs merges them term by term: the same bytes
    again."""
    for name, make_writer in (("whoosh", lambda ix: ix.writer(compound=False)),
                              ("pool", lambda ix: pool.writer(ix, compound=False)),
                              ("spilled", lambda ix: pool.writer(ix, compound=False, limitmb=0.25))):
        write(tmp_path / name, docs, make_writer).close()
    for name in ("pool", "spilled"):
        for suffix in (".pst", ".trm"):
            assert _segment_files(tmp_path / name, suffix) == _segment_files(tmp_path / "whoosh", suffix), (name, suffix)


def test_the_indexing_processes_leave_their_analyses_for_the_miner(docs, tmp_path):
    """What the two processes analysed is handed on (analysis.leave_words),
    and an analyzer that learns it tokenizes the articles exactly as one that
    analyses every word afresh, without analysing them again."""
    ix = write(tmp_path / "ix", docs, lambda ix: pool.writer(ix, procs=2, batchsize=50, multisegment=True, words_of="text"))
    left = sorted((tmp_path / "ix").glob(WORDS_FILES))
    assert len(left) == 2
    learned, fresh = ix.schema["text"].analyzer, stem_analyzer()
    learn_words(learned, tmp_path / "ix")
    text = docs[0].body
    assert all(raw in learned.words() for raw in text.split()[:20] if raw.isalpha())
    calls = []
    learned._outputs = lambda raw, query: calls.append(raw)  # would analyse a word it was not given
    assert [t.text for t in learned(text, mode="index")] == [t.text for t in fresh(text, mode="index")]
    assert calls == []
    forget_words(tmp_path / "ix")
    assert not list((tmp_path / "ix").glob("words-*"))


def test_a_build_mines_with_the_analyses_and_keeps_none_of_them(tmp_path, shared_news_small):
    built = idx.build(tmp_path / "index", articles(shared_news_small[:300]))
    assert built.indexed == 300
    assert not list(idx.resolve(tmp_path / "index").glob("words-*"))
