"""Reading search parameters from a URL, once, for both the page and the API.

Both front ends accept exactly the same parameters and reject the same bad
values; each error carries an English message for the API and an Arabic one
for the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from search.query import MAX_QUERY_LENGTH
from search.searcher import MAX_PER_PAGE, SORTS, Filters
from search.timeline import INTERVALS

DEFAULT_PER_PAGE = 10
# Far beyond any real result list; keeps absurd numbers away from Whoosh.
MAX_PAGE = 1000
MAX_FILTER_LENGTH = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ParamError(ValueError):
    """A parameter the user got wrong; ``message`` is English, ``arabic`` for the page."""

    def __init__(self, param: str, message: str, arabic: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message
        self.arabic = arabic


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    source: str = ""
    category: str = ""
    date_from: date | None = None
    date_to: date | None = None
    collapse: bool = True  # fold wire copies (collapse=0 turns it off)
    interval: str = ""  # the timeline's period; empty: chosen from the span

    @property
    def filters(self) -> Filters:
        """The filters to search with.  ``to`` on the last day there is
        (9999-12-31) is no bound at all, and the day after it, which the
        searcher computes, would not exist."""
        date_to = self.date_to if self.date_to is None or self.date_to < date.max else None
        return Filters(self.source or None, self.category or None, self.date_from, date_to)

    def args(self, **changes: object) -> dict[str, object]:
        """URL parameters for this search with some changed: only the
        non-default ones, so links stay short."""
        values = {
            "q": self.q,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sort,
            "source": self.source,
            "category": self.category,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "collapse": 1 if self.collapse else 0,
            "interval": self.interval,
        }
        values.update(changes)
        defaults = {"page": 1, "per_page": DEFAULT_PER_PAGE, "sort": "relevance", "collapse": 1}
        return {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}


def _int(args: MultiDict, name: str, default: int, low: int, high: int, arabic_name: str) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not re.fullmatch(r"\+?\d{1,9}", raw.strip()):
        raise ParamError(
            name,
            f"{name} must be a whole number between {low} and {high}, not {raw[:40]!r}",
            f"{arabic_name} يجب أن يكون عددا صحيحا بين {low} و{high}.",
        )
    value = int(raw)
    if not low <= value <= high:
        raise ParamError(
            name,
            f"{name} must be between {low} and {high}, not {value}",
            f"{arabic_name} يجب أن يكون بين {low} و{high}.",
        )
    return value


def _date(args: MultiDict, name: str, arabic_name: str) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        if not _DATE.match(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise ParamError(
            name,
            f"{name} must be a date written YYYY-MM-DD, such as 2022-09-14, not {raw[:40]!r}",
            f"{arabic_name} يجب أن يكون تاريخا بالصيغة YYYY-MM-DD، مثل 2022-09-14.",
        ) from None


def _text(args: MultiDict, name: str, limit: int, arabic_name: str) -> str:
    value = args.get(name, "")
    if len(value) > limit:
        raise ParamError(
            name,
            f"{name} is too long ({len(value)} characters; the limit is {limit})",
            f"{arabic_name} أطول من اللازم ({len(value)} حرفا، والحد {limit}).",
        )
    return value


def parse_search(args: MultiDict) -> SearchRequest:
    """Validate every search parameter; raises ParamError on the first bad one."""
    q = _text(args, "q", MAX_QUERY_LENGTH, "نص البحث").strip()
    page = _int(args, "page", 1, 1, MAX_PAGE, "رقم الصفحة")
    per_page = _int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, "عدد النتائج في الصفحة")
    sort = args.get("sort", "") or "relevance"
    if sort not in SORTS:
        raise ParamError(
            "sort",
            f"sort must be one of: {', '.join(SORTS)} (got {sort[:40]!r})",
            "الترتيب يجب أن يكون حسب الصلة أو الأحدث.",
        )
    source = _text(args, "source", MAX_FILTER_LENGTH, "المصدر")
    category = _text(args, "category", MAX_FILTER_LENGTH, "التصنيف")
    date_from = _date(args, "from", "تاريخ البداية")
    date_to = _date(args, "to", "تاريخ النهاية")
    if date_from and date_to and date_from > date_to:
        raise ParamError(
            "from",
            f"from ({date_from.isoformat()}) is after to ({date_to.isoformat()})",
            "تاريخ البداية يقع بعد تاريخ النهاية.",
        )
    collapse = args.get("collapse", "").strip()
    if collapse not in ("", "0", "1"):
        raise ParamError(
            "collapse",
            f"collapse must be 1 (fold near-copies of a story, the default) or 0, not {collapse[:40]!r}",
            "قيمة دمج النسخ المتطابقة يجب أن تكون 1 أو 0.",
        )
    interval = args.get("interval", "").strip()
    if interval and interval not in INTERVALS:
        raise ParamError(
            "interval",
            f"interval must be one of: {', '.join(INTERVALS)} (or empty, chosen from the dates), not {interval[:40]!r}",
            "فترة الخط الزمني يجب أن تكون يوما أو شهرا أو سنة.",
        )
    return SearchRequest(q, page, per_page, sort, source, category, date_from, date_to, collapse != "0", interval)


def parse_prefix(args: MultiDict) -> str:
    """The ``q`` of /api/suggest, with the same length limit as a query."""
    return _text(args, "q", MAX_QUERY_LENGTH, "نص البحث")
