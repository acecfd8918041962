"""SQLite FTS5: the unicode61 tokenizer with diacritics removed, bm25()."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from search.baselines import DEPTH, Run
from search.ingest import Article

_WORD = re.compile(r"\w", re.UNICODE)


def run_fts5(articles: list[Article], queries: dict[str, str], workdir: Path) -> tuple[Run, float]:
    db = sqlite3.connect(str(workdir / "fts5.sqlite"))
    try:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(docid UNINDEXED, text, tokenize='unicode61 remove_diacritics 2')")
        db.executemany(
            "INSERT INTO docs(docid, text) VALUES (?, ?)",
            ((a.id, f"{a.title}\n{a.body}") for a in articles),
        )
        db.commit()
        run: Run = {}
        started = time.perf_counter()
        for qid, text in queries.items():
            words = ['"' + w.replace('"', '""') + '"' for w in text.split() if _WORD.search(w)]
            if not words:
                run[qid] = []
                continue
            try:
                rows = db.execute(
                    "SELECT docid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                    (" OR ".join(words), DEPTH),
                ).fetchall()
            except sqlite3.OperationalError:
                rows = []
            run[qid] = [r[0] for r in rows]
        return run, time.perf_counter() - started
    finally:
        db.close()
