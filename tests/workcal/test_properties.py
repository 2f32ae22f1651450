"""Invariants of working-time arithmetic, checked with hypothesis over 2016–2027."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.workcal.calendar import WorkingCalendar

from .conftest import HANOI, make_calendar

CALENDARS = {
    "hanoi": make_calendar(
        days_off=[date(2026, 11, 18), date(2017, 3, 8)],
        working_days=[date(2026, 11, 21), date(2017, 1, 28)],
    ),
    "three-periods": make_calendar(office_hours=["07:30-11:00", "13:30-16:00", "18:00-19:15"], cutoff="17:00"),
}

bounded = settings(max_examples=200, deadline=None)
moments = st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(HANOI)).map(
    lambda moment: moment.replace(microsecond=0)
)
# Three decimal places keep every amount a whole number of microseconds, so the arithmetic is exact.
amounts = st.decimals(min_value=0, max_value=25, places=3)

with_calendar = pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())


def in_office_hours(calendar: WorkingCalendar, moment: datetime) -> bool:
    local = moment.astimezone(HANOI)
    return calendar.is_working_day(local.date()) and any(
        period.start <= local.time() <= period.end for period in calendar.office_hours
    )


@with_calendar
@bounded
@given(first=moments, shift=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)), amount=amounts)
def test_add_is_monotonic_in_start(calendar, first, shift, amount):
    assert calendar.add_working_time(first, amount) <= calendar.add_working_time(first + shift, amount)


@with_calendar
@bounded
@given(start=moments, smaller=amounts, extra=amounts)
def test_add_is_monotonic_in_days(calendar, start, smaller, extra):
    assert calendar.add_working_time(start, smaller) <= calendar.add_working_time(start, smaller + extra)


@with_calendar
@bounded
@given(start=moments, amount=amounts)
def test_add_lands_in_office_hours_on_a_working_day(calendar, start, amount):
    due = calendar.add_working_time(start, amount)
    assert in_office_hours(calendar, due)
    assert due >= start


@with_calendar
@bounded
@given(received=moments, amount=amounts)
def test_time_between_undoes_add(calendar, received, amount):
    start = calendar.receipt_start(received)
    assert calendar.working_time_between(start, calendar.add_working_time(start, amount)) == amount


@with_calendar
@bounded
@given(start=moments, amount=amounts)
def test_time_between_undoes_add_from_any_moment(calendar, start, amount):
    assert calendar.working_time_between(start, calendar.add_working_time(start, amount)) == amount


@with_calendar
@bounded
@given(start=moments, first=amounts, second=amounts)
def test_adding_in_two_steps_equals_adding_the_sum(calendar, start, first, second):
    in_two_steps = calendar.add_working_time(calendar.add_working_time(start, first), second)
    assert in_two_steps == calendar.add_working_time(start, first + second)


@with_calendar
@bounded
@given(first=moments, second=moments, third=moments)
def test_time_between_is_additive_and_antisymmetric(calendar, first, second, third):
    between = calendar.working_time_between
    # Thirds and the like are rounded to 28 significant digits, so the sum may differ in the last one.
    assert abs(between(first, second) + between(second, third) - between(first, third)) < Decimal("1e-20")
    assert between(first, second) == -between(second, first)


@with_calendar
@bounded
@given(received=moments)
def test_receipt_start_is_idempotent_and_never_earlier(calendar, received):
    start = calendar.receipt_start(received)
    assert start >= received
    assert calendar.receipt_start(start) == start
    assert in_office_hours(calendar, start)
    assert start.timetz().replace(tzinfo=None) <= calendar.cutoff
    assert calendar.due_same_day(received) == calendar.office_end(start.date())


@with_calendar
@bounded
@given(first=moments, second=moments)
def test_receipt_start_is_monotonic(calendar, first, second):
    first, second = sorted([first, second])
    assert calendar.receipt_start(first) <= calendar.receipt_start(second)


@with_calendar
@bounded
@given(day=st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 12, 31)))
def test_next_working_day_is_one_working_day_later(calendar, day):
    following = calendar.next_working_day(day)
    assert following > day
    assert calendar.is_working_day(following)
    assert calendar.working_days_between(day, following) == 1


@with_calendar
@bounded
@given(
    first=st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 12, 31)),
    span=st.integers(min_value=-800, max_value=800),
)
def test_working_days_between_counts_day_by_day(calendar, first, span):
    second = first + timedelta(days=span)
    low, high = sorted([first, second])
    counted = sum(calendar.is_working_day(low + timedelta(days=n)) for n in range(1, (high - low).days + 1))
    assert calendar.working_days_between(first, second) == (counted if span >= 0 else -counted)


def test_amounts_keep_exact_decimals():
    calendar = CALENDARS["hanoi"]
    start = datetime(2026, 11, 16, 8, tzinfo=HANOI)
    assert calendar.working_time_between(start, calendar.add_working_time(start, Decimal("0.001"))) == Decimal("0.001")
