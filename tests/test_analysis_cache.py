"""The speed-ups must not change a single token.

CachedChain answers from a per-token cache and replays the stop filter's
position numbering; these tests hold it to the plain filter chain, token
for token (text, position, offsets, stopped, original), in every mode the
index, the query parser and the highlighter use.
"""

from __future__ import annotations

import pickle

import pytest
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Frequency, Positions

from helpers import SEEDS
from search.analysis import (CONFIGS, CachedChain, CountedFrequency, CountedPositions, exact_analyzer, nisba_analyzer,
                             stem_analyzer)

ODD = (
    "مُحَمَّدٌ ﷺ كييفالتصرف في على علي والحكومات الأوكرانية ١٢٣ ـــ \u200fزيلينسكي "
    "قال في الشمال، لا ولا إلى أن ﷺ ﷺ آلافكيلومترات Telegram و14 ﻻ"
)

CALLS = (
    {"mode": "index", "positions": True, "chars": True},
    {"mode": "query"},
    {"mode": "query", "positions": True},
    {"mode": "index", "chars": True, "removestops": False},
    {"mode": "index", "positions": True, "chars": True, "removestops": False, "start_pos": 5, "start_char": 7,
     "keeporiginal": True},
    {"mode": "query", "positions": True, "chars": True, "removestops": False, "keeporiginal": True},
)


def _tokens(analyzer, text: str, **kwargs) -> list[tuple]:
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), getattr(t, "endchar", None), t.stopped,
         getattr(t, "original", None))
        for t in analyzer(text, **kwargs)
    ]


def _texts(shared_news_small) -> list[str]:
    texts = [ODD, next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")]
    for article in shared_news_small[:25]:
        texts += [article["title"] or "", article["body"]]
    return texts


def _analyzers():
    for name, config in CONFIGS.items():
        yield f"stem-{name}", stem_analyzer(config)
        yield f"exact-{name}", exact_analyzer(config)
    yield "nisba-default", nisba_analyzer()


@pytest.mark.parametrize("name,analyzer", list(_analyzers()))
def test_cached_chain_gives_exactly_the_chains_tokens(name, analyzer, shared_news_small):
    assert isinstance(analyzer, CachedChain) and analyzer._fast, name
    reference = CompositeAnalyzer(*analyzer.items)
    # The nisba field's filter drops words after the stop filter has numbered
    # them, which the cache does not replay: its positions are not kept
    # (phrase=False), so they are left out of the comparison.
    unnumbered = name.startswith("nisba-")
    for kwargs in CALLS:
        for text in _texts(shared_news_small):
            for _ in range(2):  # cold, then from the cache
                got, want = _tokens(analyzer, text, **kwargs), _tokens(reference, text, **kwargs)
                if unnumbered:
                    got, want = ([t[:1] + t[2:] for t in tokens] for tokens in (got, want))
                assert got == want, (name, kwargs, text[:60])


# Each of Akhbar's formats and the Whoosh format whose postings it must
# make: the counted fields' frequencies, and the positions of ``text`` and
# ``title`` (not of the nisba chain, whose positions are never kept: above).
FORMATS = [
    pytest.param(CountedFrequency, Frequency, name, analyzer, id=f"counts-{name}") for name, analyzer in _analyzers()
] + [
    pytest.param(CountedPositions, Positions, name, analyzer, id=f"positions-{name}")
    for name, analyzer in _analyzers() if not name.startswith("nisba-")
]


@pytest.mark.parametrize("ours,whooshs,name,analyzer", FORMATS)
def test_formats_index_what_the_token_streams_give(ours, whooshs, name, analyzer, shared_news_small):
    """CountedFrequency and CountedPositions index what Whoosh's Frequency
    and Positions make of the chain's tokens: the same terms, frequencies,
    weights and values (positions with stop words skipped and the words
    after them renumbered)."""
    gathered, plain = ours(field_boost=1.5), whooshs(field_boost=1.5)
    for text in _texts(shared_news_small):
        for _ in range(2):  # cold, then from the cache
            got = sorted(gathered.word_values(text, analyzer, mode="index"))
            assert got == sorted(plain.word_values(text, CompositeAnalyzer(*analyzer.items), mode="index")), name
    # A query's words are taken from the stream, as Whoosh does.
    assert sorted(gathered.word_values(ODD, analyzer, mode="query")) == sorted(
        plain.word_values(ODD, analyzer, mode="query"))


def test_cache_is_not_pickled_and_a_clone_gives_the_same_tokens():
    analyzer = stem_analyzer()
    list(analyzer(ODD))
    assert analyzer._caches[False]
    data = pickle.dumps(analyzer)
    assert "كييفالتصرف".encode("utf-8") not in data
    clone = pickle.loads(data)
    assert not clone._caches[False] and not clone._caches[True]
    assert _tokens(clone, ODD, positions=True, chars=True) == _tokens(analyzer, ODD, positions=True, chars=True)


def test_cache_stays_bounded():
    analyzer = exact_analyzer()
    analyzer.MAX_ENTRIES = 50
    words = " ".join(f"كلمة{i}" for i in range(500))
    expected = _tokens(CompositeAnalyzer(*analyzer.items), words, positions=True)
    assert _tokens(analyzer, words, positions=True) == expected
    assert len(analyzer._caches[False]) <= 50


def test_untokenized_values_take_the_chains_own_path():
    analyzer = stem_analyzer()
    reference = CompositeAnalyzer(*analyzer.items)
    kwargs = {"tokenize": False, "positions": True, "chars": True}
    assert _tokens(analyzer, "والحكومات", **kwargs) == _tokens(reference, "والحكومات", **kwargs)


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_every_stem_is_found_in_its_words_normalized_form(config, shared_news_small):
    """What a Marker relies on, where it looks at words one by one: a stem
    is part of its word's normalized form, but for an alef put back at its
    start and a hamza's seat taken out (_parts_pattern)."""
    from search.analysis.marking import _parts_pattern
    from search.normalize import normalize

    analyzer = stem_analyzer(CONFIGS[config])
    if not analyzer._terms_are_substrings():
        return
    checked = 0
    for article in shared_news_small[:200]:
        text = article["body"]
        for t in analyzer(text, chars=True, mode="index"):
            form = normalize(text[t.startchar : t.endchar])
            assert _parts_pattern(frozenset([t.text])).search(form), (config, form, t.text)
            checked += 1
    assert checked > 20_000


def test_a_marker_finds_the_chains_matched_tokens(shared_news_small):
    """A Marker over a CachedChain looks at each distinct word once and
    analyses only words that could match: it must still find exactly the
    tokens that the chain run token by token marks, with a cold cache, a
    warm one, and words it has already looked at in another text."""
    from search import snippets
    from search.analysis import Marker

    queries = ["الحكومة", "وزير الخارجية", "السعودية", "كأس العالم", "الأوكرانية", "النفط والغاز",
               "ثلاثة 5 المائة", "2018"]  # numbers: a word's term in digits, a digit's words (numbers.py)
    compared = 0
    for article in shared_news_small[200:320]:
        for query in queries + [article["title"] or ""]:
            fresh = stem_analyzer()  # a cold cache: every word is new to it
            reference = CompositeAnalyzer(*fresh.items)
            terms = frozenset(t.text for t in fresh(query, mode="query"))
            one_query = Marker(fresh, terms)
            for text in (article["body"], article["title"] or ""):
                tokens = reference(text, chars=True, mode="index", removestops=False)
                expected = [(t.startchar, t.endchar, t.text) for t in tokens if t.text in terms]
                assert one_query.spans(text) == expected, query
                assert Marker(fresh, terms).spans(text) == expected, query
                assert Marker(reference, terms).spans(text) == expected, query
                assert snippets.snippet(text, one_query) == snippets.snippet(text, Marker(reference, terms)), query
                compared += bool(expected)
    assert compared > 100


def test_a_marker_finds_words_however_they_are_written():
    """A Marker looks for the query's stems in the text as written before
    it looks at any word (Marker._spans_where_written): marks and tatweel
    inside a word, invisible controls, every hamza and alef form, Persian
    letters, other digits and letter case must not hide a word from it, and
    a text it cannot read letter by letter (presentation forms, ß, emoji)
    must still be marked as the chain marks it."""
    from search.analysis import Marker

    texts = [
        "قالت الحُكُومَةُ إن الحـكـومة والحكومات تعمل، وحكومتهم أيضاً",
        "أعلنت الدّولة عن ميزانية ٢٠٢٠ و2020 في الدولة\u200cالجديدة",
        "\u202bالحكومة\u202c قالت: ﻻ للحكومة، ﺍﻟﺤﻜﻮﻣﺔ",
        "مسؤول ومسئول ومسو\u0654ول في GOOGLE وGoogle وgoogle",
        "Straße STRASSE strasse 😀 الحكومة",
        "الحكومهٔ کابل ی یک الحكومة",
        "التقى پوتين وبوتين بمسؤولي ڤولفو",
        "لا شيء هنا",
        "",
    ]
    queries = ["الحكومة", "الدولة 2020", "مسؤول google", "strasse الحكومة", "كابل", "حكومتهم", "بوتين فولفو"]
    for query in queries:
        fresh = stem_analyzer()
        reference = CompositeAnalyzer(*fresh.items)
        terms = frozenset(t.text for t in fresh(query, mode="query"))
        marker = Marker(fresh, terms)
        for text in texts:
            tokens = reference(text, chars=True, mode="index", removestops=False)
            expected = [(t.startchar, t.endchar, t.text) for t in tokens if t.text in terms]
            assert marker.spans(text) == expected, (query, text)


def test_a_text_folds_letter_for_letter_into_its_normalized_letters():
    """Marker._spans_where_written searches a text folded into normalized
    letters, one character for one, so that a place found there is the same
    place in the text: each character folds to what normalizing it alone gives."""
    from search import normalize as norm
    from search.analysis.marking import _IGNORED, _letter_by_letter, folded

    text = "أعلنت الدولة إنّ آلاف ٱلناس في ٢٠٢٠ ذهبوا إلى کابل وGOOGLE ومسئول ومسؤول ﻻ"
    usable = [c for c in set(text) if _letter_by_letter(c) and not _IGNORED.fullmatch(c)]
    assert len(usable) > 20
    plain = "".join(usable)
    assert folded(plain) == "".join(norm.normalize(c) for c in plain)
    assert folded("الحكومة\U0001F600") is None  # outside the blocks it knows


def test_kept_analyses_are_taken_only_while_the_chain_analyses_the_same(tmp_path):
    """A build keeps the analyses it made beside the index and a searching
    process starts with them; a file from another version of the analysis
    (one of the sampled words analysed differently) is left alone."""
    import marshal

    from search.analysis import KEPT_WORDS_FILE, keep_words, load_words

    built = stem_analyzer()
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    list(built(text))
    keep_words(built, tmp_path)
    kept = marshal.loads((tmp_path / KEPT_WORDS_FILE).read_bytes())
    assert len(kept) > 100 and list(kept) == list(built.words())[: len(kept)]

    fresh = stem_analyzer()
    assert load_words(fresh, tmp_path) == len(kept)
    reference = CompositeAnalyzer(*fresh.items)
    assert [t.text for t in fresh(text)] == [t.text for t in reference(text)]
    assert fresh.words() == kept  # nothing analysed again

    first = next(iter(kept))
    kept[first] = "ليس" if kept[first] != "ليس" else "غير"
    (tmp_path / KEPT_WORDS_FILE).write_bytes(marshal.dumps(kept))
    other = stem_analyzer()
    assert load_words(other, tmp_path) == 0 and other.words() == {}
    (tmp_path / KEPT_WORDS_FILE).write_bytes(b"not marshal")
    assert load_words(stem_analyzer(), tmp_path) == 0
