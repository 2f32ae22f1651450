"""Dossiers written in bulk outside the services (imported from the one-stop software used before, or generated for
load tests): each history walked through the model's own transitions, the rows inserted in batches.

A history starts where every bulk dossier starts, filed (`submitted`), and lists the transitions it went through.
The model's transitions (django-fsm's, read from `Dossier`) decide each step's source and target: a step the
model does not allow from the state reached refuses the whole batch. A step with a moment becomes an event; a
step without one (the software before did not record it) is walked but not logged, so the event log holds what
the source knows and the status follows from the walk. The inserts bypass save(), the services and signals: no
notification, no register entry, no linked record (interconnect.bulk writes those).
"""

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from egov.bulk import ids_reserve, rows_insert

from .models import FINAL_STATUSES, Dossier, DossierCodeCounter, DossierEvent, Status

# Where a bulk history starts: the dossier has been filed.
FILED = Status.SUBMITTED
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
CODE_PATTERN = re.compile(r"(?P<unit>.+)-(?P<day>\d{6})-(?P<number>\d{4,})")


class HistoryError(ValueError):
    """A history the state machine does not allow (a step from a wrong state, moments out of order)."""


@cache
def transitions() -> dict[tuple[str, str], tuple[str, ...]]:
    """(action, source) → the targets the model's transition allows (several for a RETURN_VALUE target)."""
    table = {}
    for t in Dossier._meta.get_field("status").get_all_transitions(Dossier):
        targets = getattr(t.target, "allowed_states", None) or (t.target,)
        table[(t.name, t.source)] = tuple(targets)
    return table


@cache
def status_path(*, source: str, target: str) -> tuple[str, ...]:
    """The actions of the shortest walk from `source` to `target` in the model's state machine (the first in
    alphabetical order of the actions when several are as short); HistoryError when `target` cannot be reached."""
    came: dict[str, tuple[str, str] | None] = {source: None}
    queue = deque([source])
    while queue and target not in came:
        state = queue.popleft()
        for (action, start), ends in sorted(transitions().items()):
            for end in ends:
                if start == state and end not in came:
                    came[end] = (state, action)
                    queue.append(end)
    if target not in came:
        raise HistoryError(f"{target} cannot be reached from {source}")
    path = []
    while came[target] is not None:
        target, action = came[target]
        path.append(action)
    return tuple(reversed(path))


@dataclass(frozen=True)
class Step:
    """One transition of a history. `at`: when it happened, None when the source did not record it (then it is
    walked, not logged); `to`: the target, only for a transition with several (resubmit)."""

    action: str
    at: datetime | None = None
    reason: str = ""
    to: str = ""


@dataclass(frozen=True)
class LoggedStep:
    """A logged step: the action, its moment, and the states the model gives it."""

    action: str
    at: datetime
    from_status: str
    to_status: str
    reason: str


@dataclass
class DossierHistory:
    """A dossier as its source knows it, walked through the state machine when built (HistoryError if it cannot
    be): `status`, `received_at`, `finished_at`, `supplement_from`, `decision_reason` and `events` follow from the
    steps."""

    code: str
    procedure_id: int
    unit_id: int
    channel: str
    submitted_at: datetime
    due_at: datetime | None
    steps: Sequence[Step]
    requester_name: str = ""
    # When the legal clock was paused (a dossier waiting for a supplement).
    paused_at: datetime | None = None
    # Added to the details of the first event.
    details: dict = field(default_factory=dict)
    status: str = field(init=False)
    events: list[LoggedStep] = field(init=False)
    supplement_from: str = field(init=False, default="")

    def __post_init__(self) -> None:
        table, state, self.events, before = transitions(), FILED, [], None
        for step in self.steps:
            targets = table.get((step.action, state))
            if targets is None:
                raise HistoryError(f"{self.code}: {step.action} is not a transition from {state}")
            target = step.to or targets[0]
            if target not in targets or (len(targets) > 1 and not step.to):
                raise HistoryError(f"{self.code}: {step.action} from {state} goes to one of {targets}, not {target!r}")
            # The one field the model's transitions change themselves (request_supplement, resubmit).
            if step.action == "request_supplement":
                self.supplement_from = state
            elif step.action == "resubmit":
                self.supplement_from = ""
            if step.at is not None:
                if before is not None and step.at < before:
                    raise HistoryError(f"{self.code}: {step.action} at {step.at} is before the step logged earlier")
                self.events.append(LoggedStep(step.action, step.at, state, target, step.reason))
                before = step.at
            state = target
        self.status = state

    def moment(self, action: str) -> datetime | None:
        """When the last logged `action` happened."""
        return next((e.at for e in reversed(self.events) if e.action == action), None)

    @property
    def received_at(self) -> datetime | None:
        return self.moment("receive")

    @property
    def finished_at(self) -> datetime | None:
        """When the dossier ended, as the services set it: the moment of the step into a final status."""
        last = self.events[-1] if self.events else None
        return last.at if last and self.status in FINAL_STATUSES and last.to_status == self.status else None

    @property
    def decision_reason(self) -> str:
        return self.events[-1].reason if self.events and self.events[-1].to_status == self.status else ""


def dossiers_bulk_create(*, histories: Sequence[DossierHistory], source: str) -> list[int]:
    """Write the dossiers and their logged events in batches (inside the caller's transaction); returns their ids in
    the order of `histories`.

    `source` ("import", "generated") goes into every event's details, so the log says the dossier was not walked
    through the portal. No signal fires: the caller counts the dossiers in the reports.
    """
    with transaction.atomic():
        ids = ids_reserve(Dossier, len(histories))
        rows_insert(Dossier, DOSSIER_COLUMNS, (_dossier_row(pk, h) for pk, h in zip(ids, histories, strict=True)))
        rows_insert(
            DossierEvent,
            EVENT_COLUMNS,
            (row for pk, h in zip(ids, histories, strict=True) for row in _event_rows(pk, h, source=source)),
        )
    return ids


def _dossier_row(pk: int, h: DossierHistory) -> tuple:
    # fmt: off
    return (
        pk, uuid4(), h.code, h.procedure_id, h.unit_id, h.channel, h.status, None, h.requester_name, "", "", {}, "",
        False, None, h.submitted_at, h.submitted_at, h.received_at, h.due_at, h.paused_at, h.finished_at,
        h.supplement_from, h.decision_reason, None,
    )
    # fmt: on


def _event_rows(pk: int, h: DossierHistory, *, source: str) -> list[tuple]:
    rows = []
    for number, e in enumerate(h.events):
        details = {"source": source, **h.details} if number == 0 else {"source": source}
        rows.append((pk, None, e.at, e.action, e.from_status, e.to_status, e.reason, details))
    return rows


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
