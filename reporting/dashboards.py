"""What a dashboard page reads of one unit over one period: its figures, its child units' and the city's, the
breakdown by procedure, the trend over the period and the rollout dates; all from the rollups, so the cost of a
page depends on the number of units, procedures and steps shown, never on the number of dossiers."""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.units.models import AdministrativeUnit, UnitLevel
from egov.units.selectors import Rollout, holders, rollouts_effective
from procedures.models import Procedure

from .models import Rollup
from .periods import Period, period_of
from .selectors import (
    RECEIVED,
    RESOLVED,
    Figures,
    child_parts,
    current_parts,
    period_q,
    procedure_figures,
    sum_of,
    unit_figures,
    unit_members,
)

HALF = 50
TREND_FLOWS = (*RECEIVED, *RESOLVED)


@dataclass
class ChildPart:
    """The child units of a page over one stretch of its period (the whole period, or one side of a reform): their
    figures, the city's (their yardstick) and the unit's own (the tables' total row) over the same stretch."""

    period: Period
    level: str
    children: list[Figures]
    city: Figures | None
    total: Figures
    whole: bool

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
    def days_label(self) -> str:
        """The days the part covers: "01/06/2025 – 30/06/2025"."""
        return f"{self.period.start:%d/%m/%Y} – {self.period.end:%d/%m/%Y}"

    @property
    def units_label(self) -> str:
        """What the part's units are, as the page's headings say it."""
        return _("quận, huyện") if self.level == UnitLevel.DISTRICT else _("xã, phường")

    @property
    def not_counted(self) -> list[Figures]:
        """Child units not officially online in the period: in none of the lists above, their figures not shown."""
        return [f for f in self.children if not f.counted]


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    period: Period
    procedure: Procedure | None
    figures: Figures
    parts: list[ChildPart]
    procedures: list[Figures]
    trend: list[Figures]
    rollout: Rollout | None
    ancestors: list[AdministrativeUnit]
    # The old units whose history this unit's figures carry (a commune of today holds its predecessors'): read only
    # when the page shows them (a period before the unit existed), so a page of today makes no query for them.
    held: QuerySet[AdministrativeUnit] | list[AdministrativeUnit] = field(default_factory=list)
    # The children are today's communes over the whole period, each with its predecessors' history.
    reaggregated: bool = False
    # The unit's figures over the same period of an earlier year, when asked for.
    compared: Figures | None = None

    @property
    def parts_labelled(self) -> bool:
        """Whether the parts say which days they cover: several parts, or one shorter than the period (a district's
        communes over a period that goes past the reform)."""
        return len(self.parts) > 1 or any(not part.whole for part in self.parts)


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


def rollout_phase(rollout: Rollout | None, day: date) -> str:
    """Where a unit stood on `day`: officially online, on trial, or not yet."""
    if rollout is not None and rollout.official_start <= day:
        return _("Chính thức")
    if rollout is not None and rollout.trial_start and rollout.trial_start <= day:
        return _("Thử nghiệm")
    return _("Chưa triển khai")


def same_period_of_year(period: Period, year: int) -> Period:
    """The period of the same kind at the same place in `year` (a custom range moved by whole years)."""
    shift = year - period.start.year
    if period.kind == "week":
        # The week of the same ISO number (week 53 exists in some years only: then the year's last week).
        number = period.start.isocalendar()[1]
        weeks = date(year, 12, 28).isocalendar()[1]
        return period_of("week", date.fromisocalendar(year, min(number, weeks), 1))

    def moved(day: date) -> date:
        # 29 February becomes the 28th in a year that has none.
        return day.replace(year=day.year + shift, day=min(day.day, 28) if (day.month, day.day) == (2, 29) else day.day)

    if period.kind == "custom":
        return Period("custom", moved(period.start), moved(period.end))
    return period_of(period.kind, moved(period.start))


def dashboard_read(
    *,
    unit: AdministrativeUnit,
    period: Period,
    procedure: Procedure | None = None,
    now: datetime | None = None,
    reaggregate: bool = False,
    compare_year: int | None = None,
) -> Dashboard:
    """Everything one page shows of `unit` over `period`. `reaggregate` lists, under the city, today's communes over
    the whole period (each with the history of the old communes it holds) instead of the units of each part."""
    now = now or timezone.now()
    ancestors = ancestors_of(unit)
    city_unit = ancestors[0] if ancestors else unit
    today = timezone.localtime(now).date()
    if reaggregate and unit.level == UnitLevel.CITY:
        stretches = current_parts(period, today=today)
    else:
        reaggregate = False
        stretches = child_parts(unit, period)
    rollouts = rollouts_effective()
    starts = {pk: rollout.official_start for pk, rollout in rollouts.items()}
    links = holders()
    reads = {"procedure": procedure, "now": now, "links": links, "starts": starts}
    as_of = min(period.end, today)
    # One read per stretch, with the unit and the city (the children's yardstick) alongside; a stretch covering the
    # whole period also gives the page's own figures. A page without child units reads the unit alone.
    own = {unit.pk: unit, city_unit.pk: city_unit} if stretches else {unit.pk: unit}
    whole = None
    parts = []
    for stretch in stretches:
        read = unit_figures(
            units=list({**{c.pk: c for c in stretch.units}, **own}.values()), period=stretch.period, **reads
        )
        if stretch.period == period:
            whole = read
        children = [read[c.pk] for c in stretch.units]
        if unit.level == UnitLevel.CITY:
            for child in children:
                rollout = rollouts.get(child.unit.pk)
                child.extra.update(
                    rollout_phase=rollout_phase(rollout, min(stretch.period.end, as_of)),
                    official_start=rollout.official_start if rollout else None,
                )
        parts.append(
            ChildPart(
                period=stretch.period,
                level=stretch.units[0].level,
                children=children,
                city=read[city_unit.pk],
                total=read[unit.pk],
                whole=stretch.period == period,
            )
        )
    if whole is None:
        whole = unit_figures(units=[unit], period=period, **reads)
    held_ids = unit_members([unit], links=links)[unit.pk] - {unit.pk}
    held = AdministrativeUnit.objects.filter(pk__in=held_ids).select_related("parent").order_by("name")
    compared = None
    if compare_year and compare_year != period.start.year:
        other = same_period_of_year(period, compare_year)
        compared = unit_figures(units=[unit], period=other, **reads)[unit.pk]
    return Dashboard(
        unit=unit,
        period=period,
        procedure=procedure,
        figures=whole[unit.pk],
        parts=parts,
        # By procedure only where there are no child units to list; a district or the city reads one procedure
        # at a time through the procedure filter.
        procedures=[]
        if procedure or parts
        else procedure_figures(unit=unit, period=period, now=now, links=links, starts=starts),
        trend=unit_trend(unit=unit, period=period, procedure=procedure, links=links),
        rollout=rollouts.get(unit.pk),
        ancestors=ancestors,
        held=held,
        reaggregated=reaggregate,
        compared=compared,
    )


def unit_trend(
    *, unit: AdministrativeUnit, period: Period, procedure: Procedure | None = None, links: dict[int, int] | None = None
) -> list[Figures]:
    """The flows (received, resolved) of each step of the period, from one grouped query over the rollups."""
    steps = period.steps()
    covering = Q(pk__in=[])
    for step in steps:
        covering |= period_q(step.start, step.end)
    rows = Rollup.objects.filter(covering, unit_id__in=unit_members([unit], links=links)[unit.pk])
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
