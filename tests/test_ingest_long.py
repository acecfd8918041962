"""A valid article is never dropped for its size: a body of 3 million
characters is stored, indexed (a word near its end is found) and shown
whole; past search.index.MAX_INDEXED_CHARS, what is not indexed is named."""

from __future__ import annotations

import json

from click.testing import CliRunner

from search import Searcher
from search import index as idx
from search.cli import main
from search.ingest import NOTE, read_sources

PARAGRAPH = (
    "قالت الحكومة إن المفاوضات مع النقابات مستمرة، وإن الاتفاق على زيادة الأجور قريب. "
    "وأضاف المتحدث أن اللجان الفنية تواصل اجتماعاتها اليومية لبحث التفاصيل.\n"
)


def long_body(chars: int, ending: str) -> str:
    body = PARAGRAPH * (chars // len(PARAGRAPH) + 1)
    return body[: chars - len(ending) - 1].rsplit(" ", 1)[0] + " " + ending


def test_a_three_million_character_article_is_indexed_and_shown_whole(tmp_path):
    body = long_body(3_000_000, "وفي الختام أعلن الوزير استقالته المفاجئة")
    assert len(body) > 2_999_000
    corpus = tmp_path / "long.jsonl"
    corpus.write_text(json.dumps({"id": "report", "title": "تقرير طويل", "body": body}, ensure_ascii=False) + "\n"
                      + json.dumps({"id": "short", "body": "خبر قصير عن الطقس"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(corpus), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "indexed 2, updated 0, skipped 0" in result.output
    assert "truncated" not in result.output
    s = Searcher(tmp_path / "ix")
    try:
        assert [h.id for h in s.search("استقالته المفاجئة").hits] == ["report"]  # its last words
        view = s.article("report", highlight="استقالته")
        assert view.body == body
        assert view.body_html.endswith("<mark>استقالته</mark> المفاجئة")
    finally:
        s.close()


def test_past_the_analysis_cap_the_characters_not_indexed_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(idx, "MAX_INDEXED_CHARS", 100_000)
    body = long_body(150_000, "وفي الختام أعلن الوزير استقالته المفاجئة")
    corpus = tmp_path / "long.jsonl"
    corpus.write_text(json.dumps({"id": "report", "body": body}, ensure_ascii=False) + "\n", encoding="utf-8")
    notes = []
    report = idx.build(tmp_path / "ix", read_sources([corpus]), on_problem=notes.append)
    assert (report.indexed, report.skipped) == (1, 0)
    (note,) = notes
    end = idx.indexed_length(body)
    assert 99_900 < end <= 100_000 and body[end] in " \n"
    assert note.kind == NOTE and (note.path, note.line) == (str(corpus), 1)
    assert note.message == (
        f"article 'report' truncated for indexing: body characters {end + 1:,} to {len(body):,} (counting from 1) "
        f"of {len(body):,} are stored and shown but not searchable (limit 100,000)"
    )
    s = Searcher(tmp_path / "ix")
    try:
        assert s.search("استقالته").total == 0  # past the cap
        assert s.search("المفاوضات").total == 1
        assert s.article("report").body == body  # stored whole
    finally:
        s.close()
    result = CliRunner().invoke(main, ["add", str(corpus), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0 and f"note {corpus}:1: article 'report' truncated for indexing" in result.output
    assert "updated 1, skipped 0" in result.output
