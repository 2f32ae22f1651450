"""Reads of the reports: the figures of units over a period, from the rollups (and, for "now", the open facts).

Every figure of the dashboards, the exports, the weekly report and `report_rates` comes from `unit_figures`,
so they cannot disagree. Its cost depends on the number of units and periods asked for, not on the number of
dossiers: a period is a sum of at most a few dozen rollup rows per unit and procedure.

A commune's figures are those of its own dossiers and of the old communes whose records it holds since a reform
(egov.units.selectors.members_of, ADR 0011): its history re-aggregated, each old commune counted at exactly one
successor. The units one level below another in a period come in parts (`child_parts`): a period across a reform
has one part with the units before it and one with those after.
"""

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, IntegerField, Q, Sum, Value
from django.utils import timezone

from egov.units.models import AdministrativeUnit, UnitLevel
from egov.units.selectors import members_of, official_starts
from egov.workcal.calendar import get_calendar
from procedures.models import Procedure

from .flows import COLUMNS
from .models import DossierFact, Grain, Rollup
from .periods import Period

RECEIVED = ("received_online_self", "received_online_assisted", "received_counter", "received_post")
RESOLVED = ("resolved_early", "resolved_on_time", "resolved_late")
# What the stocks are made of: cumulative flows up to a day.
STOCK_COLUMNS = (*RECEIVED, *RESOLVED, "withdrawn", "due", "due_closed", "rejected", "delivered")


def _rate(part, whole) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _average(total, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"))


@dataclass
class Figures:
    """The measures of one unit over one period (flows) and at its ends (stocks)."""

    unit: AdministrativeUnit
    period: Period
    received_online_self: int = 0
    received_online_assisted: int = 0
    received_counter: int = 0
    received_post: int = 0
    refused: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    rejected: int = 0
    processing_days_sum: Decimal = Decimal(0)
    withdrawn: int = 0
    delivered: int = 0
    due: int = 0
    due_closed: int = 0
    settled_interconnect: int = 0
    interconnect_days_sum: Decimal = Decimal(0)
    linked_opened: int = 0
    linked_failed: int = 0
    # Dossiers received in the period of procedures offered online (the other online-rate base).
    received_online_procedures: int = 0
    carried_over: int = 0
    in_progress: int = 0
    overdue: int = 0
    not_collected: int = 0
    # Only for a period that ends today or later: open dossiers due by the end of the next working day.
    due_soon: int | None = None
    is_live: bool = False
    # False for a district or commune whose district was not yet officially online on the period's last day:
    # no dossier of it is counted (it has no facts), so its zeros mean "not counted", not "no dossiers". The
    # dashboards, the exports, the weekly report and report_rates all show it apart from the others.
    counted: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def received(self) -> int:
        return self.received_online_self + self.received_online_assisted + self.received_counter + self.received_post

    @property
    def received_online(self) -> int:
        return self.received_online_self + self.received_online_assisted

    @property
    def online_rate_base(self) -> int:
        if settings.REPORTING_ONLINE_RATE_BASE == "online_procedures":
            return self.received_online_procedures
        return self.received

    @property
    def online_rate(self) -> Decimal | None:
        return _rate(self.received_online, self.online_rate_base)

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def resolved_in_time(self) -> int:
        return self.resolved_early + self.resolved_on_time

    @property
    def on_time_rate(self) -> Decimal | None:
        """Dossiers resolved by their due time / dossiers resolved."""
        return _rate(self.resolved_in_time, self.resolved)

    @property
    def average_processing_days(self) -> Decimal | None:
        return _average(self.processing_days_sum, self.resolved)

    @property
    def interconnect_average_days(self) -> Decimal | None:
        return _average(self.interconnect_days_sum, self.settled_interconnect)

    @property
    def linked_failure_rate(self) -> Decimal | None:
        return _rate(self.linked_failed, self.linked_opened)

    # The one-stop statistics table.
    @property
    def to_handle(self) -> int:
        return self.carried_over + self.received

    @property
    def not_yet_due(self) -> int:
        return self.in_progress - self.overdue

    @property
    def late_rate(self) -> Decimal | None:
        """(Resolved late + overdue in progress) / to handle: the table's late rate."""
        return _rate(self.resolved_late + self.overdue, self.to_handle)

    @property
    def table_on_time_rate(self) -> Decimal | None:
        late = self.late_rate
        return None if late is None else Decimal(100) - late


@dataclass(frozen=True)
class Part:
    """The units one level below another over a stretch of a period in which they all existed."""

    period: Period
    units: list[AdministrativeUnit]


def child_parts(unit: AdministrativeUnit, period: Period) -> list[Part]:
    """The units directly below `unit` (the districts, or the communes, of the city; the communes of a district), by
    code, in parts of the period: one part when the same units existed throughout it, one part on each side of a
    reform that falls inside it (the districts until 30/06/2025, then the communes under the city). A part with no
    units (a district after it was abolished) is left out."""
    children = AdministrativeUnit.objects.valid_during(period.start, period.end).filter(parent=unit)
    return _parts(list(children.order_by("code")), period)


def units_of_level(level: str, period: Period) -> list[AdministrativeUnit]:
    """Every unit of a level that existed at some time in the period, by code."""
    units = AdministrativeUnit.objects.valid_during(period.start, period.end).filter(level=level)
    return list(units.select_related("parent").order_by("code", "valid_from"))


def level_parts(level: str, period: Period) -> list[Part]:
    """The units of a level in parts of the period, cut as `child_parts` cuts them: the communes before a reform and
    those after it are two parts, never one list (a commune of today carries its predecessors' history)."""
    return _parts(units_of_level(level, period), period)


def current_parts(period: Period, *, today: date) -> list[Part]:
    """Today's communes over the whole period, each with the history of the old communes it holds: the period
    re-aggregated onto the units of today (no part when there are none)."""
    communes = AdministrativeUnit.objects.communes().valid_on(today).select_related("parent").order_by("code")
    return [Part(period=period, units=list(communes))] if communes else []


def _parts(units: list[AdministrativeUnit], period: Period) -> list[Part]:
    cuts = sorted(
        {u.valid_from for u in units if u.valid_from and period.start < u.valid_from <= period.end}
        | {u.valid_to + timedelta(days=1) for u in units if u.valid_to and period.start <= u.valid_to < period.end}
    )
    starts = [period.start, *cuts]
    ends = [cut - timedelta(days=1) for cut in cuts] + [period.end]
    parts = []
    for start, end in zip(starts, ends, strict=True):
        within = [u for u in units if u.is_valid_on(start) and u.is_valid_on(end)]
        if within:
            parts.append(Part(period=period if not cuts else Period("custom", start, end), units=within))
    return parts


def period_buckets(start: date, end: date) -> list[tuple[str, date, date]]:
    """The rollup buckets that exactly cover the days from `start` to `end`, as (grain, first period start, last
    period start): runs of whole years, of whole months, and the days left over, so a period reads a few dozen
    rows per unit and procedure at most."""
    buckets = []
    day = start
    while day <= end:
        first = day
        if _whole_year_from(day, end):
            while _whole_year_from(day, end):
                last, day = day, date(day.year + 1, 1, 1)
            buckets.append((Grain.YEAR, first, last))
        elif day.day == 1 and _month_last(day) <= end:
            while day.day == 1 and _month_last(day) <= end and not _whole_year_from(day, end):
                last, day = day, _month_last(day) + timedelta(days=1)
            buckets.append((Grain.MONTH, first, last))
        else:
            last = min(end, _month_last(day))
            buckets.append((Grain.DAY, first, last))
            day = last + timedelta(days=1)
    return buckets


def period_q(start: date, end: date) -> Q:
    q = Q(pk__in=[])
    for grain, first, last in period_buckets(start, end):
        q |= Q(grain=grain, period_start__gte=first, period_start__lte=last)
    return q


def _whole_year_from(day: date, end: date) -> bool:
    return day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= end


def _month_last(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)


def _sums(rows, by: str, columns) -> dict[int, dict]:
    """The sums of `columns` over rollup `rows`, per value of the field `by` (unit_id or procedure_id)."""
    # Aliases differ from the column names: an aggregate may not share the name of a column it reads.
    aggregates = {f"sum_{c}": Sum(c) for c in columns if c != "received_online_procedures"}
    if "received_online_procedures" in columns:
        aggregates["sum_received_online_procedures"] = Sum(sum_of(RECEIVED), filter=Q(procedure__is_active=True))
    result = rows.order_by().values(by).annotate(**aggregates)
    return {row.pop(by): {k.removeprefix("sum_"): v or 0 for k, v in row.items()} for row in result}


def sum_of(columns):
    expression = F(columns[0])
    for column in columns[1:]:
        expression = expression + F(column)
    return expression


EPOCH = date(2000, 1, 1)
LEVEL_FIELD = {UnitLevel.COMMUNE: "unit_id", UnitLevel.DISTRICT: "district_id", UnitLevel.CITY: "city_id"}


def unit_members(units: list[AdministrativeUnit], *, links: dict[int, int] | None = None) -> dict[int, frozenset[int]]:
    """unit id → the units whose rollups make its figures: a commune's own and those of the old communes it holds
    (one query when there is a commune and no `links`, egov.units.selectors.holders()); a district or the city, its
    own."""
    communes = [u.pk for u in units if u.level == UnitLevel.COMMUNE]
    members = members_of(communes, links=links) if communes else {}
    return {u.pk: members.get(u.pk, frozenset({u.pk})) for u in units}


def unit_figures(
    *,
    units: list[AdministrativeUnit],
    period: Period,
    procedure: Procedure | None = None,
    now: datetime | None = None,
    links: dict[int, int] | None = None,
    starts: dict[int, date] | None = None,
) -> dict[int, Figures]:
    """The figures of each unit over `period` (optionally for one procedure), keyed by unit id; a commune's include
    the history of the old communes it holds. A caller reading several times may pass the holding `links` and the
    official `starts` it has read once."""
    now = now or timezone.now()
    members = unit_members(units, links=links)
    member_ids = set().union(*members.values()) if members else set()
    rows = Rollup.objects.filter(unit_id__in=member_ids)
    if procedure is not None:
        rows = rows.filter(procedure=procedure)
    result = _figures_by(
        rows, "unit_id", {u.pk: u for u in units}, unit_of=lambda unit: unit, period=period, now=now, groups=members
    )
    if starts is None:
        starts = official_starts() if any(u.level != UnitLevel.CITY for u in units) else {}
    for unit in units:
        result[unit.pk].counted = is_counted(unit, period, starts)
    if _is_live(period, now):
        by_level: dict[str, list[int]] = {}
        for unit in units:
            by_level.setdefault(LEVEL_FIELD[unit.level], []).append(unit.pk)
        for level, ids in by_level.items():
            wanted = set().union(*(members[pk] for pk in ids))
            facts = DossierFact.objects.filter(**{f"{level}__in": wanted})
            if procedure is not None:
                facts = facts.filter(procedure=procedure)
            _live_stocks({pk: result[pk] for pk in ids}, facts, level, now, groups=members)
    return result


def procedure_figures(
    *,
    unit: AdministrativeUnit,
    period: Period,
    now: datetime | None = None,
    links: dict[int, int] | None = None,
    starts: dict[int, date] | None = None,
) -> list[Figures]:
    """The unit's figures for each procedure of the catalogue, in its order: the same sums as `unit_figures`
    with one procedure, grouped by procedure in the same few queries. Each has the procedure in extra."""
    now = now or timezone.now()
    procedures = {p.pk: p for p in Procedure.objects.order_by("position", "code")}
    members = unit_members([unit], links=links)[unit.pk]
    rows = Rollup.objects.filter(unit_id__in=members)
    result = _figures_by(rows, "procedure_id", procedures, unit_of=lambda procedure: unit, period=period, now=now)
    if _is_live(period, now):
        facts = DossierFact.objects.filter(**{f"{LEVEL_FIELD[unit.level]}__in": members})
        _live_stocks(result, facts, "procedure_id", now)
    counted = unit.level == UnitLevel.CITY or is_counted(unit, period, official_starts() if starts is None else starts)
    for pk, figures in result.items():
        figures.extra["procedure"] = procedures[pk]
        figures.counted = counted
    return list(result.values())


def _figures_by(
    rows, by: str, keys: dict, *, unit_of, period: Period, now: datetime, groups: dict | None = None
) -> dict[int, Figures]:
    """Figures per key (unit or procedure) from the rollup `rows`: the flows inside the period, and the stocks
    at its ends from the cumulative flows before and inside it. `groups` (key → values of `by`) sums several
    rows' groups into one key; by default each key is its own group."""
    flows = _sums(rows.filter(period_q(period.start, period.end)), by, (*COLUMNS, "received_online_procedures"))
    before = _sums(rows.filter(period_q(EPOCH, period.start - timedelta(days=1))), by, STOCK_COLUMNS)
    live = _is_live(period, now)
    result = {}
    for key, item in keys.items():
        figures = Figures(unit=unit_of(item), period=period, is_live=live)
        group = groups[key] if groups is not None else (key,)
        inside = _added(flows, group)
        for column in (*COLUMNS, "received_online_procedures"):
            setattr(figures, column, inside.get(column, 0))
        prior = _added(before, group)
        cumulative = {c: prior.get(c, 0) + inside.get(c, 0) for c in STOCK_COLUMNS}
        figures.carried_over = _in_progress(prior)
        figures.in_progress = _in_progress(cumulative)
        figures.overdue = cumulative["due"] - cumulative["due_closed"]
        figures.not_collected = sum(cumulative[c] for c in RESOLVED) - cumulative["rejected"] - cumulative["delivered"]
        result[key] = figures
    return result


def _added(sums: dict[int, dict], group) -> dict:
    """The column sums of several groups added up (one group's own dict when there is one)."""
    present = [sums[member] for member in group if member in sums]
    if len(present) <= 1:
        return present[0] if present else {}
    total: dict = {}
    for item in present:
        for column, value in item.items():
            total[column] = total.get(column, 0) + value
    return total


def is_counted(unit: AdministrativeUnit, period: Period, starts: dict[int, date]) -> bool:
    """Whether the unit's dossiers count in `period`: the city always; a district or a commune once the official
    start that applies to it (`starts`, by unit id: its own, its district's or its predecessors') falls on or before
    the period's last day."""
    if unit.level == UnitLevel.CITY:
        return True
    start = starts.get(unit.pk)
    return start is not None and start <= period.end


def _is_live(period: Period, now: datetime) -> bool:
    """A period that is not over: its stocks are "as of now"."""
    return period.end >= timezone.localtime(now).date()


def _in_progress(cumulative: dict) -> int:
    return (
        sum(cumulative.get(c, 0) for c in RECEIVED)
        - sum(cumulative.get(c, 0) for c in RESOLVED)
        - cumulative.get("withdrawn", 0)
    )


def _live_stocks(result: dict[int, Figures], facts, by: str, now: datetime, groups: dict | None = None) -> None:
    """For a period that is not over: overdue and due soon as of this moment, from the open `facts`, per value
    of the field `by` (summed per key of `groups` when given)."""
    calendar = get_calendar()
    soon = calendar.office_end(calendar.next_working_day(timezone.localtime(now).date()))
    counts = (
        facts.filter(closed_day__isnull=True, received_day__isnull=False)
        .order_by()
        .values(by)
        .annotate(
            overdue=Sum(_one(), filter=Q(due_at__lt=now)),
            due_soon=Sum(_one(), filter=Q(due_at__gte=now, due_at__lte=soon)),
        )
    )
    found = {row[by]: (row["overdue"] or 0, row["due_soon"] or 0) for row in counts}
    for key, figures in result.items():
        group = groups[key] if groups is not None else (key,)
        figures.overdue = sum(found.get(member, (0, 0))[0] for member in group)
        figures.due_soon = sum(found.get(member, (0, 0))[1] for member in group)


def _one():
    return Value(1, output_field=IntegerField())


def total_of(figures: list[Figures], *, unit: AdministrativeUnit, period: Period) -> Figures:
    """The sum of several units' figures (a table's total row)."""
    total = Figures(unit=unit, period=period, is_live=any(f.is_live for f in figures))
    flags = ("unit", "period", "due_soon", "is_live", "counted", "extra")
    additive = [f.name for f in fields(Figures) if f.name not in flags]
    for name in additive:
        setattr(total, name, sum((getattr(f, name) for f in figures), start=type(getattr(total, name))(0)))
    if total.is_live:
        total.due_soon = sum(f.due_soon or 0 for f in figures)
    return total
