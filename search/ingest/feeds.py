"""RSS and Atom feeds: one article per entry.

feedparser reads every RSS and Atom version, malformed XML included (it
keeps what it could parse and says what was wrong: ``bozo``), resolves
relative links against the feed's url or ``xml:base``, and strips scripts
from entries' HTML.  An entry becomes an article:

- url from its link (relative links resolved against the feed's own link
  when the feed was read from a file), id from the url (search.ingest.records
  .stable_id: the same article as a page or in a WARC file is one article),
  from the guid (``<guid>``, ``<id>``) when there is no link;
- title; date from ``published`` (else ``updated``); category from its first
  tag; source from the feed's title (else its site's host name);
- body: the text of the full content (``content:encoded``, Atom
  ``<content>``) when the feed has it.  Otherwise, with ``fetch_page``, the
  linked page is fetched and its article text extracted (the feed's title,
  date and source are kept); without it, or if the page cannot be read, the
  summary, marked ``partial`` so that a page of the same url replaces it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import feedparser

from search.ingest.fetch import FetchError
from search.ingest.pages import fragment_text
from search.ingest.records import (
    MAX_ID_CHARS,
    MAX_TITLE_CHARS,
    NOTE,
    RECORD,
    SOURCE,
    Article,
    BadRecord,
    Problem,
    Record,
    check_size,
    clean_text,
    first_sentence,
    stable_id,
)

FeedPage = Callable[[str], Article]  # fetches a url and extracts its article, or raises

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _text(detail: dict | None, value: str) -> str:
    """An entry's text construct as plain text (feedparser says whether it is HTML)."""
    kind = (detail or {}).get("type", "text/plain")
    return fragment_text(value) if kind in _HTML_TYPES else clean_text(value)


def _date(entry) -> datetime | None:
    """Published, else updated: feedparser gives both as UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # feedparser's get maps updated to published, with a warning
        if value:
            try:
                return datetime(*value[:6])
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def parse(data: bytes, url: str = "", content_type: str = ""):
    """feedparser's reading of a feed; ``url`` is its address (the base of relative links)."""
    headers = {}
    if url:
        headers["content-location"] = url
    if content_type:
        headers["content-type"] = content_type
    return feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)


def is_feed(parsed) -> bool:
    return bool(parsed.get("version")) or bool(parsed.entries)


def read_feed(
    data: bytes,
    source: str,
    url: str = "",
    content_type: str = "",
    fetch_page: FeedPage | None = None,
    only: Callable[[object], bool] | None = None,
) -> Iterator[Record]:
    """Articles from a feed's bytes; ``source`` names it in messages.

    ``only``: a test of feedparser's entry that says which entries to read
    (``akhbar watch`` reads the new and changed ones).
    """
    parsed = parse(data, url, content_type)
    if not is_feed(parsed):
        why = f" ({_first_line(parsed.get('bozo_exception'))})" if parsed.get("bozo") else ""
        yield Problem(source, 0, f"not an RSS or Atom feed{why}", SOURCE)
        return
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        line = error.getLineNumber() if hasattr(error, "getLineNumber") else 0
        # Not faults of the XML: a charset the HTTP header and the XML disagree on, a feed served as text/html.
        if not isinstance(error, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)):
            kind = RECORD if parsed.entries else SOURCE
            yield Problem(source, line or 0, f"malformed feed XML: {_first_line(error)}; "
                                             f"{len(parsed.entries)} entries read", kind)
    feed = parsed.feed
    home = feed.get("link", "") if _http(feed.get("link", "")) else url
    publisher = clean_text(feed.get("title", "")) or (urlsplit(home).hostname or "").removeprefix("www.")
    for number, entry in enumerate(parsed.entries, start=1):
        if only is not None and not only(entry):
            continue
        yield from _entry(entry, number, source, home, publisher, fetch_page)


def entry_link(entry, home: str = "") -> str:
    link = (entry.get("link") or "").strip()
    if link and home and not _http(link):
        link = urljoin(home, link)
    return link if _http(link) else ""


def _entry(entry, number: int, source: str, home: str, publisher: str, fetch_page: FeedPage | None) -> Iterator[Record]:
    link = entry_link(entry, home)
    guid = clean_text(entry.get("id", "") or "")
    where = f"entry {number}" + (f" ({link or guid})" if link or guid else "")
    origin = f"{source} entry {number}"
    title = _text(entry.get("title_detail"), entry.get("title", "") or "")
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    tags = entry.get("tags") or []
    category = clean_text((tags[0].get("term") or tags[0].get("label") or "") if tags else "")
    date = _date(entry)
    body = ""
    for content in entry.get("content") or []:
        body = _text(content, content.get("value", "") or "")
        if body:
            break
    partial = not body
    if partial and fetch_page is not None and link:
        try:
            page = fetch_page(link)
        except (FetchError, BadRecord) as error:
            reason = error.reason if isinstance(error, FetchError) else str(error)
            yield Problem(source, 0, f"{where}: page not read ({reason}); its summary is indexed", NOTE)
        else:
            yield replace(
                page,
                title=title or page.title,
                date=date or page.date,
                source=publisher or page.source,
                category=category or page.category,
                origin=origin,
            )
            return
    if partial:
        body = _text(entry.get("summary_detail"), entry.get("summary", "") or "")
    if not body:
        yield Problem(source, 0, f"{where}: no text (no content or summary)")
        return
    try:
        check_size(body, "body")
    except BadRecord as error:
        yield Problem(source, 0, f"{where}: {error}")
        return
    if link:
        doc_id = stable_id(link, title, body)
    elif guid and len(guid) <= MAX_ID_CHARS:
        doc_id = guid
    else:
        doc_id = stable_id(guid, title, body)
    yield Article(
        id=doc_id,
        title=title or first_sentence(body),
        body=body,
        date=date,
        source=publisher,
        category=category,
        url=link,
        origin=origin,
        partial=partial,
    )


_SPACE = re.compile(r"\s+")


def _first_line(error: object) -> str:
    text = _SPACE.sub(" ", str(error or "")).strip()
    return text[:200] or type(error).__name__
