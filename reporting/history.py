"""Dossiers known by their status and a few moments (imported from the one-stop software used before, or generated
for load tests and the demo), handed to procedures' and interconnect's bulk writers, and counted in the reports.

A bulk dossier becomes a history walked through the model's state machine (procedures.bulk) from its receipt to its
status; the steps logged are those its reporting fact needs (reporting.flows.fact_compute reads the receive,
approve, settle, reject, withdraw, deliver and refuse events), each event marked with where the dossier came from.
The writers bypass the models' save() and signals: the caller marks the dossiers dirty or rebuilds the rollups, or
passes the units for the facts to be written here.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.db import connection

from egov.units.models import AdministrativeUnit
from egov.units.selectors import official_starts
from interconnect.bulk import AnsweredRecord, linked_records_bulk_create
from procedures.bulk import DossierHistory, Step, dossiers_bulk_create, status_path
from procedures.models import Status

from .flows import fact_compute
from .services import facts_insert, rollups_add_facts

IN_PROGRESS = frozenset(
    {Status.RECEIVED, Status.PROCESSING, Status.NEEDS_SUPPLEMENT, Status.AWAITING_SIGNATURE, Status.REGISTERED}
)
# Statuses reached at a moment the dossier's history must give (the result, the decision, the withdrawal).
FINISHED = frozenset({Status.RESULT_READY, Status.DELIVERED, Status.REJECTED, Status.WITHDRAWN, Status.REFUSED})
# The actions whose moments reporting.flows.fact_compute reads (besides the receipt).
FACT_ACTIONS = ("refuse", "approve", "settle", "reject", "withdraw", "deliver")
ROLLUPS_LOCK = 0x726F6C6C  # the advisory lock of bulk rollup additions ("roll")


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

    def history(self) -> DossierHistory:
        """The dossier walked through the state machine from its receipt (or, never received, from its filing) the
        shortest way to its status; the steps whose moment is known are logged, the decision with its reason."""
        moments = {
            "receive": self.received_at,
            "approve": self.approved_at,
            "settle": self.finished_at,
            "deliver": self.delivered_at or self.finished_at,
            "reject": self.finished_at,
            "withdraw": self.finished_at,
            "refuse": self.finished_at,
        }
        if self.received_at is None:
            actions = status_path(source=Status.SUBMITTED, target=self.status)
        else:
            actions = ("receive", *status_path(source=Status.RECEIVED, target=self.status))
        steps = [Step(action, at=moments.get(action)) for action in actions]
        steps[-1] = Step(actions[-1], at=moments.get(actions[-1]), reason=self.reason)
        return DossierHistory(
            code=self.code,
            procedure_id=self.procedure_id,
            unit_id=self.unit_id,
            channel=self.channel,
            submitted_at=self.submitted_at,
            due_at=self.due_at,
            steps=steps,
            requester_name=self.requester_name,
            paused_at=self.received_at if self.status == Status.NEEDS_SUPPLEMENT else None,
            details=self.details,
        )

    def answered_records(self, pk: int) -> list[AnsweredRecord]:
        """The linked records of the dossier written as `pk`: sent at approval, answered when it settled, a re-sent
        one half-way."""
        if not self.linked or not self.approved_at or self.status not in (Status.RESULT_READY, Status.DELIVERED):
            return []
        resent = self.approved_at + (self.finished_at - self.approved_at) / 2
        return [
            AnsweredRecord(
                dossier_id=pk,
                agency=link.agency,
                kind=link.kind,
                sent_at=self.approved_at,
                answered_at=self.finished_at,
                resent_at=resent if link.resent else None,
            )
            for link in self.linked
        ]


@dataclass(frozen=True)
class Written:
    ids: list[int]
    events: int


def dossiers_insert(
    dossiers: Sequence[BulkDossier], *, source: str, units: dict[int, AdministrativeUnit] | None = None
) -> Written:
    """Write the dossiers, their events and linked records through procedures' and interconnect's bulk writers
    (inside the caller's transaction); returns their ids and how many events were logged.

    `source` ("import", "generated") goes into every event's details. No signal fires. With `units` (id → commune
    with its district loaded), the dossiers' facts are computed and written too and added to the rollups, as a
    refresh would; without, mark the dossiers dirty (or rebuild the rollups) afterwards.
    """
    histories = [dossier.history() for dossier in dossiers]
    ids = dossiers_bulk_create(histories=histories, source=source)
    records = [dossier.answered_records(pk) for pk, dossier in zip(ids, dossiers, strict=True)]
    linked_records_bulk_create(records=[record for some in records for record in some])
    if units is not None:
        starts = official_starts()
        facts = (
            fact_compute(_source(pk, h, some, units), starts=starts)
            for pk, h, some in zip(ids, histories, records, strict=True)
        )
        facts = [fact for fact in facts if fact is not None]
        facts_insert(facts)
        _rollups_turn()
        rollups_add_facts(dossier_ids=[fact.dossier_id for fact in facts])
    return Written(ids=ids, events=sum(len(h.events) for h in histories))


def _rollups_turn() -> None:
    """Wait for the other bulk writers' rollup additions to commit: their batches update the same district and city
    rows in other orders, which would deadlock. Held until the caller's transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUPS_LOCK])


def _source(
    pk: int, h: DossierHistory, records: list[AnsweredRecord], units: dict[int, AdministrativeUnit]
) -> SimpleNamespace:
    """What reporting.flows.fact_sources would read back of the dossier as written: its fields, the moment of each
    action in its event log, and its linked records (total, failed)."""
    resent = sum(1 for record in records if record.resent_at is not None)
    return SimpleNamespace(
        pk=pk,
        unit=units[h.unit_id],
        unit_id=h.unit_id,
        procedure_id=h.procedure_id,
        channel=h.channel,
        status=h.status,
        submitted_at=h.submitted_at,
        received_at=h.received_at,
        due_at=h.due_at,
        finished_at=h.finished_at,
        **{f"{action}_at": h.moment(action) for action in FACT_ACTIONS},
        linked_total=len(records) or None,
        linked_failures=resent or None,
    )
