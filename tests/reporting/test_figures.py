"""The report's figures on a small world counted by hand, on each side of the reform: each dossier walked through
the real services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from egov.units.models import UnitRollout
from procedures import services
from procedures.models import Channel, Status
from reporting.models import DossierFact
from reporting.periods import period_of
from reporting.selectors import procedure_figures, total_of, unit_figures
from reporting.services import rollups_rebuild, rollups_refresh
from tests.onecounter.conftest import advance
from tests.procedures.test_filing import procedure_of
from tests.reporting.conftest import filed, officers_of, walk
from tests.workcal.conftest import at

# The same December on each side of the reform: its first Monday after the 6th, a moment after the month, and
# the official start of the rural district (a Monday in January).
ERAS = {
    "2024": {"monday": date(2024, 12, 9), "after": at(2025, 1, 7, 9), "rural_start": date(2025, 1, 6)},
    "2026": {"monday": date(2026, 12, 7), "after": at(2027, 1, 5, 9), "rural_start": date(2027, 1, 4)},
}


@pytest.fixture(params=sorted(ERAS))
def world(request, rollout, clock, citizen, city, district, rural_district, old_commune_a, old_commune_b,
          old_rural_commune, commune_a, commune_b, rural_commune, one_stop_a, justice_a, leader_a):  # fmt: skip
    """December at commune A (birth: the same day, or the next working day after 15:00): in 2024 at Phường Phúc Xá of
    Quận Ba Đình, by its own officers; in 2026 at Phường Hồng Hà (which holds Phúc Xá's records), directly under the
    city. M is the era's Monday (09/12/2024, 07/12/2026):

    - d1 online, received M 09:00, result 10:00 → on time (the due day is that day);
    - d2 online at the counter with help (online_assisted), received M, result M+1 09:00 → late;
    - d3 paper (counter), received M 09:30, result exactly at its due time 17:00 → on time;
    - d4 online, received M, still being processed on 31/12 → overdue in progress;
    - d5 online, received M, withdrawn M+1;
    - d6 online, refused at reception M (never received);
    - d7 online in the rural commune, whose district is official only from January → not counted at all;
    - d8 a death registration (3 working days) received M, result M+1 → early; then handed over.
    """
    before = request.param == "2024"
    era = ERAS[request.param]
    monday = era["monday"]
    commune, rural = (old_commune_a, old_rural_commune) if before else (commune_a, rural_commune)
    if before:
        officers = officers_of(old_commune_a, "phucxa")
    else:
        officers = {"one_stop": one_stop_a, "justice": justice_a, "leader": leader_a}
    one_stop = officers["one_stop"]
    birth = procedure_of("birth")
    death = procedure_of("death", days="3")
    UnitRollout.objects.create(unit=rural_district, official_start=era["rural_start"])

    def moment(days: int, hour: int, minute: int = 0):
        day = monday + timedelta(days=days)
        return at(day.year, day.month, day.day, hour, minute)

    clock.set(moment(0, 9))
    d1 = advance(filed(birth, unit=commune, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(moment(0, 10))
    walk(d1, Status.RESULT_READY, **officers)

    clock.set(moment(0, 9))
    d2 = filed(birth, unit=commune, applicant=citizen, channel=Channel.ONLINE_ASSISTED, actor=one_stop)
    d2 = advance(d2, Status.RECEIVED, **officers)
    clock.set(moment(1, 9))
    walk(d2, Status.RESULT_READY, **officers)

    clock.set(moment(0, 9, 30))
    d3 = filed(birth, unit=commune, applicant=citizen, channel=Channel.COUNTER, actor=one_stop)
    d3 = advance(d3, Status.AWAITING_SIGNATURE, **officers)
    clock.set(d3.due_at)
    walk(d3, Status.RESULT_READY, **officers)

    clock.set(moment(0, 9))
    advance(filed(birth, unit=commune, applicant=citizen), Status.PROCESSING, **officers)
    d5 = advance(filed(birth, unit=commune, applicant=citizen), Status.RECEIVED, **officers)
    d6 = filed(birth, unit=commune, applicant=citizen)
    services.dossier_refuse(dossier=d6, officer=one_stop, reason="Không thuộc thẩm quyền")
    filed(birth, unit=rural, applicant=citizen)
    d8 = advance(filed(death, unit=commune, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(moment(1, 9))
    services.dossier_withdraw(dossier=d5, actor=citizen, reason="Gia đình đổi ý")
    walk(d8, Status.DELIVERED, **officers)
    rollups_refresh()
    return {
        "birth": birth,
        "death": death,
        "era": era,
        "month": period_of("month", monday),
        "moment": moment,
        "commune": commune,
        "officers": officers,
        # The units that count commune A's dossiers.
        "levels": [commune, district, city] if before else [commune, city],
        # Commune A with the communes beside it, and the unit above them.
        "siblings": ([old_commune_a, old_commune_b], district) if before else ([commune_a, commune_b], city),
        # The rural commune and its district (a commune of today has none): not counted in December.
        "rural": [old_rural_commune, rural_district] if before else [rural_commune],
    }


def test_each_measure_equals_the_hand_count(world, clock):
    clock.set(world["era"]["after"])
    figures = unit_figures(units=world["levels"], period=world["month"])
    for unit in world["levels"]:
        f = figures[unit.pk]
        channels = (f.received_online_self, f.received_online_assisted, f.received_counter, f.received_post)
        assert channels == (4, 1, 1, 0)  # d1 d4 d5 d8 | d2 | d3
        assert f.received == 6
        # d2, helped online at the counter, counts as online: 5 / 6.
        assert f.online_rate == Decimal("83.3")
        assert f.refused == 1
        assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (1, 2, 1)  # d8 | d1 d3 | d2
        assert f.on_time_rate == Decimal("75.0")
        assert f.withdrawn == 1
        assert (f.carried_over, f.to_handle) == (0, 6)
        assert (f.in_progress, f.overdue, f.not_yet_due) == (1, 1, 0)  # d4
        assert (f.not_collected, f.delivered) == (3, 1)  # d1 d2 d3 ready; d8 handed over
        # (1 resolved late + 1 overdue) / 6 to handle.
        assert f.late_rate == Decimal("33.3")
        assert f.table_on_time_rate == Decimal("66.7")
        assert f.due_soon is None and not f.is_live
    # Working days of 8 office hours, each rounded to 0.01: d1 1 h (0.12), d2 and d8 from M 09:00 to M+1 09:00 (1),
    # d3 6.5 h (0.81); (0.12 + 1 + 0.81 + 1) / 4.
    assert figures[world["commune"].pk].average_processing_days == Decimal("0.73")


def test_the_facts_count_at_the_levels_of_their_day(world):
    """A commune of before counts at its district and the city; one of today, directly under the city, at the city."""
    commune, *above = world["levels"]
    fact = DossierFact.objects.filter(unit=commune).first()
    assert (fact.district_id, fact.city_id) == ((above[0].pk, above[1].pk) if len(above) == 2 else (None, above[0].pk))


def test_the_birth_procedure_alone(world, clock):
    clock.set(world["era"]["after"])
    commune = world["commune"]
    f = unit_figures(units=[commune], period=world["month"], procedure=world["birth"])[commune.pk]
    assert f.received == 5
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (0, 2, 1)


@pytest.mark.parametrize("live", [False, True], ids=["past", "live"])
def test_the_figures_by_procedure_are_each_procedure_alone(world, clock, live):
    """December seen after it is over, and while it runs (its stocks then counted as of now)."""
    period = world["month"]
    clock.set(world["moment"](1, 10) if live else world["era"]["after"])
    for unit in world["levels"]:
        by_procedure = procedure_figures(unit=unit, period=period)
        alone = [unit_figures(units=[unit], period=period, procedure=f.extra["procedure"]) for f in by_procedure]
        assert [f.extra["procedure"] for f in by_procedure] == [world["birth"], world["death"]]
        assert [vars(f) | {"extra": {}} for f in by_procedure] == [vars(a[unit.pk]) for a in alone]
    birth, death = procedure_figures(unit=world["commune"], period=period)
    assert (birth.received, death.received) == (5, 1)
    assert (birth.overdue, birth.is_live) == (1, live)


def test_a_dossier_resolved_exactly_at_its_due_time_is_on_time(world):
    fact = DossierFact.objects.get(channel=Channel.COUNTER)
    assert fact.timeliness == "on_time"
    assert fact.resolved_day == fact.due_day == world["era"]["monday"]


def test_a_unit_before_its_official_start_is_not_counted(world, clock):
    """Before the reform the rural commune and its district; after it the rural commune of today, which inherits its
    predecessor's district's official start."""
    clock.set(world["era"]["after"])
    units, month = world["rural"], world["month"]
    figures = unit_figures(units=units, period=month)
    assert [f.received for f in figures.values()] == [0] * len(units)
    assert [f.counted for f in figures.values()] == [False] * len(units)
    assert figures[units[0].pk].online_rate is None
    # A period that reaches the official start (a Monday in January) counts the unit, even if it began before.
    week = period_of("week", world["era"]["rural_start"])
    assert [f.counted for f in unit_figures(units=units, period=week).values()] == [True] * len(units)
    assert all(f.counted for f in procedure_figures(unit=units[0], period=week))
    assert not any(f.counted for f in procedure_figures(unit=units[0], period=month))
    assert not DossierFact.objects.filter(unit=units[0]).exists()


def test_stocks_carry_over_into_the_next_period(world, clock):
    january = world["month"].next()
    clock.set(world["era"]["after"] + timedelta(days=30))
    commune = world["commune"]
    f = unit_figures(units=[commune], period=january)[commune.pk]
    assert (f.carried_over, f.received, f.to_handle) == (1, 0, 1)
    assert (f.in_progress, f.overdue, f.not_collected) == (1, 1, 3)


def test_a_period_not_over_counts_overdue_and_due_soon_as_of_now(world, clock, citizen):
    clock.set(world["moment"](1, 10))
    commune, officers = world["commune"], world["officers"]
    fresh = filed(world["birth"], unit=commune, applicant=citizen)
    services.dossier_receive(dossier=fresh, officer=officers["one_stop"])  # due today 17:00
    rollups_refresh()
    f = unit_figures(units=[commune], period=world["month"])[commune.pk]
    assert f.is_live
    assert (f.in_progress, f.overdue, f.due_soon) == (2, 1, 1)


def test_the_total_row_adds_the_units_up(world, clock):
    clock.set(world["era"]["after"])
    communes, parent = world["siblings"]
    month = world["month"]
    figures = unit_figures(units=[*communes, parent], period=month)
    total = total_of([figures[c.pk] for c in communes], unit=parent, period=month)
    assert (total.received, total.resolved, total.in_progress, total.online_rate) == (6, 4, 1, Decimal("83.3"))
    assert total.received == figures[parent.pk].received


def test_refreshing_again_or_rebuilding_changes_nothing(world, clock):
    clock.set(world["era"]["after"])

    def snapshot():
        figures = unit_figures(units=world["levels"], period=world["month"])
        return [vars(f) | {"unit": f.unit.pk} for f in figures.values()]

    before = snapshot()
    assert rollups_refresh() == 0
    assert snapshot() == before
    assert rollups_rebuild() == 7  # d1–d6 and d8
    assert snapshot() == before
