"""Crash safety: ``akhbar build`` and ``akhbar add`` killed with SIGKILL.

Real subprocesses are killed at random moments (seeded: see SEED).  Whatever the moment, the index on disk must be one complete
index, the old or the new, searchable, and the next build or add must
succeed without any cleaning by hand.  No assertion depends on timing: a
kill that lands after the process finished is checked the same way.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search import Searcher
from search import index as idx
from search.ingest import read_sources

from helpers import ARTICLES, ROOT, SEEDS, write_jsonl

# Fixed so a failure can be replayed; set AKHBAR_KILL_SEED to try other kill points.
SEED = int(os.environ.get("AKHBAR_KILL_SEED", "20261126"))


def news_subset(records: list[dict], path: Path, n: int) -> Path:
    return write_jsonl(path, records[:n])


def start(*args: str | Path) -> subprocess.Popen:
    """``python -m search ARGS`` in a process group of its own, so that any
    helper processes it forks (builds write with two) can be found."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "search", *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def assert_no_survivors(pgid: int) -> None:
    """No process of a killed writer's group lives on (its helpers die with it).
    Waits for the kernel to deliver their signals; kills them if they don't."""
    deadline = time.monotonic() + 30
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.02)
    survivors = group_members(pgid)
    if survivors:
        os.killpg(pgid, signal.SIGKILL)
    assert survivors == [], "helper processes outlived the killed writer"


def wait_for_lock(index_dir: Path, proc: subprocess.Popen, purpose: str) -> None:
    """Until ``proc`` holds the index's write lock (it names itself in the lock
    file), or has exited."""
    marker = f"pid {proc.pid}, {purpose}"
    while proc.poll() is None:
        try:
            if marker in (index_dir / idx.LOCK_FILE).read_text(encoding="utf-8"):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.02)


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL ``proc`` after ``delay`` s; False if it had finished by then."""
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert_no_survivors(proc.pid)
        proc.communicate(timeout=30)
        return True


def count_and_find(index_dir: Path, query: str) -> tuple[int, list[str]]:
    s = Searcher(index_dir)
    try:
        return s.stats()["articles"], [h.id for h in s.search(query, per_page=100).hits]
    finally:
        s.close()


def test_build_killed_at_random_points_leaves_a_complete_index(index_dir, tmp_path, shared_news_small):
    rng = random.Random(SEED)
    corpus = news_subset(shared_news_small, tmp_path / "news.jsonl", 100)
    new_ids = {r["id"] for r in shared_news_small[:100]}
    old_count = len(ARTICLES) + 1
    generations = index_dir / idx.GENERATIONS
    outcomes = []
    for delay in (rng.uniform(0.0, 0.5), rng.uniform(0.5, 2.0), rng.uniform(1.0, 4.0)):
        before = idx.resolve(index_dir)
        proc = start("build", corpus, "--index-dir", index_dir)
        wait_for_lock(index_dir, proc, "akhbar build")
        killed = kill_after(proc, delay)
        outcomes.append(killed)
        live = idx.resolve(index_dir)
        count, hits = count_and_find(index_dir, "الحكومة")
        if live == before:
            # The previous index, complete and untouched.
            assert count == old_count and "gov-1" in hits
            assert not set(hits) & new_ids
        else:
            # The kill came after the swap: the new index, complete.
            assert not killed or live.exists()
            assert count == len(new_ids) and set(hits) <= new_ids
        assert (index_dir / idx.CURRENT).is_symlink()
    assert any(outcomes), "every build finished before its kill; make the corpus bigger"

    # What a kill at the instants between the build's last steps leaves: a
    # finished generation never made live, a half-made link, an old tmp dir.
    orphan = generations / "g-20000101T000000-000000000-999999"
    orphan.mkdir()
    (orphan / "_MAIN_1.toc").write_bytes(b"junk")
    (generations / "tmp-20000101T000000-000000000-999999").mkdir()
    (index_dir / ".current.999999").symlink_to(Path(idx.GENERATIONS) / orphan.name)

    # The next build needs no cleaning by hand, and clears all of it.
    proc = start("build", SEEDS, "--index-dir", index_dir)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "indexed 1, updated 0, skipped 0" in out
    live = idx.resolve(index_dir)
    previous = (index_dir / idx.PREVIOUS).resolve()
    assert sorted(p.name for p in generations.iterdir()) == sorted({live.name, previous.name})
    assert not list(index_dir.glob(".current.*")) and not list(index_dir.glob(".previous.*"))
    assert count_and_find(index_dir, "زيلينسكي")[0] == 1


def test_add_killed_midway_leaves_the_index_readable_and_the_next_add_works(index_dir, tmp_path, shared_news_small):
    rng = random.Random(SEED + 1)
    corpus = news_subset(shared_news_small, tmp_path / "news.jsonl", 40)
    new_ids = {r["id"] for r in shared_news_small[:40]}
    old_count = len(ARTICLES) + 1
    generation = idx.resolve(index_dir)
    killed_any = False
    for delay in (rng.uniform(0.0, 1.0), rng.uniform(0.5, 2.5)):
        proc = start("add", corpus, "--index-dir", index_dir)
        wait_for_lock(index_dir, proc, "akhbar add")
        killed = kill_after(proc, delay)
        killed_any |= killed
        count, hits = count_and_find(index_dir, "الحكومة")
        # All of the addition or none of it: Whoosh commits atomically.
        assert count in (old_count, old_count + len(new_ids))
        assert "gov-1" in hits
        if count == old_count:
            assert not set(hits) & new_ids
    assert killed_any, "every add finished before its kill; make the corpus bigger"
    assert idx.resolve(index_dir) == generation
    # Whoosh's own write lock (MAIN_WRITELOCK) is an flock too: the kernel
    # released it with the killed process, so the next add gets it at once.
    extra = write_jsonl(tmp_path / "extra.jsonl", [{"id": "after-kill", "body": "خبر بعد توقف مفاجئ للفهرسة"}])
    report = idx.add(index_dir, read_sources([corpus, extra]))
    assert report.indexed + report.updated == len(new_ids) + 1
    count, hits = count_and_find(index_dir, "مفاجئ")
    assert count == old_count + len(new_ids) + 1 and "after-kill" in hits


def test_lock_of_a_killed_process_is_free_at_once(index_dir, tmp_path):
    """A killed holder leaves its name in index/.lock, but not the lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from search import index as idx\n"
         "with idx.locked(sys.argv[1], 'akhbar build'):\n    print('held', flush=True); time.sleep(600)",
         str(index_dir)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    try:
        # Waits a bounded time, then fails naming the holder.
        proc = start("add", SEEDS, "--index-dir", index_dir, "--wait", "0.3")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 75
        assert f"(pid {holder.pid}, akhbar build, since" in err and "after waiting 0.3 s" in err
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert f"pid {holder.pid}" in (index_dir / idx.LOCK_FILE).read_text()  # stale text, free lock
    report = idx.add(index_dir, read_sources([SEEDS]))  # wait=0: the lock must be free at once
    assert (report.indexed, report.updated) == (0, 1)


def test_a_helper_forked_by_a_killed_writer_dies_with_it_and_frees_the_lock(index_dir):
    """Whoosh's multiprocessing writer forks helpers.  A helper that outlived
    a killed build would hold the lock it inherited and wait forever for work;
    forked while the lock is held, it drops the lock and dies with its parent."""
    script = (
        "import multiprocessing, sys, time\n"
        "from search import index as idx\n"
        "with idx.locked(sys.argv[1], 'akhbar build'):\n"
        "    child = multiprocessing.get_context('fork').Process(target=time.sleep, args=(600,))\n"
        "    child.start()\n"
        "    print(child.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script, str(index_dir)], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        child = int(parent.stdout.readline())
        assert child in group_members(parent.pid)
        with pytest.raises(idx.IndexLocked):
            with idx.locked(index_dir, "test"):
                pass
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert_no_survivors(parent.pid)
        with idx.locked(index_dir, "test"):  # free at once
            pass
    finally:
        if group_members(parent.pid):
            os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
