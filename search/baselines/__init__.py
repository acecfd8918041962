"""Other engines run over the same documents and queries as Akhbar, so that
``akhbar eval`` can say where Akhbar stands: SQLite FTS5, Tantivy and Lucene.

Each indexes an article's title and body as one field, searches the
query's words ORed with its own analysis and BM25, and lists the top
``DEPTH`` article ids; :func:`run` returns those lists and the seconds the
queries took (indexing not counted).  They are what the peers do out of the
box, as the shared collections' README measured them, not tuned.
"""

from __future__ import annotations

from pathlib import Path

from search.ingest import Article

DEPTH = 100
KINDS = ("fts5", "tantivy", "lucene")

Run = dict[str, list[str]]


def run(kind: str, articles: list[Article], queries: dict[str, str], workdir: Path) -> tuple[Run, float]:
    """The ranked article ids of every query, by the engine ``kind``."""
    if kind == "fts5":
        from search.baselines.fts5 import run_fts5 as engine
    elif kind == "tantivy":
        from search.baselines.tantivy import run_tantivy as engine
    elif kind == "lucene":
        from search.baselines.lucene import run_lucene as engine
    else:
        raise ValueError(f"unknown baseline {kind!r}; known: {', '.join(KINDS)}")
    return engine(articles, queries, workdir)
