"""Report periods and the rollup buckets that cover them."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.flows import period_start
from reporting.periods import Period, period_of
from reporting.selectors import period_buckets


def days_of(grain: str, first: date, last: date) -> set[date]:
    """The days the rollup rows with period starts from `first` to `last` hold."""
    covered, start = set(), first
    while start <= last:
        following = start + timedelta(days=1)
        while period_start(following, grain) == start:
            following += timedelta(days=1)
        covered |= {start + timedelta(days=n) for n in range((following - start).days)}
        start = following
    return covered


@given(st.dates(date(2015, 1, 1), date(2030, 12, 31)), st.integers(0, 3000))
def test_the_buckets_cover_every_day_of_the_range_exactly_once(start, length):
    end = start + timedelta(days=length)
    buckets = period_buckets(start, end)
    covered: list[date] = []
    for grain, first, last in buckets:
        covered += sorted(days_of(grain, first, last))
    assert covered == [start + timedelta(days=n) for n in range(length + 1)]
    # At most: days up to the first month, months up to the first year, years, months, days.
    assert len(buckets) <= 5


def test_a_city_wide_year_is_one_bucket_and_a_month_is_one_bucket():
    assert period_buckets(date(2026, 1, 1), date(2026, 12, 31)) == [("y", date(2026, 1, 1), date(2026, 1, 1))]
    assert period_buckets(date(2026, 10, 1), date(2026, 10, 31)) == [("m", date(2026, 10, 1), date(2026, 10, 1))]


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        ("day", date(2026, 10, 15), date(2026, 10, 15), date(2026, 10, 15), "Ngày 15/10/2026"),
        ("week", date(2026, 10, 15), date(2026, 10, 12), date(2026, 10, 18), "Tuần 42/2026 (12/10 – 18/10/2026)"),
        ("month", date(2026, 2, 15), date(2026, 2, 1), date(2026, 2, 28), "Tháng 02/2026"),
        ("quarter", date(2026, 11, 23), date(2026, 10, 1), date(2026, 12, 31), "Quý 4/2026"),
        ("year", date(2026, 11, 23), date(2026, 1, 1), date(2026, 12, 31), "Năm 2026"),
    ],
)
def test_periods_and_their_labels(kind, day, start, end, label):
    period = period_of(kind, day)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.previous().end == start - timedelta(days=1)
    assert period.next().start == end + timedelta(days=1)


def test_a_week_across_the_new_year_belongs_to_its_iso_year():
    assert period_of("week", date(2026, 12, 31)).label == "Tuần 53/2026 (28/12 – 03/01/2027)"


def test_trend_steps_cut_the_period():
    assert [s.kind for s in Period("year", date(2026, 1, 1), date(2026, 12, 31)).steps()] == ["month"] * 12
    steps = Period("month", date(2026, 10, 1), date(2026, 10, 31)).steps()
    assert (len(steps), steps[0].start, steps[-1].end) == (31, date(2026, 10, 1), date(2026, 10, 31))
    quarter = Period("quarter", date(2026, 10, 1), date(2026, 12, 31)).steps()
    assert quarter[0].start == date(2026, 10, 1) and quarter[-1].end == date(2026, 12, 31)
    assert all(s.kind == "week" for s in quarter)


def test_a_custom_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period("custom", date(2026, 10, 2), date(2026, 10, 1))
