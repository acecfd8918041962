"""Tantivy (the ``tantivy`` wheel, the ``eval`` extra): regex words,
lowercase, its Snowball Arabic stemmer."""

from __future__ import annotations

import re
import time
from pathlib import Path

from search.baselines import DEPTH, Run
from search.ingest import Article

# Letters, marks (diacritics stay inside the word) and digits.
TANTIVY_WORD = r"[\p{L}\p{M}\p{N}]+"


def tantivy_analyzer():
    """The Tantivy baseline's analysis: regex words (diacritics kept inside),
    lowercase, Snowball Arabic.  The benchmark uses the same one."""
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TANTIVY_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("arabic"))
        .build()
    )


def run_tantivy(articles: list[Article], queries: dict[str, str], workdir: Path) -> tuple[Run, float]:
    import tantivy

    analyzer = tantivy_analyzer()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("docid", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", stored=False, tokenizer_name="arabic_snowball")
    schema = builder.build()
    path = workdir / "tantivy"
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    index.register_tokenizer("arabic_snowball", analyzer)
    writer = index.writer(heap_size=100_000_000, num_threads=1)
    for a in articles:
        writer.add_document(tantivy.Document(docid=a.id, text=f"{a.title}\n{a.body}"))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    word = re.compile(r"[^\W_]", re.UNICODE)
    run: Run = {}
    started = time.perf_counter()
    for qid, text in queries.items():
        # Each word quoted (escapes the query syntax); the parser ORs them
        # and analyses each with the field's own analyzer.
        words = ['"' + w.replace("\\", " ").replace('"', " ") + '"' for w in text.split() if word.search(w)]
        if not words:
            run[qid] = []
            continue
        try:
            query = index.parse_query(" ".join(words), ["text"])
        except ValueError:
            run[qid] = []
            continue
        hits = searcher.search(query, DEPTH).hits
        run[qid] = [searcher.doc(address)["docid"][0] for _score, address in hits]
    return run, time.perf_counter() - started
