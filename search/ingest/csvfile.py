"""CSV with a header row naming the fields (``id, title, body, date, source,
category, url``; ``body`` required)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from search.ingest.records import (
    FIELDS,
    MAX_LINE_BYTES,
    SOURCE,
    BadRecord,
    Problem,
    Record,
    article_from_record,
    clean_text,
)


def _raise_csv_field_limit() -> None:
    # The default (128 KiB) would stop a whole file at one long body; the
    # rules of article_from_record judge it instead.
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
            yield Problem(str(path), rows.line_num, f"bad CSV header: {error}", SOURCE)
            return
        names = [clean_text(name) for name in header or ()]
        if "body" not in names:
            yield Problem(str(path), 1, "CSV header has no 'body' column", SOURCE)
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
