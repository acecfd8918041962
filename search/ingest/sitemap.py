"""News sitemaps (``sitemap.xml`` with ``<news:news>`` entries).

A news sitemap lists a site's articles of the last two days with their
title, publication date and publisher; the pages themselves are fetched
(robots.txt obeyed) for their text.  Only news entries are read: a plain
sitemap lists every page of a site, and reading it would be crawling the
site, which is not what a sitemap is given to Akhbar for.  A sitemap index
is not followed either (the message names its news sitemaps, if any, to
give instead).  At most ``MAX_ENTRIES`` entries are read (the limit Google
sets for a news sitemap).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import lxml.etree

from search.ingest.fetch import FetchError
from search.ingest.records import (
    NOTE,
    SOURCE,
    Article,
    BadRecord,
    Problem,
    Record,
    clean_text,
    parse_date,
)

MAX_ENTRIES = 1000
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"

SitemapPage = Callable[[str], Article]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return clean_text(child.text or "")
    return ""


def read_sitemap(data: bytes, source: str, fetch_page: SitemapPage | None) -> Iterator[Record]:
    """Articles of a news sitemap's entries, their pages fetched by ``fetch_page``."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except lxml.etree.XMLSyntaxError as error:
        yield Problem(source, 0, f"not readable XML: {error}", SOURCE)
        return
    if root is None:
        yield Problem(source, 0, "not readable XML", SOURCE)
        return
    if _local(root.tag) == "sitemapindex":
        locs = [_child_text(s, "loc") for s in root if _local(s.tag) == "sitemap"]
        news = [loc for loc in locs if "news" in loc.lower()]
        hint = f"; its news sitemaps: {', '.join(news[:5])}" if news else ""
        yield Problem(source, 0, f"a sitemap index of {len(locs)} sitemaps is not followed "
                                 f"(give a news sitemap instead{hint})", SOURCE)
        return
    entries = [u for u in root if _local(u.tag) == "url"]
    news_entries = [(u, n) for u in entries for n in u if n.tag == f"{_NEWS}news"]
    if not news_entries:
        yield Problem(source, 0, f"sitemap with {len(entries)} urls but no news entries (<news:news>): "
                                 "not read (Akhbar reads news sitemaps, not whole sites)", SOURCE)
        return
    if fetch_page is None:
        yield Problem(source, 0, f"{len(news_entries)} news entries not read: fetching pages is turned off "
                                 "(--no-fetch-pages)", SOURCE)
        return
    if len(news_entries) > MAX_ENTRIES:
        yield Problem(source, 0, f"{len(news_entries) - MAX_ENTRIES} news entries past the first "
                                 f"{MAX_ENTRIES:,} not read", NOTE)
    for number, (entry, news) in enumerate(news_entries[:MAX_ENTRIES], start=1):
        loc = _child_text(entry, "loc")
        if not loc:
            yield Problem(source, 0, f"entry {number}: no <loc>")
            continue
        title = _child_text(news, "title")
        publication = next((p for p in news if p.tag == f"{_NEWS}publication"), None)
        publisher = _child_text(publication, "name") if publication is not None else ""
        try:
            date = parse_date(_child_text(news, "publication_date"))
        except BadRecord:
            date = None
        try:
            page = fetch_page(loc)
        except (FetchError, BadRecord) as error:
            reason = error.reason if isinstance(error, FetchError) else str(error)
            yield Problem(source, 0, f"entry {number} ({loc}): {reason}")
            continue
        yield replace(
            page,
            title=title or page.title,
            date=date or page.date,
            source=publisher or page.source,
            origin=f"{source} entry {number}",
        )
