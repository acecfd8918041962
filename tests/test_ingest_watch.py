"""akhbar watch: feeds polled with conditional GET into a real index, new and
changed entries added, a feed that is down retried while the others go on,
new articles served by a running `akhbar serve`, and SIGTERM mid-poll
leaving the index complete."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from ingest.newsroom import BOILERPLATE_WORDS, STORIES, NewsServer, Route, Story, rss
from search import Searcher
from search import index as idx
from search.ingest import read_sources
from search.ingest.fetch import Fetcher
from search.watch import Stopped, Watcher

ROOT = Path(__file__).resolve().parents[1]
ELECTRICITY, WHEAT, MUSEUM = STORIES
EXTRA = Story(
    "port-strike",
    "إضراب عمال الميناء يدخل يومه الثالث",
    ["دخل إضراب عمال الميناء يومه الثالث، وتكدست الحاويات على الأرصفة بانتظار التفريغ.",
     "وقالت النقابة إن العمال يطالبون بزيادة الأجور وتحسين شروط السلامة، فيما دعت الإدارة إلى الحوار."],
    datetime(2024, 10, 1, 8, 30),
    "الحاويات",
)


@pytest.fixture()
def server():
    s = NewsServer()
    yield s
    s.close()


def serve_feed(server: NewsServer, path: str, stories: list[Story], *, full: bool, version: int) -> None:
    server.routes[path] = Route(rss(server.base, stories, full=full), content_type="application/rss+xml",
                                etag=f'"v{version}"', last_modified=f"Tue, 01 Oct 2024 08:{version:02d}:00 GMT")


def watcher(index_dir: Path, urls: list[str], log: list[str], every: float = 60.0) -> Watcher:
    w = Watcher(index_dir, urls, every, log=log.append)
    w.fetcher = Fetcher(interval=0.01, stop=w.stop)
    return w


def due_now(w: Watcher) -> None:
    for feed in w.feeds:
        feed.due = 0.0


def test_new_and_changed_entries_are_added_and_an_unchanged_feed_costs_a_304(server, tmp_path):
    serve_feed(server, "/rss", STORIES[:2], full=True, version=1)
    log: list[str] = []
    w = watcher(tmp_path / "ix", [server.url("/rss")], log)
    report = w.poll_due()  # no index yet: the first poll builds it
    assert (report.indexed, report.updated) == (2, 0)
    s = Searcher(tmp_path / "ix")
    assert s.search(ELECTRICITY.word).total == 1 and s.search(MUSEUM.word).total == 0

    serve_feed(server, "/rss", STORIES + [EXTRA], full=True, version=2)  # two new entries
    due_now(w)
    report = w.poll_due()
    assert (report.indexed, report.updated) == (2, 0)  # only the new ones
    assert server.hits("/rss")[-1].headers["if-none-match"] == '"v1"'
    assert s.search(MUSEUM.word).total == 1 and s.search(EXTRA.word).total == 1  # the same Searcher sees them

    due_now(w)
    assert w.poll_due() is None  # unchanged: 304, nothing read or added
    assert server.hits("/rss")[-1].headers["if-none-match"] == '"v2"'
    assert s.stats()["articles"] == 4

    changed = replace(WHEAT, paragraphs=WHEAT.paragraphs + ["وأعلنت الوزارة لاحقا رفع سعر الشراء للمزارعين والمطاحن."])
    serve_feed(server, "/rss", [ELECTRICITY, changed, MUSEUM, EXTRA], full=True, version=3)
    due_now(w)
    report = w.poll_due()
    assert (report.indexed, report.updated) == (0, 1)
    assert s.search("المطاحن").total == 1 and s.stats()["articles"] == 4
    s.close()


def test_a_feed_that_is_down_is_retried_later_and_the_others_go_on(server, tmp_path):
    serve_feed(server, "/rss", [ELECTRICITY], full=True, version=1)
    server.routes["/down"] = Route(b"busy", 503, "text/plain")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
    log: list[str] = []
    w = watcher(tmp_path / "ix", [server.url("/down"), refused, server.url("/rss")], log, every=60)
    started = time.monotonic()
    report = w.poll_due()
    assert report.indexed == 1
    down, gone, good = w.feeds
    assert (down.failures, gone.failures, good.failures) == (1, 1, 0)
    assert down.due - started >= 120 and good.due - started < 61  # backoff: twice the interval
    assert any("HTTP 503" in line and "next try in 120 s" in line for line in log)
    assert any("connection refused" in line for line in log)

    serve_feed(server, "/down", [WHEAT], full=True, version=1)  # back up
    down.due = 0.0
    report = w.poll_due()
    assert report.indexed == 1 and down.failures == 0
    assert any("back after 1 failed polls" in line for line in log)
    s = Searcher(tmp_path / "ix")
    assert s.stats()["articles"] == 2
    s.close()


def test_summary_only_entries_get_their_pages_and_a_failed_page_is_tried_again(server, tmp_path):
    serve_feed(server, "/rss", [ELECTRICITY, WHEAT], full=False, version=1)
    server.serve_site()
    server.routes[WHEAT.path] = Route(b"down", 500, "text/plain")
    log: list[str] = []
    w = watcher(tmp_path / "ix", [server.url("/rss")], log)
    report = w.poll_due()
    assert report.indexed == 2
    s = Searcher(tmp_path / "ix")
    assert s.search(ELECTRICITY.word).total == 1, log  # the page's text
    assert s.search(WHEAT.word).total == 0, log  # only the summary for now
    for word in BOILERPLATE_WORDS:
        assert s.search(word).total == 0
    server.serve_site()  # the page is back; the feed is unchanged
    serve_feed(server, "/rss", [ELECTRICITY, WHEAT], full=False, version=2)
    due_now(w)
    report = w.poll_due()
    assert (report.indexed, report.updated) == (0, 1)  # only the entry whose page failed
    assert s.search(WHEAT.word).total == 1
    s.close()


def test_interrupted_during_an_add_the_add_is_finished(server, tmp_path, monkeypatch):
    serve_feed(server, "/rss", STORIES, full=True, version=1)
    log: list[str] = []
    w = watcher(tmp_path / "ix", [server.url("/rss")], log)
    real_build = idx.build

    def build_interrupted(*args, **kwargs):
        w.interrupt()  # as the signal handler would: inside an add it must not raise
        return real_build(*args, **kwargs)

    monkeypatch.setattr(idx, "build", build_interrupted)
    w.run()  # returns once the add is done
    assert "stopped; the index is complete" in log[-1]
    s = Searcher(tmp_path / "ix")
    assert s.stats()["articles"] == 3
    s.close()
    w.stop.clear()
    with pytest.raises(Stopped):
        w.interrupt()  # outside an add: the poll is abandoned at once


# -- akhbar watch and akhbar serve, as processes --------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def akhbar(*args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "search", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def api_ids(port: int, query: str) -> set[str]:
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": query})
    with urllib.request.urlopen(url, timeout=10) as response:
        return {hit["id"] for hit in json.load(response)["hits"]}


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_watch_feeds_a_running_server_and_sigterm_mid_poll_leaves_the_index_complete(server, tmp_path):
    index_dir = tmp_path / "ix"
    serve_feed(server, "/rss", [ELECTRICITY], full=True, version=1)
    report = idx.build(index_dir, read_sources([ROOT / "seeds"]))
    assert report.indexed == 1
    port = free_port()
    web = akhbar("serve", "--port", str(port), "--index-dir", str(index_dir))
    watch = akhbar("watch", server.url("/rss"), "--every", "1s", "--index-dir", str(index_dir))
    try:
        assert wait_for(lambda: _safe(api_ids, port, ELECTRICITY.word), 60), stop(watch)
        serve_feed(server, "/rss", [ELECTRICITY, EXTRA], full=True, version=2)
        added = time.monotonic()
        assert wait_for(lambda: _safe(api_ids, port, EXTRA.word), 20), stop(watch)
        assert time.monotonic() - added < 10  # within a poll (1 s) and an add, on a busy machine

        # A poll that takes long: an entry whose page answers slowly.  SIGTERM while it waits.
        slow = Story("slow-page", "خبر بطيء التحميل", ["نص لن يصل إلى الفهرس أبدا بسبب البطء الشديد."],
                     datetime(2024, 10, 2), "البطء")
        server.routes[slow.path] = Route(b"<html></html>", delay=20)
        server.routes["/rss"] = Route(rss(server.base, [ELECTRICITY, EXTRA], full=True).replace(
            b"</channel>", f"<item><title>{slow.title}</title><link>{server.url(slow.path)}</link>"
                           f"<description>ملخص</description></item></channel>".encode()),
            content_type="application/rss+xml", etag='"v3"')
        assert wait_for(lambda: server.hits(slow.path), 20)
        asked = time.monotonic()
        output = stop(watch)
        assert watch.returncode == 0, output
        assert time.monotonic() - asked < 10  # abandoned, not waited for
        assert "stopped; the index is complete" in output
        assert "Traceback" not in output
        s = Searcher(index_dir)
        try:
            assert s.search(ELECTRICITY.word).total == 1 and s.search(EXTRA.word).total == 1
            assert s.search("ملخص").total == 0  # the abandoned poll added nothing
        finally:
            s.close()
        assert _safe(api_ids, port, EXTRA.word)  # and the server still serves it
    finally:
        stop(watch)
        stop(web)


def _safe(function, *args):
    try:
        return function(*args)
    except OSError:
        return None
