"""The stemming filters: a word to its light stem (StemFilter), and the
words that carry the nisba or a feminine ending, indexed with it
(NisbaFilter)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from pyarabic.araby import TEH_MARBUTA, YEH
from whoosh.analysis import Filter, Token

from search.lexicon import zipf
from search.stemmer import PRONOUNS, ShippedStemmer, Stemmer, without_proclitics


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
    الأمريكية, عملية), each as its stem with the ي (مدني, امريكي, عملي),
    and, with ``feminine``, the feminine forms of a stem (الطائرة, طائرات,
    طائرته), each as its stem with ة (feminine_stem).

    The light stem makes a noun and its adjective one word, which is right
    for ranking a long query but wrong for what a short one matches: a
    search for المدن (cities) should not bring every article that writes
    المدني (civil), nor عملية (an operation) every article that writes
    العمل (work).  These words, beside their stems, let a search match a
    word with or without its nisba (search/matching.py)."""

    # The light stem also makes one word of a masculine and a feminine that
    # are two (الطائر, a bird, and الطائرة, an aircraft; العمل and العملة;
    # الرياض and الرياضة): the feminine forms let a search typed in the
    # feminine match only them (search/query.py).

    # The words it drops were numbered by the stop filter before it, which
    # CachedChain does not replay: in the cached chain the words after a
    # dropped one come one position earlier.  The field keeps no positions.

    feminine = False  # an index built before the feminine forms pickled its filter without them

    def __init__(self, stemmer: Stemmer, keeping: Stemmer, feminine: bool = False) -> None:
        self.stemmer = stemmer  # the light stemmer of the ``text`` field
        self.keeping = keeping  # the same, with the nisba kept
        self.feminine = feminine

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and (self.stemmer.config, self.keeping.config, self.feminine) == (
            other.stemmer.config,
            other.keeping.config,
            other.feminine,
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
            elif self.feminine and feminine_ending(t.text, stem) is not None:
                t.text = feminine_stem(stem)
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


# What follows a stem in its feminine forms (ة folded to ه): the singular, the
# plural in ات, the dual, and ت or ات before a pronoun.  A final ه may also be
# the pronoun "his" (كتابه): the index marks it all the same, a search tells
# it only after the article or where ة was typed (QueryBuilder.typed_feminine).
FEMININE_ENDINGS = frozenset({"ه", "ات", "تان", "تين", *("ت" + p for p in PRONOUNS), *("ات" + p for p in PRONOUNS)})


def feminine_ending(word: str, stem: str) -> tuple[str, str] | None:
    """The proclitics and the feminine ending around ``stem`` in ``word``
    (folded), if ``word`` is a feminine form of ``stem``: بالطاءرات → (بال,
    ات); None for any other form."""
    for core in without_proclitics(word):
        if core.startswith(stem) and core[len(stem):] in FEMININE_ENDINGS:
            return word[: len(word) - len(core)], core[len(stem):]
    return None


def marks_feminine(analyzer) -> bool:
    """Whether ``analyzer`` (a chain of the nisba field) marks feminine
    forms: what an index built with it holds."""
    return any(isinstance(item, NisbaFilter) and item.feminine for item in getattr(analyzer, "items", ()))


def feminine_stem(stem: str) -> str:
    """A light stem with ة, which folded text never has: what NisbaFilter
    indexes for a feminine form."""
    return stem + TEH_MARBUTA
