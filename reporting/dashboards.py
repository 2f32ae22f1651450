"""What a dashboard page reads of one unit over one period: its figures, its child units' and the city's, the
breakdown by procedure, the trend over the period and the rollout dates; all from the rollups, so the cost of a
page depends on the number of units, procedures and steps shown, never on the number of dossiers."""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.core.parsing import unaccented
from egov.units.models import AdministrativeUnit, DistrictRollout, UnitLevel
from procedures.models import Procedure

from .models import Rollup
from .periods import Period
from .selectors import RECEIVED, RESOLVED, Figures, child_units, period_q, procedure_figures, sum_of, unit_figures

HALF = 50
TREND_FLOWS = (*RECEIVED, *RESOLVED)


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    period: Period
    procedure: Procedure | None
    figures: Figures
    city: Figures | None
    children: list[Figures]
    procedures: list[Figures]
    trend: list[Figures]
    rollout: DistrictRollout | None
    ancestors: list[AdministrativeUnit]

    @property
    def below_average_online(self) -> list[Figures]:
        return _below(self.children, "online_rate", self.city and self.city.online_rate)

    @property
    def below_average_on_time(self) -> list[Figures]:
        return _below(self.children, "on_time_rate", self.city and self.city.on_time_rate)

    @property
    def under_half(self) -> list[Figures]:
        return _below(self.children, "online_rate", HALF)

    @property
    def without_dossiers(self) -> list[Figures]:
        return [f for f in self.children if f.counted and not f.received]

    @property
    def not_counted(self) -> list[Figures]:
        """Child units not officially online in the period: in none of the lists above, their figures not shown."""
        return [f for f in self.children if not f.counted]


def _below(children: list[Figures], rate: str, threshold) -> list[Figures]:
    if threshold is None:
        return []
    found = [f for f in children if getattr(f, rate) is not None and getattr(f, rate) < threshold]
    return sorted(found, key=lambda f: getattr(f, rate))


def ancestors_of(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The units above `unit`, the city first (the unit should come with `parent__parent` selected)."""
    chain, current = [], unit.parent
    while current is not None:
        chain.insert(0, current)
        current = current.parent
    return chain


def rollout_phase(rollout: DistrictRollout | None, day: date) -> str:
    """Where a district stood on `day`: officially online, on trial, or not yet."""
    if rollout is not None and rollout.official_start <= day:
        return _("Chính thức")
    if rollout is not None and rollout.trial_start and rollout.trial_start <= day:
        return _("Thử nghiệm")
    return _("Chưa triển khai")


def name_key(name: str) -> tuple[str, str]:
    """Vietnamese alphabetical order, near enough: letters without their marks first (Đ as D), then as written."""
    return unaccented(name).casefold(), name


def dashboard_read(
    *, unit: AdministrativeUnit, period: Period, procedure: Procedure | None = None, now: datetime | None = None
) -> Dashboard:
    now = now or timezone.now()
    ancestors = ancestors_of(unit)
    city_unit = ancestors[0] if ancestors else unit
    children = child_units(unit)
    # The city's figures are the yardstick of the child units (its average); a commune has none to measure.
    units = [unit, *children] + ([city_unit] if children and city_unit is not unit else [])
    figures = unit_figures(units=units, period=period, procedure=procedure, now=now)
    district = unit.district
    # The rollouts of the child districts and of the unit's own district, in one read.
    wanted = [c for c in children if c.level == UnitLevel.DISTRICT] + ([district] if district else [])
    rollouts = {r.district_id: r for r in DistrictRollout.objects.filter(district__in=wanted)}
    rollout = rollouts.get(district.pk) if district else None
    as_of = min(period.end, timezone.localtime(now).date())
    for child in children:
        if child.level == UnitLevel.DISTRICT:
            child_rollout = rollouts.get(child.pk)
            figures[child.pk].extra.update(
                rollout_phase=rollout_phase(child_rollout, as_of),
                official_start=child_rollout.official_start if child_rollout else None,
            )
    return Dashboard(
        unit=unit,
        period=period,
        procedure=procedure,
        figures=figures[unit.pk],
        city=figures[city_unit.pk] if children else None,
        children=[figures[c.pk] for c in children],
        # By procedure only where there are no child units to list; a district or the city reads one procedure
        # at a time through the procedure filter.
        procedures=[] if procedure or children else procedure_figures(unit=unit, period=period, now=now),
        trend=unit_trend(unit=unit, period=period, procedure=procedure),
        rollout=rollout,
        ancestors=ancestors,
    )


def unit_trend(*, unit: AdministrativeUnit, period: Period, procedure: Procedure | None = None) -> list[Figures]:
    """The flows (received, resolved) of each step of the period, from one grouped query over the rollups."""
    steps = period.steps()
    covering = Q(pk__in=[])
    for step in steps:
        covering |= period_q(step.start, step.end)
    rows = Rollup.objects.filter(covering, unit=unit)
    if procedure is not None:
        rows = rows.filter(procedure=procedure)
    sums = {f"sum_{c}": Sum(c) for c in TREND_FLOWS}
    sums["sum_received_online_procedures"] = Sum(sum_of(RECEIVED), filter=Q(procedure__is_active=True))
    result = [Figures(unit=unit, period=step) for step in steps]
    starts = [step.start for step in steps]
    # Every row returned lies inside exactly one step: the steps do not overlap and each is covered exactly.
    for row in rows.order_by().values("grain", "period_start").annotate(**sums):
        figures = result[bisect_right(starts, row["period_start"]) - 1]
        for column in (*TREND_FLOWS, "received_online_procedures"):
            setattr(figures, column, getattr(figures, column) + (row[f"sum_{column}"] or 0))
    return result
