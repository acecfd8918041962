"""Plain-text articles (``.txt``): one a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from search.ingest.records import (
    MAX_LINE_BYTES,
    Article,
    BadRecord,
    Problem,
    Record,
    check_size,
    clean_text,
    first_sentence,
)


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
        check_size(body, "body")
    except BadRecord as error:
        yield Problem(str(path), 1, str(error))
        return
    yield Article(id=path.stem, title=first_sentence(body), body=body, origin=f"{path}:1")
