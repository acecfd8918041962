"""Where a query's terms stand in a text as written, for highlighting: the
same analysis as matching, looked up word by word (Marker)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import cached_property, lru_cache

import numpy as np

from search import normalize as norm
from search.analysis.chain import CachedChain
from search.analysis.numbers import WORDS_OF_VALUE
from search.analysis.tokens import _WORD


# Where a matched word stands in the text as written: start, end, and the
# term it analysed into.
Span = tuple[int, int, str]


def _parts(terms: frozenset[str]) -> list[str]:
    """What a word's normalized form must contain to analyse into one of
    ``terms``: a stem is part of its word's normalized form, but for an alef
    the stemmer may put back at its start (ينتقد → انتقد) and a hamza's seat
    it may take out (_parts_pattern); a number in digits may be a number
    word (NumberWordFilter: 5 is also خمسة)."""
    parts = {t[1:] if t[:1] == "ا" and len(t) > 1 else t for t in terms}
    parts.update(word for t in terms if t.isdigit() for word in WORDS_OF_VALUE.get(t, ()))
    return sorted(filter(None, parts), key=len, reverse=True)


# The stemmer takes a hamza's seat written as a letter out of a stem
# (خاطيء → خاطء, StemConfig.seat_off): where a stem has a hamza, its word
# may have the seat before it, normalized (_parts_pattern) or as written
# (_written_forms).
_HAMZA, _SEAT = "ء", "ي"


def _parts_pattern(terms: frozenset[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(p).replace(_HAMZA, f"{_SEAT}*{_HAMZA}") for p in _parts(terms)))


# The Unicode blocks news text is written in (Latin, Greek, Cyrillic, the
# Arabic blocks, punctuation and symbols); _written_forms knows their
# characters, a text with any other character is looked at word by word.
_BLOCKS = ((0x0000, 0x08FF), (0x1E00, 0x1EFF), (0x2000, 0x2BFF))


@lru_cache(maxsize=1)
def _letters() -> tuple[dict[str, list[str]], list[str]]:
    """For each character a normalized word can hold, the characters of
    _BLOCKS an NFKC-normal text writes it with (ا: ا أ إ آ ٱ ...; ه: ه ة;
    4: 4 ٤ ۴; a: a A); and those it cannot say that of, whose normal form is
    more than one character (ß → ss) or none.  Marks, tatweel and invisible
    controls normalize to nothing: they may stand between any two letters."""
    import unicodedata

    forms: dict[str, list[str]] = {}
    several = []
    for first, last in _BLOCKS:
        for code in range(first, last + 1):
            c = chr(code)
            if unicodedata.normalize("NFKC", c) != c or _IGNORED.fullmatch(c):
                continue
            n = norm.normalize(c)
            if len(n) == 1:
                forms.setdefault(n, []).append(c)
            else:
                several.append(c)
    return forms, several


@lru_cache(maxsize=1)
def _written_forms() -> tuple[dict[str, str], re.Pattern]:
    """For each character a normalized word can hold, a class of the
    characters that write it (_letters), and a pattern of the characters
    outside them: those of _BLOCKS whose normal form is not one character,
    and any outside _BLOCKS."""
    forms, several = _letters()
    classes = {n: "[" + "".join(re.escape(c) for c in cs) + "]" for n, cs in forms.items()}
    classes[_HAMZA] = f"(?:{classes[_SEAT]}*{classes[_HAMZA]})"
    blocks = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _BLOCKS)
    return classes, re.compile(f"[^{blocks}]|[" + "".join(re.escape(c) for c in several) + "]")


_IGNORED = re.compile(f"[{norm.MARK_CLASS}{norm.TATWEEL}{norm.INVISIBLE_CLASS}]")
_IN_WORD_CHAR = re.compile(rf"[\w{norm.MARK_CLASS}{norm.TATWEEL}{norm.INVISIBLE_CLASS}]")


@lru_cache(maxsize=1)
def _fold_table() -> np.ndarray:
    """For each character of _BLOCKS (by code point), the normalized letter
    it writes (_letters), itself if none."""
    table = np.arange(max(last for _first, last in _BLOCKS) + 1, dtype=np.uint32)
    for n, written in _letters()[0].items():
        table[[ord(c) for c in written]] = ord(n)
    return table


def folded(plain: str) -> str | None:
    """``plain`` (a text of _letter_by_letter less its marks, tatweel and
    invisible controls) with each character replaced by the normalized
    letter it writes: one for one, so that a place in it is the same place
    in ``plain``.  None for a text with a character outside _BLOCKS."""
    codes = np.frombuffer(plain.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _fold_table()
    if len(codes) and int(codes.max()) >= len(table):
        return None
    return table[codes].tobytes().decode("utf-32-le")


@lru_cache(maxsize=50_000)
def _written_part(part: str) -> re.Pattern | None:
    """Where a folded text may hold ``part`` (one of _parts): its letters,
    a hamza with any seats before it (_parts_pattern); None for a part with
    a character no text writes letter for letter.  A literal pattern, not
    a class of written forms per letter: compiling those was a tenth of a
    headline query's time (each new stem of a query compiled its own)."""
    if any(c not in _letters()[0] for c in part):
        return None
    return re.compile(re.escape(part).replace(_HAMZA, f"{_SEAT}*{_HAMZA}"))


def written_pattern(letters: str) -> re.Pattern:
    """Where a text as written may hold the normalized ``letters``, each in
    any of its written forms (a character _written_forms does not know, as
    itself): how the spelling miner finds where an article writes a stem."""
    classes, _several = _written_forms()
    return re.compile("".join(classes.get(c, re.escape(c)) for c in letters))


def _written_patterns(terms: frozenset[str]) -> tuple[re.Pattern, ...] | None:
    """The _written_part of each part of ``terms``: one scan each finds
    every place where a text could write a word that analyses into a term,
    so that the other words of an article are never looked at."""
    patterns = tuple(_written_part(part) for part in _parts(terms))
    return None if not patterns or None in patterns else patterns


def _letter_by_letter(text: str) -> bool:
    """Whether every word of ``text`` normalizes letter by letter into
    characters _written_forms knows: true of nearly all news text."""
    if text.isascii():
        return True
    import unicodedata

    return unicodedata.is_normalized("NFKC", text) and not _written_forms()[1].search(text)


class _AnyOf:
    """Searches a text for any of ``patterns``: _parts_pattern from the parts' own patterns."""

    def __init__(self, patterns: tuple[re.Pattern, ...]) -> None:
        self.patterns = patterns

    def search(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns)


class Marker:
    """Where the words that ``analyzer`` turns into one of ``terms`` stand in
    a text as written: marking goes through the same analysis as matching,
    so what is marked is what matched.  Make one per query: what it learns
    about a word serves every text of the page."""

    def __init__(self, analyzer, terms: Iterable[str]) -> None:
        self.analyzer = analyzer
        self.terms = frozenset(terms)
        self._by_word = isinstance(analyzer, CachedChain) and analyzer.marks_by_word() and bool(self.terms)
        self._written = _written_patterns(self.terms) if self._by_word else None
        self._words: dict[str, tuple[tuple[int, int, str], ...]] = {}

    @cached_property
    def _could_be(self) -> "re.Pattern | _AnyOf":
        """Made only if a word the analyzer has not seen comes up: most
        pages of a running server have none.  The written parts' patterns
        when there are (a normalized form is folded letters), since
        compiling all the parts again took longer than searching with them."""
        return _AnyOf(self._written) if self._written is not None else _parts_pattern(self.terms)

    def spans(self, text: str) -> list[Span]:
        """(start, end, term) of each matched word or word part, in order;
        of a word matched whole and in parts (عبدالله, searched as typed and
        as عبد الله), the first met only."""
        if not self.terms or not text:
            return []
        if not self._by_word:
            tokens = self.analyzer(text, chars=True, mode="index", removestops=False)
            return _apart([(t.startchar, t.endchar, t.text) for t in tokens if t.text in self.terms])
        if self._written is not None and _letter_by_letter(text):
            return _apart(self._spans_where_written(text))
        return _apart(self._spans_by_word(text))

    def _spans_by_word(self, text: str) -> list[Span]:
        """The spans, every distinct word of the text looked up."""
        words = self._words
        distinct = set(_WORD.findall(text))
        self.analyzer.look_up(distinct.difference(words), self.terms, self._could_be, words)
        spans: list[Span] = []
        if any(map(words.__getitem__, distinct)):
            for match in _WORD.finditer(text):
                parts = words[match.group()]
                if parts:
                    base = match.start()
                    spans.extend((base + start, base + end, term) for start, end, term in parts)
        return spans

    def _spans_where_written(self, text: str) -> list[Span]:
        """The same spans, from only the words around the places where the
        text writes a term's part: a word that analyses into a term holds
        its part, so every other word can be passed over.  The parts are
        looked for in the text less what normalizing removes (marks inside
        a word: الدّولة), then each place is widened to its stretch of word
        characters, which _WORD cuts as it cuts the whole text (no word runs
        across its ends)."""
        gaps = [m.start() for m in _IGNORED.finditer(text)]
        plain = _IGNORED.sub("", text) if gaps else text
        letters = folded(plain)
        if letters is None:
            return self._spans_by_word(text)
        shifted = [g - k for k, g in enumerate(gaps)]  # where each removed character was, in plain
        words, spans = self._words, []
        in_word = _IN_WORD_CHAR.match
        done = 0
        places = sorted(m.span() for pattern in self._written for m in pattern.finditer(letters))
        for first, last in places:
            start = first + bisect_right(shifted, first) if gaps else first
            end = last + bisect_right(shifted, last - 1) if gaps else last
            if start < done:
                continue
            while start > done and in_word(text, start - 1):
                start -= 1
            while end < len(text) and in_word(text, end):
                end += 1
            for match in _WORD.finditer(text, start, end):
                raw = match.group()
                if raw not in words:
                    self.analyzer.look_up((raw,), self.terms, self._could_be, words)
                base = match.start()
                spans.extend((base + s, base + e, term) for s, e, term in words[raw])
            done = end
        return spans


def _apart(spans: list[Span]) -> list[Span]:
    """``spans`` less each that begins inside the one kept before it."""
    out: list[Span] = []
    end = -1
    for span in spans:
        if span[0] >= end:
            out.append(span)
            end = span[1]
    return out
