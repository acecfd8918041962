"""Light stemming of normalized Arabic words with Tashaphyne.

Tashaphyne's ``ArabicLightStemmer`` finds every place where a word could be
cut into proclitics, stem and suffixes (its affix trees).  Shipped as is, it
cuts too deep (القوات→قو, وزارة→زار), so Akhbar gives it affix lists written
for the normalized forms the analyzer produces, and picks among its cuts
with two rules of its own:

* a stem keeps at least ``min_stem`` letters;
* a cut is refused when the word is far more common as a whole than what
  the cut leaves (وزارة is a word, not و + زارة; لبنان is not لبن + ان).  The
  frequencies come from :mod:`search.lexicon`, so "protected words" are not a
  hand-kept list.

Tashaphyne keeps the word being stemmed inside the stemmer object, so each
thread gets its own instance; results are cached per word, which makes
stemming nearly free after the first few thousand words of a corpus.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from tashaphyne.stemming import ArabicLightStemmer

from search.lexicon import zipf

ARABIC_LETTERS = frozenset("ءابتثجحخدذرزسشصضطظعغفقكلمنهوي")

CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ك", "ل")
ARTICLE = ("", "ال")
PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ي")
# Feminine, dual, plural and nisba endings (teh marbuta already folded to ه).
ENDINGS = ("ه", "ات", "ان", "ين", "ون", "وا", "ي", "يه", "يا", "يين", "يون", "يات", "تان", "تين")
# Endings that a pronoun can follow: teh marbuta turns back into teh (the
# noon of duals and plurals drops before a pronoun, so those have none).
ENDINGS_BEFORE_PRONOUN = ("ات", "ت", "يات", "يت")


def _join_prefix(conj: str, prep: str, art: str) -> str:
    if prep == "ل" and art == "ال":
        return conj + "لل"
    return conj + prep + art


def default_prefixes() -> tuple[str, ...]:
    return tuple(sorted({_join_prefix(c, p, a) for c, p, a in product(CONJUNCTIONS, PREPOSITIONS, ARTICLE)}))


def default_suffixes() -> tuple[str, ...]:
    combos = {e + p for e, p in product(ENDINGS_BEFORE_PRONOUN, PRONOUNS)}
    return tuple(sorted({"", *PRONOUNS, *ENDINGS, *combos}))


@dataclass(frozen=True)
class StemConfig:
    """Everything that decides a stem; part of the index schema, so changing
    it means rebuilding the index."""

    prefixes: tuple[str, ...] = field(default_factory=default_prefixes)
    suffixes: tuple[str, ...] = field(default_factory=default_suffixes)
    min_stem: int = 3
    # How much more common (in log10 units) a whole word must be than what a
    # cut leaves for the cut to be refused; None turns protection off.
    proclitic_margin: float | None = 0.0
    article_margin: float | None = 1.5
    suffix_margin: float | None = 1.0
    # What the lexicon must reach for a string to count as a word of its own.
    word_zipf: float = 3.0


_local = threading.local()


def _tashaphyne(config: StemConfig) -> ArabicLightStemmer:
    """This thread's Tashaphyne stemmer for ``config``."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(config)
    if stemmer is None:
        stemmer = ArabicLightStemmer()
        stemmer.set_prefix_letters("".join(sorted({c for p in config.prefixes for c in p})))
        stemmer.set_suffix_letters("".join(sorted({c for s in config.suffixes for c in s})))
        stemmer.set_prefix_list(list(config.prefixes))
        stemmer.set_suffix_list(list(config.suffixes))
        stemmers[config] = stemmer
    return stemmer


def _refused(whole: str, rest: str, margin: float | None) -> bool:
    return margin is not None and zipf(whole) > zipf(rest) + margin


def _suffix_refused(whole: str, rest: str, config: StemConfig) -> bool:
    """A stem is rarely a word (حكوم), so only a rest that is a word of its
    own, and a much rarer one, marks the ending as part of the word (لبنان)."""
    margin = config.suffix_margin
    if margin is None:
        return False
    rest_zipf = zipf(rest)
    return rest_zipf >= config.word_zipf and zipf(whole) > rest_zipf + margin


def _prefix_allowed(word: str, left: int, config: StemConfig) -> bool:
    """Peel the proclitics from the outside in; every step must be allowed."""
    current, prefix = word, word[:left]
    while prefix:
        if prefix.startswith("ال"):
            rest, margin, prefix = current[2:], config.article_margin, prefix[2:]
        elif prefix.startswith("لل"):
            # ل + ال is written لل: what is left is the definite word.
            rest, margin, prefix = "ال" + current[2:], config.proclitic_margin, "ال" + prefix[2:]
        else:
            rest, margin, prefix = current[1:], config.proclitic_margin, prefix[1:]
        if _refused(current, rest, margin):
            return False
        current = rest
    return True


def _suffix_allowed(word: str, left: int, right: int, config: StemConfig) -> bool:
    """Judged on the word without its proclitics, so that every clitic form
    of a word (وزارة، الوزارة، بالوزارة) gets the same answer."""
    if right == len(word):
        return True
    return not _suffix_refused(word[left:], word[left:right], config)


class Stemmer:
    """Stems normalized words under one :class:`StemConfig`; safe to share
    between threads."""

    def __init__(self, config: StemConfig | None = None) -> None:
        self.config = config or StemConfig()
        self.stem = lru_cache(maxsize=300_000)(self._stem)

    def __reduce__(self):
        return (Stemmer, (self.config,))

    def _stem(self, word: str) -> str:
        config = self.config
        if len(word) <= config.min_stem or not all(c in ARABIC_LETTERS for c in word):
            return word
        segments = _tashaphyne(config).segment(word)
        lefts = sorted({left for left, _ in segments}, reverse=True)
        for left in lefts:
            if len(word) - left < config.min_stem or not _prefix_allowed(word, left, config):
                continue
            rights = sorted(right for l, right in segments if l == left)
            for right in rights:
                if right - left >= config.min_stem and _suffix_allowed(word, left, right, config):
                    return word[left:right]
            return word[left:]
        return word


class ShippedStemmer:
    """Tashaphyne exactly as it ships, kept for the relevance comparison."""

    def __init__(self) -> None:
        self.stem = lru_cache(maxsize=300_000)(self._stem)

    def __reduce__(self):
        return (ShippedStemmer, ())

    def _stem(self, word: str) -> str:
        stemmer = getattr(_local, "shipped", None)
        if stemmer is None:
            stemmer = _local.shipped = ArabicLightStemmer()
        return stemmer.light_stem(word) or word
