"""`manage.py load_demo` in a database of its own each time: whenever it runs, the ward's story is in the past with
exactly one dossier late; nobody is told about it; the two years of generated dossiers on both sides of the 2025
reform; and at the real date, as `make run` loads it."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from egov.accounts.models import User
from egov.notifications import gateway
from egov.units.models import AdministrativeUnit, UnitLevel
from portal.demo_dossiers import demo_dossiers_read
from procedures.models import Dossier, RegisterEntry, Status
from reporting.models import DossierFact
from reporting.periods import Period
from reporting.selectors import unit_figures
from tests.portal.conftest import LOADED_AT, WARD, demo_dossiers, load_demo_at
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

DEMO_DOSSIERS = demo_dossiers_read()


@pytest.mark.parametrize(
    "moment",
    [
        at(2026, 11, 23, 7),  # a Monday before office hours
        at(2026, 11, 21, 11),  # a Saturday
        at(2026, 2, 23, 10),  # the first working day after Tết 2026
        at(2026, 1, 6, 16),  # early January: the fortnight straddles two register years
    ],
    ids=["monday-early", "saturday", "after-tet", "new-year"],
)
def test_whenever_it_is_loaded_the_story_is_in_the_past_and_one_dossier_is_late(monkeypatch, moment):
    load_demo_at(monkeypatch, moment)

    assert Dossier.objects.count() == len(DEMO_DOSSIERS)
    assert max(Dossier.objects.values_list("events__at", flat=True)) < moment
    assert [d.procedure.code for d in demo_dossiers() if d.is_overdue(moment)] == ["HT-KS"]
    for book_year in RegisterEntry.objects.values_list("book", "year").distinct():
        numbers = RegisterEntry.objects.filter(book=book_year[0], year=book_year[1]).values_list("number", flat=True)
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


@pytest.mark.django_db(transaction=True)
def test_nobody_is_told_about_the_made_up_past(monkeypatch, settings, mailoutbox):
    # Were the notifications sent, these settings would deliver them here, on commit, in this process.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMS_BACKEND = "locmem"
    gateway.sms_outbox.clear()

    load_demo_at(monkeypatch, LOADED_AT)

    assert Dossier.objects.count() == len(DEMO_DOSSIERS)
    assert gateway.sms_outbox == []
    assert mailoutbox == []


def test_two_years_of_generated_dossiers_on_both_sides_of_the_reform_are_loaded_once_and_counted(monkeypatch):
    load_demo_at(monkeypatch, LOADED_AT, history=400)
    load_demo_at(monkeypatch, at(2026, 11, 26, 9), history=400)

    generated = Dossier.objects.filter(events__details__source="generated").distinct()
    story = Dossier.objects.exclude(pk__in=generated)
    assert generated.count() == 400
    assert story.count() == len(DEMO_DOSSIERS)
    reform = date(2025, 7, 1)
    before = generated.filter(received_at__date__lt=reform)
    after = generated.filter(submitted_at__date__gte=reform)
    assert before.count() > 50 and after.count() > 200
    # Each dossier at a commune of its day: the districts' communes before, today's communes since.
    assert not before.exclude(unit__parent__level=UnitLevel.DISTRICT).exists()
    assert not after.exclude(unit__parent__level=UnitLevel.CITY).exists()
    assert before.values("unit__parent").distinct().count() > 15
    # A third in the demo area: Ba Đình's wards before, and the communes holding their records since.
    assert before.filter(unit__parent__name="Quận Ba Đình").count() >= 30
    # The demo ward's own history stops three weeks before its story.
    ward = generated.filter(unit__name=WARD, unit__valid_from=reform)
    assert ward.exists()
    assert max(ward.values_list("submitted_at", flat=True)) < LOADED_AT - timedelta(days=21)
    # From the first day of last month (October) two years back: last month compares with its own month then (an
    # online dossier counted from 01/10 may have been sent the evening before).
    first = timezone.localtime(min(generated.values_list("submitted_at", flat=True))).date()
    assert date(2024, 9, 30) <= first <= date(2024, 10, 7)
    city = AdministrativeUnit.objects.get(level=UnitLevel.CITY)
    two_years = Period("custom", date(2024, 10, 1), date(2026, 11, 25))
    figures = unit_figures(units=[city], period=two_years, now=LOADED_AT)[city.pk]
    # Rebuilt: every dossier received or refused is counted, the ward's fortnight too.
    counted = Dossier.objects.filter(Q(received_at__isnull=False) | Q(status=Status.REFUSED))
    assert counted.filter(unit__name=WARD).exists()
    assert figures.received + figures.refused == DossierFact.objects.count() == counted.count()


def test_the_demo_loads_at_the_real_date(db):
    # No clock: the demo as `make run` loads it today, the officers at a ward of today.
    call_command("load_demo", verbosity=0, history=0)

    ward = User.objects.select_related("unit").get(username="motcua.hongha").unit
    assert ward.is_valid_on(timezone.localdate())
    assert Dossier.objects.filter(unit=ward).count() == len(DEMO_DOSSIERS)
    assert max(Dossier.objects.values_list("events__at", flat=True)) < timezone.now()
