"""JSON Lines (``.jsonl``, ``.jsonl.gz``): one article object a line."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from search.ingest.records import (
    BOM,
    MAX_LINE_BYTES,
    SOURCE,
    BadRecord,
    Problem,
    Record,
    article_from_record,
)


def lines(handle) -> Iterator[tuple[int, bytes | None, bool]]:
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
            for number, raw, complete in lines(handle):
                record = _jsonl_record(path, number, raw, complete)
                if record is not None:
                    yield record
    except (OSError, EOFError) as error:
        # A truncated or corrupt .gz: what was read before stays read.
        if number:
            yield Problem(str(path), number + 1, f"cannot read further: {error}")
        else:
            yield Problem(str(path), 1, f"cannot read file: {error}", SOURCE)


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
