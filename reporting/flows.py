"""What a dossier contributes to the rollups: its fact (computed from the dossier and its event log) and its flows.

One table (FLOWS) says which rollup column counts which fact field on which day. The incremental refresh
evaluates it in Python for the dossiers that changed; the rebuild turns it into grouped SQL over all facts.
The two must agree, which the tests check on random event sequences.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, DecimalField, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from egov.units.models import UnitLevel
from egov.workcal.calendar import WorkingCalendar, get_calendar
from interconnect.models import LinkedRecord, RecordStatus
from procedures.models import ONLINE_CHANNELS, Dossier, Status

from .models import DossierFact, Grain, Timeliness

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Flow:
    """A rollup column: facts whose `day` field falls in a period add `amount` (1, a field's value, or 1 when
    `field == value`)."""

    column: str
    day: str
    field: str | None = None
    value: object = None

    def amount(self, fact: DossierFact) -> int | Decimal:
        if self.field is None:
            return 1
        current = getattr(fact, self.field)
        if self.value is None:
            return current or 0
        return 1 if current == self.value else 0

    def expression(self):
        """The SQL twin of `amount`, summed over a group of facts."""
        if self.field is None:
            return Sum(Value(1), output_field=IntegerField())
        if self.value is None:
            return Coalesce(Sum(self.field), Value(Decimal(0)), output_field=DecimalField())
        return Sum(Case(When(**{self.field: self.value}, then=Value(1)), default=Value(0)), output_field=IntegerField())


FLOWS: tuple[Flow, ...] = (
    Flow("received_online_self", "received_day", "channel", "online_self"),
    Flow("received_online_assisted", "received_day", "channel", "online_assisted"),
    Flow("received_counter", "received_day", "channel", "counter"),
    Flow("received_post", "received_day", "channel", "post"),
    Flow("refused", "refused_day"),
    Flow("resolved_early", "resolved_day", "timeliness", Timeliness.EARLY),
    Flow("resolved_on_time", "resolved_day", "timeliness", Timeliness.ON_TIME),
    Flow("resolved_late", "resolved_day", "timeliness", Timeliness.LATE),
    Flow("rejected", "resolved_day", "rejected", True),
    Flow("processing_days_sum", "resolved_day", "processing_days"),
    Flow("withdrawn", "withdrawn_day"),
    Flow("delivered", "delivered_day"),
    Flow("due", "due_day"),
    Flow("due_closed", "due_closed_day"),
    Flow("settled_interconnect", "settled_day"),
    Flow("interconnect_days_sum", "settled_day", "interconnect_days"),
    Flow("linked_opened", "linked_day", "linked_opened"),
    Flow("linked_failed", "linked_day", "linked_failed"),
)
COLUMNS: tuple[str, ...] = tuple(flow.column for flow in FLOWS)
DECIMAL_COLUMNS = frozenset({"processing_days_sum", "interconnect_days_sum"})
LEVEL_FIELDS = ("unit_id", "district_id", "city_id")


def period_start(day: date, grain: str) -> date:
    if grain == Grain.YEAR:
        return day.replace(month=1, day=1)
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day


# (unit_id, procedure_id, grain, period_start, column) -> amount
Contributions = Counter


def contributions(fact: DossierFact | None) -> Counter:
    """Every rollup cell the fact adds to, with the amount."""
    cells: Counter = Counter()
    if fact is None:
        return cells
    units = [unit_id for unit_id in (getattr(fact, level) for level in LEVEL_FIELDS) if unit_id is not None]
    for flow in FLOWS:
        day = getattr(fact, flow.day)
        if day is None:
            continue
        amount = flow.amount(fact)
        if not amount:
            continue
        for grain in Grain.values:
            start = period_start(day, grain)
            for unit_id in units:
                cells[(unit_id, fact.procedure_id, grain, start, flow.column)] += amount
    return cells


SOURCE_FIELDS = (
    "unit__parent__level",
    "unit__parent__parent_id",
    "procedure_id",
    "channel",
    "status",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
)


def fact_sources():
    """Dossiers with what their fact needs from the event log and the linked records, one row each."""
    linked = LinkedRecord.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
    failed = linked.filter(Q(status=RecordStatus.FAILED) | Q(resent_at__isnull=False))
    count = Sum(Value(1), output_field=IntegerField())
    return (
        Dossier.objects.filter(Q(received_at__isnull=False) | Q(status=Status.REFUSED))
        .order_by()
        # Only what fact_compute reads: a dossier's other fields (its declaration, the procedure's JSON) cost more
        # to load than the fact costs to compute.
        .select_related("unit__parent")
        .only(*SOURCE_FIELDS)
        .annotate(
            refuse_at=Max("events__at", filter=Q(events__action="refuse")),
            approve_at=Max("events__at", filter=Q(events__action="approve")),
            settle_at=Max("events__at", filter=Q(events__action="settle")),
            reject_at=Max("events__at", filter=Q(events__action="reject")),
            withdraw_at=Max("events__at", filter=Q(events__action="withdraw")),
            deliver_at=Max("events__at", filter=Q(events__action="deliver")),
            linked_total=Subquery(linked.annotate(n=count).values("n")),
            linked_failures=Subquery(failed.annotate(n=count).values("n")),
        )
    )


def _day(moment: datetime | None) -> date | None:
    """The moment's day in the portal's time zone (the reports' days are Hanoi's, whoever reads them)."""
    return moment.astimezone(timezone.get_default_timezone()).date() if moment else None


def fact_compute(dossier: Dossier, *, starts: dict[int, date]) -> DossierFact | None:
    """The fact of a dossier annotated by `fact_sources`, or None when the reports do not count it: before the
    official start that applies to its unit (`starts`, by unit id: egov.units.selectors.official_starts)."""
    calendar = get_calendar()
    receipt = _receipt_moment(dossier, calendar)
    if receipt is None or not _counted(dossier, receipt_day=_day(receipt), starts=starts):
        return None
    fact = DossierFact(
        dossier_id=dossier.pk,
        **_counting_units(dossier),
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        receipt_day=_day(receipt),
    )
    if dossier.received_at is None:
        fact.refused_day = _day(dossier.refuse_at or dossier.finished_at)
        return fact
    fact.received_day = fact.receipt_day
    fact.due_at = _due_moment(dossier)
    fact.due_day = _day(fact.due_at)
    finished_at = _finishing_moment(dossier)
    if finished_at:
        _resolution_set(fact, dossier, receipt=receipt, finished_at=finished_at, calendar=calendar)
    fact.withdrawn_day = _withdrawn_day(dossier, receipt_day=fact.receipt_day)
    fact.closed_day = fact.resolved_day or fact.withdrawn_day
    fact.due_closed_day = _due_closed_day(fact)
    fact.delivered_day = _delivered_day(dossier, fact)
    if dossier.approve_at and dossier.linked_total:
        _interconnect_set(fact, dossier, finished_at=finished_at, calendar=calendar)
    return fact


def _receipt_moment(dossier: Dossier, calendar: WorkingCalendar) -> datetime | None:
    """When the dossier's clock starts: an online dossier from its submission, any other from its receipt; one refused
    without being received, from its submission; the start of the next working time when that is out of hours. None
    for a dossier neither received nor refused, which the reports do not count."""
    if dossier.received_at is not None:
        online = dossier.channel in ONLINE_CHANNELS and dossier.submitted_at
        return calendar.receipt_start(dossier.submitted_at if online else dossier.received_at)
    if dossier.status == Status.REFUSED and dossier.submitted_at:
        return calendar.receipt_start(dossier.submitted_at)
    return None


def _counted(dossier: Dossier, *, receipt_day: date, starts: dict[int, date]) -> bool:
    """Whether the dossier came in on or after the official start of its unit's online service."""
    official_start = starts.get(dossier.unit_id)
    return official_start is not None and receipt_day >= official_start


def _counting_units(dossier: Dossier) -> dict[str, int | None]:
    """The units the dossier counts at (`unit_id`, `district_id`, `city_id`): a commune under a district (before the
    2025 reform) counts at the district and the city; one directly under the city, at the city."""
    parent = dossier.unit.parent
    district = parent if parent.level == UnitLevel.DISTRICT else None
    return {
        "unit_id": dossier.unit_id,
        "district_id": district.pk if district else None,
        "city_id": district.parent_id if district else parent.pk,
    }


def _due_moment(dossier: Dossier) -> datetime | None:
    """The due time, while it runs: a dossier waiting for a supplement has its clock paused, so none."""
    return dossier.due_at if dossier.due_at and dossier.status != Status.NEEDS_SUPPLEMENT else None


def _finishing_moment(dossier: Dossier) -> datetime | None:
    """When the dossier was resolved: settled (its result ready, or delivered since) or rejected; None otherwise."""
    if dossier.status in (Status.RESULT_READY, Status.DELIVERED) and dossier.settle_at:
        return dossier.settle_at
    if dossier.status == Status.REJECTED and dossier.reject_at:
        return dossier.reject_at
    return None


def _resolution_set(
    fact: DossierFact, dossier: Dossier, *, receipt: datetime, finished_at: datetime, calendar: WorkingCalendar
) -> None:
    """The day a resolved dossier leaves the stock in progress, its on-time verdict and its processing time."""
    fact.rejected = dossier.status == Status.REJECTED
    # Received after 15:00, a dossier counts from the next working day, yet may be resolved (or withdrawn) that
    # evening: it cannot leave the stock in progress before it entered it, or the stock would go negative.
    fact.resolved_day = max(_day(finished_at), fact.receipt_day)
    fact.timeliness = timeliness(finished_at, dossier.due_at)
    fact.processing_days = _working_days(receipt, finished_at, calendar)


def _withdrawn_day(dossier: Dossier, *, receipt_day: date) -> date | None:
    """The day a withdrawn dossier leaves the stock in progress (not before it entered it)."""
    if dossier.status == Status.WITHDRAWN and dossier.withdraw_at:
        return max(_day(dossier.withdraw_at), receipt_day)
    return None


def _due_closed_day(fact: DossierFact) -> date | None:
    """The day a closed dossier with a due time stops being due: its due day, or its closing day when later."""
    if fact.closed_day and fact.due_day:
        return max(fact.due_day, fact.closed_day)
    return None


def _delivered_day(dossier: Dossier, fact: DossierFact) -> date | None:
    """The day the result was handed over (not before the dossier was resolved, nor before it was received)."""
    if dossier.status == Status.DELIVERED:
        return max(_day(dossier.deliver_at or dossier.finished_at), fact.resolved_day or fact.receipt_day)
    return None


def _interconnect_set(
    fact: DossierFact, dossier: Dossier, *, finished_at: datetime | None, calendar: WorkingCalendar
) -> None:
    """The linked records the approval opened (and how many failed or were re-sent), and, once the dossier has
    settled, the 3-in-1 completion time from the approval."""
    fact.linked_day = _day(dossier.approve_at)
    fact.linked_opened = dossier.linked_total
    fact.linked_failed = dossier.linked_failures or 0
    if finished_at and not fact.rejected:
        fact.settled_day = fact.resolved_day
        fact.interconnect_days = _working_days(dossier.approve_at, finished_at, calendar)


def _working_days(start: datetime, end: datetime, calendar: WorkingCalendar) -> Decimal:
    """The working time from `start` to `end`, in working days to two places, never negative."""
    return max(Decimal(0), calendar.working_time_between(start, end)).quantize(TWO_PLACES)


def timeliness(resolved_at: datetime, due_at: datetime | None) -> str:
    """Late after the due time; early when resolved on a day before the due day; on time otherwise (a dossier
    resolved exactly at its due time is on time)."""
    if due_at is None:
        return Timeliness.ON_TIME
    if resolved_at > due_at:
        return Timeliness.LATE
    if _day(resolved_at) < _day(due_at):
        return Timeliness.EARLY
    return Timeliness.ON_TIME
