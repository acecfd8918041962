"""Reading articles: corpus files (JSON Lines, CSV, text), RSS/Atom feeds,
news pages, news sitemaps and WARC files, from disk or over HTTP.

Every reader yields :class:`Article` for each good record and
:class:`Problem` for each bad one (with its file and line, or url), so one
bad record never costs the rest; :func:`read_sources` reads any mix of
files, directories and urls as one stream.  A module per kind of source:
``jsonl``, ``csvfile``, ``text``, ``feeds``, ``pages``, ``sitemap``,
``warc``; ``fetch`` is the one HTTP client; ``sources`` decides which reader
reads what; ``records`` holds the rules they share.
"""

from search.ingest.csvfile import read_csv
from search.ingest.jsonl import read_jsonl
from search.ingest.records import (
    BOM,
    FIELDS,
    MAX_ID_CHARS,
    MAX_LINE_BYTES,
    MAX_TITLE_CHARS,
    MAX_WORD_LETTERS,
    NOTE,
    RECORD,
    SOURCE,
    Article,
    BadRecord,
    Problem,
    Record,
    article_from_record,
    check_size,
    clean_text,
    first_sentence,
    parse_date,
    stable_id,
    url_key,
)
from search.ingest.sources import KINDS, SUFFIXES, expand, read_sources, sniff, supported
from search.ingest.text import read_txt

__all__ = [
    "BOM", "FIELDS", "KINDS", "MAX_ID_CHARS", "MAX_LINE_BYTES", "MAX_TITLE_CHARS", "MAX_WORD_LETTERS",
    "NOTE", "RECORD", "SOURCE", "SUFFIXES", "Article", "BadRecord", "Problem", "Record",
    "article_from_record", "check_size", "clean_text", "expand", "first_sentence", "parse_date",
    "read_csv", "read_jsonl", "read_sources", "read_txt", "sniff", "stable_id", "supported", "url_key",
]
