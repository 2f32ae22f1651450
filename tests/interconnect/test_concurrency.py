"""Races on PostgreSQL: the two agencies answering at the same moment settle the dossier exactly once, and one
event delivered twice at once is applied once."""

import uuid

import pytest
from django.db import connection

from interconnect.models import AgencyCallback, LinkedRecord, RecordKind, RecordStatus
from interconnect.services import AnswerOutcome, linked_record_answer
from procedures.models import Dossier, DossierEvent, Status
from tests.conftest import require_in_ci
from tests.procedures.helpers import race

pytestmark = pytest.mark.django_db(transaction=True)

RESULTS = {
    RecordKind.REGISTER_RESIDENCE: {"household_registration_number": "HK-001-0012345", "registered_on": "2026-12-08"},
    RecordKind.HEALTH_CARD: {"card_number": "TE1010100012345", "valid_from": "2026-11-13", "valid_to": "2032-11-30"},
}


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        require_in_ci("PostgreSQL")


def completion(record: LinkedRecord, event_id: uuid.UUID | None = None):
    return lambda: linked_record_answer(
        agency=record.agency,
        record_uuid=record.uuid,
        event_id=event_id or uuid.uuid4(),
        status="completed",
        result=RESULTS[record.kind],
        reason="",
        body="{}",
    )


def test_both_agencies_answering_at_once_settle_the_dossier_once(agencies, signing, approve, birth_3in1):
    dossier = approve(signing(birth_3in1))
    records = list(LinkedRecord.objects.filter(dossier=dossier))

    results, errors = race([completion(record) for record in records])

    assert errors == []
    assert results == [AnswerOutcome.APPLIED, AnswerOutcome.APPLIED]
    assert set(LinkedRecord.objects.values_list("status", flat=True)) == {RecordStatus.COMPLETED}
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY
    assert DossierEvent.objects.filter(dossier=dossier, action="settle").count() == 1


def test_one_event_delivered_twice_at_once_is_applied_once(agencies, signing, approve, birth_3in1):
    dossier = approve(signing(birth_3in1))
    residence = LinkedRecord.objects.get(dossier=dossier, kind=RecordKind.REGISTER_RESIDENCE)
    event_id = uuid.uuid4()

    results, errors = race([completion(residence, event_id), completion(residence, event_id)])

    assert errors == []
    assert sorted(results) == [AnswerOutcome.APPLIED, AnswerOutcome.REPEAT]
    [logged] = AgencyCallback.objects.all()
    assert (logged.outcome, logged.repeats) == ("applied", 1)
