"""Reading articles from corpus files.

Readers yield :class:`Article` for every good record and :class:`Problem`
for every bad one, so one bad line never costs the rest of its file, and
each problem says where it is.

What counts as bad, and what is repaired instead (so a reader never raises
on bad data, only on a file it cannot open):

- bad: invalid JSON (a truncated last line says so), a record that is not an
  object, a field of the wrong type (``"title": 5``), a date that is not ISO
  8601, an empty or whitespace-only body, bytes that are not UTF-8, a body
  over ``MAX_BODY_CHARS`` or a title over ``MAX_TITLE_CHARS`` (news articles
  are far shorter; a bigger one is a scraping fault and would make every
  page that shows it slow), a run of over ``MAX_WORD_LETTERS`` Arabic
  letters without a space, an id over ``MAX_ID_CHARS``, a line over
  ``MAX_LINE_BYTES`` (skipped unread);
  in CSV, a row with more or fewer fields than the header or broken quoting.
- repaired: a UTF-8 byte order mark, CRLF line ends, NUL and other control
  characters (removed, tab and line ends kept), unpaired surrogate escapes
  in JSON (replaced by U+FFFD).
- kept as written: HTML and ``<script>`` in text (it is text to index; the
  web layer escapes everything it shows).

Duplicate ids are not an ingest matter: the index keeps the last record with
an id and counts the ones it replaced (``search.index``).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

FIELDS = ("id", "title", "body", "date", "source", "category", "url")
SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".txt")

# The longest body in the 60,000-article news corpus is 34,000 characters.
MAX_BODY_CHARS = 200_000
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
    # "file:line" it was read from, for messages about it (not part of equality).
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


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
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
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
    """An id that stays the same when the same article is read again."""
    if url:
        return "url-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    return "sha-" + hashlib.sha1(f"{title}\n{body}".encode("utf-8")).hexdigest()[:16]


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


def check_size(text: str, name: str, limit: int) -> None:
    """Raise BadRecord for text too long to be an article's, or with a
    runaway word (text whose spaces were lost)."""
    if len(text) > limit:
        raise BadRecord(f"{name} too long: {len(text):,} characters (limit {limit:,})")
    runaway = _RUNAWAY_WORD.search(text)
    if runaway:
        raise BadRecord(
            f"{name} has a word of {len(runaway.group()):,} letters at character {runaway.start():,} "
            f"(limit {MAX_WORD_LETTERS:,}; spaces lost?)"
        )


def article_from_record(record: object, origin: str = "") -> Article:
    """An article from a decoded record; raises BadRecord saying what is wrong."""
    if not isinstance(record, dict):
        raise BadRecord("record is not a JSON object")
    body = _text(record, "body")
    if not body:
        raise BadRecord("no body (missing, empty or only spaces)")
    check_size(body, "body", MAX_BODY_CHARS)
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


def _lines(handle) -> Iterator[tuple[int, bytes | None, bool]]:
    """(number, bytes, ends_with_newline) for each line; bytes is None for a
    line over MAX_LINE_BYTES, which is skipped without being held in memory."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(MAX_LINE_BYTES)
            yield number, None, True
            continue
        yield number, raw, raw.endswith(b"\n")


def read_jsonl(path: Path) -> Iterator[Record]:
    """Articles and problems from a JSON Lines file, one record a line."""
    opener = gzip.open if path.name.endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, raw, complete in _lines(handle):
                record = _jsonl_record(path, number, raw, complete)
                if record is not None:
                    yield record
    except (OSError, EOFError) as error:
        # A truncated or corrupt .gz: what was read before stays read.
        where = "further" if number else "file"
        yield Problem(str(path), number + 1, f"cannot read {where}: {error}")


def _jsonl_record(path: Path, number: int, raw: bytes | None, complete: bool) -> Record | None:
    if raw is None:
        return Problem(str(path), number, f"line longer than {MAX_LINE_BYTES // 2**20} MB, skipped unread")
    if raw.startswith(BOM):
        raw = raw[len(BOM):]  # at the file start, or where files were concatenated
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
        # strict=False: a raw tab or NUL inside a string is repaired, not fatal.
        return article_from_record(json.loads(line, strict=False), origin=f"{path}:{number}")
    except UnicodeDecodeError as error:
        return Problem(str(path), number, f"undecodable bytes (not UTF-8) at byte {error.start}")
    except json.JSONDecodeError as error:
        hint = "" if complete else " (last line has no line end: truncated file?)"
        return Problem(str(path), number, f"invalid JSON: {error.msg} at column {error.colno}{hint}")
    except RecursionError:
        return Problem(str(path), number, "invalid JSON: nested too deeply")
    except BadRecord as error:
        return Problem(str(path), number, str(error))
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        return Problem(str(path), number, f"invalid JSON: {error}")


def _raise_csv_field_limit() -> None:
    # The default (128 KiB) would stop a whole file at one long body; the
    # length rules of article_from_record judge it instead.
    if csv.field_size_limit() < MAX_LINE_BYTES:
        csv.field_size_limit(MAX_LINE_BYTES)


def read_csv(path: Path) -> Iterator[Record]:
    """Articles and problems from a CSV file with a header row naming the fields."""
    _raise_csv_field_limit()
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        rows = csv.reader(handle, strict=True)
        try:
            header = next(rows, None)
        except csv.Error as error:
            yield Problem(str(path), rows.line_num, f"bad CSV header: {error}")
            return
        names = [clean_text(name) for name in header or ()]
        if "body" not in names:
            yield Problem(str(path), 1, "CSV header has no 'body' column")
            return
        line = rows.line_num + 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                yield Problem(str(path), line, f"bad CSV row: {error}")
                line = rows.line_num + 1
                continue
            if any(cell.strip() for cell in row):
                yield _csv_record(path, line, names, row)
            line = rows.line_num + 1


def _csv_record(path: Path, line: int, names: list[str], row: list[str]) -> Record:
    try:
        if any(_has_surrogates(cell) for cell in row):
            raise BadRecord("undecodable bytes (not UTF-8)")
        if len(row) > len(names):
            raise BadRecord("more fields than the header names")
        if len(row) < len(names):
            raise BadRecord(f"{len(row)} fields, the header names {len(names)} (truncated line?)")
        record = {k: (v or None) for k, v in zip(names, row) if k in FIELDS}
        return article_from_record(record, origin=f"{path}:{line}")
    except BadRecord as error:
        return Problem(str(path), line, str(error))


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def read_txt(path: Path) -> Iterator[Record]:
    """One article per plain-text file: id from the name, title from the first sentence."""
    if path.stat().st_size > MAX_LINE_BYTES:
        yield Problem(str(path), 1, f"file larger than {MAX_LINE_BYTES // 2**20} MB, skipped unread")
        return
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        yield Problem(str(path), line, f"undecodable bytes (not UTF-8) at byte {error.start}")
        return
    body = clean_text(text)
    if not body:
        yield Problem(str(path), 1, "no body (empty file)")
        return
    try:
        check_size(body, "body", MAX_BODY_CHARS)
    except BadRecord as error:
        yield Problem(str(path), 1, str(error))
        return
    yield Article(id=path.stem, title=first_sentence(body), body=body, origin=f"{path}:1")


def supported(path: Path) -> bool:
    return path.name.endswith(SUFFIXES)


def expand(sources: Iterable[str | Path]) -> Iterator[Path | Problem]:
    """Files named directly, and every supported file under a directory."""
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and supported(p)):
                yield child
        elif path.is_file():
            if supported(path):
                yield path
            else:
                yield Problem(str(path), 0, f"unsupported file type (use one of {', '.join(SUFFIXES)})")
        else:
            yield Problem(str(path), 0, "no such file or directory")


def read_sources(sources: Iterable[str | Path]) -> Iterator[Record]:
    """Every article and every problem from the given files and directories."""
    for item in expand(sources):
        if isinstance(item, Problem):
            yield item
            continue
        if item.name.endswith((".jsonl", ".jsonl.gz")):
            reader = read_jsonl
        elif item.name.endswith(".csv"):
            reader = read_csv
        else:
            reader = read_txt
        try:
            yield from reader(item)
        except (OSError, EOFError, UnicodeError, csv.Error) as error:
            yield Problem(str(item), 0, f"cannot read file: {error}")
