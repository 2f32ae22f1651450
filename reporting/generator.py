"""A realistic history of dossiers, generated for load tests and the demo, written in bulk like an import.

Every commune that existed on a working day of a range gets dossiers of every procedure that day (the 526 of the
districts until 30/06/2025, the 126 under the city since), more in bigger communes. Online filing grows over the
years (faster in urban areas); due times follow the procedure's working days for the unit's area; each commune has
its own share of late dossiers; statuses follow from age: old dossiers are delivered (some late, a few rejected,
withdrawn or refused at receipt, a few results never collected), recent ones are still in progress. 3-in-1
dossiers open their linked records at approval and settle when the agencies have answered. Events are the ones
reporting.history gives each status, walked through the model's state machine by procedures.bulk; facts are
computed by reporting.flows.fact_compute and added to the rollups as the dossiers are written. The world (each
commune's size, online habit and lateness) depends only on the commune; the dossiers, on the seed.
"""

import itertools
import math
import multiprocessing
import random
import time as clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections, transaction
from django.utils import timezone

from egov.units.models import AdministrativeUnit, UnitSuccession
from egov.workcal.calendar import WorkingCalendar, get_calendar
from interconnect.payloads import record_kinds
from procedures.bulk import code_counters_advance, code_number
from procedures.models import Channel, Dossier, FormKind, Procedure, Status
from procedures.services import dossier_compute_due

from .history import BulkDossier, Linked, dossiers_insert

SOURCE = "generated"
BATCH = 10_000
# Share of each form among the justice dossiers of a commune (any other form of the catalogue: 5 %).
FORM_SHARE = {
    FormKind.BIRTH: 0.15,
    FormKind.BIRTH_3IN1: 0.10,
    FormKind.DEATH: 0.05,
    FormKind.DEATH_RESIDENCE: 0.03,
    FormKind.MARRIAGE: 0.10,
    FormKind.MARITAL_STATUS: 0.30,
    FormKind.EXTRACT_COPY: 0.27,
}
REFUSED = 0.02  # of dossiers sent from home, refused at receipt
WITHDRAWN = 0.01
REJECTED = 0.015
STUCK = 0.003  # forgotten for weeks
NOT_COLLECTED = 0.03
SUPPLEMENT = 0.1  # of the dossiers being processed, waiting for a supplement
RESENT = 0.03  # of linked records, failed once and sent again by an officer
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Thị Lan", "Hữu Nam", "Thanh Tâm")
REFUSALS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã.",
    "Ảnh chụp giấy tờ không đọc được; đề nghị nộp lại hồ sơ với bản chụp rõ nét.",
)
REJECTIONS = (
    "Người yêu cầu không đủ điều kiện theo quy định của Luật Hộ tịch.",
    "Thông tin trong tờ khai không khớp với giấy tờ xuất trình.",
)


@dataclass
class GenerateReport:
    dossiers: int = 0
    events: int = 0
    seconds: float = 0.0

    def add(self, other: "GenerateReport") -> None:
        self.dossiers += other.dossiers
        self.events += other.events


@dataclass(frozen=True)
class _Commune:
    unit: AdministrativeUnit
    weight: float
    online_bias: float
    late_rate: float


def _profile(unit: AdministrativeUnit, *, size: float = 1.0) -> _Commune:
    """A commune's size (`size`: how many communes of before it is made of), online habit and lateness: fixed per
    commune, whatever the seed."""
    # A commune of today reuses the code of one of its predecessors: its validity keeps their profiles apart.
    since = f"-{unit.valid_from:%Y%m%d}" if unit.valid_from else ""
    rng = random.Random(f"commune-{unit.code}{since}")  # noqa: S311 (not for security)
    urban = unit.is_urban
    return _Commune(
        unit=unit,
        weight=rng.lognormvariate(0, 0.6) * (1.3 if urban else 1.0) * size,
        online_bias=rng.gauss(0, 0.12) + (0.08 if urban else -0.08),
        late_rate=min(0.35, max(0.005, 0.04 * rng.lognormvariate(0, 0.8))),
    )


def online_share(day: date, bias: float) -> float:
    """Online filing grew from under 10 % in 2016 to about 75 % in the mid-2020s."""
    years = day.year + day.timetuple().tm_yday / 366 - 2021
    return min(0.97, max(0.01, 0.08 + 0.72 / (1 + math.exp(-years / 1.2)) + bias))


def communes_reported() -> list[AdministrativeUnit]:
    """Every commune of every tree (before and after a reform), with its parent; each gets dossiers only on the days
    it existed."""
    return list(AdministrativeUnit.objects.communes().select_related("parent").order_by("code", "valid_from"))


def _profiles(units: list[AdministrativeUnit]) -> list[_Commune]:
    """The profile of each commune, a commune formed by a reform as big as the old communes it took in (a part of a
    split one counting half)."""
    links = Counter()
    for new_id, holds in UnitSuccession.objects.filter(new_unit__in=units).values_list("new_unit_id", "holds_records"):
        links[new_id] += 1 if holds else 0.5
    return [_profile(unit, size=max(1.0, links[unit.pk])) for unit in units]


def dossiers_generate(
    *,
    count: int,
    since: date,
    until: date | None = None,
    seed: int = 0,
    units: list[AdministrativeUnit] | None = None,
    jobs: int = 1,
    counted: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Write `count` dossiers received on the working days from `since` to `until` (default and at the latest:
    now), with their events, linked records, facts and rollup counts, in batches of one transaction each.

    `jobs` > 1 splits the communes between that many processes (PostgreSQL; each numbers its own communes' codes).
    `counted=False` writes no facts: rebuild the rollups afterwards.
    """
    started = clock.monotonic()
    communes = _profiles(units or communes_reported())
    if not communes or not Procedure.objects.exists():
        raise ValueError("load the units (load_units) and the catalogue (load_catalogue) first")
    now = timezone.now()
    until = min(until or timezone.localdate(now), timezone.localdate(now))
    if since > until:
        raise ValueError("since must not be after until")
    if jobs <= 1:
        report = _generate(count, since, until, seed, communes, now, counted, progress)
    else:
        report = _generate_in_processes(count, since, until, seed, communes, now, counted, jobs)
    report.seconds = clock.monotonic() - started
    return report


def _generate_in_processes(count, since, until, seed, communes, now, counted, jobs) -> GenerateReport:
    shares = [communes[k::jobs] for k in range(jobs)]
    weights = [sum(c.weight for c in share) for share in shares]
    counts = [round(count * w / sum(weights)) for w in weights]
    counts[0] += count - sum(counts)
    # Forked children inherit the settings and the loaded world, and must not share the parent's connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        parts = pool.starmap(
            _generate_child,
            [
                (n, since, until, seed * 1000 + k, share, now, counted)
                for k, (n, share) in enumerate(zip(counts, shares, strict=True))
            ],
        )
    report = GenerateReport()
    for part in parts:
        report.add(part)
    return report


def _generate_child(*args) -> GenerateReport:
    try:
        return _generate(*args, progress=None)
    finally:
        connections.close_all()


def _generate(count, since, until, seed, communes, now, counted, progress) -> GenerateReport:
    maker = _Maker(random.Random(seed), now, since, until)  # noqa: S311 (not for security)
    numbers = _numbers_in_use(communes, since, until)
    units = {c.unit.pk: c.unit for c in communes}
    report = GenerateReport()
    per_day = Counter(maker.rng.choices(maker.days, k=count))
    batch: list[BulkDossier] = []
    existing = _Existing(communes)
    # Day after day, so that a batch's rollup rows are mostly new ones rather than updates of earlier batches'.
    for number, day in enumerate(sorted(per_day)):
        there, weights = existing.on(day)
        if not there:
            continue
        for commune in maker.rng.choices(there, cum_weights=weights, k=per_day[day]):
            dossier = maker.dossier(commune, day)
            key = (commune.unit.pk, dossier.code)  # the code holds the day its clock started, for now
            numbers[key] = numbers.get(key, 0) + 1
            dossier.code = f"{commune.unit.code}-{dossier.code}-{numbers[key]:04d}"
            batch.append(dossier)
        if len(batch) >= BATCH or number == len(per_day) - 1:
            with transaction.atomic():
                written = dossiers_insert(batch, source=SOURCE, units=units if counted else None)
            report.dossiers += len(batch)
            report.events += written.events
            batch = []
            if progress:
                progress(report.dossiers)
    # Only today's and later counters matter (see code_counters_advance); the day strings sort like the days.
    today = f"{timezone.localdate(now):%y%m%d}"
    later = {(unit, datetime.strptime(day, "%y%m%d").date()): n for (unit, day), n in numbers.items() if day >= today}
    with transaction.atomic():
        code_counters_advance(numbers=later)
    return report


class _Existing:
    """The communes that existed on a day, with their cumulative weights, computed once per stretch of days between
    two changes of the tree (a reform)."""

    def __init__(self, communes: list[_Commune]) -> None:
        self.communes = communes
        self.cache: dict[tuple[bool, ...], tuple[list[_Commune], list[float]]] = {}

    def on(self, day: date) -> tuple[list[_Commune], list[float]]:
        key = tuple(c.unit.is_valid_on(day) for c in self.communes)
        if key not in self.cache:
            there = [c for c, valid in zip(self.communes, key, strict=True) if valid]
            self.cache[key] = (there, list(itertools.accumulate(c.weight for c in there)))
        return self.cache[key]


def _numbers_in_use(communes: list[_Commune], first: date, last: date) -> dict[tuple[int, str], int]:
    """The last daily number already used by each commune on each day around the range (earlier runs, the portal,
    imports), so generated codes never collide: (unit id, YYMMDD) → number."""
    codes = {c.unit.pk: c.unit.code for c in communes}
    # A dossier's code carries the day its clock started, which a long holiday can put two weeks after filing.
    margin = timedelta(days=15)
    start = timezone.make_aware(datetime.combine(first - margin, time()))
    end = timezone.make_aware(datetime.combine(last + margin, time()))
    used: dict[tuple[int, str], int] = {}
    rows = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end, unit_id__in=codes)
    for unit_id, code in rows.values_list("unit_id", "code").iterator(chunk_size=10_000):
        parsed = code_number(code or "", codes[unit_id])
        if parsed:
            key = (unit_id, f"{parsed[0]:%y%m%d}")
            used[key] = max(used.get(key, 0), parsed[1])
    return used


class _Axis:
    """The office minutes of the working days around a range, numbered in a row: a moment drawn here is inside
    office hours, and the working time between two of them is the difference of their numbers."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.zone = calendar.timezone
        # Room before the first day (sent the evening before) and after the last (late and forgotten dossiers).
        span = [first - timedelta(days=30) + timedelta(days=n) for n in range((last - first).days + 300)]
        self.days = [day for day in span if calendar.is_working_day(day)]
        self.index = {day: i for i, day in enumerate(self.days)}
        self.periods = [(_minutes(p.start), _minutes(p.end)) for p in calendar.office_hours]
        self.day_minutes = sum(end - start for start, end in self.periods)

    def first_minute(self, day: date) -> int:
        return self.index[day] * self.day_minutes

    def moment(self, minute: int) -> datetime:
        """The moment of an office minute; a day's last minute is its closing time (not the next opening), as in
        WorkingCalendar.add_working_time."""
        i, offset = divmod(minute, self.day_minutes)
        if offset == 0 and i:
            i, offset = i - 1, self.day_minutes
        for start, end in self.periods:
            if offset <= end - start:
                break
            offset -= end - start
        hour, rest = divmod(start + offset, 60)
        return datetime.combine(self.days[i], time(hour, rest), tzinfo=self.zone)

    def minute(self, moment: datetime) -> int:
        """The office minute of a moment inside office hours (a closing time is the next period's opening)."""
        local = moment.astimezone(self.zone)
        of_day, passed = local.hour * 60 + local.minute, 0
        for start, end in self.periods:
            if of_day <= end:
                return self.index[local.date()] * self.day_minutes + passed + max(0, of_day - start)
            passed += end - start
        return (self.index[local.date()] + 1) * self.day_minutes


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


class _Maker:
    """Makes one dossier at a time; its `code` comes back as the day its clock started (YYMMDD), for the caller to
    number. Moments are whole minutes."""

    def __init__(self, rng: random.Random, now: datetime, first: date, last: date) -> None:
        self.rng = rng
        self.now = now
        self.calendar = get_calendar()
        self.axis = _Axis(self.calendar, first, last)
        self.days = [day for day in self.axis.days if first <= day <= last]
        if not self.days:
            raise ValueError("no working day in the range")
        self.procedures = list(Procedure.objects.all())
        self.procedure_weights = list(itertools.accumulate(FORM_SHARE.get(p.form_kind, 0.05) for p in self.procedures))
        self.kinds = {p.pk: record_kinds(p) for p in self.procedures}

    def dossier(self, commune: _Commune, day: date) -> BulkDossier:
        rng, axis = self.rng, self.axis
        procedure = rng.choices(self.procedures, cum_weights=self.procedure_weights)[0]
        channel = self._channel(commune, day)
        submitted, received = self._arrival(channel, day)
        while received > self.now:  # today's dossiers arrive before now
            day = self.days[max(0, self.days.index(day) - 1)]
            submitted, received = self._arrival(channel, day)
        # Sent after hours on the eve of a reform, a dossier would count from the first day of the commune's successor:
        # the commune that ends that evening receives only what counts from its own days.
        while not commune.unit.is_valid_on(self.calendar.receipt_start(submitted).date()):
            submitted, received = self._arrival(channel, day)
        # The clock (and the code's day) start at the receipt of a counter dossier, at the sending of an online one.
        receipt = self.calendar.receipt_start(submitted)
        dossier = BulkDossier(
            code=f"{receipt:%y%m%d}",
            procedure_id=procedure.pk,
            unit_id=commune.unit.pk,
            channel=channel,
            status=Status.RECEIVED,
            submitted_at=submitted,
            received_at=received,
            due_at=None,
            requester_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
        )
        if channel == Channel.ONLINE_SELF and rng.random() < REFUSED:
            dossier.status, dossier.received_at, dossier.finished_at = Status.REFUSED, None, received
            dossier.reason = rng.choice(REFUSALS)
            return dossier
        dossier.due_at = dossier_compute_due(dossier=_Due(procedure, commune.unit), received_at=submitted)
        self._outcome(dossier, commune, axis.minute(receipt), procedure)
        return dossier

    def _channel(self, commune: _Commune, day: date) -> str:
        rng = self.rng
        if rng.random() < online_share(day, commune.online_bias):
            return Channel.ONLINE_SELF if rng.random() < 0.7 else Channel.ONLINE_ASSISTED
        return Channel.COUNTER if rng.random() < 0.95 else Channel.POST

    def _arrival(self, channel: str, day: date) -> tuple[datetime, datetime]:
        """(submitted, received): online dossiers are sent at any hour from the evening before and opened by the
        one-stop officer within two office hours of the clock's start; the others are received as filed."""
        rng, axis = self.rng, self.axis
        if channel == Channel.ONLINE_SELF:
            opening = self.calendar.office_start(day)
            submitted = opening + timedelta(minutes=rng.randrange(-14 * 60, 10 * 60))
            start = axis.minute(self.calendar.receipt_start(submitted))
            return submitted, axis.moment(start + rng.randrange(0, 120))
        received = axis.moment(axis.first_minute(day) + rng.randrange(1, axis.day_minutes))
        return received, received

    def _outcome(self, dossier: BulkDossier, commune: _Commune, receipt: int, procedure: Procedure) -> None:
        """The status and moments of a received dossier, as of now."""
        rng, axis, whole = self.rng, self.axis, self.axis.day_minutes
        if rng.random() < WITHDRAWN:
            withdrawn = axis.moment(axis.minute(dossier.received_at) + rng.randrange(whole // 20, whole * 3 // 2))
            if withdrawn <= self.now:
                dossier.status, dossier.finished_at = Status.WITHDRAWN, withdrawn
            return
        kinds = self.kinds[procedure.pk]
        rejected = rng.random() < REJECTED
        due = axis.minute(dossier.due_at)
        # The work starts when the officer opens the dossier, which for one sent online may be after its clock began.
        receipt = max(receipt, axis.minute(dossier.received_at))
        allowed = max(10, due - receipt)
        timing = rng.random()
        approved = None
        if timing < STUCK:
            resolved = due + rng.randrange(10 * whole, 40 * whole)
        elif kinds and not rejected:
            # Signed within the limit, then the agencies' answers: the slower one settles the dossier.
            approved = receipt + rng.randrange(allowed // 10, allowed * 7 // 10 + 1)
            resolved = approved + max(rng.randrange(whole // 5, 3 * whole) for _ in kinds)
        elif timing < commune.late_rate:
            resolved = due + 5 + int(rng.expovariate(0.7) * whole)
        else:
            resolved = receipt + rng.randrange(allowed // 20, allowed + 1)
        resolved_at = axis.moment(resolved)
        if resolved_at > self.now:
            self._in_progress(dossier, (self.now - dossier.received_at) / (resolved_at - dossier.received_at))
            return
        if rejected:
            dossier.status, dossier.finished_at = Status.REJECTED, resolved_at
            dossier.reason = rng.choice(REJECTIONS)
            return
        dossier.finished_at = resolved_at
        if approved is not None:
            dossier.approved_at = axis.moment(approved)
            dossier.linked = tuple(Linked(agency, kind, resent=rng.random() < RESENT) for agency, kind in kinds)
        collection = rng.random()
        if collection < NOT_COLLECTED:
            dossier.status = Status.RESULT_READY
            return
        waited = rng.randrange(0, whole // 4) if collection < 0.6 else rng.randrange(whole // 2, 5 * whole)
        delivered = axis.moment(resolved + waited)
        if delivered > self.now:
            dossier.status = Status.RESULT_READY
        else:
            dossier.status, dossier.delivered_at = Status.DELIVERED, delivered

    def _in_progress(self, dossier: BulkDossier, progress: float) -> None:
        if progress < 0.25:
            dossier.status = Status.RECEIVED
        elif progress < 0.7:
            dossier.status = Status.NEEDS_SUPPLEMENT if self.rng.random() < SUPPLEMENT else Status.PROCESSING
        else:
            dossier.status = Status.AWAITING_SIGNATURE


@dataclass(frozen=True)
class _Due:
    """What dossier_compute_due reads of a dossier."""

    procedure: Procedure
    unit: AdministrativeUnit
