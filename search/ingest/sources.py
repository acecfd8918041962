"""Which reader reads a source, and many sources read as one stream.

A source is a file, a directory (every file under it that is recognised) or
an ``http(s)://`` url.  A file is recognised by its name, and where the name
does not say (``.xml``, no extension, a url) by its first bytes: ``WARC/``
(gzipped or not), the root element of XML (``rss``, ``rdf:RDF`` and ``feed``
are feeds, ``urlset`` a sitemap), an HTML document.

Articles read from the web (feeds, pages, sitemaps, WARC files) are one
article per url (their ids come from it): of several readings the last
wins, as for any id, but its missing title, date, source or category are
taken from the earlier ones, and a feed's summary never replaces an
article's text: summaries wait until all sources are read, and are indexed
only for urls that no page or full feed entry gave.  Feed files are read
before the other sources (which keep their order), so that a page or an
archived copy of an entry gives the text, and the feed, written for
machines, fills in what the page's markup does not say.
"""

from __future__ import annotations

import csv
import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from search.ingest.csvfile import read_csv
from search.ingest.jsonl import read_jsonl
from search.ingest.records import MAX_PAGE_BYTES, SOURCE, Article, BadRecord, Problem, Record
from search.ingest.text import read_txt

# The readers of web sources, their libraries (trafilatura, feedparser,
# warcio, urllib3: a second to import) and the fetcher are imported when a
# web source is read, not by everything that imports search.ingest.
if TYPE_CHECKING:
    from search.ingest.fetch import Fetcher

FEED_SUFFIXES = (".rss", ".atom", ".rdf")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
WARC_SUFFIXES = (".warc", ".warc.gz")
# Files recognised by their name (.xml and unnamed ones by their content too).
SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".txt", *FEED_SUFFIXES, ".xml", ".xml.gz", *HTML_SUFFIXES, *WARC_SUFFIXES)
KINDS = ("jsonl", "csv", "txt", "feed", "sitemap", "html", "warc")
_HEAD = 64 * 1024
_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_COMMENT_OR_DECLARATION = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL | re.IGNORECASE)


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def kind_by_name(name: str) -> str | None:
    """The kind a file's name says, or None when its content must say (``.xml``)."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".txt"):
        return "txt"
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(FEED_SUFFIXES):
        return "feed"
    return None


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes: warc, feed, sitemap, html or None."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _HEAD)
        except zlib.error:
            return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"WARC/"):
        return "warc"
    body = _COMMENT_OR_DECLARATION.sub(b"", head[:8192])
    match = _ROOT.search(body)
    if match is None:
        return "html" if b"<!doctype html" in head[:1024].lower() else None
    root = match.group(2).lower()
    if root in (b"rss", b"rdf", b"feed"):
        return "feed"
    if root in (b"urlset", b"sitemapindex"):
        return "sitemap"
    if root == b"html" or b"<!doctype html" in head[:1024].lower():
        return "html"
    return None


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_HEAD)


def _file_kind(path: Path) -> str | None:
    """The kind its name says; its first bytes are read only when the name
    says nothing (``.xml``, another or no extension)."""
    kind = kind_by_name(path.name)
    if kind is not None:
        return kind
    try:
        return sniff(_head(path))
    except OSError:
        return None


def supported(path: Path) -> bool:
    """Whether a directory member is read: its name says a kind, or its content does."""
    return _file_kind(path) is not None


def expand(sources: Iterable[str | Path]) -> Iterator[Path | str | Problem]:
    """Urls, files named directly, and every recognised file under a directory
    (in name order; hidden files and directories left out)."""
    for source in sources:
        if is_url(source):
            yield str(source)
            continue
        path = Path(source)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and supported(child):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Problem(str(path), 0, "no such file or directory", SOURCE)


class _Reading:
    """One run over many sources: the fetcher they share and what the web
    readers have given so far (see the module's docstring)."""

    def __init__(self, fetch_pages: bool | None, fetcher: Fetcher | None) -> None:
        self.fetch_pages = fetch_pages
        self._fetcher = fetcher
        self._own_fetcher = fetcher is None
        self.seen: dict[str, Article] = {}  # id -> title, date, source, category of a web article yielded
        self.summaries: dict[str, Article] = {}  # id -> a feed entry's summary, waiting

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            from search.ingest.fetch import Fetcher

            self._fetcher = Fetcher()
        return self._fetcher

    def close(self) -> None:
        if self._own_fetcher and self._fetcher is not None:
            self._fetcher.close()

    # -- files ---------------------------------------------------------------

    def file(self, path: Path) -> Iterator[Record]:
        kind = _file_kind(path)
        if kind is None:
            what = "XML that is neither an RSS/Atom feed nor a sitemap" if path.name.lower().endswith(
                (".xml", ".xml.gz")) else "unsupported file type"
            yield Problem(str(path), 0, f"{what} (read: {', '.join(KINDS)}; see akhbar build --help)", SOURCE)
            return
        try:
            if kind == "jsonl":
                yield from read_jsonl(path)
            elif kind == "csv":
                yield from read_csv(path)
            elif kind == "txt":
                yield from read_txt(path)
            else:
                yield from self.web_file(path, kind)
        except (OSError, EOFError, UnicodeError, csv.Error) as error:
            yield Problem(str(path), 0, f"cannot read file: {error}", SOURCE)

    def web_file(self, path: Path, kind: str) -> Iterator[Record]:
        from search.ingest import feeds, pages, sitemap, warc

        if kind == "html":
            yield from self.web(pages.read_html(path))
        elif kind == "warc":
            yield from self.web(warc.read_warc(path))
        elif kind == "feed":
            fetch = self.page if self.fetch_pages else None
            yield from self.web(feeds.read_feed(_read_xml(path), str(path), fetch_page=fetch))
        else:
            fetch = self.page if self.fetch_pages is not False else None
            yield from self.web(sitemap.read_sitemap(_read_xml(path), str(path), fetch))

    # -- urls ----------------------------------------------------------------

    def url(self, url: str) -> Iterator[Record]:
        from search.ingest import feeds, pages, sitemap, warc
        from search.ingest.fetch import ACCEPT_FEED, FetchError

        archive = url.lower().split("?", 1)[0].endswith(WARC_SUFFIXES)
        try:
            response = self.fetcher.get(url, accept=ACCEPT_FEED if not archive else "*/*", robots=True,
                                        archive=archive)
        except FetchError as error:
            yield Problem(url, 0, f"cannot fetch: {error.reason}", SOURCE)
            return
        with response:
            kind = _response_kind(response)
            fetch = self.fetch_pages is not False
            if kind == "warc":
                yield from self.web(warc.read_warc_stream(response.stream(), url))
            elif kind == "feed":
                yield from self.web(feeds.read_feed(response.body, url, url=response.url,
                                                    content_type=response.headers.get("content-type", ""),
                                                    fetch_page=self.page if fetch else None))
            elif kind == "sitemap":
                yield from self.web(sitemap.read_sitemap(response.body, url, self.page if fetch else None))
            elif kind == "html":
                try:
                    article = pages.article_from_html(response.body, url=response.url, origin=url,
                                                      charset=response.charset)
                except BadRecord as error:
                    # Named by the user and giving nothing: the source is unread
                    # (often a site's home page given for its feed).
                    yield Problem(url, 0, f"{error}; not a feed either", SOURCE)
                else:
                    yield from self.web([article])
            else:
                yield Problem(url, 0, "not an RSS/Atom feed, a news page, a sitemap or a WARC file "
                                      f"(Content-Type {response.content_type or 'not given'})", SOURCE)

    def page(self, url: str) -> Article:
        """The article of the page at ``url`` (robots.txt obeyed); FetchError or BadRecord."""
        from search.ingest import pages
        from search.ingest.fetch import ACCEPT_PAGE

        with self.fetcher.get(url, accept=ACCEPT_PAGE, robots=True) as response:
            if _response_kind(response) != "html":
                raise BadRecord(f"not an HTML page (Content-Type {response.content_type or 'not given'})")
            return pages.article_from_html(response.body, url=response.url, origin=url,
                                           charset=response.charset)

    # -- one article per url -----------------------------------------------

    def web(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            if isinstance(record, Problem):
                yield record
            elif record.partial:
                if record.id not in self.seen:
                    earlier = self.summaries.get(record.id)
                    self.summaries[record.id] = _fill(record, earlier) if earlier else record
            else:
                earlier = self.summaries.pop(record.id, None) or self.seen.get(record.id)
                if earlier is not None:
                    record = _fill(record, earlier)
                # Its metadata only: a WARC file may hold many thousand pages.
                self.seen[record.id] = Article(record.id, "", record.title, record.date, record.source,
                                               record.category)
                yield record

    def finish(self) -> Iterator[Record]:
        """The summaries of urls that nothing else gave."""
        for doc_id, summary in self.summaries.items():
            if doc_id not in self.seen:
                yield summary
        self.summaries.clear()


def _fill(article: Article, earlier: Article) -> Article:
    """``article``, its empty title, date, source and category taken from ``earlier``."""
    missing = {
        name: getattr(earlier, name)
        for name in ("title", "date", "source", "category")
        if not getattr(article, name) and getattr(earlier, name)
    }
    return replace(article, **missing) if missing else article


def _read_xml(path: Path) -> bytes:
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
    else:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise OSError(f"larger than {MAX_PAGE_BYTES // 2**20} MB")
    return data


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _response_kind(response) -> str | None:
    """What a fetched body is: its first bytes say it, else its Content-Type."""
    content_type = response.content_type
    if content_type == "application/warc":
        return "warc"
    sniffed = sniff(response.stream().read(_HEAD)) if response.size else None
    if sniffed:
        return sniffed
    if content_type in _FEED_TYPES:
        return "feed"
    if content_type in _HTML_TYPES:
        return "html"
    return None


def read_sources(
    sources: Iterable[str | Path],
    fetch_pages: bool | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Record]:
    """Every article and every problem from the given files, directories and urls.

    ``fetch_pages``: fetch the page of a feed entry that has only a summary
    (and the pages a news sitemap lists).  None: for feeds read from a url
    (and for sitemaps), not for feed files; True, False: always, never.
    """
    reading = _Reading(fetch_pages, fetcher)
    items = list(expand(sources))
    feed_files = [item for item in items if isinstance(item, Path) and _file_kind(item) == "feed"]
    if feed_files:
        chosen = set(feed_files)
        items = feed_files + [item for item in items if item not in chosen]
    try:
        for item in items:
            if isinstance(item, Problem):
                yield item
            elif isinstance(item, str):
                yield from reading.url(item)
            else:
                yield from reading.file(item)
        yield from reading.finish()
    finally:
        reading.close()
