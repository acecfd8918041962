"""Words news writes joined that a reader searches apart: a compound name
(عبدالله / عبد الله) and two words run together by a scraper (كييفالتصرف)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, Token

from search import normalize as norm
from search.analysis.tokens import _ARABIC_LETTERS, _ARABIC_WORD, STOP_WORDS
from search.lexicon import zipf
from search.stemmer import default_prefixes, default_suffixes, without_proclitics


# A compound name of عبد and one of the divine names, which news writes
# joined or apart (عبدالله / عبد الله in 4,427 / 1,390 articles of the shared
# corpus, عبدالعزيز, عبدالرحمن, عبدالفتاح): the joined word, after any of
# the proclitics و ف and ب ل ك, is عبد and a word with the article.
_COMPOUND_HEAD = "عبد"
_COMPOUND_FIRST = rf"[وف]?[بلك]?{_COMPOUND_HEAD}"
_COMPOUND = re.compile(rf"({_COMPOUND_FIRST})(ال..+)\Z")

# With ``names`` (indexes built from stop 58), the other compound names of
# Arabic, written joined or apart alike: a kunya, أبو and a name or a place's
# second word (أبوظبي / أبو ظبي, أبوبكر / أبو بكر, أبومازن, أبوعريش), and a
# name that ends in الله or الدين (نصرالله / نصر الله, عزالدين, نورالدين,
# جارالله).  On the shared corpus, of the forms of these shapes written in 3
# articles or more, the apart spelling is the commoner for most names (أبو
# بكر 185 articles, أبوبكر 65; نصر الله 117, نصرالله 86) and the joined one
# for some (أبوظبي 437, أبو ظبي 64).  Since أبو also begins other words (أبواب,
# doors; أبويه, his parents) and الله, الدين end some (والله, الوالدين, the
# parents), the other part must be a word of its own that the lexicon knows
# (zipf NAME_PART_ZIPF: not لابورتا's رتا), a name's part is neither a stop
# word nor a run of proclitics, and a kunya's name starts with neither ي nor
# اب.
_KUNYA_HEAD = "ابو"
# (Not after ك, "like", which a kunya hardly takes and foreign names begin
# with: كابولوف.)
_KUNYA = re.compile(rf"([وف]?[بل]?{_KUNYA_HEAD})(...+)\Z")
_DIVINE_TAILS = ("الله", "الدين")
_DIVINE = re.compile(rf"(..+?)({'|'.join(_DIVINE_TAILS)})\Z")
NAME_PART_ZIPF = 3.0


# A number and a word run together (12عاما, 83دولار, في1930, إلى2019,
# فرانس24): about 850 in the shared corpus's first 20,000 articles.
_NUMBER_JOINED = re.compile(rf"(\d+)([{_ARABIC_LETTERS}]{{2,}})\Z|([{_ARABIC_LETTERS}]{{2,}})(\d+)\Z")


# ... and written apart: عبد (with any proclitic) then a word with the article.
_LETTER = rf"[{_ARABIC_LETTERS}{norm.TATWEEL}]"
_APART = re.compile(rf"(?<!{_LETTER})({_COMPOUND_FIRST})\s+(ال{_LETTER}{{2,}})")
# ... and, with ``names``, أبو (with its hamza or without, and any
# proclitic) then a word, or a word then الله or الدين; judged as the
# joined word is (_name_parts).
# Each found by its fixed word first (a pattern that began with any word
# was tried at every letter of every article: 8 s a build of the corpus).
_KUNYA_APART = re.compile(rf"[اأإ]بو\s+({_LETTER}{{3,}})(?!{_LETTER})")
_DIVINE_APART = re.compile(rf"\s+({'|'.join(_DIVINE_TAILS)})(?!{_LETTER})")
_KUNYA_BEFORE = re.compile(rf"(?<!{_LETTER})[وف]?[بل]?\Z")
_WORD_BEFORE = re.compile(rf"(?<!{_LETTER}){_LETTER}{{2,}}\Z")
_LOOK_BACK = 40  # letters: longer than any word


# A compound name the index adds joined (compounds_apart) is written with a
# leading tatweel, which cleaning takes off: the splitter then leaves it
# whole, its two words being in the text already.  Split, the added words'
# parts stood next to each other, a phrase of no text: an article with عبد
# العزيز and رام الله matched "عبد الله" (عبد of one, الله of the next).
ADDED_MARK = norm.TATWEEL


def added_joined(joined: list[str]) -> str:
    """The compound names written apart, as the index adds them to a text."""
    return " ".join(ADDED_MARK + word for word in joined)


def compounds_apart(text: str, names: bool = False) -> list[str]:
    """The compound names ``text`` writes as two words, joined (عبد الله →
    عبدالله; with ``names``, أبو ظبي → أبوظبي, نصر الله → نصرالله too):
    indexed beside the text, so that a search for the joined word finds
    them as a term, not as a phrase of two common words (a Whoosh phrase of
    عبد and الله cost 300 ms on the shared corpus).  A name written with its
    marks (عَبْدُ الله) is not found."""
    found = [first + second for first, second in _APART.findall(text)] if _COMPOUND_HEAD in text else []
    if not names:
        return found
    pairs = []
    for kunya in _KUNYA_APART.finditer(text) if "بو" in text else ():
        before = _KUNYA_BEFORE.search(text, max(0, kunya.start() - 2), kunya.start())
        if before is not None:  # أبو begins a word, with at most its proclitics before it
            pairs.append((text[before.start() : kunya.start(1)].rstrip(), kunya.group(1)))
    for tail in _DIVINE_APART.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, tail.start() - _LOOK_BACK), tail.start())
        if before is not None and not before.group().endswith(_COMPOUND_HEAD):  # عبد الله is عبد's, above
            pairs.append((before.group(), tail.group(1)))
    return found + [first + second for first, second in pairs if _name_parts(norm.clean(first + second)) is not None]


def compound_parts(word: str, names: bool = False) -> tuple[str, str] | None:
    """The two words of a compound name written as one (وعبدالله: وعبد +
    الله; with ``names``, أبوظبي: أبو + ظبي, نصرالله: نصر + الله), as they
    stand in ``word`` cleaned (a query word may come with its marks:
    عَبْدُالله), or None."""
    word = norm.clean(word)
    found = _COMPOUND.match(norm.fold(word))
    if found is not None:
        return word[: found.end(1)], word[found.end(1) :]
    return _name_parts(word) if names else None


def _name_parts(word: str) -> tuple[str, str] | None:
    """A kunya's or a name in الله or الدين's two words in the cleaned
    ``word`` (see NAME_PART_ZIPF), or None."""
    folded = norm.fold(word)
    kunya = _KUNYA.match(folded)
    if kunya is not None:
        name = kunya.group(2)
        cut = word[: kunya.end(1)], word[kunya.end(1) :]
        if not name.startswith(("ي", "اب")) and cut[1] not in STOP_WORDS and zipf(name) >= NAME_PART_ZIPF:
            return cut
    divine = _DIVINE.match(folded)
    if divine is not None:
        name = divine.group(1)
        cut = word[: divine.end(1)], word[divine.end(1) :]
        if (cut[0] not in STOP_WORDS and name not in _PREFIXES and not name.endswith("و") and not name.startswith("ال")
                and max(zipf(core) for core in without_proclitics(name) if len(core) >= 2) >= NAME_PART_ZIPF):
            return cut
    return None


class SplitRunTogetherFilter(Filter):
    """Also indexes the two words of a token that scraping ran together.

    A token is split only when it is not itself a known Arabic form, is long
    enough to hold two words, and there is a cut where both halves are common
    words (كييفالتصرف → كييف + التصرف); with ``numbers``, a number run
    together with a common word is split from it (12عاما → 12 + عاما,
    في1930 → في + 1930); and a compound name is split into its two words however well
    known (compound_parts: عبدالله → عبد + الله; with ``names``, أبوظبي →
    أبو + ظبي, نصرالله → نصر + الله), so
    that a search for عبد الله finds the articles that write عبدالله.  The
    token itself is kept, so a wrong split can add a term but never lose
    one.  The parts point at their own characters in the original text, so
    highlighting marks just them.  At query time nothing is split: a
    run-together query word finds the same run-together token, and a
    compound one also the articles that write it apart, which the index
    holds it for (compounds_apart).
    """

    # Whether a number run together with a word is split from it; an index
    # pickled before (2026-12-07) holds a filter without the attribute.
    numbers = False
    # Whether a kunya and a name in الله or الدين are compound names
    # (compound_parts); not in an index pickled before stop 58.
    names = False

    def __init__(self, min_length: int = 7, part_zipf: float = 3.5, part_length: int = 3, numbers: bool = False,
                 names: bool = False) -> None:
        self.min_length = min_length
        self.part_zipf = part_zipf
        self.part_length = part_length
        self.numbers = numbers
        self.names = names

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def split(self, word: str) -> tuple[str, str] | None:
        """The best cut of ``word`` into two common words, if there is one."""
        # The cheap test first: every word the chain has not seen comes here.
        named = self.names and ("بو" in word or word.endswith(_DIVINE_TAILS))
        compound = compound_parts(word, self.names) if _COMPOUND_HEAD in word or named else None
        if compound is not None:
            return compound if _ARABIC_WORD.match(word) else None
        joined = _NUMBER_JOINED.match(word) if self.numbers else None
        if joined is not None:
            digits_first = joined.group(1) is not None
            parts = joined.group(1, 2) if digits_first else joined.group(3, 4)
            letters = parts[1] if digits_first else parts[0]
            return parts if zipf(norm.fold(letters)) >= self.part_zipf else None
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
            parts = None if getattr(t, "raw", "").startswith(ADDED_MARK) else self.split(text)
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


def splitter_of(analyzer) -> SplitRunTogetherFilter | None:
    """The SplitRunTogetherFilter of ``analyzer`` (a chain), if it has one."""
    return next((item for item in getattr(analyzer, "items", ()) if isinstance(item, SplitRunTogetherFilter)), None)


def names_of(analyzer) -> bool:
    """Whether ``analyzer`` (a chain) splits a kunya and a name in الله or
    الدين as compound names: what an index built with it holds."""
    splitter = splitter_of(analyzer)
    return splitter is not None and splitter.names


def run_together(analyzer, word: str) -> tuple[str, str] | None:
    """The two words ``word`` runs together (cleaned), as ``analyzer`` (a
    chain) splits them in an article (SplitRunTogetherFilter); None if it
    does not split them, or splits nothing: a query word the articles do not
    write may be two with the space missed."""
    splitter = splitter_of(analyzer)
    return None if splitter is None else splitter.split(norm.clean(word))
