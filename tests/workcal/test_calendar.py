"""Examples for the working calendar: Tết 2017 and 2026, the 15:00 cut-off, lunch, fractional days."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from egov.workcal.calendar import OfficePeriod

from .conftest import at, make_calendar


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- Tết Đinh Dậu 2017: Tết on Saturday 28/01; civil servants were off Thursday 26/01 to Wednesday 01/02.


def test_tet_2017_official_break_is_off(calendar):
    for day in days(date(2017, 1, 26), date(2017, 2, 1)):
        assert not calendar.is_working_day(day), day
    assert calendar.is_working_day(date(2017, 1, 25))
    assert calendar.is_working_day(date(2017, 2, 2))
    assert calendar.holiday_name(date(2017, 1, 28)) == "Tết Nguyên Đán"
    # The package compensates the Tết days falling on the weekend with 29 Tết and mùng 5.
    assert calendar.holiday_name(date(2017, 1, 26)) == "29 Tết"
    assert calendar.holiday_name(date(2017, 2, 1)) == "Mùng năm Tết Nguyên Đán"


def test_new_year_2017_on_sunday_is_observed_on_monday(calendar):
    assert not calendar.is_working_day(date(2017, 1, 2))
    assert calendar.next_working_day(date(2016, 12, 30)) == date(2017, 1, 3)


def test_received_after_hours_on_the_last_day_before_tet_2017_counts_from_after_tet(calendar):
    assert calendar.receipt_start(at(2017, 1, 25, 16)) == at(2017, 2, 2, 8)
    assert calendar.due_same_day(at(2017, 1, 25, 16)) == at(2017, 2, 2, 17)


def test_received_friday_1600_a_week_before_tet_2017_counts_from_monday(calendar):
    assert calendar.receipt_start(at(2017, 1, 20, 16)) == at(2017, 1, 23, 8)


def test_working_days_across_tet_2017(calendar):
    assert calendar.next_working_day(date(2017, 1, 25)) == date(2017, 2, 2)
    assert calendar.working_days_between(date(2017, 1, 25), date(2017, 2, 2)) == 1
    # Five working days of the week before Tết (23–25/01) and after it (02–03/02).
    assert calendar.working_days_between(date(2017, 1, 22), date(2017, 2, 3)) == 5
    assert calendar.add_working_time(at(2017, 1, 25, 8), 3) == at(2017, 2, 3, 17)


# --- Tết Bính Ngọ 2026: Tết on Tuesday 17/02; off Monday 16/02 to Friday 20/02, 9 days with the weekends.


def test_tet_2026_official_break_is_off(calendar):
    for day in days(date(2026, 2, 14), date(2026, 2, 22)):
        assert not calendar.is_working_day(day), day
    for day in days(date(2026, 2, 16), date(2026, 2, 20)):
        assert calendar.holiday_name(day), day
    assert calendar.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert calendar.is_working_day(date(2026, 2, 13))
    assert calendar.is_working_day(date(2026, 2, 23))
    # No make-up Saturday around this Tết.
    assert not calendar.is_working_day(date(2026, 2, 7))
    assert not calendar.is_working_day(date(2026, 2, 28))


def test_received_friday_1600_before_tet_2026_counts_from_the_first_working_day_after(calendar):
    assert calendar.receipt_start(at(2026, 2, 13, 16)) == at(2026, 2, 23, 8)
    assert calendar.due_same_day(at(2026, 2, 13, 16)) == at(2026, 2, 23, 17)
    assert calendar.add_working_time(calendar.receipt_start(at(2026, 2, 13, 16)), Decimal("2.5")) == at(2026, 2, 25, 12)


def test_time_limit_running_into_tet_2026_resumes_after_it(calendar):
    # Friday 10:00 leaves 6 office hours that day; the remaining 2 hours of the day fall after Tết.
    assert calendar.add_working_time(at(2026, 2, 13, 10), 1) == at(2026, 2, 23, 10)
    assert calendar.working_time_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == 1


def test_government_make_up_saturdays_from_the_holidays_package_are_working_days(calendar):
    # 2025: Saturday 26/04 worked in exchange for Friday 02/05; 2026: Saturday 22/08 for Monday 31/08.
    assert calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.receipt_start(at(2026, 8, 21, 16)) == at(2026, 8, 22, 8)


# --- the 15:00 cut-off (a Wednesday)


@pytest.mark.parametrize(
    ("received", "clock_starts", "due"),
    [
        (at(2026, 11, 18, 14, 59), at(2026, 11, 18, 14, 59), at(2026, 11, 18, 17)),
        (at(2026, 11, 18, 15, 0), at(2026, 11, 18, 15, 0), at(2026, 11, 18, 17)),
        (at(2026, 11, 18, 15, 0, 1), at(2026, 11, 19, 8), at(2026, 11, 19, 17)),
        (at(2026, 11, 18, 15, 1), at(2026, 11, 19, 8), at(2026, 11, 19, 17)),
    ],
    ids=["14:59", "15:00", "15:00:01", "15:01"],
)
def test_cutoff(calendar, received, clock_starts, due):
    assert calendar.receipt_start(received) == clock_starts
    assert calendar.due_same_day(received) == due


def test_after_cutoff_on_friday_counts_from_monday(calendar):
    assert calendar.receipt_start(at(2026, 11, 20, 15, 1)) == at(2026, 11, 23, 8)


def test_after_cutoff_on_the_eve_of_a_holiday_skips_it(calendar):
    # Monday 23/11/2026; Tuesday 24/11 is Vietnamese Culture Day, a public holiday from 2026.
    assert calendar.receipt_start(at(2026, 11, 23, 16)) == at(2026, 11, 25, 8)


# --- outside office hours


@pytest.mark.parametrize(
    ("received", "clock_starts"),
    [
        (at(2026, 11, 18, 6, 30), at(2026, 11, 18, 8)),
        (at(2026, 11, 18, 8), at(2026, 11, 18, 8)),
        (at(2026, 11, 18, 11, 59), at(2026, 11, 18, 11, 59)),
        (at(2026, 11, 18, 12), at(2026, 11, 18, 13)),
        (at(2026, 11, 18, 12, 30), at(2026, 11, 18, 13)),
        (at(2026, 11, 18, 13), at(2026, 11, 18, 13)),
        (at(2026, 11, 18, 17, 30), at(2026, 11, 19, 8)),
        (at(2026, 11, 18, 23, 59), at(2026, 11, 19, 8)),
        (at(2026, 11, 21, 10), at(2026, 11, 23, 8)),
        (at(2026, 11, 22, 10), at(2026, 11, 23, 8)),
    ],
    ids=["early", "opening", "late-morning", "noon", "lunch", "after-lunch", "evening", "midnight", "sat", "sun"],
)
def test_receipt_outside_office_hours(calendar, received, clock_starts):
    assert calendar.receipt_start(received) == clock_starts


def test_lunch_break_does_not_count(calendar):
    assert calendar.add_working_time(at(2026, 11, 18, 11), Decimal("0.25")) == at(2026, 11, 18, 14)
    assert calendar.working_time_between(at(2026, 11, 18, 11, 30), at(2026, 11, 18, 13, 30)) == Decimal("0.125")
    assert calendar.working_time_between(at(2026, 11, 18, 12), at(2026, 11, 18, 13)) == 0


def test_receipt_accepts_any_timezone_and_answers_in_hanoi_time(calendar):
    from datetime import UTC, datetime

    received = datetime(2026, 11, 18, 8, 30, tzinfo=UTC)  # 15:30 in Hanoi
    assert calendar.receipt_start(received) == at(2026, 11, 19, 8)
    assert calendar.receipt_start(received).tzinfo == at(2026, 1, 1).tzinfo


# --- fractional and whole days (Monday 16/11/2026)


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (at(2026, 11, 16, 8), Decimal("2.5"), at(2026, 11, 18, 12)),
        (at(2026, 11, 16, 8), 2.5, at(2026, 11, 18, 12)),
        (at(2026, 11, 16, 8), 1, at(2026, 11, 16, 17)),
        (at(2026, 11, 16, 8), Decimal("0.5"), at(2026, 11, 16, 12)),
        (at(2026, 11, 16, 8), 3, at(2026, 11, 18, 17)),
        (at(2026, 11, 16, 14), Decimal("2.5"), at(2026, 11, 19, 9)),
        (at(2026, 11, 16, 14), 0, at(2026, 11, 16, 14)),
        (at(2026, 11, 16, 17), 0, at(2026, 11, 16, 17)),
        (at(2026, 11, 16, 17), Decimal("0.5"), at(2026, 11, 17, 12)),
        (at(2026, 11, 16, 12, 30), 0, at(2026, 11, 16, 13)),
        # Friday 20/11 afternoon + 20 working days runs over the weekends and Culture Day 24/11.
        (at(2026, 11, 20, 13), 20, at(2026, 12, 21, 12)),
    ],
)
def test_add_working_time(calendar, start, amount, due):
    assert calendar.add_working_time(start, amount) == due


def test_working_time_between(calendar):
    assert calendar.working_time_between(at(2026, 11, 16, 8), at(2026, 11, 18, 12)) == Decimal("2.5")
    # Friday 13:00 to Monday 12:00 across the weekend: 4 h + 4 h.
    assert calendar.working_time_between(at(2026, 11, 13, 13), at(2026, 11, 16, 12)) == 1
    assert calendar.working_time_between(at(2026, 11, 16, 12), at(2026, 11, 13, 13)) == -1
    assert calendar.working_time_between(at(2026, 11, 21, 9), at(2026, 11, 22, 18)) == 0


def test_working_days_between_counts_after_the_first_up_to_the_second(calendar):
    assert calendar.working_days_between(date(2026, 11, 16), date(2026, 11, 16)) == 0
    assert calendar.working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert calendar.working_days_between(date(2026, 11, 16), date(2026, 11, 30)) == 9
    assert calendar.working_days_between(date(2026, 11, 30), date(2026, 11, 16)) == -9


# --- the city's exceptions, given as data


def test_city_exceptions_override_weekends_and_holidays():
    calendar = make_calendar(
        days_off=[date(2026, 11, 18)],
        working_days=[date(2026, 11, 21), date(2026, 11, 24)],
    )
    assert not calendar.is_working_day(date(2026, 11, 18))
    assert calendar.is_working_day(date(2026, 11, 21))
    assert calendar.is_working_day(date(2026, 11, 24))
    assert calendar.receipt_start(at(2026, 11, 17, 16)) == at(2026, 11, 19, 8)
    assert calendar.add_working_time(at(2026, 11, 20, 8), 2) == at(2026, 11, 21, 17)


def test_exception_cannot_be_both_kinds():
    with pytest.raises(ValueError, match="both"):
        make_calendar(days_off=[date(2026, 11, 18)], working_days=[date(2026, 11, 18)])


# --- configuration


def test_office_hours_are_configurable():
    calendar = make_calendar(office_hours=["07:30-11:30", "13:30-17:30"], cutoff="15:00")
    assert calendar.day_length == timedelta(hours=8)
    assert calendar.receipt_start(at(2026, 11, 18, 12)) == at(2026, 11, 18, 13, 30)
    assert calendar.add_working_time(at(2026, 11, 18, 7, 30), 1) == at(2026, 11, 18, 17, 30)
    assert calendar.office_hours == (OfficePeriod(time(7, 30), time(11, 30)), OfficePeriod(time(13, 30), time(17, 30)))


def test_a_shorter_day_is_still_one_working_day():
    calendar = make_calendar(office_hours=["08:00-11:00"], cutoff="10:00")
    assert calendar.add_working_time(at(2026, 11, 18, 8), Decimal("1.5")) == at(2026, 11, 19, 9, 30)
    assert calendar.receipt_start(at(2026, 11, 18, 10, 30)) == at(2026, 11, 19, 8)


def test_a_break_starting_after_the_cutoff_moves_the_receipt_to_the_next_day():
    calendar = make_calendar(office_hours=["08:00-12:00", "15:30-17:30"], cutoff="15:00")
    assert calendar.receipt_start(at(2026, 11, 18, 12, 30)) == at(2026, 11, 19, 8)


@pytest.mark.parametrize(
    "office_hours",
    [[], ["12:00-08:00"], ["08:00-12:00", "11:00-17:00"], ["08:00-08:00"]],
    ids=["none", "reversed", "overlapping", "empty"],
)
def test_bad_office_hours_are_refused(office_hours):
    with pytest.raises(ValueError):
        make_calendar(office_hours=office_hours)


def test_cutoff_before_opening_is_refused():
    with pytest.raises(ValueError, match="cut-off"):
        make_calendar(cutoff="07:00")


def test_naive_datetimes_are_refused(calendar):
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.receipt_start(datetime(2026, 11, 18, 9))


@pytest.mark.parametrize("amount", [-1, Decimal("-0.5"), float("nan"), Decimal("Infinity")])
def test_bad_amounts_are_refused(calendar, amount):
    with pytest.raises(ValueError):
        calendar.add_working_time(at(2026, 11, 18, 9), amount)
