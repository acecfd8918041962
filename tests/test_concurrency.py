"""Concurrency: one writer at a time, and searches that never fail while the
index is swapped or committed under them.

Writers are real ``python -m search`` subprocesses; the searcher is the one
shared ``Searcher`` object the web layer uses, queried from threads.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest

from search import Searcher
from search import index as idx
from search.ingest import read_sources

from helpers import SEEDS, write_jsonl
from test_index_safety import start, wait_for_lock


def generated(path: Path, prefix: str, marker: str, n: int) -> Path:
    """``n`` short articles, each with the Latin word ``marker`` to find them by."""
    return write_jsonl(
        path,
        [{"id": f"{prefix}-{k}", "title": f"خبر {k}", "body": f"قالت الحكومة في بيان رقم {k} إن المفاوضات مستمرة {marker}"}
         for k in range(n)],
    )


def test_a_second_writer_fails_at_once_naming_the_first_or_waits_for_it(index_dir, tmp_path):
    corpus = generated(tmp_path / "a.jsonl", "a", "alphaword", 200)
    first = start("build", corpus, "--index-dir", index_dir)
    wait_for_lock(index_dir, first, "akhbar build")
    # Freeze the build while it holds the lock, so the order of events below
    # does not depend on how fast anything runs.
    first.send_signal(signal.SIGSTOP)
    try:
        assert first.poll() is None, "the build finished before it could be paused; make the corpus bigger"

        # Without --wait: a clear failure at once, naming the build's process.
        refused = start("build", generated(tmp_path / "b.jsonl", "b", "betaword", 3), "--index-dir", index_dir)
        out, err = refused.communicate(timeout=60)
        assert refused.returncode == 75, err
        assert f"index {index_dir} is being written by another process (pid {first.pid}, akhbar build, since" in err
        assert "--wait SECONDS" in err

        # With --wait: it says whom it waits for, ...
        waiting = start("add", SEEDS, "--index-dir", index_dir, "--wait", "300")
        told = waiting.stderr.readline()
        assert f"being written by another process (pid {first.pid}, akhbar build" in told
        assert "waiting up to 300 s" in told
    finally:
        first.send_signal(signal.SIGCONT)
    # ... and once the build is done, adds to the index the build made.
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    built = idx.resolve(index_dir)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "indexed 1, updated 0, skipped 0" in out
    assert idx.resolve(index_dir) == built
    s = Searcher(index_dir)
    assert s.stats()["articles"] == 200 + 1
    assert s.search("alphaword").total == 200 and s.search("betaword").total == 0
    assert s.article("gov-1") is None  # the old index's articles went with it
    s.close()


def test_searches_never_fail_while_builds_swap_and_adds_commit(index_dir, tmp_path):
    s = Searcher(index_dir)  # one object, as the web app holds it
    errors: list[BaseException] = []
    done = threading.Event()
    seen: dict[str, set[str]] = {"alphaword": set(), "betaword": set(), "addword": set()}
    searches = [0]

    def loop() -> None:
        while not done.is_set():
            try:
                for word in ("الحكومة", *seen):
                    results = s.search(word, per_page=100, sort="date" if word == "الحكومة" else "relevance")
                    for hit in results.hits:
                        assert hit.id and hit.snippet is not None
                        if word in seen:
                            seen[word].add(hit.id)
                    if results.hits:
                        view = s.article(results.hits[0].id, highlight=word, related=2)
                        assert view is None or view.body  # None if it was replaced in between
                s.complete("الحك")
                searches[0] += 1
            except BaseException as error:  # noqa: BLE001 - every failure counts
                errors.append(error)

    threads = [threading.Thread(target=loop)]
    for thread in threads:
        thread.start()
    try:
        def settle(before: int) -> None:
            # Until (by count of searches, not time) the thread has searched after the change.
            while searches[0] < before + 3 and not errors and all(t.is_alive() for t in threads):
                threading.Event().wait(0.01)

        def run(*args) -> None:
            """A writer in its own process: it runs truly in parallel with the searches."""
            before = searches[0]
            proc = start(*args, "--index-dir", index_dir)
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            settle(before)

        def run_here(write, path: Path) -> None:
            """A writer in this process (lexicon already loaded, so quick),
            interleaved with the searching thread by the interpreter."""
            before = searches[0]
            write(index_dir, read_sources([path]))
            settle(before)

        first_generation = idx.resolve(index_dir)
        run("build", generated(tmp_path / "a.jsonl", "a", "alphaword", 40))
        # Served from the new generation by the same Searcher, not recreated.
        assert s.search("alphaword").total == 40 and s.article("gov-1") is None
        run_here(idx.add, generated(tmp_path / "add.jsonl", "add", "addword", 5))
        assert s.search("addword").total == 5 and s.stats()["articles"] == 45
        # A second build removes the first generation, which the threads read first.
        run_here(idx.build, generated(tmp_path / "b.jsonl", "b", "betaword", 20))
        assert not first_generation.exists()
        assert s.search("betaword").total == 20 and s.search("alphaword").total == 0
    finally:
        done.set()
        for thread in threads:
            thread.join()
        s.close()
    assert errors == []
    assert seen["alphaword"] and seen["addword"] and seen["betaword"]  # the threads saw every change


def test_a_searcher_open_on_a_generation_that_a_later_build_deletes_still_answers(index_dir, tmp_path):
    """Whoosh opens a segment's files when a searcher opens; the files of a
    deleted generation live on while open.  This is the in-flight case: a
    query that started on the old generation just before it was removed."""
    from whoosh import query as wq
    from whoosh import sorting

    s = Searcher(index_dir)
    assert s.search("الحكومة").total
    whoosh_searcher = s._searcher()  # this thread's, as a query in flight holds it
    old = idx.resolve(index_dir)
    for word in ("alphaword", "betaword"):
        idx.build(index_dir, read_sources([generated(tmp_path / f"{word}.jsonl", word, word, 3)]))
    assert not old.exists()
    # What the rest of that query reads: the schema (no longer reread from
    # the deleted directory), every field's terms and postings, sortable
    # columns and facets, stored fields.
    assert "id" in s.schema.names()
    reader = whoosh_searcher.reader()
    first_terms = {}
    for fieldname, term in reader.all_terms():
        first_terms.setdefault(fieldname, term)
    for fieldname, term in first_terms.items():
        assert list(reader.postings(fieldname, term).all_ids())
    page = whoosh_searcher.search_page(
        wq.Every(), 1, pagelen=50, sortedby="date", reverse=True,
        groupedby={"source": sorting.FieldFacet("source", maptype=sorting.Count)},
    )
    assert "gov-1" in {hit["id"] for hit in page} and page.results.groups("source")
    assert all(whoosh_searcher.stored_fields(n)["id"] for n in range(whoosh_searcher.doc_count_all()))
    # And the next search through the Searcher follows the swap.
    assert s.search("betaword").total == 3
    s.close()


def test_a_foreign_whoosh_writer_makes_add_fail_clearly_not_hang(index_dir, monkeypatch):
    """Whoosh's own write lock can only be held by a writer that bypasses
    akhbar's lock; add then fails with a clear message after a short wait."""
    monkeypatch.setattr(idx, "WHOOSH_LOCK_TIMEOUT", 0.2)
    foreign = idx.open_index(index_dir).writer()
    try:
        with pytest.raises(idx.IndexLocked, match="Whoosh's write lock is held by a program other than akhbar"):
            idx.add(index_dir, read_sources([SEEDS]))
    finally:
        foreign.cancel()
    assert idx.add(index_dir, read_sources([SEEDS])).updated == 1
