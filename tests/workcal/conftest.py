"""A working calendar with the default Hanoi settings, and a helper for local moments."""

from datetime import datetime
from zoneinfo import ZoneInfo

import holidays
import pytest

from egov.workcal.calendar import WorkingCalendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A moment in Hanoi time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=HANOI)


def make_calendar(**overrides) -> WorkingCalendar:
    """The default office hours and cut-off with the package's Vietnamese holidays, unless overridden."""
    options = {
        "office_hours": ["08:00-12:00", "13:00-17:00"],
        "cutoff": "15:00",
        "public_holidays": holidays.country_holidays("VN", years=range(2015, 2029)),
    }
    options.update(overrides)
    return WorkingCalendar(**options)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return make_calendar()
