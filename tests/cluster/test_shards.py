"""Routing, the manifest, and builds and adds of a sharded index (small
articles: no shared corpus needed)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import ARTICLES, SEEDS, write_jsonl
from search import clusters, variants
from search import index as idx
from search.cli import main
from search.cluster import shards
from search.cluster.coordinator import Coordinator
from search.cluster.local import InProcess
from search.cluster.statistics import StatsRef
from search.ingest import Article, read_sources
from search.searcher import Searcher


def test_routing_is_a_stable_hash_of_the_id():
    # Fixed values: the same in every process and Python version (not hash()).
    assert [shards.shard_of(i, 4) for i in ("gov-1", "gov-2", "ukr-1", "sport-1", "أخبار-١")] == \
        [shards.shard_of(i, 4) for i in ("gov-1", "gov-2", "ukr-1", "sport-1", "أخبار-١")]
    assert shards.shard_of("gov-1", 4) == int.from_bytes(
        __import__("hashlib").blake2b(b"gov-1", digest_size=8).digest(), "big") % 4
    assert shards.shard_of("x", 1) == 0
    spread = Counter(shards.shard_of(f"article-{n}", 4) for n in range(4000))
    assert set(spread) == {0, 1, 2, 3} and min(spread.values()) > 900


def test_the_manifest(tmp_path: Path):
    assert shards.load(tmp_path) is None and not shards.is_sharded(tmp_path)
    shards.save(tmp_path, shards.Manifest(3))
    assert shards.load(tmp_path) == shards.Manifest(3, shards.ROUTING)
    assert [d.name for d in shards.load(tmp_path).dirs(tmp_path)] == ["shard-000", "shard-001", "shard-002"]
    for bad in ("{", '{"count": 0, "routing": "blake2b-64"}', '{"count": 2, "routing": "python-hash"}', "[]"):
        (tmp_path / shards.MANIFEST).write_text(bad)
        assert shards.load(tmp_path) is None


def _ids(index_dir: Path) -> set[str]:
    with idx.open_index(index_dir).searcher() as searcher:
        return {f["id"] for f in searcher.all_stored_fields()}


def test_build_routes_each_article_to_its_shard_and_add_finds_it(tmp_path: Path, corpus_file: Path):
    root = tmp_path / "index"
    report = shards.build(root, read_sources([corpus_file, SEEDS]), 3)
    assert report.indexed == len(ARTICLES) + 1
    manifest = shards.load(root)
    every = set()
    for n, shard_dir in enumerate(manifest.dirs(root)):
        held = _ids(shard_dir)  # a shard may hold none: it is still a complete index
        assert all(shards.shard_of(i, 3) == n for i in held)
        every |= held
    assert every == {r.id for r in read_sources([corpus_file, SEEDS]) if isinstance(r, Article)}

    changed = dict(ARTICLES[0], title="الحكومة تلغي الاتفاق مع النقابات")
    new = {"id": "new-1", "title": "خبر جديد عن النقابات", "body": "النقابات تعلن إضرابا جديدا.", "date": "2022-09-20",
           "source": "الجزيرة", "category": "سياسة"}
    added = shards.add(root, read_sources([write_jsonl(tmp_path / "more.jsonl", [changed, new])]))
    assert (added.indexed, added.updated) == (1, 1)
    for doc_id in ("new-1", ARTICLES[0]["id"]):
        home = manifest.dirs(root)[shards.shard_of(doc_id, 3)]
        assert doc_id in _ids(home)
        assert sum(doc_id in _ids(d) for d in manifest.dirs(root)) == 1
    # The tables are the same in every shard.
    tables = {(idx.resolve(d) / variants.FILE).read_text() for d in manifest.dirs(root)}
    assert len(tables) == 1
    roots = [clusters.Clusters.load(idx.resolve(d)).roots for d in manifest.dirs(root)]
    assert all(r == roots[0] for r in roots)
    searcher = Coordinator(root, InProcess(root, manifest))
    try:
        found = searcher.search("النقابات")
        assert {h.id for h in found.hits} >= {"new-1", ARTICLES[0]["id"]}
        assert searcher.article(ARTICLES[0]["id"]).title == changed["title"]
    finally:
        searcher.close()


def test_wire_copies_in_different_shards_fold_as_in_one_index(tmp_path: Path):
    body = "أعلنت وزارة الصحة اليوم عن حملة وطنية للتطعيم تشمل جميع المحافظات وتستمر ثلاثة أسابيع متتالية " * 3
    copies = [{"id": f"copy-{n}", "title": "حملة وطنية للتطعيم", "body": body + f" المصدر {n}",
               "date": f"2022-09-1{n}", "source": f"s{n}"} for n in range(6)]
    assert len({shards.shard_of(c["id"], 3) for c in copies}) > 1
    corpus = write_jsonl(tmp_path / "copies.jsonl", copies + ARTICLES)
    shards.build(tmp_path / "sharded", read_sources([corpus]), 3)
    idx.build(tmp_path / "one", read_sources([corpus]))
    one, sharded = Searcher(tmp_path / "one"), Coordinator(tmp_path / "sharded",
                                                          InProcess(tmp_path / "sharded", shards.load(tmp_path / "sharded")))
    try:
        for collapse in (True, False):
            a, b = one.search("التطعيم", collapse=collapse), sharded.search("التطعيم", collapse=collapse)
            assert (a.total, a.stories) == (b.total, b.stories) == (6, 1 if collapse else 6)
            assert [(h.id, [c.id for c in h.copies]) for h in a.hits] == [(h.id, [c.id for c in h.copies]) for h in b.hits]
    finally:
        one.close()
        sharded.close()


def test_the_cli_builds_adds_searches_and_reshapes_a_sharded_index(tmp_path: Path, corpus_file: Path):
    runner = CliRunner()
    root = tmp_path / "index"
    done = runner.invoke(main, ["build", "--shards", "2", "--index-dir", str(root), str(corpus_file)])
    assert done.exit_code == 0, done.output
    assert json.loads((root / shards.MANIFEST).read_text())["count"] == 2
    found = runner.invoke(main, ["search", "--json", "--index-dir", str(root), "الحكومة"])
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    assert data["total"] >= 1 and data["partial"] is False and data["missing_shards"] == []
    stats = json.loads(runner.invoke(main, ["stats", "--json", "--index-dir", str(root)]).output)
    assert stats["articles"] == len(ARTICLES) and stats["shards"] == 2
    more = write_jsonl(tmp_path / "more.jsonl", [{"id": "extra", "title": "خبر", "body": "نص خبر إضافي عن الحكومة"}])
    assert runner.invoke(main, ["add", "--index-dir", str(root), str(more)]).exit_code == 0
    # Without --shards a rebuild keeps the count; with --shards 3 the shards are made again.
    assert runner.invoke(main, ["build", "--index-dir", str(root), str(corpus_file)]).exit_code == 0
    assert shards.load(root).count == 2
    assert runner.invoke(main, ["build", "--shards", "3", "--index-dir", str(root), str(corpus_file)]).exit_code == 0
    assert sorted(p.name for p in root.glob("shard-*")) == ["shard-000", "shard-001", "shard-002"]
    # One shard is today's layout: the manifest and the shards go.
    assert runner.invoke(main, ["build", "--shards", "1", "--index-dir", str(root), str(corpus_file)]).exit_code == 0
    assert not shards.is_sharded(root) and not list(root.glob("shard-*")) and idx.exists(root)
    bad = runner.invoke(main, ["serve", "--replicas", "2", "--index-dir", str(root)])
    assert bad.exit_code == 2 and "--replicas needs --ray" in bad.output


def test_a_build_of_more_shards_than_articles_leaves_empty_shards_searchable(tmp_path: Path, corpus_file: Path):
    root = tmp_path / "index"
    shards.build(root, read_sources([corpus_file]), 16)
    manifest = shards.load(root)
    assert sum(not _ids(d) for d in manifest.dirs(root)) >= 16 - len(ARTICLES)
    searcher = Coordinator(root, InProcess(root, manifest))
    try:
        assert searcher.search("الحكومة").total >= 1 and not searcher.search("الحكومة").partial
    finally:
        searcher.close()


@pytest.mark.parametrize("count", [0, shards.MAX_SHARDS + 1])
def test_a_shard_count_out_of_range_is_refused(tmp_path: Path, corpus_file: Path, count: int):
    with pytest.raises(ValueError):
        shards.build(tmp_path / "index", read_sources([corpus_file]), count)


def test_a_fetch_finds_the_pages_articles_by_the_numbers_its_query_answered(tmp_path: Path, corpus_file: Path,
                                                                           monkeypatch):
    """The fetch that follows a shard's query call reads the page's articles
    by the document numbers that call kept, not by an id lookup in Whoosh's
    term dictionary; an id it did not answer with is still found."""
    from whoosh.searching import Searcher as WhooshSearcher

    root = tmp_path / "index"
    shards.build(root, read_sources([corpus_file, SEEDS]), 2)
    searcher = Coordinator(root, InProcess(root, shards.load(root)))
    by_id = []
    real = WhooshSearcher.document_number

    def counted(self, **kw):
        by_id.append(kw)
        return real(self, **kw)

    monkeypatch.setattr(WhooshSearcher, "document_number", counted)
    try:
        found = searcher.search("الحكومة")
        assert len(found.hits) >= 2 and all(h.snippet for h in found.hits)
        assert by_id == []
        service = searcher.backend.services[shards.shard_of(found.hits[0].id, 2)]
        other = next(a["id"] for a in ARTICLES if shards.shard_of(a["id"], 2) == service.number
                     and a["id"] not in {h.id for h in found.hits})
        key = next(reversed(service._kept))  # the search just made: (request, its statistics' version)
        fetched = service.fetch(key[0], StatsRef(key[1]), [other], [])
        assert fetched.hits[other].id == other and by_id == [{"id": other}]
    finally:
        searcher.close()


def test_a_shard_matches_a_search_once_when_copies_make_the_coordinator_ask_deeper(tmp_path: Path):
    """Every story here has four copies (the same text under other ids), so
    the best 30 articles the coordinator first asks for make 6 stories of the
    10 a page shows, and it asks each shard again for more: the shard answers
    from the matches it kept, matching and counting once, and the page is
    that of one index of the same articles."""
    topics = ["الحكومة", "البرلمان", "الانتخابات", "الميزانية", "النقابات", "الوزارة", "المعارضة"]
    records = []
    for story in range(14):
        words = " ".join(topics[(story + k) % len(topics)] for k in range(3))
        body = f"قال مصدر إن المجلس ناقش {words} في جلسة رقم {story} وأعلن قرارات بشأن {words} اليوم."
        for copy in range(5):
            records.append({"id": f"s{story}-c{copy}", "title": f"المجلس يناقش {words} {story}", "body": body,
                            "date": f"2022-09-{10 + copy:02d}", "source": "وكالة", "category": "سياسة"})
    corpus = write_jsonl(tmp_path / "copies.jsonl", records)
    root, single = tmp_path / "sharded", tmp_path / "one"
    shards.build(root, read_sources([corpus]), 2)
    idx.build(single, read_sources([corpus]))
    backend = InProcess(root, shards.load(root))
    calls = Counter()
    for service in backend.services:
        matched = service.searcher.matched

        def counted(*args, _matched=matched, _n=service.number, **kwargs):
            calls[_n] += 1
            return _matched(*args, **kwargs)

        service.searcher.matched = counted
    sharded, one = Coordinator(root, backend), Searcher(single)
    try:
        found, expected = sharded.search("المجلس"), one.search("المجلس")
        assert len(found.hits) == 10 and all(len(h.copies) == 4 for h in found.hits)
        assert [(h.id, round(h.score, 6), [c.id for c in h.copies]) for h in found.hits] == \
            [(h.id, round(h.score, 6), [c.id for c in h.copies]) for h in expected.hits]
        assert (found.total, found.facets) == (expected.total, expected.facets)
        assert calls == {0: 1, 1: 1}  # asked twice (30 articles, then more) and fetched: matched once
    finally:
        sharded.close()
        one.close()
