"""Highlighted excerpts of the original article text.

Whoosh re-analyses the stored text with the field's own analyzer, whose
tokens carry offsets into the text as written; the formatter below wraps
the matched spans in ``<mark>`` and HTML-escapes everything else, so the
only markup in a snippet is ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from whoosh import highlight


class MarkFormatter(highlight.Formatter):
    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return "<mark>" + escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


def snippet(text: str, terms: Iterable[str], analyzer, top: int = 2, maxchars: int = 220) -> str:
    """The best fragments of ``text`` with the matched words marked; the
    start of the text, escaped, when no word matches."""
    terms = frozenset(terms)
    if terms:
        marked = highlight.highlight(
            text,
            terms,
            _marking(analyzer, terms),
            highlight.ContextFragmenter(maxchars=maxchars, surround=70),
            MarkFormatter(),
            top=top,
            mode="index",
        )
        if marked:
            return marked
    return escape(_lead(text, maxchars), quote=False)


def whole(text: str, terms: Iterable[str], analyzer) -> str:
    """All of ``text`` escaped, the matched words marked (for article pages and titles)."""
    terms = frozenset(terms)
    if not terms or not text:
        return escape(text, quote=False)
    marked = highlight.highlight(
        text,
        terms,
        _marking(analyzer, terms),
        highlight.WholeFragmenter(charlimit=None),
        MarkFormatter(),
        top=1,
        minscore=0,
        mode="index",
    )
    return marked or escape(text, quote=False)


def _marking(analyzer, terms: frozenset[str]):
    """The analyzer's cheaper form for finding ``terms``, if it has one
    (CachedChain.for_highlighting)."""
    narrow = getattr(analyzer, "for_highlighting", None)
    return narrow(terms) if narrow is not None else analyzer


def _lead(text: str, maxchars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= maxchars:
        return text
    return text[:maxchars].rsplit(" ", 1)[0] + " …"
