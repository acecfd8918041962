"""The stemming filters: a word to its light stem (StemFilter), and the
words that carry the nisba, indexed with it (NisbaFilter)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from pyarabic.araby import YEH
from whoosh.analysis import Filter, Token

from search.lexicon import zipf
from search.stemmer import ShippedStemmer, Stemmer


def _stem(stemmer: Stemmer | ShippedStemmer, token: Token) -> str:
    """The token's stem, told where its own ال begins (OwnArticleFilter,
    where the chain has it).  A word without one is stemmed by the word
    alone, so that the stemmer's cache holds one entry for it, whichever
    filter asks."""
    own = getattr(token, "own_article", None)
    return stemmer.stem(token.text) if own is None else stemmer.stem(token.text, own)


class StemFilter(Filter):
    """Replaces Arabic words by their light stem."""

    def __init__(self, stemmer: Stemmer | ShippedStemmer) -> None:
        self.stemmer = stemmer

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and getattr(self.stemmer, "config", None) == getattr(
            other.stemmer, "config", None
        )

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = _stem(self.stemmer, t)
            yield t


class NisbaFilter(Filter):
    """Keeps only the words whose light stem cut the nisba's ي (المدني,
    الأمريكية, عملية), each as its stem with the ي (مدني, امريكي, عملي).

    The light stem makes a noun and its adjective one word, which is right
    for ranking a long query but wrong for what a short one matches: a
    search for المدن (cities) should not bring every article that writes
    المدني (civil), nor عملية (an operation) every article that writes
    العمل (work).  These words, beside their stems, let a search match a
    word with or without its nisba (search/matching.py)."""

    # The words it drops were numbered by the stop filter before it, which
    # CachedChain does not replay: in the cached chain the words after a
    # dropped one come one position earlier.  The field keeps no positions.

    def __init__(self, stemmer: Stemmer, keeping: Stemmer) -> None:
        self.stemmer = stemmer  # the light stemmer of the ``text`` field
        self.keeping = keeping  # the same, with the nisba kept

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and (self.stemmer.config, self.keeping.config) == (
            other.stemmer.config,
            other.keeping.config,
        )

    # A final ي is also the sound plural's, its ن dropped before a noun
    # (موظفي الوزارة, مسلحي التنظيم), which is not a nisba: a search for موظف
    # must find those articles.  Told by the lexicon: such a word's plural
    # in ون is common (PLURAL_ZIPF, as the stemmer's imperfect_plural_zipf)
    # and well above any plural of a nisba adjective (يون, يين) built on it
    # (PLURAL_MARGIN, as its suffix_margin): موظفون 3.0 against موظفيين
    # 1.7, where مدنيون 3.5 and عربيين 2.3 stand beside مدنون 0, عربون 2.9.
    PLURAL_ZIPF = 2.5
    PLURAL_MARGIN = 1.0

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            stem = _stem(self.stemmer, t)
            nisba = nisba_stem(stem)
            if nisba in t.text and _stem(self.keeping, t) == nisba and not _plural_construct(stem):
                t.text = nisba
                yield t


@lru_cache(maxsize=100_000)
def _plural_construct(stem: str) -> bool:
    """Whether stem + ي is the sound plural's construct form (NisbaFilter)."""
    plural = zipf(stem + "ون")
    adjective = max(zipf(stem + YEH + "ين"), zipf(stem + YEH + "ون"))
    return plural >= NisbaFilter.PLURAL_ZIPF and plural - adjective >= NisbaFilter.PLURAL_MARGIN


NISBA_FIELD = "nisba"  # the field of NisbaFilter's words (search/index.py)


def nisba_stem(stem: str) -> str:
    """A light stem with the nisba's ي: what NisbaFilter indexes."""
    return stem + YEH
