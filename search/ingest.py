"""Reading articles from corpus files.

Readers yield :class:`Article` for every good record and :class:`Problem`
for every bad one, so one bad line never costs the rest of its file, and
each problem says where it is.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

FIELDS = ("id", "title", "body", "date", "source", "category", "url")
SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".txt")


@dataclass(frozen=True)
class Article:
    id: str
    body: str
    title: str = ""
    date: datetime | None = None
    source: str = ""
    category: str = ""
    url: str = ""


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
    except ValueError:
        raise BadRecord(f"bad date {value!r} (expected ISO 8601, e.g. 2022-09-14)") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _text(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "id":
        return str(value)
    if not isinstance(value, str):
        raise BadRecord(f"{name} must be a string, not {type(value).__name__}")
    return value.strip()


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


def article_from_record(record: object) -> Article:
    if not isinstance(record, dict):
        raise BadRecord("record is not a JSON object")
    body = _text(record, "body")
    if not body:
        raise BadRecord("no body")
    title = _text(record, "title")
    url = _text(record, "url")
    return Article(
        id=_text(record, "id") or stable_id(url, title, body),
        title=title,
        body=body,
        date=parse_date(record.get("date")),
        source=_text(record, "source"),
        category=_text(record, "category"),
        url=url,
    )


def read_jsonl(path: Path) -> Iterator[Record]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
                yield article_from_record(json.loads(line))
            except UnicodeDecodeError as error:
                yield Problem(str(path), number, f"undecodable bytes (not UTF-8) at byte {error.start}")
            except json.JSONDecodeError as error:
                yield Problem(str(path), number, f"invalid JSON: {error.msg} at column {error.colno}")
            except BadRecord as error:
                yield Problem(str(path), number, str(error))


def read_csv(path: Path) -> Iterator[Record]:
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "body" not in reader.fieldnames:
            yield Problem(str(path), 1, "CSV header has no 'body' column")
            return
        line = reader.line_num + 1
        for row in reader:
            try:
                if any(isinstance(v, str) and _has_surrogates(v) for v in row.values()):
                    raise BadRecord("undecodable bytes (not UTF-8)")
                if None in row:
                    raise BadRecord("more fields than the header names")
                yield article_from_record({k: (v or None) for k, v in row.items() if k in FIELDS})
            except BadRecord as error:
                yield Problem(str(path), line, str(error))
            line = reader.line_num + 1


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def read_txt(path: Path) -> Iterator[Record]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        yield Problem(str(path), line, f"undecodable bytes (not UTF-8) at byte {error.start}")
        return
    body = text.strip()
    if not body:
        yield Problem(str(path), 1, "no body (empty file)")
        return
    yield Article(id=path.stem, title=first_sentence(body), body=body)


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
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            yield Problem(str(item), 0, f"cannot read file: {error}")
