"""interconnect.bulk: the linked records of bulk-written dossiers, already answered by their agencies."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interconnect.bulk import AnsweredRecord, linked_records_bulk_create
from interconnect.models import LinkedRecord, RecordKind, RecordStatus
from procedures.bulk import DossierHistory, Step, dossiers_bulk_create
from procedures.models import Agency

pytestmark = pytest.mark.django_db

SIGNED = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def settled(birth_3in1, commune_a) -> int:
    """A 3-in-1 birth imported as settled: signed on Monday 30/11/2026 at 10:00, settled two days later."""
    history = DossierHistory(
        code="00097-261130-0001",
        procedure_id=birth_3in1.pk,
        unit_id=commune_a.pk,
        channel="online_self",
        submitted_at=SIGNED - timedelta(hours=2),
        due_at=SIGNED + timedelta(days=10),
        steps=[
            Step("receive", at=SIGNED - timedelta(hours=1)),
            Step("start"),
            Step("propose"),
            Step("approve", at=SIGNED),
            Step("settle", at=SIGNED + timedelta(days=2)),
        ],
    )
    return dossiers_bulk_create(histories=[history], source="import")[0]


def test_records_are_written_completed_with_their_attempts(settled):
    answered = SIGNED + timedelta(days=2)

    linked_records_bulk_create(
        records=[
            AnsweredRecord(settled, Agency.POLICE, RecordKind.REGISTER_RESIDENCE, SIGNED, answered),
            AnsweredRecord(
                settled, Agency.SOCIAL_INSURANCE, RecordKind.HEALTH_CARD, SIGNED, answered, SIGNED + timedelta(days=1)
            ),
        ]
    )

    records = {r.agency: r for r in LinkedRecord.objects.filter(dossier_id=settled)}
    assert {r.status for r in records.values()} == {RecordStatus.COMPLETED}
    police, insurance = records[Agency.POLICE], records[Agency.SOCIAL_INSURANCE]
    assert (police.attempts, police.sent_at, police.answered_at, police.resent_at) == (1, SIGNED, answered, None)
    assert (insurance.attempts, insurance.resent_at) == (2, SIGNED + timedelta(days=1))
    assert police.created_at == SIGNED and police.next_attempt_at is None


def test_an_unknown_kind_or_moments_out_of_order_are_refused(settled):
    with pytest.raises(ValueError, match="no linked record"):
        AnsweredRecord(settled, Agency.POLICE, "passport", SIGNED, SIGNED)
    with pytest.raises(ValueError, match="sent, perhaps re-sent, then answered"):
        AnsweredRecord(settled, Agency.POLICE, RecordKind.REGISTER_RESIDENCE, SIGNED, SIGNED - timedelta(hours=1))
