"""The analysis chain run once per distinct word (CachedChain), and the
index formats that take a whole text's terms from it at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from whoosh.analysis import LowercaseFilter, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from search import normalize as norm
from search.analysis.compounds import SplitRunTogetherFilter
from search.analysis.numbers import DigitsFilter, NumberWordFilter
from search.analysis.stems import NisbaFilter, StemFilter
from search.analysis.tokens import (_WORD, ArabicStopFilter, ArabicTokenizer, CleanFilter, FoldFilter, LowercaseOnlyFilter,
                                    OwnArticleFilter)
from search.stemmer import Stemmer


# What one raw token becomes: per output token (text, start, end, stopped,
# fresh), start/end relative to the raw token; ``fresh`` is whether the token
# reached the stop filter with the tokenizer's position (see _tokens).  The
# common case, one kept token over the whole raw token, is stored as its text
# alone (a third of the memory).
_Outputs = tuple[tuple[str, int, int, bool, bool], ...] | str


_PROBE = -(10**9)  # a position no renumbering can produce


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
        """Whether every term is part of its word's normalized form (or, for
        a number word, its digits, which marking._parts knows): true of the
        normalizing chains and Akhbar's stemmer, not of the evaluation's raw
        baseline or of Tashaphyne as shipped."""
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


CachedChain.PER_TOKEN = (
    CleanFilter,
    DigitsFilter,
    SplitRunTogetherFilter,
    NumberWordFilter,
    ArabicStopFilter,
    OwnArticleFilter,
    FoldFilter,
    StemFilter,
    NisbaFilter,
    LowercaseOnlyFilter,
    LowercaseFilter,
)
