"""Highlighted excerpts of the original article text.

A Marker, with the analyzer that matched the query, says where the matched
words stand in the text as written (search/analysis/marking.py); everything around
them is HTML-escaped and only they are wrapped in ``<mark>``, so the only
markup in a snippet is ours.
"""

from __future__ import annotations

import heapq
import re
from html import escape

from search.analysis import Marker, Span

BETWEEN = " … "
_SPACE = re.compile(r"\s+")
_LAST_SPACE = re.compile(r"\s+(?=\S*\Z)")  # the last run of spaces before where the search ends


def snippet(text: str, marker: Marker, top: int = 2, maxchars: int = 220, surround: int = 70) -> str:
    """The ``top`` best passages of ``text`` (in text order) with the matched
    words marked; the start of the text, escaped, when no word matches.

    A passage is a run of matches with up to ``surround`` characters before
    it, filled up to ``maxchars`` after it, cut at word boundaries; it is
    better for holding more of the query's words, then more matches."""
    spans = marker.spans(text)
    if not spans:
        return escape(_lead(text, maxchars), quote=False)
    passages = _passages(text, spans, maxchars, surround)
    best = heapq.nlargest(top, passages, key=lambda p: (len({term for _s, _e, term in p[2]}), len(p[2])))
    best.sort()
    out = []
    for n, (start, end, group) in enumerate(best):
        if n:
            out.append(" " if not text[best[n - 1][1] : start].strip() else BETWEEN)
        out.append(_SPACE.sub(" ", _marked(text, start, end, group)).strip())
    return "".join(out)


def whole(text: str, marker: Marker) -> str:
    """All of ``text`` escaped, the matched words marked (for article pages and titles)."""
    return _marked(text, 0, len(text), marker.spans(text))


def _passages(text: str, spans: list[Span], maxchars: int, surround: int) -> list[tuple[int, int, list[Span]]]:
    """The text cut into windows that each begin a little before a match and
    hold every match inside them; none overlaps the one before."""
    passages = []
    i, previous_end = 0, 0
    while i < len(spans):
        first = spans[i][0]
        start = _word_start(text, max(first - surround, previous_end), first)
        end = max(_word_end(text, spans[i][1], start + maxchars), spans[i][1])
        j = i + 1
        while j < len(spans) and spans[j][1] <= end:
            j += 1
        passages.append((start, end, spans[i:j]))
        i, previous_end = j, end
    return passages


def _word_start(text: str, start: int, limit: int) -> int:
    """``start``, moved on to where a word begins (no further than ``limit``)."""
    if start == 0:
        return 0
    space = _SPACE.search(text, start, limit)
    return space.end() if space else limit


def _word_end(text: str, limit: int, end: int) -> int:
    """``end``, moved back to where a word ends (no further than ``limit``)."""
    if end >= len(text):
        return len(text)
    space = _LAST_SPACE.search(text, limit, end + 1)
    return space.start() if space else limit


def _marked(text: str, start: int, end: int, spans: list[Span]) -> str:
    out = []
    at = start
    for s, e, _term in spans:
        out.append(escape(text[at:s], quote=False))
        out.append("<mark>" + escape(text[s:e], quote=False) + "</mark>")
        at = e
    out.append(escape(text[at:end], quote=False))
    return "".join(out)


def _lead(text: str, maxchars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= maxchars:
        return text
    return text[:maxchars].rsplit(" ", 1)[0] + " …"
