"""The report's figures on a small world counted by hand, on each side of the reform: each dossier walked through
the real services."""

from datetime import timedelta
from decimal import Decimal

import pytest

from procedures import services
from procedures.models import Channel
from reporting.models import DossierFact
from reporting.periods import period_of
from reporting.selectors import procedure_figures, total_of, unit_figures
from reporting.services import rollups_rebuild, rollups_refresh
from tests.reporting.helpers import filed


def test_each_measure_equals_the_hand_count(december_world, clock):
    clock.set(december_world["era"]["after"])
    figures = unit_figures(units=december_world["levels"], period=december_world["month"])
    for unit in december_world["levels"]:
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
    assert figures[december_world["commune"].pk].average_processing_days == Decimal("0.73")


def test_the_facts_count_at_the_levels_of_their_day(december_world):
    """A commune of before counts at its district and the city; one of today, directly under the city, at the city."""
    commune, *above = december_world["levels"]
    fact = DossierFact.objects.filter(unit=commune).first()
    assert (fact.district_id, fact.city_id) == ((above[0].pk, above[1].pk) if len(above) == 2 else (None, above[0].pk))


def test_the_birth_procedure_alone(december_world, clock):
    clock.set(december_world["era"]["after"])
    commune = december_world["commune"]
    f = unit_figures(units=[commune], period=december_world["month"], procedure=december_world["birth"])[commune.pk]
    assert f.received == 5
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (0, 2, 1)


@pytest.mark.parametrize("live", [False, True], ids=["past", "live"])
def test_the_figures_by_procedure_are_each_procedure_alone(december_world, clock, live):
    """December seen after it is over, and while it runs (its stocks then counted as of now)."""
    period = december_world["month"]
    clock.set(december_world["moment"](1, 10) if live else december_world["era"]["after"])
    for unit in december_world["levels"]:
        by_procedure = procedure_figures(unit=unit, period=period)
        alone = [unit_figures(units=[unit], period=period, procedure=f.extra["procedure"]) for f in by_procedure]
        assert [f.extra["procedure"] for f in by_procedure] == [december_world["birth"], december_world["death"]]
        assert [vars(f) | {"extra": {}} for f in by_procedure] == [vars(a[unit.pk]) for a in alone]
    birth, death = procedure_figures(unit=december_world["commune"], period=period)
    assert (birth.received, death.received) == (5, 1)
    assert (birth.overdue, birth.is_live) == (1, live)


def test_a_dossier_resolved_exactly_at_its_due_time_is_on_time(december_world):
    fact = DossierFact.objects.get(channel=Channel.COUNTER)
    assert fact.timeliness == "on_time"
    assert fact.resolved_day == fact.due_day == december_world["era"]["monday"]


def test_a_unit_before_its_official_start_is_not_counted(december_world, clock):
    """Before the reform the rural commune and its district; after it the rural commune of today, which inherits its
    predecessor's district's official start."""
    clock.set(december_world["era"]["after"])
    units, month = december_world["rural"], december_world["month"]
    figures = unit_figures(units=units, period=month)
    assert [f.received for f in figures.values()] == [0] * len(units)
    assert [f.counted for f in figures.values()] == [False] * len(units)
    assert figures[units[0].pk].online_rate is None
    # A period that reaches the official start (a Monday in January) counts the unit, even if it began before.
    week = period_of("week", december_world["era"]["rural_start"])
    assert [f.counted for f in unit_figures(units=units, period=week).values()] == [True] * len(units)
    assert all(f.counted for f in procedure_figures(unit=units[0], period=week))
    assert not any(f.counted for f in procedure_figures(unit=units[0], period=month))
    assert not DossierFact.objects.filter(unit=units[0]).exists()


def test_stocks_carry_over_into_the_next_period(december_world, clock):
    january = december_world["month"].next()
    clock.set(december_world["era"]["after"] + timedelta(days=30))
    commune = december_world["commune"]
    f = unit_figures(units=[commune], period=january)[commune.pk]
    assert (f.carried_over, f.received, f.to_handle) == (1, 0, 1)
    assert (f.in_progress, f.overdue, f.not_collected) == (1, 1, 3)


def test_a_period_not_over_counts_overdue_and_due_soon_as_of_now(december_world, clock, citizen):
    clock.set(december_world["moment"](1, 10))
    commune, officers = december_world["commune"], december_world["officers"]
    fresh = filed(december_world["birth"], unit=commune, applicant=citizen)
    services.dossier_receive(dossier=fresh, officer=officers["one_stop"])  # due today 17:00
    rollups_refresh()
    f = unit_figures(units=[commune], period=december_world["month"])[commune.pk]
    assert f.is_live
    assert (f.in_progress, f.overdue, f.due_soon) == (2, 1, 1)


def test_the_total_row_adds_the_units_up(december_world, clock):
    clock.set(december_world["era"]["after"])
    communes, parent = december_world["siblings"]
    month = december_world["month"]
    figures = unit_figures(units=[*communes, parent], period=month)
    total = total_of([figures[c.pk] for c in communes], unit=parent, period=month)
    assert (total.received, total.resolved, total.in_progress, total.online_rate) == (6, 4, 1, Decimal("83.3"))
    assert total.received == figures[parent.pk].received


def test_refreshing_again_or_rebuilding_changes_nothing(december_world, clock):
    clock.set(december_world["era"]["after"])

    def snapshot():
        figures = unit_figures(units=december_world["levels"], period=december_world["month"])
        return [vars(f) | {"unit": f.unit.pk} for f in figures.values()]

    before = snapshot()
    assert rollups_refresh() == 0
    assert snapshot() == before
    assert rollups_rebuild() == 7  # d1–d6 and d8
    assert snapshot() == before
