"""Dossiers written in bulk outside the state machine (imported from the one-stop software used before, or generated
for load tests and the demo): the events their status implies, fast inserts, and the daily code counters.

A bulk-written dossier gets the shortest event log that its reporting fact needs (reporting.flows.fact_compute
reads the receive, approve, settle, reject, withdraw, deliver and refuse events), each event marked with where the
dossier came from. The inserts bypass the models' save() and signals: the caller marks the dossiers dirty or
rebuilds the rollups.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from uuid import uuid4

from django.db import connection, models
from django.utils import timezone

from egov.units.models import AdministrativeUnit
from egov.units.selectors import official_starts
from interconnect.models import LinkedRecord, RecordStatus
from procedures.models import Dossier, DossierCodeCounter, DossierEvent, Status

from .bulk import FACT_COLUMNS, rows_insert
from .flows import fact_compute
from .models import DossierFact
from .services import rollups_add_facts

# Each action's (from, to) as the state machine has it.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "receive": (Status.SUBMITTED, Status.RECEIVED),
    "approve": (Status.AWAITING_SIGNATURE, Status.REGISTERED),
    "settle": (Status.REGISTERED, Status.RESULT_READY),
    "deliver": (Status.RESULT_READY, Status.DELIVERED),
    "reject": (Status.AWAITING_SIGNATURE, Status.REJECTED),
    "withdraw": (Status.RECEIVED, Status.WITHDRAWN),
    "refuse": (Status.SUBMITTED, Status.REFUSED),
}
IN_PROGRESS = frozenset(
    {Status.RECEIVED, Status.PROCESSING, Status.NEEDS_SUPPLEMENT, Status.AWAITING_SIGNATURE, Status.REGISTERED}
)
# Statuses reached at a moment the dossier's history must give (the result, the decision, the withdrawal).
FINISHED = frozenset({Status.RESULT_READY, Status.DELIVERED, Status.REJECTED, Status.WITHDRAWN, Status.REFUSED})
IMPORTABLE = IN_PROGRESS | FINISHED

DOSSIER_COLUMNS = (
    "id",
    "uuid",
    "code",
    "procedure_id",
    "unit_id",
    "channel",
    "status",
    "applicant_id",
    "requester_name",
    "contact_phone",
    "contact_email",
    "data",
    "draft_step",
    "is_late",
    "assignee_id",
    "created_at",
    "submitted_at",
    "received_at",
    "due_at",
    "paused_at",
    "finished_at",
    "supplement_from",
    "decision_reason",
    "apology_at",
)
EVENT_COLUMNS = ("dossier_id", "actor_id", "at", "action", "from_status", "to_status", "reason", "details")
LINKED_COLUMNS = (
    "uuid",
    "dossier_id",
    "agency",
    "kind",
    "status",
    "payload",
    "result",
    "reason",
    "agency_ref",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "answered_at",
    "due_at",
    "resent_by_id",
    "resent_at",
    "created_at",
)
ROLLUPS_LOCK = 0x726F6C6C  # the advisory lock of bulk rollup additions ("roll")
CODE_PATTERN = re.compile(r"(?P<unit>.+)-(?P<day>\d{6})-(?P<number>\d{4,})")


@dataclass(frozen=True)
class Linked:
    """A linked record of a settled 3-in-1 dossier: answered by its agency, perhaps after a failure and a re-send."""

    agency: str
    kind: str
    resent: bool = False


@dataclass
class BulkDossier:
    """A dossier as the old software or the generator knows it: where, what, and when each step happened."""

    code: str
    procedure_id: int
    unit_id: int
    channel: str
    status: str
    submitted_at: datetime
    # None only for a dossier refused at receipt.
    received_at: datetime | None
    due_at: datetime | None
    # When the result was ready (settled), or the dossier rejected, withdrawn or refused.
    finished_at: datetime | None = None
    # When the result was handed over (delivered only; default: finished_at).
    delivered_at: datetime | None = None
    # When the leader signed (3-in-1 dossiers with linked records).
    approved_at: datetime | None = None
    reason: str = ""
    requester_name: str = ""
    linked: tuple[Linked, ...] = ()
    # Added to the details of the first event (the receipt or the refusal).
    details: dict = field(default_factory=dict)

    def events(self) -> list[tuple[str, datetime]]:
        """(action, moment) of the events this dossier's status implies, in order."""
        if self.status == Status.REFUSED:
            return [("refuse", self.finished_at)]
        events = [("receive", self.received_at)]
        if self.approved_at and self.status in (Status.REGISTERED, Status.RESULT_READY, Status.DELIVERED):
            events.append(("approve", self.approved_at))
        if self.status in (Status.RESULT_READY, Status.DELIVERED):
            events.append(("settle", self.finished_at))
        if self.status == Status.DELIVERED:
            events.append(("deliver", self.delivered_at or self.finished_at))
        if self.status == Status.REJECTED:
            events.append(("reject", self.finished_at))
        if self.status == Status.WITHDRAWN:
            events.append(("withdraw", self.finished_at))
        return events

    @property
    def dossier_finished_at(self) -> datetime | None:
        """Dossier.finished_at as the services set it: when the dossier ended (a ready result has not ended)."""
        if self.status == Status.DELIVERED:
            return self.delivered_at or self.finished_at
        if self.status in (Status.REJECTED, Status.WITHDRAWN, Status.REFUSED):
            return self.finished_at
        return None


def dossiers_insert(
    dossiers: Sequence[BulkDossier], *, source: str, units: dict[int, AdministrativeUnit] | None = None
) -> list[int]:
    """Write the dossiers, their events and linked records (inside the caller's transaction); returns their ids.

    `source` ("import", "generated") goes into every event's details, so the log says the dossier was not walked
    through the portal. No signal fires. With `units` (id → commune with its district loaded), the dossiers'
    facts are computed and written too and added to the rollups, as a refresh would; without, mark the dossiers
    dirty (or rebuild the rollups) afterwards.
    """
    ids = ids_reserve(Dossier, len(dossiers))
    dossier_rows, event_rows, linked_rows = [], [], []
    for pk, dossier in zip(ids, dossiers, strict=True):
        dossier_rows.append(dossier_row(pk, dossier))
        event_rows += event_rows_of(pk, dossier, source=source)
        linked_rows += linked_rows_of(pk, dossier)
    rows_insert(Dossier, DOSSIER_COLUMNS, dossier_rows)
    rows_insert(DossierEvent, EVENT_COLUMNS, event_rows)
    rows_insert(LinkedRecord, LINKED_COLUMNS, linked_rows)
    if units is not None:
        starts = official_starts()
        facts = [fact_compute(_source(pk, d, units), starts=starts) for pk, d in zip(ids, dossiers, strict=True)]
        facts = [fact for fact in facts if fact is not None]
        rows_insert(DossierFact, FACT_COLUMNS, ([getattr(f, name) for name in FACT_COLUMNS] for f in facts))
        _rollups_turn()
        rollups_add_facts(dossier_ids=[fact.dossier_id for fact in facts])
    return ids


def _rollups_turn() -> None:
    """Wait for the other bulk writers' rollup additions to commit: their batches update the same district and city
    rows in other orders, which would deadlock. Held until the caller's transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUPS_LOCK])


def _source(pk: int, d: BulkDossier, units: dict[int, AdministrativeUnit]) -> SimpleNamespace:
    """What reporting.flows.fact_sources would read back of the dossier as written: its fields, the moment of each
    action in its event log, and its linked records (total, failed)."""
    moments = dict(d.events())
    linked = linked_rows_of(pk, d)
    resent = sum(1 for row in linked if row[LINKED_COLUMNS.index("resent_at")] is not None)
    return SimpleNamespace(
        pk=pk,
        unit=units[d.unit_id],
        unit_id=d.unit_id,
        procedure_id=d.procedure_id,
        channel=d.channel,
        status=d.status,
        submitted_at=d.submitted_at,
        received_at=d.received_at,
        due_at=d.due_at,
        finished_at=d.dossier_finished_at,
        **{f"{action}_at": moments.get(action) for action in TRANSITIONS if action != "receive"},
        linked_total=len(linked) or None,
        linked_failures=resent or None,
    )


def dossier_row(pk: int, d: BulkDossier) -> tuple:
    paused_at = d.received_at if d.status == Status.NEEDS_SUPPLEMENT else None
    supplement_from = Status.PROCESSING if d.status == Status.NEEDS_SUPPLEMENT else ""
    # fmt: off
    return (
        pk, uuid4(), d.code, d.procedure_id, d.unit_id, d.channel, d.status, None, d.requester_name, "", "", {}, "",
        False, None, d.submitted_at, d.submitted_at, d.received_at, d.due_at, paused_at, d.dossier_finished_at,
        supplement_from, d.reason, None,
    )
    # fmt: on


def event_rows_of(pk: int, d: BulkDossier, *, source: str) -> list[tuple]:
    rows = []
    for number, (action, at) in enumerate(d.events()):
        from_status, to_status = TRANSITIONS[action]
        details = {"source": source, **d.details} if number == 0 else {"source": source}
        reason = d.reason if action in ("refuse", "reject") else ""
        rows.append((pk, None, at, action, from_status, to_status, reason, details))
    return rows


def linked_rows_of(pk: int, d: BulkDossier) -> list[tuple]:
    if not d.linked or not d.approved_at or d.status not in (Status.RESULT_READY, Status.DELIVERED):
        return []
    answered, resent = d.finished_at, d.approved_at + (d.finished_at - d.approved_at) / 2
    # fmt: off
    return [
        (
            uuid4(), pk, link.agency, link.kind, RecordStatus.COMPLETED, {}, {}, "", "", 2 if link.resent else 1,
            None, d.approved_at, answered, None, None, resent if link.resent else None, d.approved_at,
        )
        for link in d.linked
    ]
    # fmt: on


# --- fast inserts --------------------------------------------------------------------------------------------


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, taken from its sequence (PostgreSQL) or after its largest key
    (SQLite, whose writers are serialised; the caller's transaction holds the write lock until it commits)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a table name of ours)
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


# --- codes ---------------------------------------------------------------------------------------------------


def code_number(code: str, unit_code: str) -> tuple[date, int] | None:
    """The day and daily number of a code `<unit code>-YYMMDD-NNNN` of that unit, or None for another pattern."""
    match = CODE_PATTERN.fullmatch(code)
    if not match or match["unit"] != unit_code:
        return None
    try:
        day = datetime.strptime(match["day"], "%y%m%d").date()
    except ValueError:
        return None
    return day, int(match["number"])


def code_counters_advance(*, numbers: dict[tuple[int, date], int]) -> None:
    """Make the portal's daily code counters of today and later start after the numbers written in bulk
    ((unit id, day) → highest number), so the next dossier filed there gets a new code. Earlier days do not
    matter: the portal only numbers the day a dossier is filed (or the next working day)."""
    today = timezone.localdate()
    wanted = {key: number for key, number in numbers.items() if key[1] >= today}
    if not wanted:
        return
    existing = {
        (c.unit_id, c.day): c
        for c in DossierCodeCounter.objects.select_for_update().filter(
            day__gte=today, unit_id__in={unit_id for unit_id, _ in wanted}
        )
    }
    for (unit_id, day), number in wanted.items():
        counter = existing.get((unit_id, day))
        if counter is None:
            DossierCodeCounter.objects.create(unit_id=unit_id, day=day, last=number)
        elif counter.last < number:
            DossierCodeCounter.objects.filter(pk=counter.pk).update(last=number)
