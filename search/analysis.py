"""The analysis chain shared by indexing and querying.

Built in the manner of ``whoosh.analysis``: one tokenizer and small filters,
each with one job.  The chain is pickled into the index schema, so a query is
always analysed by exactly the code its index was built with.

    ArabicTokenizer | CleanFilter | SplitRunTogetherFilter | ArabicStopFilter
        | FoldFilter | StemFilter

Every filter rewrites ``token.text`` only; ``startchar``/``endchar`` keep
pointing into the original text, which is what makes highlighting right.
"""

from __future__ import annotations

import marshal
import os
import re
from bisect import bisect_right
from functools import cached_property, lru_cache
from itertools import islice
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from pyarabic.araby import YEH
from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from search import normalize as norm
from search.lexicon import zipf
from search.stemmer import ShippedStemmer, StemConfig, Stemmer, default_prefixes, default_suffixes

# A word starts with a letter or digit and runs on through letters, digits,
# Arabic marks and tatweel; invisible controls are kept inside a word (they
# are removed later) but never start or end one.  Written out so that the
# common case is one character class: a third faster than the plain form
# \w(?:[\w marks tatweel]|[invisible]+(?=\w))*, which tests/test_analysis.py
# checks it against.
_IN_WORD = rf"[\w{norm.MARK_CLASS}{norm.TATWEEL}]*"
_WORD = re.compile(rf"\w{_IN_WORD}(?:[{norm.INVISIBLE_CLASS}]+\w{_IN_WORD})*")
_ARABIC_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآؤئ"
_ARABIC_WORD = re.compile(rf"[{_ARABIC_LETTERS}]+\Z")


class ArabicTokenizer(Tokenizer):
    """Splits on anything that is not part of a word, unlike Whoosh's default
    tokenizer, which would cut مُحَمَّدٌ at every diacritic."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(_WORD.finditer(value)):
            t.text = t.raw = match.group()
            t.boost = 1.0
            if keeporiginal:
                t.original = t.text
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class CleanFilter(Filter):
    """Strips marks, tatweel and invisible characters, turns presentation
    forms and Eastern digits into plain ones, and folds case.  A token that
    was only marks disappears; the ﷺ-style ligatures that expand to several
    words become several tokens over the same span."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = norm.clean(t.text)
            if not text:
                continue
            if " " in text:
                for part in text.split():
                    t.text = part
                    yield t
                continue
            t.text = text
            yield t


class FoldFilter(Filter):
    """Merges alef/hamza forms, alef maksura and teh marbuta."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = norm.fold(t.text)
            yield t


def _stop_words() -> frozenset[str]:
    """Tashaphyne's list of Arabic function words with their clitic forms,
    less the entries that carry meaning in news: place adverbs (شمال، أمام،
    فوق), the 'five nouns' (أبو، أخو, as in أبو ظبي) and the verbs of
    beginning (أخذ، قام، شرع)."""
    from tashaphyne.stopwords import STOPWORDS

    meaningful = ("ظرف مكان", "الأسماء الخمسة", "كاد")

    def word(entry: dict) -> str:
        return norm.strip_marks(entry["original"])

    # Clitic forms are tagged by their clitics only (لشمال: مجرور), so a
    # word is judged by the tags of its bare form.
    dropped = {
        word(entry)
        for form, entry in STOPWORDS.items()
        if norm.strip_marks(form) == word(entry) and any(tag in entry["tags"] for tag in meaningful)
    }
    words = set()
    for form, entry in STOPWORDS.items():
        # Forms with the question hamza (أمن = أ + من) or the enclitic "me"
        # (عليّ) read as content words (أمن security, the name علي) far more
        # often than as what the list means.
        if word(entry) in dropped or "أ" in (entry.get("procletic") or "") or norm.strip_marks(entry.get("encletic") or "") == "ي":
            continue
        cleaned = norm.clean(form)
        words.add(cleaned)
        # Writers drop the hamza of إلى/أن freely; ى and ة are kept, so that
        # على stays a stop word and the name علي does not.
        words.add(cleaned.translate(str.maketrans("أإآ", "ااا")))
    # Common function words as papers also spell them, final ى for ي or
    # the reverse.  Listed, not derived: derived variants hit content words
    # (والي governor, فعلي actual, وعلي and Ali).
    words.update(norm.clean(w) for w in _SPELLINGS)
    # و + لي "and to me" in the list; in news it is ولي as in ولي العهد.
    words.discard("ولي")
    return frozenset(words)


_SPELLINGS = (
    "فى", "وفى", "ففى", "التى", "والتى", "الذى", "والذى", "هى", "وهى", "فهى",
    "حتي", "وحتي", "متي", "الي", "إلي", "لكى", "كى", "لدي",
)


STOP_WORDS = _stop_words()


class ArabicStopFilter(Filter):
    """Drops function words, renumbering positions so that a phrase matches
    the same way in queries and documents; tokens that share a position
    (a word and its split parts) keep sharing it."""

    def __init__(self, stops: frozenset[str] = STOP_WORDS) -> None:
        self.stops = stops

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.stops = STOP_WORDS

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = self.stops
        last_in = None
        pos = -1
        for t in tokens:
            if t.text in stops:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                if t.pos != last_in:
                    last_in = t.pos
                    pos += 1
                t.pos = pos
            t.stopped = False
            yield t


# A compound name of عبد and one of the divine names, which news writes
# joined or apart (عبدالله / عبد الله in 4,427 / 1,390 articles of the shared
# corpus, عبدالعزيز, عبدالرحمن, عبدالفتاح): the joined word, after any of
# the proclitics و ف and ب ل ك, is عبد and a word with the article.
_COMPOUND_HEAD = "عبد"
_COMPOUND_FIRST = rf"[وف]?[بلك]?{_COMPOUND_HEAD}"
_COMPOUND = re.compile(rf"({_COMPOUND_FIRST})(ال..+)\Z")


# ... and written apart: عبد (with any proclitic) then a word with the article.
_LETTER = rf"[{_ARABIC_LETTERS}{norm.TATWEEL}]"
_APART = re.compile(rf"(?<!{_LETTER})({_COMPOUND_FIRST})\s+(ال{_LETTER}{{2,}})")


def compounds_apart(text: str) -> list[str]:
    """The compound names ``text`` writes as two words, joined (عبد الله →
    عبدالله): indexed beside the text, so that a search for the joined
    word finds them as a term, not as a phrase of two common words (a
    Whoosh phrase of عبد and الله cost 300 ms on the shared corpus).  A name
    written with its marks (عَبْدُ الله) is not found."""
    if _COMPOUND_HEAD not in text:
        return []
    return [first + second for first, second in _APART.findall(text)]


def compound_parts(word: str) -> tuple[str, str] | None:
    """The two words of a compound name written as one (وعبدالله: وعبد +
    الله), as they stand in ``word`` cleaned (a query word may come with
    its marks: عَبْدُالله), or None."""
    word = norm.clean(word)
    found = _COMPOUND.match(norm.fold(word))
    return None if found is None else (word[: found.end(1)], word[found.end(1) :])


class SplitRunTogetherFilter(Filter):
    """Also indexes the two words of a token that scraping ran together.

    A token is split only when it is not itself a known Arabic form, is long
    enough to hold two words, and there is a cut where both halves are common
    words (كييفالتصرف → كييف + التصرف); and a compound name is split into its
    two words however well known (compound_parts: عبدالله → عبد + الله), so
    that a search for عبد الله finds the articles that write عبدالله.  The
    token itself is kept, so a wrong split can add a term but never lose
    one.  The parts point at their own characters in the original text, so
    highlighting marks just them.  At query time nothing is split: a
    run-together query word finds the same run-together token, and a
    compound one also the articles that write it apart, which the index
    holds it for (compounds_apart).
    """

    def __init__(self, min_length: int = 7, part_zipf: float = 3.5, part_length: int = 3) -> None:
        self.min_length = min_length
        self.part_zipf = part_zipf
        self.part_length = part_length

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def split(self, word: str) -> tuple[str, str] | None:
        """The best cut of ``word`` into two common words, if there is one."""
        # The cheap test first: every word the chain has not seen comes here.
        compound = compound_parts(word) if _COMPOUND_HEAD in word else None
        if compound is not None:
            return compound if _ARABIC_WORD.match(word) else None
        if len(word) < self.min_length or not _ARABIC_WORD.match(word):
            return None
        cut = _best_cut(norm.fold(word), self.part_zipf, self.part_length)
        return None if cut is None else (word[:cut], word[cut:])

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.mode == "query":
                yield t
                continue
            text = t.text
            pos = t.pos if t.positions else None
            parts = self.split(text)
            yield t
            if parts is None:
                continue
            chars = getattr(t, "chars", False)
            original = _offsets_of_parts(t, parts) if chars and hasattr(t, "raw") else None
            start, end = (t.startchar, t.endchar) if chars else (0, 0)
            for k, part in enumerate(parts):
                t.text = part
                if pos is not None:
                    t.pos = pos  # a later filter may have renumbered it
                if original:
                    t.startchar, t.endchar = original[k]
                yield t
            t.text = text
            if chars:
                t.startchar, t.endchar = start, end


_PREFIXES = tuple(sorted(default_prefixes(), key=len, reverse=True))
_SUFFIXES = tuple(sorted(default_suffixes(), key=len, reverse=True))


def _is_ordinary(word: str) -> bool:
    """Known as it is, or once its clitics and endings are taken off."""
    for prefix in _PREFIXES:
        if not word.startswith(prefix):
            continue
        for suffix in _SUFFIXES:
            if suffix and not word.endswith(suffix):
                continue
            core = word[len(prefix) : len(word) - len(suffix)]
            if len(core) >= 2 and zipf(core) > 0:
                return True
    return False


@lru_cache(maxsize=200_000)
def _best_cut(word: str, part_zipf: float, part_length: int) -> int | None:
    if _is_ordinary(word):
        return None
    best, best_score = None, part_zipf
    for i in range(part_length, len(word) - part_length + 1):
        head, tail = word[:i], word[i:]
        if head in _PREFIXES or tail in _SUFFIXES:
            continue
        score = min(zipf(head), zipf(tail))
        if score >= best_score:
            best, best_score = i, score
    return best


def _offsets_of_parts(t: Token, parts: tuple[str, str]) -> list[tuple[int, int]] | None:
    """Where each part lies in the original text: the token as written may be
    longer than its cleaned text (marks, tatweel), so walk it letter by letter."""
    raw, cut, seen = t.raw, len(parts[0]), 0
    for i, ch in enumerate(raw):
        seen += len(norm.clean(ch))
        if seen >= cut:
            j = i + 1
            while j < len(raw) and not norm.clean(raw[j]):
                j += 1  # marks that belong to the last letter of the first part
            return [(t.startchar, t.startchar + j), (t.startchar + j, t.endchar)]
    return None


class StemFilter(Filter):
    """Replaces Arabic words by their light stem."""

    def __init__(self, stemmer: Stemmer | ShippedStemmer) -> None:
        self.stemmer = stemmer

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and getattr(self.stemmer, "config", None) == getattr(
            other.stemmer, "config", None
        )

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self.stemmer.stem
        for t in tokens:
            t.text = stem(t.text)
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
            stem = self.stemmer.stem(t.text)
            nisba = nisba_stem(stem)
            if nisba in t.text and self.keeping.stem(t.text) == nisba and not _plural_construct(stem):
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


class CountedFrequency(Frequency):
    """Whoosh's Frequency format (a field's terms and how often each
    occurs, no positions), counted by a CachedChain at once when indexing
    (CachedChain.term_counts) rather than token by token.  The same
    postings (tests/test_analysis_cache.py)."""

    def word_values(self, value, analyzer, **kwargs):
        counts = None
        if kwargs.get("mode", "index") == "index" and isinstance(value, str) and isinstance(analyzer, CachedChain):
            counts = analyzer.term_counts(value)
        if counts is None:
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((term, n, float(n) * boost, pack_uint(n)) for term, n in counts.items())


class CountedPositions(Positions):
    """Whoosh's Positions format, each term's positions gathered by a
    CachedChain at once when indexing (CachedChain.term_positions) rather
    than from a Token a word, as CountedFrequency counts the fields without
    positions: ``text`` alone has as many tokens as the article.  The same
    postings, encoded by Positions.encode (tests/test_analysis_cache.py)."""

    def word_values(self, value, analyzer, **kwargs):
        positions = None
        if kwargs.get("mode", "index") == "index" and isinstance(value, str) and isinstance(analyzer, CachedChain):
            positions = analyzer.term_positions(value)
        if positions is None:
            return super().word_values(value, analyzer, **kwargs)
        boost, encode = self.field_boost, self.encode
        return ((term, len(poses), float(len(poses)) * boost, encode(poses)) for term, poses in positions.items())


class LowercaseOnlyFilter(Filter):
    """The whole of the analysis in the 'raw' evaluation baseline."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.casefold()
            yield t


# What one raw token becomes: per output token (text, start, end, stopped,
# fresh), start/end relative to the raw token; ``fresh`` is whether the token
# reached the stop filter with the tokenizer's position (see _tokens).  The
# common case, one kept token over the whole raw token, is stored as its text
# alone (a third of the memory).
_Outputs = tuple[tuple[str, int, int, bool, bool], ...] | str
# Where a matched word stands in the text as written: start, end, and the
# term it analysed into.
Span = tuple[int, int, str]
_PROBE = -(10**9)  # a position no renumbering can produce


def _parts(terms: frozenset[str]) -> list[str]:
    """What a word's normalized form must contain to analyse into one of
    ``terms``: a stem is part of its word's normalized form, but for an alef
    the stemmer may put back at its start (ينتقد → انتقد) and a hamza's seat
    it may take out (_parts_pattern)."""
    parts = {t[1:] if t[:1] == "ا" and len(t) > 1 else t for t in terms}
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


@lru_cache(maxsize=300_000)
def _normal_form(raw: str) -> str:
    return norm.normalize(raw)


class CachedChain(CompositeAnalyzer):
    """The same chain, with the filters run once per distinct raw token.

    Every filter after the tokenizer looks at one token at a time, so what a
    raw token (as the tokenizer cut it) turns into never depends on its
    neighbours; only the stop filter's position numbering does, and that is
    replayed here per text.  News repeats the same few hundred thousand
    forms, so after the first articles nearly every token costs one dict
    lookup instead of six generator steps, NFKC, a stop lookup, folding and
    stemming.  The tokens are exactly the chain's (tests compare them).

    The caches belong to the process and are never pickled: the chain is
    pickled into the index schema and into Whoosh's indexing subprocesses.
    """

    # Filters known to act on each token alone, whatever surrounds it.
    PER_TOKEN: tuple[type, ...] = ()  # filled in below, once the classes exist
    MAX_ENTRIES = 300_000  # per mode; about 35 MB when full

    def __init__(self, *composables) -> None:
        super().__init__(*composables)
        self._reset()

    def _reset(self) -> None:
        self._caches: dict[bool, dict[str, _Outputs]] = {False: {}, True: {}}
        first = self.items[0] if self.items else None
        self._fast = isinstance(first, ArabicTokenizer) and all(
            type(item) in self.PER_TOKEN for item in self.items[1:]
        )
        self._stop_at = next((i for i, item in enumerate(self.items) if isinstance(item, ArabicStopFilter)), None)

    def __getstate__(self) -> dict:
        return {"items": self.items}

    def __setstate__(self, state: dict) -> None:
        self.items = state["items"]
        self._reset()

    def _outputs(self, raw: str, query: bool) -> _Outputs:
        """Run the real filters on ``raw`` alone and remember the result."""
        token = Token(positions=True, chars=True, removestops=False, mode="query" if query else "index")
        token.text = token.raw = token.original = raw
        token.boost = 1.0
        token.stopped = False
        token.pos = _PROBE
        token.startchar, token.endchar = 0, len(raw)
        fresh: list[bool] = []

        def probe(tokens: Iterator[Token]) -> Iterator[Token]:
            for t in tokens:
                fresh.append(t.pos == _PROBE)
                yield t

        stream: Iterator[Token] = iter((token,))
        for i, item in enumerate(self.items[1:], start=1):
            if i == self._stop_at:
                stream = probe(stream)
            stream = item(stream)
        outputs = [(t.text, t.startchar, t.endchar, bool(t.stopped)) for t in stream]
        if self._stop_at is None:
            fresh = [True] * len(outputs)
        result: _Outputs = tuple(
            (raw if text == raw else text, start, end, stopped, f)
            for (text, start, end, stopped), f in zip(outputs, fresh)
        )
        if len(result) == 1 and result[0][1:] == (0, len(raw), False, True):
            result = result[0][0]
        cache = self._caches[query]
        if len(cache) >= self.MAX_ENTRIES:
            cache.clear()  # the frequent forms come straight back
        cache[raw] = result
        return result

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        if not getattr(self, "_fast", False) or not tokenize or kwargs.get("no_morph"):
            return super().__call__(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
        return self._tokens(value, positions, chars, keeporiginal, removestops, start_pos, start_char, mode, kwargs)

    def words(self) -> dict[str, _Outputs]:
        """What this process has analysed (index mode), in the order first
        met, for another process that reads the same archive (learn): after
        a build the spelling miner reads thousands of its articles again,
        and analysing their words afresh was a third of its time."""
        return self._caches[False]

    def learn(self, words: dict[str, _Outputs]) -> None:
        """Take the analyses ``words`` of another process's chain, built from
        the same schema (the same chain gives the same outputs), the first
        met first, up to half the cache: a full cache is emptied by the
        next new word."""
        cache = self._caches[False]
        room = self.MAX_ENTRIES // 2
        for raw, outputs in words.items():
            if len(cache) >= room:
                break
            cache.setdefault(raw, outputs)

    def term_counts(self, value: str) -> dict[str, int] | None:
        """How often each term of ``value`` occurs (as indexed: stop words
        removed), or None for a chain whose filters are not all per token
        (its stream must be run).  What a field without positions indexes,
        without a Token a word: about half the time of counting the stream
        (CountedFrequency)."""
        if not getattr(self, "_fast", False):
            return None
        cache = self._caches[False]
        counts: dict[str, int] = {}
        count = counts.get
        for raw in _WORD.findall(value):
            outputs = cache.get(raw)
            if outputs is None:
                outputs = self._outputs(raw, False)
            if outputs.__class__ is str:
                counts[outputs] = count(outputs, 0) + 1
                continue
            for text, _start, _end, stopped, _fresh in outputs:
                if not stopped:
                    counts[text] = count(text, 0) + 1
        return counts

    def term_positions(self, value: str) -> dict[str, list[int]] | None:
        """Each term of ``value`` with its positions (as indexed: stop words
        removed, positions numbered as _tokens numbers them), or None for a
        chain whose filters are not all per token (CountedPositions)."""
        if not getattr(self, "_fast", False):
            return None
        cache = self._caches[False]
        renumbers = self._stop_at is not None
        found: dict[str, list[int]] = {}
        last_in = current = None
        pos = -1
        for n, raw in enumerate(_WORD.findall(value)):
            outputs = cache.get(raw)
            if outputs is None:
                outputs = self._outputs(raw, False)
            if outputs.__class__ is str:  # one kept term over the whole word
                outputs = ((outputs, 0, 0, False, True),)
            for text, _start, _end, stopped, fresh in outputs:
                incoming = n if fresh else current
                if stopped:
                    current = incoming
                    continue
                if renumbers:
                    if incoming != last_in:
                        last_in = incoming
                        pos += 1
                    current = pos
                else:
                    current = incoming
                poses = found.get(text)
                if poses is None:
                    found[text] = [current]
                else:
                    poses.append(current)
        return found

    def marks_by_word(self) -> bool:
        """Whether a Marker may look at each distinct word of a text once
        (look_up) instead of running the chain over the text."""
        return getattr(self, "_fast", False) and self._terms_are_substrings()

    def look_up(self, raws: Iterable[str], terms: frozenset[str], could_be, into: dict) -> None:
        """For each raw word, ``into[raw]`` = (start, end, term) of each of its
        outputs that is one of ``terms``, offsets within the word.

        A word seen for the first time is analysed only if ``could_be``
        (_parts_pattern) finds a term in its normalized form: a stem is part
        of it, but for an alef put back at its start (the stemmer otherwise
        only removes letters; tests/test_analysis_cache.py checks it).
        Otherwise each snippet of a rarely seen article ran the stemmer on
        hundreds of new words only to find they match nothing."""
        cached = self._caches[False].get
        for raw in raws:
            outputs = cached(raw)
            if outputs is None:
                if not could_be.search(_normal_form(raw)):
                    into[raw] = ()
                    continue
                outputs = self._outputs(raw, False)
            if outputs.__class__ is str:
                into[raw] = ((0, len(raw), outputs),) if outputs in terms else ()
            else:
                into[raw] = tuple((start, end, out) for out, start, end, _stopped, _fresh in outputs if out in terms)

    def _terms_are_substrings(self) -> bool:
        """Whether every term is part of its word's normalized form: true of
        the normalizing chains and Akhbar's stemmer, not of the evaluation's
        raw baseline or of Tashaphyne as shipped."""
        return any(isinstance(item, FoldFilter) for item in self.items) and all(
            isinstance(item.stemmer, Stemmer) for item in self.items if isinstance(item, StemFilter)
        )

    def _tokens(self, value, positions, chars, keeporiginal, removestops, start_pos, start_char, mode, kwargs):
        """The chain's tokens for ``value``, from the cache.

        Positions replay ArabicStopFilter on the one shared Token: it numbers
        the surviving words from 0 (whatever start_pos says), a stopped token
        keeps the position it came with, and a token reaches it either with
        the tokenizer's position (``fresh``) or with whatever the previous
        token was left with (the later words of a ligature like ﷺ).
        """
        query = mode == "query"
        cache = self._caches[query]
        renumbers = self._stop_at is not None and positions
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        last_in = None
        pos = -1
        current = None  # the shared token's position as the stop filter left it
        for n, match in enumerate(_WORD.finditer(value)):
            raw = match.group()
            outputs = cache.get(raw)
            if outputs is None:
                outputs = self._outputs(raw, query)
            if outputs.__class__ is str:  # one kept token over the whole raw token
                current = start_pos + n
                if renumbers:
                    if current != last_in:
                        last_in = current
                        pos += 1
                    t.pos = current = pos
                elif positions:
                    t.pos = current
                t.text = outputs
                t.stopped = False
                if keeporiginal:
                    t.original = raw
                if chars:
                    t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
                yield t
                continue
            for text, start, end, stopped, fresh in outputs:
                incoming = start_pos + n if fresh else current
                if stopped:
                    current = incoming
                    if removestops:
                        continue
                    if positions:
                        t.pos = incoming
                elif renumbers:
                    if incoming != last_in:
                        last_in = incoming
                        pos += 1
                    t.pos = current = pos
                else:
                    current = incoming
                    if positions:
                        t.pos = incoming
                t.text = text
                t.stopped = stopped
                if keeporiginal:
                    t.original = raw
                if chars:
                    base = start_char + match.start()
                    t.startchar, t.endchar = base + start, base + end
                yield t


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


@dataclass(frozen=True)
class AnalysisConfig:
    """One way of turning text into terms.  ``default`` is what Akhbar ships;
    the others exist so that the evaluation can show what each step buys."""

    name: str = "default"
    normalize: bool = True
    stemmer: str = "akhbar"  # "akhbar", "tashaphyne" (as shipped) or "none"
    stem: StemConfig = StemConfig()
    split_run_together: bool = True

    def with_(self, **changes) -> "AnalysisConfig":
        return replace(self, **changes)


def _stemmer_for(config: AnalysisConfig) -> Stemmer | ShippedStemmer | None:
    if config.stemmer == "akhbar":
        return Stemmer(config.stem)
    if config.stemmer == "tashaphyne":
        return ShippedStemmer()
    return None


def exact_analyzer(config: AnalysisConfig = AnalysisConfig()):
    """Normalized but unstemmed words: an exact word outranks a same-stem one."""
    return CachedChain(*_exact_items(config))


def _exact_items(config: AnalysisConfig) -> list:
    if not config.normalize:
        return [ArabicTokenizer(), LowercaseOnlyFilter()]
    items = [ArabicTokenizer(), CleanFilter()]
    if config.split_run_together:
        items.append(SplitRunTogetherFilter())
    return [*items, ArabicStopFilter(), FoldFilter()]


def stem_analyzer(config: AnalysisConfig = AnalysisConfig()):
    """The matching analyzer: normalized words reduced to their light stem."""
    items = _exact_items(config)
    stemmer = _stemmer_for(config)
    if stemmer is not None:
        items.append(StemFilter(stemmer))
    return CachedChain(*items)


def nisba_analyzer(config: AnalysisConfig = AnalysisConfig(), stems=None):
    """The words of a text that carry the nisba (NisbaFilter), or None for a
    configuration without the light stemmer.  ``stems``: the ``text``
    field's analyzer, whose stemmer it shares (a word is stemmed once for
    both)."""
    if config.stemmer != "akhbar" or config.stem.keep_nisba:
        return None
    shared = [item.stemmer for item in getattr(stems, "items", ()) if isinstance(item, StemFilter)]
    stemmer = shared[0] if shared and isinstance(shared[0], Stemmer) else Stemmer(config.stem)
    keeping = Stemmer(replace(config.stem, keep_nisba=True))
    return CachedChain(*_exact_items(config), NisbaFilter(stemmer, keeping))


CachedChain.PER_TOKEN = (
    CleanFilter,
    SplitRunTogetherFilter,
    ArabicStopFilter,
    FoldFilter,
    StemFilter,
    NisbaFilter,
    LowercaseOnlyFilter,
    LowercaseFilter,
)


CONFIGS: dict[str, AnalysisConfig] = {
    "raw": AnalysisConfig(name="raw", normalize=False, stemmer="none", split_run_together=False),
    "norm": AnalysisConfig(name="norm", stemmer="none", split_run_together=False),
    "tashaphyne": AnalysisConfig(name="tashaphyne", stemmer="tashaphyne", split_run_together=False),
    "default": AnalysisConfig(),
    "no-split": AnalysisConfig(name="no-split", split_run_together=False),
    "no-verbs": AnalysisConfig(name="no-verbs", stem=StemConfig(imperfect_zipf=None, perfect_feminine=False)),
    "no-imperfect": AnalysisConfig(name="no-imperfect", stem=StemConfig(imperfect_zipf=None)),
    "no-feminine": AnalysisConfig(name="no-feminine", stem=StemConfig(perfect_feminine=False)),
    "no-paradigm": AnalysisConfig(name="no-paradigm", stem=StemConfig(paradigm_zipf=None)),
    "no-accusative": AnalysisConfig(name="no-accusative", stem=StemConfig(accusative_margin=None)),
    # Before 2026-12: the accusative alif came off only where the bare word
    # is the more common (جديدا → جديد, but محذرا, مشيرا kept).
    "accusative-by-frequency": AnalysisConfig(name="accusative-by-frequency", stem=StemConfig(accusative_paradigm_zipf=None)),
    # Before 2026-12: ك and ف cut like any proclitic (فيصل → يصل, كمال → مال).
    "any-proclitic": AnalysisConfig(name="any-proclitic", stem=StemConfig(rare_proclitic_margin=None)),
    "keep-nisba": AnalysisConfig(name="keep-nisba", stem=StemConfig(keep_nisba=True)),
    "any-second-person": AnalysisConfig(name="any-second-person", stem=StemConfig(second_person_margin=None)),
    # Before 2026-12: a leading ال the lexicon sees mostly with the word was
    # kept on it (العراق ≠ العراقية), whether or not it was the word's own.
    "article-by-frequency": AnalysisConfig(name="article-by-frequency", stem=StemConfig(article_own_zipf=-1.0)),
    "any-first-person": AnalysisConfig(name="any-first-person", stem=StemConfig(first_person_checked=False)),
    "any-plural-ending": AnalysisConfig(name="any-plural-ending", stem=StemConfig(number_margin=None)),
    # Before 2026-12-05: a name ending like a plural or dual lost the ending
    # when the lexicon knew a twin of it (بوتين → بوت, beside بوتان).
    "names-by-twin": AnalysisConfig(name="names-by-twin", stem=StemConfig(name_article_zipf=None)),
    # Before 2026-12-05: a rarer spelling of a name lost the ي or يا its known
    # spelling keeps (كولمبيا → كولمب beside كولومبيا).
    "names-cut-alone": AnalysisConfig(name="names-cut-alone", stem=StemConfig(known_spelling_length=None)),
    # Before 2026-12-06: a hamza's seat written as a letter was kept
    # (الطواريء → طواريء beside الطوارئ → طوارء).
    "seat-kept": AnalysisConfig(name="seat-kept", stem=StemConfig(seat_off=False)),
    # Before lexicon.seated (2026-12-06): every such stem lost the ي, whatever the word
    # without it is (جزيء, molecule → جزء, part).
    "seat-every": AnalysisConfig(name="seat-every", stem=StemConfig(seat_share=None)),
    # Before 2026-12-06: only those two endings (الكاربون → كارب beside
    # الكربون, فلورانس → لورانس beside فلورنس).
    "names-cut-like-words": AnalysisConfig(name="names-cut-like-words", stem=StemConfig(respelled_like_known=False)),
}


# The files an indexing process leaves its analyses in (CachedChain.words),
# in the folder of the index it wrote, until the build has mined it.
WORDS_FILES = "words-*.marshal"


def leave_words(analyzer, folder: str | Path) -> None:
    """Write what ``analyzer`` (a CachedChain) has analysed in this process
    into ``folder``, for learn_words; anything else leaves nothing."""
    if isinstance(analyzer, CachedChain):
        path = Path(folder) / WORDS_FILES.replace("*", str(os.getpid()))
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(marshal.dumps(analyzer.words()))
        tmp.rename(path)


def learn_words(analyzer, folder: str | Path) -> None:
    """Give ``analyzer`` the analyses the indexing processes left in
    ``folder`` (leave_words); an unreadable file is skipped: it only saves
    time."""
    if not isinstance(analyzer, CachedChain):
        return
    for path in sorted(Path(folder).glob(WORDS_FILES)):
        try:
            analyzer.learn(marshal.loads(path.read_bytes()))
        except (OSError, ValueError, EOFError, TypeError):
            continue


def forget_words(folder: str | Path) -> None:
    """Remove the files leave_words wrote in ``folder``."""
    for path in Path(folder).glob(WORDS_FILES.replace(".marshal", ".*")):
        path.unlink(missing_ok=True)


# The analyses a build keeps beside the index (keep_words), for every
# process that searches it.
KEPT_WORDS_FILE = "analysed-words.marshal"
_CHECKED_WORDS = 40  # of the kept analyses, analysed again before they are taken


def keep_words(analyzer, folder: str | Path) -> None:
    """Write the analyses ``analyzer`` (a CachedChain) holds, the first met
    first, as many as CachedChain.learn takes, into ``folder`` beside the
    index: each process that searches it then starts with the archive's
    common words analysed.  A new word on a page was analysed in each
    process that met it, every worker and every shard (a third of the
    time of marking a headline page's snippets, docs/benchmarks.md)."""
    if not isinstance(analyzer, CachedChain):
        return
    words = analyzer.words()
    kept = dict(islice(words.items(), CachedChain.MAX_ENTRIES // 2))
    path = Path(folder) / KEPT_WORDS_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(marshal.dumps(kept))
    tmp.rename(path)


def load_words(analyzer, folder: str | Path) -> int:
    """Give ``analyzer`` the analyses keep_words left in ``folder``; how many
    it took.  Taken only if a sample of them analyses the same again (an
    index built by another version of the analysis is analysed afresh); a
    missing or unreadable file only costs time."""
    if not isinstance(analyzer, CachedChain):
        return 0
    try:
        words = marshal.loads((Path(folder) / KEPT_WORDS_FILE).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return 0
    if not isinstance(words, dict) or not words:
        return 0
    checker = CachedChain(*analyzer.items)
    raws = list(words)
    for raw in raws[:: max(1, len(raws) // _CHECKED_WORDS)]:
        if checker._outputs(raw, False) != words[raw]:
            return 0
    analyzer.learn(words)
    return len(words)
