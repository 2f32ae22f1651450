"""Linked records written in bulk beside the dossiers of procedures.bulk (imported or generated histories): records
the agencies have already answered, inserted in batches outside the outbox, which never sees them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from egov.bulk import rows_insert
from procedures.models import Agency

from .models import LinkedRecord, RecordKind, RecordStatus

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


@dataclass(frozen=True)
class AnsweredRecord:
    """A linked record of a written dossier, opened and sent at `sent_at`, completed by its agency at
    `answered_at`; `resent_at` when the first push failed and an officer sent it again."""

    dossier_id: int
    agency: str
    kind: str
    sent_at: datetime
    answered_at: datetime
    resent_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.agency not in Agency.values or self.kind not in RecordKind.values:
            raise ValueError(f"no linked record {self.kind!r} to {self.agency!r}")
        if not self.sent_at <= (self.resent_at or self.sent_at) <= self.answered_at:
            raise ValueError(f"dossier {self.dossier_id}: a record is sent, perhaps re-sent, then answered")


def linked_records_bulk_create(*, records: Sequence[AnsweredRecord]) -> None:
    """Write the records, completed, in batches (inside the caller's transaction). No signal fires."""
    # fmt: off
    rows_insert(LinkedRecord, LINKED_COLUMNS, (
        (
            uuid4(), r.dossier_id, r.agency, r.kind, RecordStatus.COMPLETED, {}, {}, "", "", 2 if r.resent_at else 1,
            None, r.sent_at, r.answered_at, None, None, r.resent_at, r.sent_at,
        )
        for r in records
    ))
    # fmt: on
