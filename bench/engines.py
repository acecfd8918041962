"""The engines the benchmark compares, each behind the same three calls.

``build(workdir, articles)`` indexes an iterable of :class:`Article` and
returns the directory it wrote; ``open(workdir)`` returns a searcher object
with ``search(query, short) -> number of hits shown`` that makes a page of
ten results with snippets, the way a search page would.

* ``akhbar``: ``search.index.build`` (the real build, writer settings and
  all) and ``Searcher.search`` (ranking, snippets, facets, suggestions).
* ``plain``: the same build with every text field analysed by Whoosh's
  regex tokenizer and lowercase filter, so that the cost of the Arabic
  analysis is a ratio measured in the same run.
* ``fts5``: SQLite FTS5, ``unicode61 remove_diacritics 2``, ``bm25()``,
  ``snippet()`` on the body.
* ``tantivy``: the ``tantivy`` wheel, a regex tokenizer that keeps marks
  inside words, lowercase, Snowball Arabic, ``SnippetGenerator`` on the body.

Short queries (three words or fewer) need every word, longer ones any word,
in every engine: that is what Akhbar's default "auto" mode does, so all four
answer the same question.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from search.ingest import Article

ENGINES = ("akhbar", "plain", "fts5", "tantivy")
# Engines whose queries are measured (plain exists only for the build ratio).
QUERY_ENGINES = ("akhbar", "fts5", "tantivy")
PAGE = 10
SHORT_MAX_WORDS = 3

_WORD = re.compile(r"[^\W_]", re.UNICODE)


class Engine(Protocol):
    def search(self, query: str) -> int: ...

    def close(self) -> None: ...


def words(query: str) -> list[str]:
    """The query's words, without bare punctuation."""
    return [w for w in query.split() if _WORD.search(w)]


# -- Akhbar and the plain-analyzer twin ------------------------------------------------


def plain_schema():
    """Akhbar's own schema, every text field analysed by Whoosh's regex
    tokenizer and lowercase filter instead (same fields, same formats)."""
    import copy

    from whoosh.analysis import LowercaseFilter, RegexTokenizer
    from whoosh.fields import TEXT

    from search.index import make_schema

    schema = copy.deepcopy(make_schema())
    plain = RegexTokenizer(r"\w+") | LowercaseFilter()
    for _name, fieldobj in schema.items():
        if isinstance(fieldobj, TEXT):
            fieldobj.analyzer = plain
    return schema


def build_akhbar(workdir: Path, articles: Iterable[Article], plain: bool = False) -> Path:
    """The real ``akhbar build``, optionally with the plain schema swapped in
    (same writer, same settings, same documents)."""
    from search import index as idx

    target = workdir / "index"
    if plain:
        original = idx.make_schema
        schema = plain_schema()
        idx.make_schema = lambda config=None: schema
        try:
            idx.build(target, articles)
        finally:
            idx.make_schema = original
    else:
        idx.build(target, articles)
    return target


class AkhbarEngine:
    def __init__(self, workdir: Path) -> None:
        from search.searcher import Searcher

        self.searcher = Searcher(workdir / "index")

    def search(self, query: str) -> int:
        results = self.searcher.search(query, page=1, per_page=PAGE)
        return len(results.hits)

    def close(self) -> None:
        self.searcher.close()


# -- SQLite FTS5 ------------------------------------------------------------------------------


def build_fts5(workdir: Path, articles: Iterable[Article]) -> Path:
    path = workdir / "fts5.sqlite"
    db = sqlite3.connect(str(path))
    try:
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(docid UNINDEXED, title, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        db.executemany(
            "INSERT INTO docs(docid, title, body) VALUES (?, ?, ?)",
            ((a.id, a.title, a.body) for a in articles),
        )
        db.commit()
    finally:
        db.close()
    return path


class Fts5Engine:
    SQL = (
        "SELECT docid, title, snippet(docs, 2, '<mark>', '</mark>', ' … ', 24) "
        "FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?"
    )

    def __init__(self, workdir: Path) -> None:
        self.db = sqlite3.connect(str(workdir / "fts5.sqlite"), check_same_thread=False)

    def search(self, query: str) -> int:
        terms = ['"' + w.replace('"', '""') + '"' for w in words(query)]
        if not terms:
            return 0
        joiner = " AND " if len(terms) <= SHORT_MAX_WORDS else " OR "
        try:
            rows = self.db.execute(self.SQL, (joiner.join(terms), PAGE)).fetchall()
        except sqlite3.OperationalError:
            return 0
        return len(rows)

    def close(self) -> None:
        self.db.close()


# -- Tantivy ------------------------------------------------------------------------------------

# Letters, marks (diacritics stay inside the word) and digits.
def _tantivy_schema_and_analyzer():
    import tantivy

    from search.baselines.tantivy import tantivy_analyzer

    analyzer = tantivy_analyzer()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("docid", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="arabic_snowball")
    builder.add_text_field("body", stored=True, tokenizer_name="arabic_snowball")
    return builder.build(), analyzer


def build_tantivy(workdir: Path, articles: Iterable[Article], threads: int = 2) -> Path:
    """Both cores, as Akhbar's build gets."""
    import tantivy

    schema, analyzer = _tantivy_schema_and_analyzer()
    path = workdir / "tantivy"
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    index.register_tokenizer("arabic_snowball", analyzer)
    writer = index.writer(heap_size=200_000_000, num_threads=threads)
    for a in articles:
        writer.add_document(tantivy.Document(docid=a.id, title=a.title, body=a.body))
    writer.commit()
    writer.wait_merging_threads()
    return path


class TantivyEngine:
    def __init__(self, workdir: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.schema, analyzer = _tantivy_schema_and_analyzer()
        self.index = tantivy.Index.open(str(workdir / "tantivy"))
        self.index.register_tokenizer("arabic_snowball", analyzer)
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: str) -> int:
        terms = ['"' + w.replace("\\", " ").replace('"', " ") + '"' for w in words(query)]
        if not terms:
            return 0
        if len(terms) <= SHORT_MAX_WORDS:
            terms = ["+" + t for t in terms]
        try:
            parsed = self.index.parse_query(" ".join(terms), ["title", "body"])
        except ValueError:
            return 0
        hits = self.searcher.search(parsed, PAGE).hits
        if not hits:
            return 0
        snippets = self.tantivy.SnippetGenerator.create(self.searcher, parsed, self.schema, "body")
        shown = 0
        for _score, address in hits:
            doc = self.searcher.doc(address)
            snippets.snippet_from_doc(doc).to_html()
            _ = doc["docid"][0], doc["title"][0]
            shown += 1
        return shown

    def close(self) -> None:
        pass


def build(engine: str, workdir: Path, articles: Iterable[Article]) -> Path:
    if engine == "akhbar":
        return build_akhbar(workdir, articles)
    if engine == "plain":
        return build_akhbar(workdir, articles, plain=True)
    if engine == "fts5":
        return build_fts5(workdir, articles)
    if engine == "tantivy":
        return build_tantivy(workdir, articles)
    raise ValueError(f"unknown engine {engine!r}")


def open_engine(engine: str, workdir: Path) -> Engine:
    if engine == "akhbar":
        return AkhbarEngine(workdir)
    if engine == "fts5":
        return Fts5Engine(workdir)
    if engine == "tantivy":
        return TantivyEngine(workdir)
    raise ValueError(f"no queries for engine {engine!r}")
