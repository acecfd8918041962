"""Suggestions: the nearest word, as Whoosh's corrector finds it, faster."""

from __future__ import annotations

import random

import pytest
from whoosh import index as whoosh_index

from search import index as idx
from search.ingest import article_from_record
from search.spelling.terms import TermLists, commonest, nearest_word, terms_within


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, shared_news_small):
    """The same 300 articles in one segment and in two."""
    articles = [article_from_record(r) for r in shared_news_small[:300]]
    root = tmp_path_factory.mktemp("spelling")
    (root / "one").mkdir()
    one = whoosh_index.create_in(str(root / "one"), idx.make_schema())
    writer = one.writer()
    for a in articles:
        writer.add_document(**idx.document(a))
    writer.commit()
    (root / "two").mkdir()
    two = whoosh_index.create_in(str(root / "two"), idx.make_schema())
    for part in (articles[:150], articles[150:]):
        writer = two.writer()
        for a in part:
            writer.add_document(**idx.document(a))
        writer.commit(merge=False)
    with one.searcher() as s1, two.searcher() as s2:
        assert len(s2.reader().leaf_readers()) == 2
        yield s1, s2


WORDS = ["الحكومه", "اوكرانيا", "زيلنسكي", "الرياض", "السعوديه", "بالمنتخب", "الاقتصادي", "وزاره", "xyzzy", "مصرر"]


@pytest.mark.parametrize("word", WORDS)
def test_nearest_word_is_the_one_segment_correctors_answer(indexes, word):
    """Two segments, with and without term lists in memory, answered as
    Whoosh answers on the same articles in one."""
    s1, s2 = indexes
    expected = s1.corrector("text_exact").suggest(word, limit=1, maxdist=2, prefix=1)
    expected = expected[0] if expected else None
    lists = TermLists()
    assert nearest_word(s1.reader(), "text_exact", word) == expected
    assert nearest_word(s2.reader(), "text_exact", word) == expected
    assert nearest_word(s2.reader(), "text_exact", word, lists=lists) == expected
    assert nearest_word(s2.reader(), "text_exact", word, lists=lists) == expected  # from the kept lists


def test_terms_within_from_memory_are_whooshs(indexes):
    """The words within one and two edits of misspelt index words, through
    the in-memory lists and through Whoosh's term table, are the same."""
    _s1, s2 = indexes
    lists = TermLists()
    rng = random.Random(7)
    compared = 0
    for leaf, _ in s2.reader().leaf_readers():
        words = sorted(t.decode("utf-8") for t in leaf.lexicon("text_exact"))
        for word in rng.sample(words, 60):
            cut = rng.randrange(len(word))
            misspelt = word[:cut] + rng.choice("اويةهـ") + word[cut + 1 :]
            for probe, maxdist, prefix in ((misspelt, 2, 1), (word, 1, 1), (misspelt, 1, 2)):
                expected = set(leaf.terms_within("text_exact", probe, maxdist, prefix=prefix))
                assert terms_within(leaf, "text_exact", probe, maxdist, prefix, lists) == expected, probe
                compared += bool(expected)
    assert compared > 100


def test_term_lists_keep_the_most_recently_used(indexes):
    _s1, s2 = indexes
    leaf = s2.reader().leaf_readers()[0][0]
    lists = TermLists()
    sizes = {}
    for letter in "ابتثج":
        terms, counts = lists.get(leaf, "text_exact", letter)
        assert terms == sorted(t.decode("utf-8") for t in leaf.expand_prefix("text_exact", letter))
        assert list(counts) == [leaf.doc_frequency("text_exact", t) for t in terms]
        sizes[letter] = len(terms)
    assert [key[2] for key in lists._lists] == list("ابتثج")
    lists.get(leaf, "text_exact", "ا")  # used again: now the most recent
    lists.MAX_TERMS = sizes["ا"] + sizes["ج"] + len(list(leaf.expand_prefix("text_exact", "ح")))
    lists.get(leaf, "text_exact", "ح")
    assert [key[2] for key in lists._lists] == ["ج", "ا", "ح"] and lists._terms == lists.MAX_TERMS


@pytest.mark.parametrize("prefix", ["ا", "ال", "الح", "و", "مص", "x", "ظظظ"])
def test_commonest_terms_of_a_prefix(indexes, prefix):
    """Against counting every term of the prefix through Whoosh's reader
    (both segments together), most articles first, ties in term order."""
    _s1, s2 = indexes
    reader = s2.reader()
    every = [t.decode("utf-8") for t in reader.expand_prefix("text_exact", prefix)]
    expected = sorted(every, key=lambda t: (-reader.doc_frequency("text_exact", t), t))[:12]
    lists = TermLists()
    assert commonest(lists, reader, "text_exact", prefix, 12) == expected
    assert commonest(lists, reader, "text_exact", prefix, 12) == expected  # from the kept list
    assert len(expected) == 12 or prefix in ("x", "ظظظ")


def test_warmed_term_lists_are_the_lists_read_one_by_one(indexes):
    """One pass over a segment's terms (Searcher.warm) gives every first
    letter's list as get() reads it, and get() then reads nothing more;
    lists beyond MAX_TERMS are left to be read when asked."""
    _s1, s2 = indexes
    leaf = s2.reader().leaf_readers()[0][0]
    warmed, lazy = TermLists(), TermLists()
    warmed.warm(leaf, "text_exact")
    letters = sorted({t.decode("utf-8")[:1] for t in leaf.lexicon("text_exact")})
    assert len(letters) > 20 and [key[2] for key in warmed._lists] == letters
    for letter in letters:
        assert warmed.get(leaf, "text_exact", letter) == lazy.get(leaf, "text_exact", letter)
    assert warmed._terms == lazy._terms == len(list(leaf.lexicon("text_exact")))
    assert list(warmed._lists) == list(lazy._lists)  # asked in the same order: nothing read again, nothing dropped
    small = TermLists()
    small.MAX_TERMS = len(lazy.get(leaf, "text_exact", "ا")[0])
    small.warm(leaf, "text_exact")
    assert 0 < small._terms <= small.MAX_TERMS
    assert all(small._lists[key] == lazy._lists[key] for key in small._lists)
