"""Property-based tests of the query language on a real index of real news:
whatever is typed, ``Searcher.search`` returns results or raises QueryError
(never anything else), within documented caps, and nothing in a query ever
expands into a list of index terms (``*``, ``?`` and ``field:`` are plain
punctuation)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import SEEDS, write_jsonl
from search import index as idx
from search.ingest import read_sources
from search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, QueryError, parse, word_count
from search.results import SearchResults
from search.searcher import MODES, SORTS, Searcher

ARTICLES = 80

# Everything another engine might read as syntax, and then some.
SYNTAX = [
    "OR", "or", "AND", "NOT", "-", "--", "+", '"', '""', "'", "«", "»", "(", ")", "[", "]", "{", "}", "*", "?",
    "**", "*:*", "?*", "~", "~2", "^", "^3", "\\", "/", "//", ":", "id:", "title:", "body:", "source:", "date:",
    "title:*", "id:*", "&&", "||", "!", "[* TO *]", "{a TO b}", "<script>", "</mark>", "%", "%00", "\x00", "\u200f",
    "ﷺ", "ﷺﷺﷺﷺﷺﷺﷺﷺ", "1,2,3,4,5,6,7,8,9", "ـــ", "ً", "٣", "😀", "\ufeff",
]
SEPARATORS = [" ", " ", " ", "", "  ", "\t", "\n", "\u00a0", "\u3000", "،"]


@pytest.fixture(scope="module")
def corpus(shared_news_small: list[dict], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A real index of the first real articles and the seed."""
    base = tmp_path_factory.mktemp("query-fuzz")
    articles = shared_news_small[:ARTICLES]
    source = write_jsonl(base / "news.jsonl", articles)
    target = base / "index"
    idx.build(target, read_sources([source, SEEDS]))
    return target, articles


@pytest.fixture(scope="module")
def fuzz_searcher(corpus):
    s = Searcher(corpus[0])
    yield s
    s.close()


@pytest.fixture(scope="module")
def vocabulary(corpus) -> list[str]:
    """Words as the articles write them (with their clitics and diacritics)."""
    words: list[str] = []
    for article in corpus[1]:
        text = f"{article.get('title') or ''} {article['body']}"
        words += re.findall(r"[\u0600-\u06ff]{2,}", text)[:60]
    return sorted(set(words))


def queries(vocabulary: list[str]) -> st.SearchStrategy[str]:
    """Real words mixed with operators, field syntax, wildcards, odd quoting
    and odd characters, joined by odd spaces; sometimes beyond the caps."""
    word = st.sampled_from(vocabulary)
    token = st.one_of(
        word,
        word,
        st.sampled_from(SYNTAX),
        st.builds(lambda w, op: op + w, word, st.sampled_from(["-", '"', "-\"", "*", "?", "id:", "title:", "("])),
        st.builds(lambda w, op: w + op, word, st.sampled_from(["*", "?", '"', ")", ":", "~", "^2"])),
        st.builds(lambda w, n: w[: max(1, n)] + "*", word, st.integers(1, 4)),
        st.text(max_size=12),
    )
    joined = st.lists(st.tuples(token, st.sampled_from(SEPARATORS)), max_size=45).map(
        lambda parts: "".join(t + s for t, s in parts)
    )
    return st.one_of(
        joined,
        joined,
        st.text(max_size=80),
        st.text(alphabet=st.characters(codec=None, categories=None), max_size=40),
        st.builds(lambda w, s: w + " " + s, word, st.characters(categories=["Cs"])),  # a lone surrogate
        st.text(min_size=450, max_size=620),
        st.lists(word, min_size=28, max_size=40).map(" ".join),
    )


def within_caps(text: str) -> bool:
    """What the caps allow."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(text) <= MAX_QUERY_LENGTH and word_count(text) <= MAX_QUERY_WORDS


def only_marks(html: str) -> bool:
    return {m.lower() for m in re.findall(r"</?\s*([A-Za-z][\w-]*)", html)} <= {"mark"}


def check_results(results: SearchResults, per_page: int) -> None:
    assert results.total >= 0 and len(results.hits) <= per_page
    for hit in results.hits:
        assert only_marks(hit.snippet) and only_marks(hit.title_html), (hit.snippet, hit.title_html)


# -- the parser ----------------------------------------------------------------------


@given(text=st.one_of(st.text(max_size=600), st.text(alphabet=st.characters(codec=None, categories=None)),
                     st.text(alphabet=st.characters(categories=["Cs", "Lo", "Zs", "Po"]))))
def test_parse_raises_only_query_errors(text: str) -> None:
    try:
        parsed = parse(text)
    except QueryError as error:
        assert re.search(r"too long|too many words|not valid text", str(error)), error
        assert error.arabic  # the page has its own words for it
        return
    assert len(text) <= MAX_QUERY_LENGTH and word_count(text) <= MAX_QUERY_WORDS
    # The cap on words caps the clauses too: each has at least one word.
    clauses = [c for group in parsed.groups for c in group] + parsed.excluded
    assert len(clauses) <= sum(len(c.text.split()) for c in clauses) <= word_count(text)


def test_word_cap_counts_words_of_phrases_and_operators() -> None:
    words = [f"كلمة{n}" for n in range(MAX_QUERY_WORDS + 1)]
    assert word_count(" ".join(words[:MAX_QUERY_WORDS])) == MAX_QUERY_WORDS
    parse(" ".join(words[:MAX_QUERY_WORDS]))
    with pytest.raises(QueryError, match=rf"too many words \({MAX_QUERY_WORDS + 1}; the limit is {MAX_QUERY_WORDS}\)"):
        parse(" ".join(words))
    with pytest.raises(QueryError, match="too many words"):  # inside a phrase, one by one
        parse('"' + " ".join(words) + '"')
    with pytest.raises(QueryError, match="too many words"):  # excluded words count too
        parse(" ".join(words[:20]) + " " + " ".join("-" + w for w in words[20:]))
    parse(" OR ".join(words[:16]))  # 31 words with the operators
    with pytest.raises(QueryError, match=r"too many words \(33;"):
        parse(" OR ".join(words[:17]))
    assert word_count('"a""b""c"d') == 4 and word_count("-\"a b\"") == 3
    assert word_count("ا" * MAX_QUERY_LENGTH) == 1
    too_long = rf"too long \({MAX_QUERY_LENGTH + 1} characters; the limit is {MAX_QUERY_LENGTH}\)"
    with pytest.raises(QueryError, match=too_long):
        parse("ا" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(QueryError, match="not valid text"):
        parse("كييف \ud800")


# -- searching -----------------------------------------------------------------------


def test_any_query_searches_or_is_refused_with_a_query_error(fuzz_searcher: Searcher, vocabulary: list[str]) -> None:
    @given(
        text=queries(vocabulary),
        mode=st.sampled_from(MODES),
        sort=st.sampled_from(SORTS),
        page=st.integers(1, 3),
        per_page=st.sampled_from([1, 10, 100]),
    )
    def run(text: str, mode: str, sort: str, page: int, per_page: int) -> None:
        try:
            results = fuzz_searcher.search(text, page=page, per_page=per_page, sort=sort, mode=mode)
        except QueryError as error:
            assert not within_caps(text), (text, error)
            return
        assert within_caps(text), text
        check_results(results, per_page)

    run()


def test_queries_within_the_caps_always_search(fuzz_searcher: Searcher, vocabulary: list[str]) -> None:
    """Syntax soup made of real words: never refused, never an exception."""

    @given(text=queries(vocabulary).filter(within_caps))
    def run(text: str) -> None:
        check_results(fuzz_searcher.search(text), 10)

    run()


def ids(searcher: Searcher, text: str) -> list[str]:
    return [h.id for h in searcher.search(text, per_page=30).hits]


def test_wildcards_and_fields_are_punctuation(fuzz_searcher: Searcher, vocabulary: list[str]) -> None:
    """``*`` and ``?`` never expand: a word with them finds exactly what the
    word finds; ``field:`` selects no field."""
    zelensky = set(ids(fuzz_searcher, "زيلينسكي"))
    assert zelensky
    for text in ("زيلي*", "زيلين?", "*زيلي", "زيل*ي"):  # prefixes and patterns of زيلينسكي
        # None of its articles; what the bare word finds (no article writes زيلين, so
        # it is respelled, to a word of one change, never to زيلينسكي).
        assert not zelensky & set(ids(fuzz_searcher, text)), text
    for text in ("زيلي*", "زيلين?", "*زيلي"):
        assert ids(fuzz_searcher, text) == ids(fuzz_searcher, text.strip("*?")), text
    for text in ("*", "?", "**", "*:*", "?*", "[* TO *]", "{* TO *}"):  # no match-all, no range
        results = fuzz_searcher.search(text)
        assert results.total == 0 and results.hits == [], text
    for field in ("id", "title", "body", "source"):  # the word, not the field
        assert ids(fuzz_searcher, f"{field}:*") == ids(fuzz_searcher, field)
    assert fuzz_searcher.search("title").total == 0
    assert fuzz_searcher.search("title:زيلينسكي").total == 0  # "title" is a word here, and absent
    some_id = ids(fuzz_searcher, "زيلينسكي")[0]
    assert some_id not in ids(fuzz_searcher, f"id:{some_id}")

    @settings(max_examples=60)
    @given(word=st.sampled_from(vocabulary), cut=st.integers(2, 5), mark=st.sampled_from(["*", "?", "**", "*?"]))
    def run(word: str, cut: int, mark: str) -> None:
        prefix = word[:cut]
        assert ids(fuzz_searcher, prefix + mark) == ids(fuzz_searcher, prefix)
        assert ids(fuzz_searcher, mark + word) == ids(fuzz_searcher, word)

    run()


WORST = {
    "32 expanding ligatures": " ".join(["ﷺ" * 14] * 32)[:MAX_QUERY_LENGTH],
    "one 500-letter word": "ﷺ" * MAX_QUERY_LENGTH,
    "digits without spaces": " ".join([",".join("123456789")] * 32)[:MAX_QUERY_LENGTH],
    "a long phrase": '"' + "ﷺ" * (MAX_QUERY_LENGTH - 2) + '"',
    "32 excluded words": " ".join("-" + "ﷺ" * 13 for _ in range(32))[:MAX_QUERY_LENGTH],
    "32 misspellings": " ".join(f"زيلنكسي{n}" for n in range(32)),
}


@pytest.mark.parametrize("mode", ["and", "or"])
def test_cost_of_the_worst_queries_within_the_caps_is_bounded(fuzz_searcher: Searcher, vocabulary: list[str],
                                                              mode: str) -> None:
    real = {
        "16 words ORed": " OR ".join(vocabulary[:16]),
        "32 words": " ".join(vocabulary[:MAX_QUERY_WORDS]),
        "32 quoted words, no spaces": "".join(f'"{w}"' for w in vocabulary[:MAX_QUERY_WORDS]),
    }
    for name, text in {**WORST, **real}.items():
        assert within_caps(text), name
        started = time.perf_counter()
        fuzz_searcher.search(text, mode=mode)
        # Typically well under 0.3 s; the bound only catches blow-ups (the
        # ligature query took 8 s and the 500-letter one overflowed the stack).
        assert time.perf_counter() - started < 3, name
