"""Snippets: passages cut from the analyzer's matched spans."""

from __future__ import annotations

import html
import re

import pytest

from search import snippets
from search.analysis import Marker, stem_analyzer

MARK = re.compile(r"<mark>(.*?)</mark>")


@pytest.fixture(scope="module")
def analyzer():
    return stem_analyzer()


def marker(analyzer, query: str) -> Marker:
    return Marker(analyzer, (t.text for t in analyzer(query, mode="query")))


def passages(snippet: str) -> list[str]:
    return [html.unescape(MARK.sub(r"\1", p)) for p in snippet.split(snippets.BETWEEN)]


def test_the_passage_with_more_of_the_query_wins(analyzer):
    filler = " ".join(["كلام عادي لا صلة له بالموضوع"] * 12)
    text = f"الحكومة الحكومة الحكومة قالت. {filler} وقالت الحكومة إن الاتفاق قريب. {filler}"
    one = snippets.snippet(text, marker(analyzer, "الحكومة الاتفاق"), top=1)
    assert MARK.findall(one) == ["الحكومة", "الاتفاق"]
    two = snippets.snippet(text, marker(analyzer, "الحكومة الاتفاق"), top=2)
    assert two.index("<mark>الحكومة</mark> <mark>الحكومة</mark>") < two.index(snippets.BETWEEN) < two.index("<mark>الاتفاق</mark>")


def test_no_match_gives_the_start_of_the_text_escaped(analyzer):
    text = "<b>خبر</b> " + "عن الطقس " * 60
    out = snippets.snippet(text, marker(analyzer, "الحكومة"))
    assert out.startswith("&lt;b&gt;خبر&lt;/b&gt; عن الطقس") and "<mark>" not in out
    assert out.endswith(" …") and len(out) < 240


def test_whole_marks_every_match_and_escapes_the_rest(analyzer):
    text = "قالت <الحكومة> إن والحكومةَ & للحكومات"
    out = snippets.whole(text, marker(analyzer, "حكومة"))
    assert out == "قالت &lt;<mark>الحكومة</mark>&gt; إن <mark>والحكومةَ</mark> &amp; <mark>للحكومات</mark>"


def test_passages_on_real_articles(analyzer, shared_news_small):
    """On real news: every word shown that matches is marked, passages are
    whole words of the article in order without overlapping, and each is
    about ``maxchars`` long at most."""
    checked = 0
    for article in shared_news_small[:150]:
        body = article["body"]
        flat = " ".join(body.split())
        for query in ["الحكومة", "وزير الخارجية", "النفط والغاز", article["title"] or "خبر"]:
            marks = marker(analyzer, query)
            out = snippets.snippet(body, marks)
            if "<mark>" not in out:
                assert not marks.spans(body)
                continue
            checked += 1
            unmarked = html.unescape(MARK.sub(" ", out))
            assert not [t.text for t in analyzer(unmarked) if t.text in marks.terms], (query, out)
            at = 0
            for passage in passages(out):
                found = flat.find(passage, at)
                assert found >= at, (query, passage)
                assert found == 0 or flat[found - 1] == " ", passage  # starts at a word
                at = found + len(passage)
                assert len(passage) <= 2 * (220 + 30), passage  # two may join up
    assert checked > 200


@pytest.mark.parametrize("typed,written", [("الطوارئ", "الطواريء"), ("الطواريء", "الطوارئ"), ("لاجئ", "لاجيء")])
def test_a_hamza_is_marked_whichever_way_its_seat_is_written(analyzer, typed, written):
    """The stemmer takes a hamza's seat out of a stem (StemConfig.seat_off):
    the places a text may write the stem allow it (analysis._written_forms)."""
    text = f"أعلنت السلطات حالة {written} في المدينة بعد العاصفة."
    assert MARK.findall(snippets.snippet(text, marker(analyzer, typed))) == [written]
