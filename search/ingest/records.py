"""The records every reader yields, and the rules they share.

Readers yield :class:`Article` for every good record and :class:`Problem`
for every bad one, so one bad record never costs the rest of its source, and
each problem says where it is.

What counts as bad, and what is repaired instead (so a reader never raises
on bad data, only on a source it cannot open):

- bad: invalid JSON (a truncated last line says so), a record that is not an
  object, a field of the wrong type (``"title": 5``), a date that is not ISO
  8601, an empty or whitespace-only body, bytes that are not UTF-8, a title
  over ``MAX_TITLE_CHARS`` (a scraping fault: a title is shown in every
  result list), a run of over ``MAX_WORD_LETTERS`` Arabic letters without a
  space, an id over ``MAX_ID_CHARS``, a line over ``MAX_LINE_BYTES``
  (skipped unread); in CSV, a row with more or fewer fields than the header
  or broken quoting.
- never bad: a long body.  An article of any length is stored and shown
  whole (the index says so if it cannot analyse all of it, see
  ``search.index.MAX_INDEXED_CHARS``).
- repaired: a UTF-8 byte order mark, CRLF line ends, NUL and other control
  characters (removed, tab and line ends kept), unpaired surrogate escapes
  in JSON (replaced by U+FFFD).
- kept as written: HTML and ``<script>`` in JSON, CSV and text files (it is
  text to index; the web layer escapes everything it shows).  Feeds, pages
  and WARC records are HTML by nature: their text is extracted.

Duplicate ids are not an ingest matter: the index keeps the last record with
an id and counts the ones it replaced (``search.index``).  Articles read from
the web take their id from their url (:func:`stable_id`), so the same
article seen in a feed, as a page and in a WARC file is one article.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

FIELDS = ("id", "title", "body", "date", "source", "category", "url")

MAX_TITLE_CHARS = 2_000
MAX_ID_CHARS = 1_000
# Arabic letters in one run without a space or mark.  Real words have under
# 30; the analysis (run-together splitting) costs the square of a run's
# length, so a 150,000-letter run would take minutes to index.
MAX_WORD_LETTERS = 1_000
_RUNAWAY_WORD = re.compile(f"[\u0620-\u064a\u066e-\u06d3]{{{MAX_WORD_LETTERS + 1},}}")
# A record line (or a .txt file) bigger than this is reported without being
# parsed, so one runaway line cannot exhaust memory.
MAX_LINE_BYTES = 16 * 1024 * 1024
# A page, feed or sitemap bigger than this is no news (and would take long to parse).
MAX_PAGE_BYTES = MAX_LINE_BYTES
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Article:
    id: str
    body: str
    title: str = ""
    date: datetime | None = None
    source: str = ""
    category: str = ""
    url: str = ""
    # "file:line" (or url, or "file@offset") it was read from, for messages
    # about it (not part of equality).
    origin: str = field(default="", compare=False)
    # The body is a feed entry's summary, not the article's text: a reading
    # of the same url with the full text replaces it (search.ingest.sources).
    partial: bool = field(default=False, compare=False)


# What a problem cost: one record skipped, a whole source unread (the command
# then exits non-zero), or nothing (a note about what was read).
RECORD = "record"
SOURCE = "source"
NOTE = "note"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # 0 when the source has no lines (a url, a WARC record, a whole file)
    message: str
    kind: str = RECORD

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"


Record = Article | Problem


class BadRecord(ValueError):
    """A record that cannot become an article; the message says why."""


def parse_date(value: object) -> datetime | None:
    """ISO 8601 date or date-time; naive times are taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord(f"date must be an ISO 8601 string, not {type(value).__name__}")
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        parsed = utc_naive(parsed)
    except (ValueError, OverflowError):
        raise BadRecord(f"bad date {value[:40]!r} (expected ISO 8601, e.g. 2022-09-14)") from None
    return parsed


# C0 controls but tab and line ends, and DEL: never meant as text, and NUL
# in particular breaks tools downstream of the index.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Text as it is indexed: control characters removed, unpaired surrogates
    (valid JSON escapes, but not encodable) replaced, ends stripped."""
    value = _CONTROL.sub("", value)
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return value.strip()


def _text(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "id":
        return str(value)
    if not isinstance(value, str):
        raise BadRecord(f"{name} must be a string, not {type(value).__name__}")
    return clean_text(value)


def stable_id(url: str, title: str, body: str) -> str:
    """An id that stays the same when the same article is read again, from
    its url (as :func:`url_key` compares urls) when it has one."""
    if url:
        return "url-" + hashlib.sha1(url_key(url).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return "sha-" + hashlib.sha1(f"{title}\n{body}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


# Query parameters that say how a reader came to a page, not which page it is.
_TRACKING = re.compile(r"utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|_ga", re.IGNORECASE)
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def url_key(url: str) -> str:
    """What makes two urls the same article: scheme, ``www.``, default port,
    fragment, tracking parameters, parameter order, a trailing slash and the
    spelling of percent-escapes (an Arabic slug raw or escaped) do not count."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower().removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_PATH_SAFE).rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.fullmatch(k))
    return urlunsplit(("", host, path, urlencode(query), ""))


_SENTENCE_END = re.compile(r"[.!?؟\n]")


def first_sentence(text: str, limit: int = 120) -> str:
    """A title for an article that has none: its first sentence, cut at a word."""
    text = text.strip()
    match = _SENTENCE_END.search(text)
    sentence = text[: match.start()] if match else text
    sentence = sentence.strip()
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + "…"
    return sentence


def check_size(text: str, name: str, limit: int | None = None) -> None:
    """Raise BadRecord for text over ``limit`` characters (titles), or with a
    runaway word (text whose spaces were lost).  A body has no limit."""
    if limit is not None and len(text) > limit:
        raise BadRecord(f"{name} too long: {len(text):,} characters (limit {limit:,})")
    runaway = _RUNAWAY_WORD.search(text)
    if runaway:
        raise BadRecord(
            f"{name} has a word of {len(runaway.group()):,} letters at character {runaway.start():,} "
            f"(limit {MAX_WORD_LETTERS:,}; spaces lost?)"
        )


def utc_naive(value: datetime) -> datetime:
    """A date as the index keeps it: UTC, without a time zone (naive = UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def article_from_record(record: object, origin: str = "") -> Article:
    """An article from a decoded record; raises BadRecord saying what is wrong."""
    if not isinstance(record, dict):
        raise BadRecord("record is not a JSON object")
    body = _text(record, "body")
    if not body:
        raise BadRecord("no body (missing, empty or only spaces)")
    check_size(body, "body")
    title = _text(record, "title")
    check_size(title, "title", MAX_TITLE_CHARS)
    url = _text(record, "url")
    doc_id = _text(record, "id")
    if len(doc_id) > MAX_ID_CHARS:
        raise BadRecord(f"id too long: {len(doc_id):,} characters (limit {MAX_ID_CHARS:,})")
    return Article(
        id=doc_id or stable_id(url, title, body),
        title=title,
        body=body,
        date=parse_date(record.get("date")),
        source=_text(record, "source"),
        category=_text(record, "category"),
        url=url,
        origin=origin,
    )
