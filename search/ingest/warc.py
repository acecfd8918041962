"""Web archives (``.warc``, ``.warc.gz``), as crawlers write them.

Every ``response`` record of an HTML page answered with status 200 is read
as a page (search.ingest.pages) with the record's target url; every other
record (requests, metadata, redirects, images, revisits...) is skipped and
counted, and the counts are reported once per file.

warcio reads the records; what it does not say is checked here: a record
whose block is shorter than its ``Content-Length`` (a file cut in the middle
of a record) is reported and skipped, and bytes left over after the last
record it could read (a file cut in a record's headers, or in a gzip
member) are reported with their offset.  Records before the cut are kept.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from search.ingest.pages import article_from_html
from search.ingest.records import MAX_PAGE_BYTES, NOTE, RECORD, SOURCE, Article, BadRecord, Problem, Record

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path) -> Iterator[Record]:
    """Articles from a WARC file on disk."""
    with open(path, "rb") as handle:
        yield from read_warc_stream(handle, str(path))


def read_warc_stream(stream: BinaryIO, source: str) -> Iterator[Record]:
    """Articles from a seekable binary stream of WARC records (gzipped or not)."""
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    if size and not _starts_as_warc(stream.read(64 * 1024)):
        yield Problem(source, 0, "not a WARC file (it does not begin with a WARC/1.x record)", SOURCE)
        return
    stream.seek(0)
    skipped: Counter[str] = Counter()
    pages = 0
    records = ArchiveIterator(stream)
    try:
        for record in records:
            read = _page(record, source, records.offset)
            if isinstance(read, str):
                skipped[read] += 1
            else:
                pages += isinstance(read, Article)
                yield read
    except ArchiveLoadFailed as error:
        kind = SOURCE if not pages and not skipped else RECORD
        yield Problem(source, 0, f"not readable as WARC at byte {records.offset:,}: {_first_line(error)}", kind)
        size = records.offset  # reported; nothing more to say about the rest
    except (OSError, EOFError, ValueError, AttributeError, TypeError) as error:
        # warcio meets a file cut inside a gzip member or a record's headers
        # with assorted errors; what was read before stays read.
        yield Problem(source, 0, f"cannot read further at byte {records.offset:,} (truncated file?): "
                                 f"{type(error).__name__}: {_first_line(error)}")
        size = records.offset
    if records.offset < size:
        yield Problem(source, 0, f"cannot read further at byte {records.offset:,} of {size:,}: "
                                 "no complete WARC record there (truncated file?)",
                      RECORD if pages or skipped else SOURCE)
    elif not pages and not skipped and size == 0:
        yield Problem(source, 0, "empty file: no WARC records", SOURCE)
    if skipped:
        counts = ", ".join(f"{n} {reason}" for reason, n in skipped.most_common())
        yield Problem(source, 0, f"{pages} HTML pages read; {sum(skipped.values())} other records skipped ({counts})",
                      NOTE)


def _page(record, source: str, offset: int) -> Article | Problem | str:
    """The record's article, a problem with it, or why it is no page (to count)."""
    if record.rec_type != "response":
        return record.rec_type or "untyped"
    headers = record.http_headers
    if headers is None:
        return "non-HTTP response"
    status = headers.get_statuscode() or ""
    if status != "200":
        return f"status {status or 'missing'}"
    content_type = (headers.get_header("Content-Type") or "").lower()
    media_type = content_type.split(";", 1)[0].strip()
    if media_type and media_type not in _HTML_TYPES:
        return "not HTML"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = f"record at byte {offset:,} ({url})"
    data = record.content_stream().read(MAX_PAGE_BYTES + 1)
    while record.raw_stream.read(64 * 1024):
        pass  # the rest, to find out whether the record is complete
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        return Problem(source, 0, f"{where} is cut short, {missing:,} bytes missing (truncated file?)")
    if len(data) > MAX_PAGE_BYTES:
        return Problem(source, 0, f"{where}: page larger than {MAX_PAGE_BYTES // 2**20} MB, skipped")
    if not media_type and b"<html" not in data[:4096].lower():
        return "not HTML"
    charset = None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip() == "charset":
            charset = value.strip().strip("\"'") or None
    try:
        return article_from_html(data, url=url, origin=f"{source}@{offset}", charset=charset)
    except BadRecord as error:
        return Problem(source, 0, f"{where}: {error}")


def _starts_as_warc(head: bytes) -> bool:
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error:
            return False
    return head.lstrip().startswith(b"WARC/")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__
