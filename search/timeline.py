"""How many matching articles each day, month or year: when a subject was
covered.

Counts come from the matched articles' day numbers (an array kept per
index state, search/arrays.py) with numpy: a bincount over the periods, so
the cost is linear in the matches, whatever their number.  The period is
chosen from the span of the matches unless asked for: days up to two
months, months up to five years, years beyond.  Periods with no article
between the first and the last are listed with a count of 0, so the series
is continuous (a chart shows the gaps), up to MAX_PERIODS of them; articles
without a date are counted apart, so that the counts add up to the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

INTERVALS = ("day", "month", "year")
# The widest span of matches shown by day, then by month.
DAY_SPAN = 62
MONTH_SPAN = 5 * 366
# A longer continuous series (days over decades, asked for) lists only
# the periods that have articles.
MAX_PERIODS = 1000
# Day numbers count from 1970-01-01; an undated article has this one.
UNDATED = np.iinfo(np.int64).min
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Period:
    period: str  # 2018-05-14, 2018-05 or 2018
    count: int
    start: date
    end: date  # the last day of the period


@dataclass(frozen=True)
class Timeline:
    interval: str | None = None  # None when no matched article has a date
    periods: list[Period] = field(default_factory=list)
    undated: int = 0


def choose(first_day: int, last_day: int) -> str:
    """The interval for matches from ``first_day`` to ``last_day``."""
    span = last_day - first_day
    if span <= DAY_SPAN:
        return "day"
    if span <= MONTH_SPAN:
        return "month"
    return "year"


def count(days: np.ndarray, interval: str | None = None) -> Timeline:
    """The timeline of articles whose day numbers (since 1970-01-01,
    UNDATED for none) are ``days``; ``interval`` None chooses one."""
    if interval is not None and interval not in INTERVALS:
        raise ValueError(f"interval must be one of: {', '.join(INTERVALS)}")
    dated = days[days != UNDATED]
    undated = int(len(days) - len(dated))
    if not len(dated):
        return Timeline(None, [], undated)
    first, last = int(dated.min()), int(dated.max())
    interval = interval or choose(first, last)
    # Counted per day first, and only the days present turned into periods:
    # the calendar arithmetic costs more than the counting.
    if last - first <= 4 * len(dated) + 10_000:
        per_day = np.bincount(dated - first)
        present = np.flatnonzero(per_day)
        present, per_present = present + first, per_day[present]
    else:  # a few dates far apart
        present, per_present = np.unique(dated, return_counts=True)
    keys = _keys(present, interval)
    low = int(keys.min())
    counts = np.bincount(keys - low, weights=per_present).astype(np.int64)
    if len(counts) > MAX_PERIODS:
        offsets = np.flatnonzero(counts)
    else:
        offsets = np.arange(len(counts))
    periods = [_period(interval, low + int(k), int(counts[k])) for k in offsets]
    return Timeline(interval, periods, undated)


def _keys(days: np.ndarray, interval: str) -> np.ndarray:
    """Each day's period as a number: the day, the month (months since
    1970-01) or the year."""
    if interval == "day":
        return days
    stamps = days.astype("datetime64[D]")
    if interval == "month":
        return stamps.astype("datetime64[M]").astype(np.int64)
    return stamps.astype("datetime64[Y]").astype(np.int64) + 1970


def _period(interval: str, key: int, count: int) -> Period:
    if interval == "day":
        day = _EPOCH + timedelta(days=key)
        return Period(day.isoformat(), count, day, day)
    if interval == "month":
        year, month = divmod(key, 12)
        start = date(1970 + year, month + 1, 1)
        following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return Period(f"{start.year:04d}-{start.month:02d}", count, start, following - timedelta(days=1))
    return Period(f"{key:04d}", count, date(key, 1, 1), date(key, 12, 31))
