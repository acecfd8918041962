import json
import os
import signal
import subprocess
import sys
import time

import pytest

from search import Searcher
from search import index as idx
from search.ingest import Article, read_sources

from helpers import ROOT, write_jsonl


def ids(searcher: Searcher, query: str) -> list[str]:
    return [h.id for h in searcher.search(query, per_page=50).hits]


def test_build_makes_a_live_generation(index_dir):
    assert idx.exists(index_dir)
    live = idx.resolve(index_dir)
    assert live.parent.name == idx.GENERATIONS
    assert [p.name for p in (index_dir / idx.GENERATIONS).iterdir()] == [live.name]


def test_a_searcher_starts_with_the_words_the_build_analysed(index_dir):
    """The build keeps its analyses beside the index (analysis.keep_words):
    a new searching process does not analyse the archive's words again."""
    from search.analysis import KEPT_WORDS_FILE

    assert (idx.resolve(index_dir) / KEPT_WORDS_FILE).exists()
    s = Searcher(index_dir)
    try:
        s._searcher()
        known = s.schema["text"].analyzer.words()
        assert "الحكومة" in known or "والحكومة" in known, len(known)
    finally:
        s.close()


def test_rebuild_swaps_and_removes_the_old_generation(index_dir, tmp_path):
    old = idx.resolve(index_dir)
    s = Searcher(index_dir)
    assert "gov-1" in ids(s, "الحكومة")
    write_jsonl(tmp_path / "new.jsonl", [{"id": "new-1", "body": "الحكومة الجديدة تؤدي اليمين"}])
    report = idx.build(index_dir, read_sources([tmp_path / "new.jsonl"]))
    assert report.indexed == 1
    # The replaced generation stays one build longer, for searchers mid-query on it.
    second = idx.resolve(index_dir)
    assert second != old and old.exists()
    assert (index_dir / idx.PREVIOUS).resolve() == old
    # An open searcher notices the swap and follows it.
    assert ids(s, "الحكومة") == ["new-1"]
    idx.build(index_dir, read_sources([tmp_path / "new.jsonl"]))
    assert not old.exists() and (index_dir / idx.PREVIOUS).resolve() == second
    assert sorted(p.name for p in (index_dir / idx.GENERATIONS).iterdir()) == sorted(
        [second.name, idx.resolve(index_dir).name]
    )
    s.close()


def test_a_failed_build_leaves_the_previous_index(index_dir):
    before = idx.resolve(index_dir)

    def records():
        yield Article(id="half", body="نص")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        idx.build(index_dir, records())
    assert idx.resolve(index_dir) == before
    s = Searcher(index_dir)
    assert "gov-1" in ids(s, "الحكومة")
    assert "half" not in ids(s, "نص")
    s.close()
    assert [p.name for p in (index_dir / idx.GENERATIONS).iterdir()] == [before.name]


def test_a_build_with_nothing_good_keeps_the_old_index(index_dir, tmp_path):
    before = idx.resolve(index_dir)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    report = idx.build(index_dir, read_sources([bad]))
    assert report.indexed == 0 and report.skipped == 1
    assert idx.resolve(index_dir) == before


def test_a_build_killed_midway_leaves_the_old_index_searchable(index_dir, tmp_path):
    big = tmp_path / "big.jsonl"
    body = "قالت الحكومة إن المفاوضات مع النقابات مستمرة بشأن الأجور والأسعار في البلاد " * 40
    with open(big, "w", encoding="utf-8") as handle:
        for n in range(6000):
            handle.write(json.dumps({"id": f"big-{n}", "body": f"{body} {n}"}, ensure_ascii=False) + "\n")
    before = idx.resolve(index_dir)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "search", "build", str(big), "--index-dir", str(index_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    generations = index_dir / idx.GENERATIONS
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        tmp = [p for p in generations.iterdir() if p.name.startswith("tmp-")]
        if tmp and any(tmp[0].iterdir()):
            break
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert idx.resolve(index_dir) == before
    s = Searcher(index_dir)
    assert "gov-1" in ids(s, "الحكومة")
    assert not any(i.startswith("big-") for i in ids(s, "النقابات"))
    s.close()
    # The next build clears what the killed one left behind.
    idx.build(index_dir, read_sources([ROOT / "seeds"]))
    assert sorted(p.name for p in generations.iterdir()) == sorted([before.name, idx.resolve(index_dir).name])


def test_add_inserts_and_replaces_by_id_without_a_rebuild(index_dir, tmp_path):
    generation = idx.resolve(index_dir)
    s = Searcher(index_dir)
    assert ids(s, "الإضراب") == ["gov-1"]
    path = write_jsonl(
        tmp_path / "more.jsonl",
        [
            {"id": "gov-1", "title": "الحكومة تلغي الاتفاق", "body": "ألغت الحكومة الاتفاق مع النقابات بعد فشل المفاوضات."},
            {"id": "new-2", "title": "إضراب المعلمين", "body": "بدأ المعلمون الإضراب عن العمل للمطالبة بزيادة الأجور."},
        ],
    )
    report = idx.add(index_dir, read_sources([path]))
    assert (report.indexed, report.updated, report.skipped) == (1, 1, 0)
    assert idx.resolve(index_dir) == generation
    assert ids(s, "الإضراب") == ["new-2"]  # the old gov-1 text is gone
    assert ids(s, "تلغي") == ["gov-1"]
    assert s.stats()["articles"] == 7
    s.close()


def test_an_add_is_on_disk_when_it_returns(index_dir, tmp_path, monkeypatch):
    """Every file the add wrote, and the directory naming them, is fsynced."""
    generation = idx.resolve(index_dir)
    before = {p.name: p.stat().st_mtime_ns for p in generation.iterdir()}
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(idx.os, "fsync", fsync)
    path = write_jsonl(tmp_path / "one.jsonl", [{"id": "n-1", "title": "خبر", "body": "خبر جديد عن الطقس."}])
    assert idx.add(index_dir, read_sources([path])).indexed == 1
    written = {str(p) for p in generation.iterdir() if before.get(p.name) != p.stat().st_mtime_ns}
    assert any(name.endswith(".seg") or name.endswith(".trm") for name in written)
    assert written <= set(synced) and str(generation) in synced


def test_add_needs_an_index(tmp_path):
    with pytest.raises(idx.IndexMissing):
        idx.add(tmp_path / "none", [])


def test_stats(searcher):
    info = searcher.stats()
    assert info["articles"] == 6
    assert info["date_from"] == "2022-07-01" and info["date_to"] == "2022-09-14"
    assert info["sources"] == {"الجزيرة": 3, "العربية": 2}
    assert info["categories"]["اقتصاد"] == 2
    assert info["size_bytes"] > 0


def test_lead_is_the_opening_words_as_written():
    body = " ".join(f"كلمة{n}" for n in range(80)) + "."
    opening = idx.lead(body)
    assert opening.split() == body.split()[: idx.LEAD_WORDS]
    assert body.startswith(opening)
    assert idx.lead("خبر قصير.") == "خبر قصير."


def test_document_searches_title_and_body_as_one_text():
    article = Article(id="a", title="عنوان الخبر", body="نص الخبر")
    doc = idx.document(article)
    assert doc["text"] == "عنوان الخبر\n\nنص الخبر" == doc["text_exact"]
    assert doc["body"] == "نص الخبر" and doc["title"] == "عنوان الخبر"
    assert idx.document(Article(id="b", body="نص فقط"))["text"] == "نص فقط"
