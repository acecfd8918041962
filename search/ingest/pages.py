"""HTML pages of news sites: the article in them, without the page around it.

trafilatura finds the main text (navigation, ads, related links, comments
and footers left out, and pages that hold no article, such as a section's
front page, give none) and the metadata: title, publication date (from
JSON-LD, OpenGraph and other meta tags, the page's own dates last), site
name.  What trafilatura leaves to its caller is done here:

- decoding: a byte order mark, the HTTP charset, a ``<meta charset>`` (or
  ``http-equiv``) or the XML declaration, else UTF-8 if the bytes are UTF-8,
  else Windows-1256, the Arabic web's other encoding;
- the article's url: the page's ``<link rel=canonical>`` or ``og:url``
  (resolved against the page's own url), unless it names another site or a
  site's home page (a common template fault), else the url it was fetched
  from;
- the text of an HTML fragment (a feed's ``content:encoded``), with
  paragraph breaks and without scripts.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from search.ingest.records import (
    MAX_PAGE_BYTES,
    MAX_TITLE_CHARS,
    SOURCE,
    Article,
    BadRecord,
    Problem,
    Record,
    check_size,
    clean_text,
    first_sentence,
    stable_id,
    utc_naive,
)

# trafilatura and its helpers log every page they find no text in; the
# reader reports that itself, once, with the page's name.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# Publication dates: htmldate's original-date search, with the time when the
# page gives one, from the page's markup (meta tags, JSON-LD, <time>, the
# url) only: its "extensive" search of the text takes a footer's copyright
# year for a date (2024-01-01), and no date is better than a wrong one.
_DATE_PARAMS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Labels that browsers read as Windows-1252 (WHATWG Encoding), which a
# misconfigured server often sends for a page that is really UTF-8.
_LATIN = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def decode_html(data: bytes, charset: str | None = None) -> str:
    """The page's text, its encoding found as browsers find it (see above)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace")
    head = data[:4096]
    declared = [charset] if charset else []
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match:
        declared.append(match.group(1).decode("ascii"))
    for label in declared:
        name = _codec(label)
        if name is None:
            continue
        if label.strip().lower() in _LATIN:
            try:
                text = data.decode("utf-8")
                if not text.isascii():
                    return text  # a UTF-8 page mislabelled Latin
            except UnicodeDecodeError:
                pass
        return data.decode(name, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1256", "replace")


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in _LATIN:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _head_metadata(text: str) -> dict[str, str]:
    """canonical, og:url, og:site_name, article:section and og:title from the page's head."""
    found: dict[str, str] = {}
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (lxml.etree.ParserError, ValueError):
        return found
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href") and "canonical" not in found:
            found["canonical"] = link.get("href").strip()
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if value and key in ("og:url", "og:site_name", "article:section", "og:title") and key not in found:
            found[key] = value
    return found


def _same_site(a: str, b: str) -> bool:
    def site(url: str) -> str:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")

    return site(a) == site(b)


def article_url(page_url: str, canonical: str = "", og_url: str = "") -> str:
    """The url an article is known by (see the module's docstring)."""
    for candidate in (canonical, og_url):
        if not candidate:
            continue
        absolute = urljoin(page_url, candidate) if page_url else candidate
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if page_url:
            if not _same_site(absolute, page_url):
                continue
            if parts.path in ("", "/") and urlsplit(page_url).path not in ("", "/"):
                continue
        return absolute
    return page_url


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return utc_naive(datetime.strptime(value, pattern))
        except ValueError:
            continue
    return None


def _without_title(body: str, title: str) -> str:
    """The text less its first line when that line is the headline again."""
    first, _, rest = body.partition("\n")
    if title and rest.strip() and " ".join(first.split()) == " ".join(title.split()):
        return rest.strip()
    return body


def article_from_html(data: bytes | str, url: str = "", origin: str = "", charset: str | None = None) -> Article:
    """The article of a news page; BadRecord when the page holds none.

    ``url`` is where the page was fetched from (or archived from), if known.
    """
    text = data if isinstance(data, str) else decode_html(data, charset)
    head = _head_metadata(text)
    url = article_url(url, head.get("canonical", ""), head.get("og:url", ""))
    try:
        document = trafilatura.bare_extraction(
            text,
            url=url or None,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as error:  # trafilatura on odd markup
        raise BadRecord(f"page could not be parsed: {error}") from None
    body = clean_text(getattr(document, "text", None) or "")
    if not body:
        raise BadRecord("no article text in the page (only navigation, links or boilerplate)")
    title = clean_text(getattr(document, "title", None) or head.get("og:title", ""))
    body = _without_title(body, title)
    check_size(body, "body")
    if len(title) > MAX_TITLE_CHARS:
        title = ""
    title = title or first_sentence(body)
    categories = getattr(document, "categories", None) or []
    source = head.get("og:site_name") or getattr(document, "sitename", None) or ""
    if not source and url:
        source = (urlsplit(url).hostname or "").removeprefix("www.")
    return Article(
        id=stable_id(url, title, body),
        title=title,
        body=body,
        date=_date(getattr(document, "date", None)),
        source=clean_text(source),
        category=clean_text(head.get("article:section") or (categories[0] if categories else "")),
        url=url,
        origin=origin or url,
    )


def read_html(path: Path) -> Iterator[Record]:
    """A saved page: one article, or a problem saying why there is none."""
    if path.stat().st_size > MAX_PAGE_BYTES:
        yield Problem(str(path), 0, f"page larger than {MAX_PAGE_BYTES // 2**20} MB, skipped unread", SOURCE)
        return
    try:
        yield article_from_html(path.read_bytes(), origin=str(path))
    except BadRecord as error:
        yield Problem(str(path), 0, str(error))


# Elements whose text is not the article's.
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "svg", "button", "form")
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr section article header footer figure "
    "figcaption dd dt dl hr address aside main".split()
)
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (a feed entry's content or summary):
    paragraphs on lines of their own, scripts and styles left out, entities
    decoded.  Plain text passes through unchanged."""
    if "<" not in html and "&" not in html:
        return clean_text(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return clean_text(html)
    for element in list(root.iter(*_DROP)):
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    text = root.text_content()
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    return clean_text(_BLANK_LINES.sub("\n", text))
