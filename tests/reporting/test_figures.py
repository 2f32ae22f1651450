"""The report's figures on a small world counted by hand: each dossier walked through the real services."""

from datetime import date
from decimal import Decimal

import pytest

from egov.units.models import UnitRollout
from procedures import services
from procedures.models import Channel, Status
from reporting.models import DossierFact
from reporting.periods import Period, period_of
from reporting.selectors import procedure_figures, total_of, unit_figures
from reporting.services import rollups_rebuild, rollups_refresh
from tests.onecounter.conftest import advance, filed
from tests.procedures.test_filing import procedure_of
from tests.workcal.conftest import at

DECEMBER = Period("month", date(2026, 12, 1), date(2026, 12, 31))
PATH = [Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SIGNATURE, Status.REGISTERED]


def walk(dossier, to, **officers):
    """`advance` from wherever the dossier stands on the normal path (advance starts from `submitted`)."""
    if dossier.status == Status.SUBMITTED:
        return advance(dossier, to, **officers)
    start = PATH.index(dossier.status) + 1 if dossier.status in PATH else len(PATH)
    steps = {
        Status.PROCESSING: lambda d: services.dossier_start(dossier=d, officer=officers["justice"]),
        Status.AWAITING_SIGNATURE: lambda d: services.dossier_propose(dossier=d, officer=officers["justice"]),
        Status.REGISTERED: lambda d: services.dossier_approve(dossier=d, leader=officers["leader"]),
        Status.RESULT_READY: lambda d: services.dossier_settle(dossier=d),
        Status.DELIVERED: lambda d: services.dossier_deliver(dossier=d, officer=officers["one_stop"]),
    }
    for status in [*PATH[start:], Status.RESULT_READY, Status.DELIVERED]:
        if dossier.status == to:
            break
        dossier = steps[status](dossier)
    assert dossier.status == to
    return dossier


@pytest.fixture
def world(rollout, clock, citizen, commune_a, rural_commune, one_stop_a, justice_a, leader_a):
    """December 2026 at commune A (birth: the same day, or the next working day after 15:00):

    - d1 online, received Mon 07/12 09:00, result 10:00 → on time (the due day is that day);
    - d2 online at the counter with help (online_assisted), received 07/12, result Tue 08/12 09:00 → late;
    - d3 paper (counter), received 07/12 09:30, result exactly at its due time 17:00 → on time;
    - d4 online, received 07/12, still being processed on 31/12 → overdue in progress;
    - d5 online, received 07/12, withdrawn 08/12;
    - d6 online, refused at reception 07/12 (never received);
    - d7 online in a rural commune whose district starts officially only in 2027 → not counted at all;
    - d8 a death registration (3 working days) received 07/12, result 08/12 → early; then handed over.
    """
    officers = {"one_stop": one_stop_a, "justice": justice_a, "leader": leader_a}
    birth = procedure_of("birth")
    death = procedure_of("death", days="3")
    UnitRollout.objects.create(unit=rural_commune.parent, official_start=date(2027, 1, 4))
    clock.set(at(2026, 12, 7, 9))
    d1 = advance(filed(birth, unit=commune_a, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(at(2026, 12, 7, 10))
    walk(d1, Status.RESULT_READY, **officers)

    clock.set(at(2026, 12, 7, 9))
    d2 = filed(birth, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_ASSISTED, actor=one_stop_a)
    d2 = advance(d2, Status.RECEIVED, **officers)
    clock.set(at(2026, 12, 8, 9))
    walk(d2, Status.RESULT_READY, **officers)

    clock.set(at(2026, 12, 7, 9, 30))
    d3 = filed(birth, unit=commune_a, applicant=citizen, channel=Channel.COUNTER, actor=one_stop_a)
    d3 = advance(d3, Status.AWAITING_SIGNATURE, **officers)
    clock.set(d3.due_at)
    walk(d3, Status.RESULT_READY, **officers)

    clock.set(at(2026, 12, 7, 9))
    advance(filed(birth, unit=commune_a, applicant=citizen), Status.PROCESSING, **officers)
    d5 = advance(filed(birth, unit=commune_a, applicant=citizen), Status.RECEIVED, **officers)
    d6 = filed(birth, unit=commune_a, applicant=citizen)
    services.dossier_refuse(dossier=d6, officer=one_stop_a, reason="Không thuộc thẩm quyền")
    filed(birth, unit=rural_commune, applicant=citizen)
    d8 = advance(filed(death, unit=commune_a, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(at(2026, 12, 8, 9))
    services.dossier_withdraw(dossier=d5, actor=citizen, reason="Gia đình đổi ý")
    walk(d8, Status.DELIVERED, **officers)
    rollups_refresh()
    return {"birth": birth, "death": death}


def test_each_measure_equals_the_hand_count(world, clock, commune_a, district, city):
    clock.set(at(2027, 1, 5, 9))
    figures = unit_figures(units=[commune_a, district, city], period=DECEMBER)
    for unit in (commune_a, district, city):
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
    # Working days of 8 office hours, each rounded to 0.01: d1 1 h (0.12), d2 and d8 from 07/12 09:00 to 08/12
    # 09:00 (1), d3 6.5 h (0.81); (0.12 + 1 + 0.81 + 1) / 4.
    assert figures[commune_a.pk].average_processing_days == Decimal("0.73")


def test_the_birth_procedure_alone(world, clock, commune_a):
    clock.set(at(2027, 1, 5, 9))
    f = unit_figures(units=[commune_a], period=DECEMBER, procedure=world["birth"])[commune_a.pk]
    assert f.received == 5
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (0, 2, 1)


@pytest.mark.parametrize(
    ("now", "live"), [(at(2027, 1, 5, 9), False), (at(2026, 12, 8, 10), True)], ids=["past", "live"]
)
def test_the_figures_by_procedure_are_each_procedure_alone(world, clock, commune_a, district, now, live):
    """December seen after it is over, and while it runs (its stocks then counted as of now)."""
    period = DECEMBER
    clock.set(now)
    for unit in (commune_a, district):
        by_procedure = procedure_figures(unit=unit, period=period)
        alone = [unit_figures(units=[unit], period=period, procedure=f.extra["procedure"]) for f in by_procedure]
        assert [f.extra["procedure"] for f in by_procedure] == [world["birth"], world["death"]]
        assert [vars(f) | {"extra": {}} for f in by_procedure] == [vars(a[unit.pk]) for a in alone]
    birth, death = procedure_figures(unit=commune_a, period=period)
    assert (birth.received, death.received) == (5, 1)
    assert (birth.overdue, birth.is_live) == (1, live)


def test_a_dossier_resolved_exactly_at_its_due_time_is_on_time(world):
    fact = DossierFact.objects.get(channel=Channel.COUNTER)
    assert fact.timeliness == "on_time"
    assert fact.resolved_day == fact.due_day == date(2026, 12, 7)


def test_a_unit_before_its_official_start_is_not_counted(world, clock, rural_commune):
    clock.set(at(2027, 1, 5, 9))
    figures = unit_figures(units=[rural_commune, rural_commune.parent], period=DECEMBER)
    assert [f.received for f in figures.values()] == [0, 0]
    assert [f.counted for f in figures.values()] == [False, False]
    assert figures[rural_commune.pk].online_rate is None
    # A period that reaches the official start (04/01/2027) counts the unit, even if it began before.
    week = period_of("week", date(2027, 1, 4))
    assert [f.counted for f in unit_figures(units=[rural_commune, rural_commune.parent], period=week).values()] == [
        True,
        True,
    ]
    assert all(f.counted for f in procedure_figures(unit=rural_commune, period=week))
    assert not any(f.counted for f in procedure_figures(unit=rural_commune, period=DECEMBER))
    assert not DossierFact.objects.filter(unit=rural_commune).exists()


def test_stocks_carry_over_into_the_next_period(world, clock, commune_a):
    clock.set(at(2027, 2, 1, 9))
    january = Period("month", date(2027, 1, 1), date(2027, 1, 31))
    f = unit_figures(units=[commune_a], period=january)[commune_a.pk]
    assert (f.carried_over, f.received, f.to_handle) == (1, 0, 1)
    assert (f.in_progress, f.overdue, f.not_collected) == (1, 1, 3)


def test_a_period_not_over_counts_overdue_and_due_soon_as_of_now(world, clock, citizen, commune_a, one_stop_a):
    clock.set(at(2026, 12, 8, 10))
    fresh = filed(world["birth"], unit=commune_a, applicant=citizen)
    services.dossier_receive(dossier=fresh, officer=one_stop_a)  # due today 17:00
    rollups_refresh()
    f = unit_figures(units=[commune_a], period=period_of("month", date(2026, 12, 8)))[commune_a.pk]
    assert f.is_live
    assert (f.in_progress, f.overdue, f.due_soon) == (2, 1, 1)


def test_the_total_row_adds_the_units_up(world, clock, commune_a, commune_b, district):
    clock.set(at(2027, 1, 5, 9))
    figures = unit_figures(units=[commune_a, commune_b, district], period=DECEMBER)
    total = total_of([figures[commune_a.pk], figures[commune_b.pk]], unit=district, period=DECEMBER)
    assert (total.received, total.resolved, total.in_progress, total.online_rate) == (6, 4, 1, Decimal("83.3"))
    assert total.received == figures[district.pk].received


def test_refreshing_again_or_rebuilding_changes_nothing(world, clock, commune_a, district, city):
    clock.set(at(2027, 1, 5, 9))

    def snapshot():
        figures = unit_figures(units=[commune_a, district, city], period=DECEMBER)
        return [vars(f) | {"unit": f.unit.pk} for f in figures.values()]

    before = snapshot()
    assert rollups_refresh() == 0
    assert snapshot() == before
    assert rollups_rebuild() == 7  # d1–d6 and d8
    assert snapshot() == before
