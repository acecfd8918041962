"""The timeline of a search: periods chosen from the span of the matches,
counts over every match that add up to the total."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from search import timeline
from search.query import QueryError
from search.searcher import Filters


def days(*values: str | None) -> np.ndarray:
    epoch = date(1970, 1, 1)
    return np.asarray(
        [timeline.UNDATED if v is None else (date.fromisoformat(v) - epoch).days for v in values], dtype=np.int64
    )


def test_days_within_two_months_are_counted_by_day_with_the_gaps() -> None:
    found = timeline.count(days("2022-09-10", "2022-09-10", "2022-09-13", None))
    assert found.interval == "day"
    assert [(p.period, p.count) for p in found.periods] == [
        ("2022-09-10", 2), ("2022-09-11", 0), ("2022-09-12", 0), ("2022-09-13", 1)]
    assert found.undated == 1


def test_months_and_years_by_span() -> None:
    by_month = timeline.count(days("2018-01-31", "2018-03-01", "2018-03-31", "2019-12-01"))
    assert by_month.interval == "month"
    assert by_month.periods[0].period == "2018-01" and by_month.periods[-1].period == "2019-12"
    assert len(by_month.periods) == 24 and sum(p.count for p in by_month.periods) == 4
    march = by_month.periods[2]
    assert (march.period, march.count, march.start, march.end) == ("2018-03", 2, date(2018, 3, 1), date(2018, 3, 31))
    february = by_month.periods[1]
    assert february.end == date(2018, 2, 28)
    by_year = timeline.count(days("2015-07-01", "2018-05-01", "2024-02-29"))
    assert by_year.interval == "year"
    assert [(p.period, p.count) for p in by_year.periods][:4] == [("2015", 1), ("2016", 0), ("2017", 0), ("2018", 1)]
    assert by_year.periods[-1].end == date(2024, 12, 31)


def test_an_asked_interval_wins_and_a_long_series_lists_only_periods_with_articles() -> None:
    assert timeline.count(days("2022-09-10", "2022-09-11"), "year").periods[0].period == "2022"
    sparse = timeline.count(days("1990-01-01", "2022-01-01"), "day")
    assert [p.period for p in sparse.periods] == ["1990-01-01", "2022-01-01"]
    with pytest.raises(ValueError):
        timeline.count(days("2022-09-10"), "week")


def test_no_dates() -> None:
    found = timeline.count(days(None, None))
    assert found.interval is None and found.periods == [] and found.undated == 2


def test_search_timeline_counts_every_match_not_just_the_page(searcher) -> None:
    query = "الحكومة OR المنتخب OR الاقتصاد OR روسيا"
    results = searcher.search(query, per_page=1)
    assert len(results.hits) == 1 and results.total > 3
    counted = sum(p.count for p in results.timeline.periods) + results.timeline.undated
    assert counted == results.total
    # The conftest articles run from July to September 2022, the seed too.
    assert results.timeline.interval == "month"
    assert {p.period for p in results.timeline.periods if p.count} <= {"2022-07", "2022-08", "2022-09"}
    narrowed = searcher.search(query, filters=Filters(date_from=date(2022, 9, 1), date_to=date(2022, 9, 30)))
    assert narrowed.timeline.interval == "day"
    assert sum(p.count for p in narrowed.timeline.periods) == narrowed.total
    by_year = searcher.search(query, interval="year")
    assert [p.period for p in by_year.timeline.periods] == ["2022"]
    with pytest.raises(QueryError):
        searcher.search(query, interval="week")


@pytest.mark.parametrize("spread", [3_000, 1_000_000])
def test_counts_per_month_and_year_are_the_calendars(spread: int) -> None:
    """Many matches over years (counted per day first), or a few far apart:
    each period holds the articles whose dates the calendar puts in it."""
    rng = np.random.default_rng(spread)
    found_days = rng.integers(10_000, 10_000 + spread, 400 if spread > 10_000 else 20_000)
    epoch = date(1970, 1, 1)
    dates = [date.fromordinal(epoch.toordinal() + int(d)) for d in found_days]
    for interval, key in (("month", lambda d: f"{d.year:04d}-{d.month:02d}"), ("year", lambda d: f"{d.year:04d}")):
        found = timeline.count(found_days.astype(np.int64), interval)
        expected: dict[str, int] = {}
        for d in dates:
            expected[key(d)] = expected.get(key(d), 0) + 1
        assert {p.period: p.count for p in found.periods if p.count} == expected
        assert sum(p.count for p in found.periods) == len(dates)
