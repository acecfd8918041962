"""A search to take away: an Atom feed of it (a news alert in any feed
reader) and its results as CSV (a spreadsheet).

Both take the search page's parameters (web/params.py) and format what the
Searcher returns; a bad parameter is a 400 with the API's JSON error.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from search.results import Row, SearchResults

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 20  # when the URL does not say per_page
EXPORT_LIMIT = 10_000
CSV_COLUMNS = ("id", "title", "date", "source", "category", "url", "score", "cluster")
# Characters XML 1.0 cannot hold (control characters, lone surrogates,
# U+FFFE/FFFF): a feed with one is not well-formed, so they are dropped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MARK = re.compile(r"</?mark>")
# A cell starting with one of these is a formula to a spreadsheet.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")

ET.register_namespace("", ATOM)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _stamp(value: datetime) -> str:
    """RFC 3339, in UTC (the index keeps naive dates, taken as UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def plain(snippet_html: str) -> str:
    """A snippet's text without its <mark> tags and HTML escapes."""
    return html.unescape(_MARK.sub("", snippet_html))


def atom(results: SearchResults, title: str, self_url: str, page_url: str, article_url, now: datetime) -> bytes:
    """An Atom 1.0 feed of ``results`` (newest first, as the caller
    searched).  ``article_url(id)`` is an article's absolute address on
    this site, also its entry's id; an undated article is dated ``now``."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _text(title)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = _text(self_url)
    dates = [h.date for h in results.hits if h.date is not None]
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(max(dates) if dates else now)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=_text(self_url))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=_text(page_url))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "أخبار"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "Akhbar"
    for hit in results.hits:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _text(hit.title or hit.id)
        here = article_url(hit.id)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _text(here)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(hit.date or now)
        if hit.date is not None:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(hit.date)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=_text(here))
        if hit.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=_text(hit.url))
        if hit.source:
            source = ET.SubElement(entry, f"{{{ATOM}}}author")
            ET.SubElement(source, f"{{{ATOM}}}name").text = _text(hit.source)
        if hit.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=_text(hit.category))
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = _text(plain(hit.snippet))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _cell(value: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (OWASP's advice:
    a leading quote)."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA) else value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The export, a few rows at a time: a UTF-8 byte order mark first (so
    that Excel reads the file as UTF-8), a header, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for n, row in enumerate(rows, 1):
        date = row.date.date().isoformat() if row.date and row.date.time() == datetime.min.time() else (
            row.date.isoformat() if row.date else "")
        writer.writerow([_cell(row.id), _cell(row.title), date, _cell(row.source), _cell(row.category),
                         _cell(row.url), f"{row.score:g}", _cell(row.cluster)])
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
