"""Fetching over HTTP, politely.

One client for everything Akhbar fetches (feeds, pages, sitemaps, WARC
files): urllib3, which trafilatura already depends on, for its pooled
keep-alive connections (a feed's pages come from one host), its separate
connect and read timeouts and its streamed reads, which let a size cap stop
a response as soon as it is passed (after any gzip decoding, so a small
compressed bomb is stopped too).

Politeness, per :class:`Fetcher`:

- a User-Agent that names Akhbar, its version and where to read about it;
- at most ``1 / interval`` requests a second to any one host (4 by default),
  slower if its robots.txt asks for a ``Crawl-delay`` (up to 30 s);
- robots.txt obeyed for pages (RFC 9309: a 4xx robots.txt allows all, a 5xx
  one disallows all); feeds are fetched because someone subscribed to them,
  as feed readers do;
- conditional GET: ``If-None-Match`` / ``If-Modified-Since`` from the last
  response, a 304 answered with nothing to read;
- timeouts on connecting and on each read, a deadline for the whole
  response, and a cap on its size.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error

try:
    _VERSION = version("akhbar")
except PackageNotFoundError:  # run from a source tree that is not installed
    _VERSION = "0"

# Where a site's operator reads what this client is: set AKHBAR_CONTACT to
# your own page or mail address when you run Akhbar against the web.
CONTACT = os.environ.get("AKHBAR_CONTACT", "https://example.org/akhbar")
USER_AGENT = f"Akhbar/{_VERSION} (+{CONTACT})"
ROBOTS_AGENT = "Akhbar"  # the name robots.txt rules are matched against

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEADLINE = 120.0  # for a whole response, however slowly it trickles in
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # a feed, page or sitemap
MAX_ARCHIVE_BYTES = 2 * 1024**3  # a WARC file, spooled to disk
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB
MAX_REDIRECTS = 5
INTERVAL = 0.25  # seconds between two requests to one host
MAX_CRAWL_DELAY = 30.0
ROBOTS_TTL = 3600.0  # how long a robots.txt is trusted
ROBOTS_RETRY = 60.0  # how long an unreachable host's robots.txt is not asked again
_SPOOL_IN_MEMORY = 16 * 1024 * 1024

ACCEPT_FEED = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"
ACCEPT_ANY = "*/*"


class FetchError(Exception):
    """A url that could not be fetched; the message says why."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason
        self.status = status  # the HTTP status, None for a network failure


class Disallowed(FetchError):
    """robots.txt (or, per RFC 9309, its absence through a server or network
    failure) does not let Akhbar fetch the url."""


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200 (or another 2xx), or 304 when nothing changed
    headers: dict[str, str]  # names in lower case
    spool: tempfile.SpooledTemporaryFile | None = field(default=None, repr=False)
    size: int = 0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def body(self) -> bytes:
        if self.spool is None:
            return b""
        self.spool.seek(0)
        return self.spool.read()

    def stream(self):
        """The body as a binary file, from its start (for large archives)."""
        if self.spool is None:
            raise ValueError("no body")
        self.spool.seek(0)
        return self.spool

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None
    fetched: float
    ttl: float
    refusal: str = ""  # why every url of the host is disallowed, when it is
    unreachable: FetchError | None = None  # the host could not be reached at all


class Fetcher:
    """An HTTP client that keeps to the rules above.  One per command (the
    pacing and the robots.txt it read are per instance); not for threads."""

    def __init__(
        self,
        user_agent: str = USER_AGENT,
        interval: float = INTERVAL,
        max_bytes: int = MAX_RESPONSE_BYTES,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = DEADLINE,
        stop: threading.Event | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.interval = interval
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.stop = stop
        self._timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        # One retry of a failed connection or read: a kept-alive connection
        # that the server closed while it sat in the pool fails its next
        # request without any fault of the server's.  No retry of statuses
        # or redirects (handled here).
        retries = urllib3.Retry(total=1, connect=1, read=1, status=0, other=0, redirect=False,
                                raise_on_status=False, raise_on_redirect=False)
        self._pool = urllib3.PoolManager(num_pools=32, maxsize=1, retries=retries, timeout=self._timeout)
        self._next_slot: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        self.requests = 0  # made, for tests and logs

    # -- the one public request ------------------------------------------

    def get(
        self,
        url: str,
        *,
        accept: str = ACCEPT_ANY,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = False,
        max_bytes: int | None = None,
        archive: bool = False,
    ) -> Response:
        """GET ``url`` following redirects; a 2xx or a 304 response, or FetchError.

        ``robots``: obey the host's robots.txt (at every redirect hop).
        ``archive``: allow MAX_ARCHIVE_BYTES, and more if a WARC is recognised
        from the response headers (the body is spooled to disk past 16 MB).
        """
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            _check_scheme(current)
            if robots:
                self._obey_robots(current)
            response = self._request(current, accept, etag, last_modified, max_bytes, archive)
            if isinstance(response, str):  # a redirect: its target
                current = urljoin(current, response)
                continue
            return response
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets Akhbar fetch ``url``."""
        try:
            self._obey_robots(url)
        except Disallowed:
            return False
        return True

    def close(self) -> None:
        self._pool.clear()

    # -- pacing ------------------------------------------------------------

    def _wait_turn(self, url: str) -> None:
        host = _host(url)
        now = time.monotonic()
        slot = max(now, self._next_slot.get(host, now))
        self._next_slot[host] = slot + max(self.interval, self._delay.get(host, 0.0))
        delay = slot - now
        if delay > 0:
            if self.stop is not None:
                if self.stop.wait(delay):
                    raise FetchError(url, "stopped")
            else:
                time.sleep(delay)

    # -- robots.txt ----------------------------------------------------------

    def _obey_robots(self, url: str) -> None:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(key)
        if robots is None or time.monotonic() - robots.fetched > robots.ttl:
            robots = self._read_robots(key)
            self._robots[key] = robots
        if robots.unreachable is not None:
            raise FetchError(url, robots.unreachable.reason)
        if robots.refusal:
            raise Disallowed(url, robots.refusal)
        if robots.parser is not None and not robots.parser.can_fetch(ROBOTS_AGENT, url):
            raise Disallowed(url, f"disallowed by {key}/robots.txt")

    def _read_robots(self, key: str) -> _Robots:
        robots_url = key + "/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        now = time.monotonic()
        try:
            response = self.get(robots_url, accept="text/plain", max_bytes=MAX_ROBOTS_BYTES)
        except FetchError as error:
            if error.status is None:
                # The host cannot be reached: say so (the page could not be
                # fetched either), and ask again a little later.
                return _Robots(None, now, ROBOTS_RETRY, unreachable=error)
            if 400 <= error.status < 500:
                parser.allow_all = True  # RFC 9309 2.3.1.3: no robots.txt, no rules
                return _Robots(parser, now, ROBOTS_TTL)
            # 2.3.1.4: a server error on robots.txt: assume everything is
            # disallowed, and ask again a little later.
            return _Robots(None, now, ROBOTS_RETRY, f"{robots_url} answered {error.reason}, so no page "
                           "of the site may be fetched (RFC 9309)")
        try:
            text = response.body.decode("utf-8", "replace")
        finally:
            response.close()
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay:
            self._delay[_host(key)] = min(float(delay), MAX_CRAWL_DELAY)
        return _Robots(parser, now, ROBOTS_TTL)

    # -- one request ---------------------------------------------------------

    def _request(
        self,
        url: str,
        accept: str,
        etag: str | None,
        last_modified: str | None,
        max_bytes: int | None,
        archive: bool,
    ) -> Response | str:
        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_turn(url)
        self.requests += 1
        started = time.monotonic()
        try:
            raw = self._pool.request(
                "GET", url, headers=headers, redirect=False, preload_content=False, decode_content=True
            )
        except (Urllib3Error, OSError, ValueError) as error:
            raise FetchError(url, _describe(error)) from None
        complete = False  # the body read to its end: the connection can serve the next request
        try:
            status = raw.status
            found = {k.lower(): v for k, v in raw.headers.items()}
            if status in (301, 302, 303, 307, 308) and found.get("location"):
                return found["location"]
            if status == 304:
                return Response(url, status, found)
            if not 200 <= status < 300:
                raise FetchError(url, f"HTTP {status} {raw.reason or ''}".strip(), status=status)
            limit = max_bytes or self.max_bytes
            if archive:
                limit = max(limit, MAX_ARCHIVE_BYTES)
            declared = found.get("content-length", "")
            if declared.isdigit() and "content-encoding" not in found and int(declared) > limit:
                raise FetchError(url, f"response of {int(declared):,} bytes is over the limit of {limit:,}")
            spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
            size = 0
            try:
                for chunk in raw.stream(64 * 1024, decode_content=True):
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(url, f"response larger than the limit of {limit:,} bytes")
                    if time.monotonic() - started > self.deadline:
                        raise FetchError(url, f"response not complete after {self.deadline:g} s")
                    spool.write(chunk)
            except (Urllib3Error, OSError) as error:
                spool.close()
                raise FetchError(url, _describe(error)) from None
            except BaseException:
                spool.close()
                raise
            complete = True
            return Response(url, status, found, spool, size)
        finally:
            if not complete:
                _discard_body(raw)
            raw.release_conn()


def _discard_body(raw) -> None:
    """Leave the connection fit for the next request: read a small unread
    body (an error page, a redirect's), close the connection on a big one."""
    declared = raw.headers.get("content-length", "")
    try:
        if declared.isdigit() and int(declared) <= 64 * 1024:
            raw.drain_conn()
        else:
            raw.close()
    except (Urllib3Error, OSError):
        raw.close()


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(url, "not an http(s) url")


def _describe(error: BaseException) -> str:
    """A network failure in a few words (urllib3 nests the cause)."""
    text = str(error)
    for needle, words in (
        ("Connection refused", "connection refused"),
        ("timed out", "timed out"),
        ("Name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("Temporary failure in name resolution", "unknown host (name resolution failed)"),
        ("Connection reset", "connection reset"),
        ("CERTIFICATE_VERIFY_FAILED", "TLS certificate not trusted"),
    ):
        if needle in text:
            return words
    return f"{type(error).__name__}: {text}"[:300]
