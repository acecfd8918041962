"""Keeping an index fresh from feeds (``akhbar watch``).

Each feed is polled with a conditional GET (its last ``ETag`` and
``Last-Modified``), so an unchanged feed costs a 304 and nothing else.  Of
a changed feed only the new and changed entries are read (an entry's
content, dates and links are compared with what was last indexed), their
pages fetched when the feed carries only summaries, and all of a poll's
articles go into the index in one ``add``, which searches (and a running
``akhbar serve``) see whole or not at all.

A feed that fails (down, an HTTP error, not a feed) is logged and polled
again after a growing wait (twice the interval, four times, ... at most an
hour or the interval, whichever is longer); the others go on.  What was
indexed is remembered in memory only: a restarted watch adds every entry
once more (replacing each by its id, so nothing is duplicated).

Stopping (``interrupt``, from SIGINT or SIGTERM): fetching and parsing are
abandoned at once, since nothing is written until the add; an add under way
is finished first.  Either way the index is complete.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from search import index as idx
from search.cluster import shards
from search.ingest import NOTE, SOURCE, Article, Problem, Record
from search.ingest.fetch import ACCEPT_FEED, ACCEPT_PAGE, Fetcher, FetchError

MAX_BACKOFF = 3600.0


class Stopped(Exception):
    """Raised by :meth:`Watcher.interrupt` outside an add: the poll is abandoned."""


@dataclass
class Feed:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    due: float = 0.0  # time.monotonic() of the next poll
    indexed: dict[str, str] = field(default_factory=dict)  # entry key -> digest of what was indexed


@dataclass
class _Poll:
    """What one poll of a feed read, to remember once it is in the index."""

    feed: Feed
    etag: str | None
    last_modified: str | None
    digests: dict[str, str]
    records: list[Record]


def entry_key(entry) -> str:
    return entry.get("link") or entry.get("id") or entry.get("title") or ""


def entry_digest(entry) -> str:
    # dict.get: feedparser's own get maps a missing "updated" to "published", with a warning.
    parts = [dict.get(entry, k) or "" for k in ("id", "link", "title", "summary", "published", "updated")]
    parts += [c.get("value", "") for c in entry.get("content") or []]
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Watcher:
    """Polls ``urls`` every ``every`` seconds into the index at ``index_dir``."""

    def __init__(
        self,
        index_dir: str | Path,
        urls: list[str],
        every: float,
        fetch_pages: bool = True,
        log: Callable[[str], None] = print,
        fetcher: Fetcher | None = None,
        lock_wait: float = 30.0,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.feeds = [Feed(url) for url in dict.fromkeys(urls)]
        self.every = every
        self.fetch_pages = fetch_pages
        self.log = log
        self.stop = threading.Event()
        self.fetcher = fetcher or Fetcher(stop=self.stop)
        self.lock_wait = lock_wait
        self.adding = False
        self.polls = 0  # rounds completed, for tests and logs

    # -- stopping --------------------------------------------------------------

    def interrupt(self) -> None:
        """Stop (from a signal handler): at once outside an add, after it inside one."""
        self.stop.set()
        if not self.adding:
            raise Stopped()

    # -- the loop ----------------------------------------------------------------

    def run(self) -> None:
        """Poll until stopped."""
        try:
            while not self.stop.is_set():
                self.poll_due()
                wake = min(feed.due for feed in self.feeds)
                self.stop.wait(max(0.0, wake - time.monotonic()))
        except Stopped:
            pass
        self.log("stopped; the index is complete")

    def poll_due(self) -> idx.Report | None:
        """Poll every feed that is due, and add what they gave in one add."""
        now = time.monotonic()
        polls = [self._poll(feed) for feed in self.feeds if feed.due <= now]
        polls = [p for p in polls if p is not None]
        self.polls += 1
        records = [r for p in polls for r in p.records]
        articles = sum(isinstance(r, Article) for r in records)
        if not articles:
            for poll in polls:
                self._remember(poll)
            for record in records:
                self.log(f"{'note' if record.kind == NOTE else 'skipped'} {record}")
            return None
        report = self._add(records)
        if report is not None:
            for poll in polls:
                self._remember(poll)
        return report

    def _add(self, records: list[Record]) -> idx.Report | None:
        def tell(problem: Problem) -> None:
            self.log(f"{'note' if problem.kind == NOTE else 'skipped'} {problem}")

        self.adding = True
        try:
            if self.stop.is_set():
                return None
            if shards.exists(self.index_dir):
                report = shards.add(self.index_dir, records, on_problem=tell, wait=self.lock_wait)
            else:
                report = idx.build(self.index_dir, records, on_problem=tell, wait=self.lock_wait)
        except idx.IndexLocked as error:
            self.log(f"not added this time: {error}")
            return None
        finally:
            self.adding = False
        self.log(report.summary())
        return report

    def _remember(self, poll: _Poll) -> None:
        feed = poll.feed
        feed.etag, feed.last_modified = poll.etag, poll.last_modified
        feed.indexed.update(poll.digests)

    # -- one feed ------------------------------------------------------------------

    def _poll(self, feed: Feed) -> _Poll | None:
        from search.ingest import feeds, pages

        try:
            response = self.fetcher.get(feed.url, accept=ACCEPT_FEED, etag=feed.etag,
                                        last_modified=feed.last_modified)
        except FetchError as error:
            if self.stop.is_set():
                raise Stopped() from None
            self._failed(feed, error.reason)
            return None
        with response:
            if response.not_modified:
                self._succeeded(feed)
                return None
            digests: dict[str, str] = {}
            unread_pages: set[str] = set()

            def changed(entry) -> bool:
                key, digest = entry_key(entry), entry_digest(entry)
                if feed.indexed.get(key) == digest:
                    return False
                digests[key] = digest
                return True

            def page(url: str) -> Article:
                try:
                    with self.fetcher.get(url, accept=ACCEPT_PAGE, robots=True) as answer:
                        return pages.article_from_html(answer.body, url=answer.url, origin=url,
                                                       charset=answer.charset)
                except Exception:
                    if self.stop.is_set():
                        raise Stopped() from None
                    unread_pages.add(url)
                    raise

            records = list(feeds.read_feed(
                response.body, feed.url, url=response.url,
                content_type=response.headers.get("content-type", ""),
                fetch_page=page if self.fetch_pages else None, only=changed,
            ))
            etag, last_modified = response.etag, response.last_modified
        unread = [r for r in records if isinstance(r, Problem) and r.kind == SOURCE]
        if unread:
            self._failed(feed, "; ".join(r.message for r in unread))
            return None
        self._succeeded(feed)
        # An entry whose page could not be fetched is indexed with its
        # summary, and tried again at the next poll.
        for key in unread_pages:
            digests.pop(key, None)
        articles = sum(isinstance(r, Article) for r in records)
        if articles:
            self.log(f"{feed.url}: {articles} new or changed entries")
        return _Poll(feed, etag, last_modified, digests, records)

    def _succeeded(self, feed: Feed) -> None:
        if feed.failures:
            self.log(f"{feed.url}: back after {feed.failures} failed polls")
        feed.failures = 0
        feed.due = time.monotonic() + self.every

    def _failed(self, feed: Feed, reason: str) -> None:
        feed.failures += 1
        wait = min(self.every * 2**feed.failures, max(self.every, MAX_BACKOFF))
        feed.due = time.monotonic() + wait
        self.log(f"{feed.url}: {reason} ({feed.failures} failed polls in a row); next try in {wait:g} s")
