"""The city's exceptions table feeds the process-wide calendar, and city staff edit it in the admin."""

from datetime import date

import pytest

from egov.workcal.calendar import get_calendar, invalidate_calendar
from egov.workcal.models import CalendarException, CalendarExceptionKind

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate_calendar()
    yield
    invalidate_calendar()


def test_city_day_off_is_not_a_working_day():
    assert get_calendar().is_working_day(date(2026, 11, 18))
    CalendarException.objects.create(date=date(2026, 11, 18), kind=CalendarExceptionKind.DAY_OFF, note="Bầu cử")
    calendar = get_calendar()
    assert not calendar.is_working_day(date(2026, 11, 18))
    assert calendar.receipt_start(at(2026, 11, 17, 16)) == at(2026, 11, 19, 8)


def test_city_make_up_saturday_is_a_working_day():
    CalendarException.objects.create(date=date(2026, 11, 21), kind=CalendarExceptionKind.WORKING_DAY)
    calendar = get_calendar()
    assert calendar.is_working_day(date(2026, 11, 21))
    assert calendar.receipt_start(at(2026, 11, 20, 15, 30)) == at(2026, 11, 21, 8)
    assert calendar.due_same_day(at(2026, 11, 20, 15, 30)) == at(2026, 11, 21, 17)


def test_city_can_make_a_public_holiday_a_working_day():
    CalendarException.objects.create(date=date(2026, 11, 24), kind=CalendarExceptionKind.WORKING_DAY)
    assert get_calendar().is_working_day(date(2026, 11, 24))


def test_editing_and_deleting_an_exception_refreshes_the_calendar():
    exception = CalendarException.objects.create(date=date(2026, 11, 21), kind=CalendarExceptionKind.WORKING_DAY)
    assert get_calendar().is_working_day(date(2026, 11, 21))
    exception.kind = CalendarExceptionKind.DAY_OFF
    exception.save()
    assert not get_calendar().is_working_day(date(2026, 11, 21))
    CalendarException.objects.create(date=date(2026, 11, 18), kind=CalendarExceptionKind.DAY_OFF)
    assert not get_calendar().is_working_day(date(2026, 11, 18))
    CalendarException.objects.filter(date=date(2026, 11, 18)).delete()
    assert get_calendar().is_working_day(date(2026, 11, 18))


def test_calendar_is_cached_between_edits(django_assert_num_queries):
    get_calendar()
    with django_assert_num_queries(0):
        get_calendar()


def test_str_and_labels():
    exception = CalendarException(date=date(2026, 8, 22), kind=CalendarExceptionKind.WORKING_DAY)
    assert str(exception) == "22/08/2026 – Ngày làm việc bù"
    assert CalendarExceptionKind.DAY_OFF.label == "Ngày nghỉ"


def test_admin_lists_and_filters_by_kind_and_year(admin_client):
    CalendarException.objects.create(date=date(2025, 12, 31), kind=CalendarExceptionKind.DAY_OFF, note="năm cũ")
    CalendarException.objects.create(date=date(2026, 11, 21), kind=CalendarExceptionKind.WORKING_DAY, note="làm bù")
    url = "/quan-tri/workcal/calendarexception/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "năm cũ" in page.text and "làm bù" in page.text
    by_year = admin_client.get(url, {"year": "2026"})
    assert "làm bù" in by_year.text and "năm cũ" not in by_year.text
    by_kind = admin_client.get(url, {"kind__exact": "day_off"})
    assert "năm cũ" in by_kind.text and "làm bù" not in by_kind.text


def test_admin_adds_an_exception(admin_client):
    response = admin_client.post(
        "/quan-tri/workcal/calendarexception/add/",
        {"date": "21/11/2026", "kind": "working_day", "note": "Làm bù"},
    )
    assert response.status_code == 302, response.content
    assert get_calendar().is_working_day(date(2026, 11, 21))
