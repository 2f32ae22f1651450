"""Working-time arithmetic over office hours, weekends, Vietnamese public holidays and the city's exceptions.

`WorkingCalendar` is pure: it is built from plain data (office periods, cut-off, a `holidays` object and
the city's extra days off / make-up working days), so every rule is testable without a database.
`get_calendar()` builds the process-wide instance from settings and the `CalendarException` table.

Conventions (one place, so every caller agrees):

* All moments are timezone-aware; results come back in the calendar's zone (Asia/Ho_Chi_Minh).
* Working time is the union of the closed office periods [start, end] of every working day. One working
  day is the total length of a day's office periods (8 h by default).
* `add_working_time` returns the *earliest* moment at which the requested working time has been
  consumed. So whole days from the start of a day end at the end of office hours of the last day
  (1 day from Mon 08:00 → Mon 17:00, not Tue 08:00), and half a day from 08:00 ends at 12:00, not 13:00.
* The cut-off is inclusive: a dossier received at 15:00:00 sharp is received "before 15:00"; from
  15:00:00.000001 on ("sau 15 giờ") it counts from the next working day.
"""

from __future__ import annotations

import threading
import time as monotonic_time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays

_US_PER_SECOND = 1_000_000


@dataclass(frozen=True, order=True)
class OfficePeriod:
    """One block of office hours within a day, e.g. 08:00–12:00."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> OfficePeriod:
        """Read "HH:MM-HH:MM" (the OFFICE_HOURS setting format)."""
        start, _, end = text.partition("-")
        return cls(parse_time(start), parse_time(end))


def parse_time(text: str) -> time:
    """Read "HH:MM" (or "HH:MM:SS") as a naive time of day."""
    return time.fromisoformat(text.strip())


def _time_to_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _US_PER_SECOND + value.microsecond


def _days_to_us(days: Decimal | float | int, day_us: int) -> int:
    # str() first so that a float like 0.1 means one tenth, not its binary expansion.
    amount = days if isinstance(days, Decimal) else Decimal(str(days))
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"working time must be a finite, non-negative number of days, not {days!r}")
    return int((amount * day_us).to_integral_value())


class WorkingCalendar:
    """Office hours on working days, and arithmetic in working time over them."""

    def __init__(
        self,
        *,
        office_hours: Sequence[OfficePeriod | str],
        cutoff: time | str,
        public_holidays: holidays.HolidayBase | None = None,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        timezone: tzinfo | str = "Asia/Ho_Chi_Minh",
    ) -> None:
        """Build a calendar.

        `days_off` and `working_days` are the city's exceptions; they override both weekends and public
        holidays. `public_holidays` defaults to the `holidays` package's Vietnam calendar, which also knows
        the government's make-up Saturdays (its `weekend_workdays`).
        """
        periods = sorted(p if isinstance(p, OfficePeriod) else OfficePeriod.parse(p) for p in office_hours)
        if not periods:
            raise ValueError("office hours must have at least one period")
        self._periods_us: tuple[tuple[int, int], ...] = tuple(
            (_time_to_us(p.start), _time_to_us(p.end)) for p in periods
        )
        previous_end = 0
        for start_us, end_us in self._periods_us:
            if start_us >= end_us or start_us < previous_end:
                raise ValueError(f"office periods must be increasing and must not overlap: {periods}")
            previous_end = end_us
        self.office_hours: tuple[OfficePeriod, ...] = tuple(periods)
        self.cutoff: time = cutoff if isinstance(cutoff, time) else parse_time(cutoff)
        self._cutoff_us = _time_to_us(self.cutoff)
        if self._cutoff_us < self._periods_us[0][0]:
            # Every receipt would be "after the cut-off" and no day could ever start the clock.
            raise ValueError("the receipt cut-off must not be before the start of office hours")
        self._day_us = sum(end - start for start, end in self._periods_us)
        self.timezone: tzinfo = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self._holidays = public_holidays if public_holidays is not None else holidays.country_holidays("VN")
        self._days_off = frozenset(days_off)
        self._working_days = frozenset(working_days)
        if both := self._days_off & self._working_days:
            raise ValueError(f"dates cannot be both a day off and a working day: {sorted(both)}")
        # The holidays object fills itself lazily per year; answering from our own table keeps concurrent
        # readers (web threads) from racing on that fill after the first answer for a date.
        self._working_cache: dict[date, bool] = {}
        self._year_prefixes: dict[int, list[int]] = {}
        self._lock = threading.Lock()

    # --- days -----------------------------------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        """The office time of one working day (8 hours by default)."""
        return timedelta(microseconds=self._day_us)

    def is_working_day(self, day: date) -> bool:
        """Whether offices are open on `day`.

        The city's exceptions win; otherwise a weekend day is off unless it is a government make-up
        working day, and a public holiday (including observed and swapped days) is off.
        """
        cached = self._working_cache.get(day)
        if cached is not None:
            return cached
        if day in self._working_days:
            answer = True
        elif day in self._days_off:
            answer = False
        else:
            with self._lock:
                answer = self._holidays.is_working_day(day)
        self._working_cache[day] = answer
        return answer

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on `day` according to the holidays package, if any (for display)."""
        with self._lock:
            return self._holidays.get(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, first: date, second: date) -> int:
        """The number of working days in (first, second]: after `first`, up to and including `second`.

        So `working_days_between(d, next_working_day(d)) == 1`; negative when `second` is before `first`.
        """
        if second < first:
            return -self.working_days_between(second, first)
        return self._working_days_in(first + timedelta(days=1), second + timedelta(days=1))

    def office_start(self, day: date) -> datetime:
        """The moment office hours begin on `day` (whether or not it is a working day)."""
        return self._at(day, self._periods_us[0][0])

    def office_end(self, day: date) -> datetime:
        """The moment office hours end on `day` (whether or not it is a working day)."""
        return self._at(day, self._periods_us[-1][1])

    # --- moments --------------------------------------------------------------------------------------

    def receipt_start(self, moment: datetime) -> datetime:
        """The working moment from which the clock runs for a dossier received at `moment`.

        On a working day, up to the cut-off (inclusive): inside office hours → `moment` itself; before
        the first period or in a break (lunch) → the start of the next period that day, provided it starts
        by the cut-off. Otherwise (after the cut-off, after hours, on a day off) → the start of office
        hours of the next working day. The result is never earlier than `moment`, and applying it again
        changes nothing.
        """
        local = self._local(moment)
        day, offset = local.date(), self._offset(local)
        if self.is_working_day(day) and offset <= self._cutoff_us:
            for start_us, end_us in self._periods_us:
                if start_us <= offset < end_us:
                    return local
                if offset < start_us:
                    if start_us <= self._cutoff_us:
                        return self._at(day, start_us)
                    break
        return self.office_start(self.next_working_day(day))

    def due_same_day(self, moment: datetime) -> datetime:
        """Due time for "the same day, or the next working day when received after the cut-off".

        The end of office hours of the day the clock starts on (see `receipt_start`).
        """
        return self.office_end(self.receipt_start(moment).date())

    def add_working_time(self, start: datetime, days: Decimal | float | int) -> datetime:
        """The earliest moment at which `days` working days have elapsed since `start`.

        One day is `day_length` of office time; fractions consume office minutes (2.5 days from Monday
        08:00 → Wednesday 12:00). Whole days from the start of a day end at the end of office hours of
        the last day (1 day from Mon 08:00 → Mon 17:00). If `start` is outside working time the clock
        starts at the next working moment (no cut-off here: apply `receipt_start` first for a receipt).
        The result is always within office hours (ends included) of a working day.
        """
        needed = _days_to_us(days, self._day_us)
        local = self._local(start)
        day, offset = local.date(), self._offset(local)
        while True:
            if self.is_working_day(day):
                for start_us, end_us in self._periods_us:
                    if end_us < offset:
                        continue
                    begin = max(start_us, offset)
                    available = end_us - begin
                    if needed <= available:
                        return self._at(day, begin + needed)
                    needed -= available
            day, offset = day + timedelta(days=1), 0

    def working_time_between(self, first: datetime, second: datetime) -> Decimal:
        """Office time between two moments, in working days (negative when `second` is before `first`).

        Exact for whole microseconds: `working_time_between(s, add_working_time(s, d)) == d`.
        """
        first_local, second_local = self._local(first), self._local(second)
        if second_local < first_local:
            return -self.working_time_between(second_local, first_local)
        first_day, second_day = first_local.date(), second_local.date()
        elapsed = self._worked_before(second_day, self._offset(second_local)) - self._worked_before(
            first_day, self._offset(first_local)
        )
        elapsed += self._working_days_in(first_day, second_day) * self._day_us
        return Decimal(elapsed) / Decimal(self._day_us)

    # --- helpers --------------------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("working-time arithmetic needs timezone-aware datetimes")
        return moment.astimezone(self.timezone)

    @staticmethod
    def _offset(local: datetime) -> int:
        return _time_to_us(local.time())

    def _at(self, day: date, offset_us: int) -> datetime:
        # Office hours are wall-clock times, so the offset is added to the naive local midnight.
        return (datetime.combine(day, time()) + timedelta(microseconds=offset_us)).replace(tzinfo=self.timezone)

    def _working_days_in(self, first: date, end: date) -> int:
        """Working days in [first, end); `end` must not be before `first`."""
        count = 0
        for year in range(first.year, end.year + 1):
            prefix = self._year_prefix(year)
            low = first.timetuple().tm_yday - 1 if year == first.year else 0
            high = end.timetuple().tm_yday - 1 if year == end.year else len(prefix) - 1
            count += prefix[high] - prefix[low]
        return count

    def _year_prefix(self, year: int) -> list[int]:
        # Reporting asks for spans of years; counting each year once makes those lookups cheap.
        prefix = self._year_prefixes.get(year)
        if prefix is None:
            prefix, day = [0], date(year, 1, 1)
            while day.year == year:
                prefix.append(prefix[-1] + self.is_working_day(day))
                day += timedelta(days=1)
            self._year_prefixes[year] = prefix
        return prefix

    def _worked_before(self, day: date, offset_us: int) -> int:
        """Office time on `day` before the time of day `offset_us`."""
        if not self.is_working_day(day):
            return 0
        return sum(max(0, min(end_us, offset_us) - start_us) for start_us, end_us in self._periods_us)


# --- the process-wide calendar --------------------------------------------------------------------------

# Edits in this process invalidate at once (signals); other processes (web nodes, Celery workers) pick
# them up when the cached copy expires.
CACHE_SECONDS = 300.0

_cache_lock = threading.Lock()
_cached: tuple[float, WorkingCalendar] | None = None


def build_calendar_from_settings() -> WorkingCalendar:
    """A fresh calendar from settings and the CalendarException table (one query)."""
    from django.conf import settings
    from django.utils import timezone

    from egov.workcal.models import CalendarException, CalendarExceptionKind

    days_off: list[date] = []
    working_days: list[date] = []
    for day, kind in CalendarException.objects.values_list("date", "kind"):
        (working_days if kind == CalendarExceptionKind.WORKING_DAY else days_off).append(day)
    this_year = timezone.localdate().year
    return WorkingCalendar(
        office_hours=settings.OFFICE_HOURS,
        cutoff=settings.RECEIPT_CUTOFF,
        # Filled up front for the years dossiers live in, so lazy per-year filling is the exception.
        public_holidays=holidays.country_holidays("VN", years=range(2010, this_year + 3)),
        days_off=days_off,
        working_days=working_days,
        timezone=settings.TIME_ZONE,
    )


def get_calendar() -> WorkingCalendar:
    """The process-wide working calendar, rebuilt after an exception changes or the cache expires."""
    global _cached
    now = monotonic_time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    with _cache_lock:
        if _cached is None or now - _cached[0] >= CACHE_SECONDS:
            _cached = (now, build_calendar_from_settings())
        return _cached[1]


def invalidate_calendar() -> None:
    """Forget the process-wide calendar so the next `get_calendar()` reads the table again."""
    global _cached
    with _cache_lock:
        _cached = None
