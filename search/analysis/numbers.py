"""Numbers as news writes them: in digits with a proclitic or a year's era
attached (و5، بـ3، الـ16، 2017م) and in words (خمسة، ثلاثين، مائة).  A
reader who types 5 means the articles that write و5 and خمسة too."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyarabic.number_const import NUMBER_WORDS
from whoosh.analysis import Filter, Token

from search import normalize as norm
from search.stemmer import ARTICLE, CONJUNCTIONS, DEFINITE, PREPOSITIONS

# و ف, then ب ل ك, then the article (ل + ال written لل): the proclitics a
# number word takes (وخمسة، بثلاثة، لعشرين، الخمسة، بالثلاثين، للمئة), the
# stemmer's own.
_PROCLITICS = tuple(
    first + second + article
    for first in CONJUNCTIONS
    for second in PREPOSITIONS
    for article in ARTICLE
    if not (second == "ل" and article)
) + tuple(first + "لل" for first in CONJUNCTIONS)

# The same proclitics before digits (و2016, بـ5، لـ3، الـ16: 5,047 of the
# 105,166 numbers in digits of the shared corpus's first 20,000 articles),
# and after them a year's era (2017م, 1439هـ: 1,769 more).
_WRITTEN_NUMBER = re.compile(rf"({'|'.join(sorted(_PROCLITICS, key=len, reverse=True))})(\d+)([مه]?)\Z")
_RAW_DIGITS = re.compile(r"\d+")  # Eastern digits too: \d is Unicode


class DigitsFilter(Filter):
    """A number in digits with letters written onto it is the number: a
    proclitic (و5 آخرين, بـ3) or a year's era (2017م ميلادي, 1439هـ
    هجري, or metres: 100م).  Without this the tokenizer keeps و5 and
    2017م as words of their own that a search for 5 or 2017 never meets.
    The token then covers the digits alone, so that highlighting marks them
    and not the letters."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            found = _WRITTEN_NUMBER.match(t.text)
            if found is not None and (found.group(1) or found.group(3)):
                t.text = found.group(2)
                if getattr(t, "chars", False):
                    digits = _RAW_DIGITS.search(getattr(t, "raw", ""))
                    if digits is not None:
                        start = t.startchar
                        t.startchar, t.endchar = start + digits.start(), start + digits.end()
            yield t


def _number_words() -> dict[str, str]:
    """pyarabic's number words, folded, each with its value in digits:
    the units from 2 (اثنان، خمسة، خمس), the tens (عشرون، عشرين) and the
    hundreds (مئة، مائة، خمسمائة).  Left out: one (واحد, أحد, إحدى: a
    pronoun or Sunday as often as a number, and the digit 1 is in every
    date), the words of 12 (اثنا عشر), which are numbers only before عشر,
    and the multipliers (ألف، آلاف، مليون): 20 ألف and عشرين ألف then give
    the same terms, 20 and ألف.  ستون is left too: news writes Stone with
    it (أوليفر ستون) more than sixty, which it writes ستين."""
    teen_only = {"اثنا", "اثني", "إثنا", "إثني"}
    words = {}
    for word, value in NUMBER_WORDS.items():
        if 2 <= value < 1000 and word not in teen_only and word != "ستون":
            words[norm.normalize(word)] = str(value)
    # مئة is also written مائة, with the old silent alef, in its duals and
    # compounds too (مائتين، ثلاثمائة); pyarabic lists some of them.
    hamza = norm.normalize("مئ")
    for word, value in list(words.items()):
        if hamza in word:
            words.setdefault(word.replace(hamza, norm.normalize("مائ")), value)
    return words


def _words_of_value(words: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The words of each value (5: خمسه, خمس, خمسا): what a text holds
    where a term in digits stands for a word (search.analysis.marking)."""
    by_value: dict[str, tuple[str, ...]] = {}
    for word, value in words.items():
        by_value[value] = (*by_value.get(value, ()), word)
    return by_value


NUMBER_WORDS_FOLDED = _number_words()
WORDS_OF_VALUE = _words_of_value(NUMBER_WORDS_FOLDED)

# The tens whose plural names a decade, as the stemmer leaves them
# (الثمانينات and الثمانينيات → ثمانين): news writes a decade in ات and in
# يات alike, and a short query that told the two apart, as it tells a word
# from its nisba adjective, found about half of a decade's articles on the
# shared corpus (الثمانينات 180, الثمانينيات 191, of 366).  Their bare word
# is indexed as digits, so in the stem field such a stem stands only for
# the decade and for the nisba adjective of an age (خمسيني, in his fifties).
DECADES = frozenset(word for word, value in NUMBER_WORDS_FOLDED.items()
                    if value in {str(tens) for tens in range(20, 100, 10)} and word.endswith("ين"))

_TWO = norm.normalize("اثنين")  # with the article, Monday in news far more than "the two"


def _number_forms() -> dict[str, str]:
    """Every number word with every proclitic it takes, and its digits: one
    lookup a word, since nearly every word the chain meets is no number.
    What is left after a proclitic must have three letters: وست is West
    (وست هام), لست "I am not" and الست "the lady" far more often than six."""
    forms: dict[str, str] = {}
    for proclitic in _PROCLITICS:
        for word, value in NUMBER_WORDS_FOLDED.items():
            if proclitic and len(word) < 3 or (word == _TWO and proclitic.endswith(DEFINITE)):
                continue
            forms.setdefault(proclitic + word, value)
    return forms


_NUMBER_FORMS = _number_forms()


def number_value(word: str) -> str | None:
    """The digits a folded word stands for (وخمسه → 5), or None."""
    return _NUMBER_FORMS.get(word)


class NumberWordFilter(Filter):
    """A number written in words is indexed as its digits (خمسة، خمس → 5;
    مئة، مائة → 100), so that a search for either finds both, and the light
    stemmer no longer joins numbers that share letters (ثلاثين → ثلاث, 30
    with 3; مائة → ماء, a hundred with water).  Only in the matching field:
    the exact-form field keeps the word, so the form typed ranks first.  A
    number of several words (خمسة وعشرون) gives a term a word (5, 20), not
    25: the chain reads one word at a time."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                value = number_value(t.text)
                if value is not None:
                    t.text = value
            yield t
