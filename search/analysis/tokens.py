"""Words cut from the text and normalized one by one: the tokenizer, the
filters that clean and fold a word, and the stop words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyarabic import araby
from whoosh.analysis import Filter, Token, Tokenizer

from search import normalize as norm


# A word starts with a letter or digit and runs on through letters, digits,
# Arabic marks and tatweel; invisible controls are kept inside a word (they
# are removed later) but never start or end one.  Written out so that the
# common case is one character class: a third faster than the plain form
# \w(?:[\w marks tatweel]|[invisible]+(?=\w))*, which tests/test_analysis.py
# checks it against.
_IN_WORD = rf"[\w{norm.MARK_CLASS}{norm.TATWEEL}]*"
_WORD_RE = re.compile(rf"\w{_IN_WORD}(?:[{norm.INVISIBLE_CLASS}]+\w{_IN_WORD})*")
# An underscore joins the words of a hashtag (#رئيس_الوزراء, #كأس_العالم):
# \w counts it a letter, the words of a text a space.
_JOINER = "_"


class _Words:
    """_WORD_RE over a text with its underscores read as spaces (a
    character for a character, so the places of the words are the text's),
    for the tokenizer, the chain's fast path and the marker alike: a search
    for الوزراء finds #رئيس_الوزراء and marks it there."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern

    def finditer(self, text: str, *span: int) -> Iterator[re.Match]:
        return self.pattern.finditer(text.replace(_JOINER, " ") if _JOINER in text else text, *span)

    def findall(self, text: str, *span: int) -> list[str]:
        return self.pattern.findall(text.replace(_JOINER, " ") if _JOINER in text else text, *span)


_WORD = _Words(_WORD_RE)
_ARABIC_LETTERS = araby.LETTERS
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


# The article's alef never carries a hamza: a word that starts, after its
# proclitics, with أل, إل or آل has ال as its own letters (ألماني, إلهام,
# وألوانها, لألمانيا, بالألبوم), though once folded it reads as the article
# (الماني: ال + ماني, Mané).  Not before another hamza'd alef: that is the
# article written with a hamza by mistake (ألأردن, 7 times in the shared
# corpus's 221,609 words that start so).
_HAMZA_ALEFS = frozenset((araby.ALEF_HAMZA_ABOVE, araby.ALEF_HAMZA_BELOW, araby.ALEF_MADDA))
_PROCLITICS_BEFORE = "([وف]?(?:[بك]?ال|لل|[بكل])?)"  # و ف, then ب ك with or without the article, لل or ل
_HAMZAS = "".join(sorted(_HAMZA_ALEFS))
_OWN_ARTICLE_RE = re.compile(f"{_PROCLITICS_BEFORE}[{_HAMZAS}]ل(?![{_HAMZAS}])")
_BARE_ARTICLE_RE = re.compile(f"{_PROCLITICS_BEFORE}ال")


def hamza_reading(word: str) -> str | None:
    """``word`` (cleaned) with a hamza on the alef of the ال that may be its
    own, where it is written without one (الماني as ألماني, بالوان as
    بألوان): the reading OwnArticleFilter would give it so written."""
    found = None if _HAMZA_ALEFS.intersection(word) else _BARE_ARTICLE_RE.match(word)
    if found is None:
        return None
    at = len(found.group(1))
    return word[:at] + araby.ALEF_HAMZA_ABOVE + word[at + 1 :]


class OwnArticleFilter(Filter):
    """Notes where a word's own ال begins (``token.own_article``: its
    index, else None), which FoldFilter's folding hides, so that
    StemFilter does not cut it as the article."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            found = _OWN_ARTICLE_RE.match(t.text)
            t.own_article = len(found.group(1)) if found else None
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


class LowercaseOnlyFilter(Filter):
    """The whole of the analysis in the 'raw' evaluation baseline."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.casefold()
            yield t
