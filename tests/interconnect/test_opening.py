"""Linked records open in the approval transaction (and not at all when it rolls back), carry the protocol's
payload built from the declaration, get the agency's deadline, and a dossier without any settles after commit."""

import datetime

import pytest
from django.db import transaction

from egov.accounts.models import Role
from egov.notifications import gateway
from interconnect.models import LinkedRecord, RecordKind, RecordStatus
from interconnect.payloads import record_kinds
from interconnect.tasks import dossier_settle_if_ready
from procedures import services, transitions
from procedures.declarations.samples import sample_data
from procedures.models import Dossier, DossierEvent, RegisterEntry, Status
from procedures.services import DossierActionError, dossier_create_draft, dossier_save_draft, dossier_submit
from tests.interconnect.agencies import records_of
from tests.personas import make_user
from tests.procedures.helpers import advance, filed, procedure_of
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()  # the sample declarations date their events from the real today
NEWBORN_ID = "001326000123"
CALLBACK = "https://dichvucong.example.vn/lien-thong/goi-lai/{}/"
ROLES = (Role.ONE_STOP, Role.JUSTICE, Role.LEADER)


@pytest.fixture(autouse=True)
def _callback_base(settings):
    settings.INTERCONNECT_CALLBACK_BASE_URL = "https://dichvucong.example.vn/"


def days_ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def registered(dossier, unit: tuple[str, str] = ("00097", "Phường Hồng Hà"), on: str = "2026-12-07") -> dict:
    """The fields every record of the dossier shares (register entry, the commune whose register holds it, dossier
    code)."""
    entry = RegisterEntry.objects.get(dossier=dossier)
    return {
        "dossier_code": dossier.code,
        "unit_code": unit[0],
        "unit_name": unit[1],
        "registered_on": on,
        "register_number": str(entry.number),
        "register_book": entry.book_number,
    }


def test_a_3in1_birth_opens_a_residence_and_a_health_card_record_with_the_protocols_payloads(
    clock, signing, approve, birth_3in1
):
    dossier = approve(signing(birth_3in1), commit=False, personal_id_number=NEWBORN_ID)

    records = records_of(dossier)
    assert set(records) == {RecordKind.REGISTER_RESIDENCE, RecordKind.HEALTH_CARD}
    child = {
        "full_name": "Nguyễn Minh Anh",
        "sex": "female",
        "birth_date": days_ago(10),
        "personal_id_number": NEWBORN_ID,
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
    }
    parents = {"mother": "Trần Thị Bình", "father": "Nguyễn Văn An"}
    residence = records[RecordKind.REGISTER_RESIDENCE]
    assert residence.agency == "police"
    assert residence.payload == {
        "id": str(residence.uuid),
        "kind": "register_residence",
        **registered(dossier),
        "callback_url": CALLBACK.format("police"),
        "person": child,
        "household": {
            "head_name": "Nguyễn Văn An",
            "address": "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội",
            "register_number": "",
            "relationship_to_head": "Con",
        },
        "parents": parents,
    }
    card = records[RecordKind.HEALTH_CARD]
    assert card.agency == "social_insurance"
    assert card.payload == {
        "id": str(card.uuid),
        "kind": "health_card",
        **registered(dossier),
        "callback_url": CALLBACK.format("social_insurance"),
        "person": child,
        "health_facility": "Trạm y tế phường Hồng Hà",
        "parents": parents,
    }
    assert residence.uuid != card.uuid


def test_a_death_with_residence_removal_opens_one_police_record_about_the_deceased(
    clock, signing, approve, death_residence
):
    dossier = approve(signing(death_residence), commit=False)

    [record] = LinkedRecord.objects.filter(dossier=dossier)
    assert (record.agency, record.kind) == ("police", RecordKind.REMOVE_RESIDENCE)
    assert record.payload == {
        "id": str(record.uuid),
        "kind": "remove_residence",
        **registered(dossier),
        "callback_url": CALLBACK.format("police"),
        "person": {
            "full_name": "Nguyễn Văn Hùng",
            "sex": "male",
            "birth_date": "1940",  # the declaration gave only the year
            "personal_id_number": "001040000123",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
        },
        "household": {
            "head_name": "Nguyễn Văn An",
            "address": "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội",
            "register_number": "",
            "relationship_to_head": "Bố",
        },
        "death": {"date": days_ago(3), "place": "Bệnh viện Bạch Mai"},
    }


def test_a_newborn_without_an_id_number_or_a_declared_father(
    clock, citizen, commune_a, one_stop_a, justice_a, leader_a, approve, birth_3in1
):
    no_father = {"full_name": "", "birth_date": "", "residence": "", "id_number": ""}
    dossier = dossier_create_draft(procedure=birth_3in1, unit=commune_a, applicant=citizen, channel="online_self")
    dossier_save_draft(dossier=dossier, data=sample_data(birth_3in1, on=TODAY, cha=no_father), step="kiem-tra")
    dossier = dossier_submit(dossier=dossier, actor=citizen)
    dossier = advance(dossier, "awaiting_signature", one_stop=one_stop_a, justice=justice_a, leader=leader_a)

    dossier = approve(dossier, commit=False)

    record = records_of(dossier)[RecordKind.HEALTH_CARD]
    assert record.payload["person"]["personal_id_number"] == ""
    assert record.payload["parents"] == {"mother": "Trần Thị Bình", "father": ""}


def test_records_start_pending_due_now_with_each_agencys_deadline_in_working_time(clock, signing, approve, birth_3in1):
    birth_3in1.processing_days_urban = birth_3in1.processing_days_rural = 3
    birth_3in1.save()
    dossier = approve(signing(birth_3in1), commit=False)  # Monday 7 December 2026, 09:00

    records = records_of(dossier)
    for record in records.values():
        assert (record.status, record.attempts, record.next_attempt_at) == (RecordStatus.PENDING, 0, clock.now)
        assert record.result == {} and record.sent_at is None and record.answered_at is None
    # Social insurance: 2.5 working days in an urban ward (Mon 09:00 + 20 office hours).
    assert records[RecordKind.HEALTH_CARD].due_at == at(2026, 12, 9, 14)
    # The police: the procedure's own limit, 3 working days.
    assert records[RecordKind.REGISTER_RESIDENCE].due_at == at(2026, 12, 10, 9)


def test_social_insurance_has_three_working_days_in_a_rural_district(clock, citizen, rural_commune, birth_3in1):
    one_stop, justice, leader = (make_user(f"{role}.tl", role, rural_commune) for role in ROLES)
    dossier = filed(birth_3in1, unit=rural_commune, applicant=citizen)

    dossier = advance(dossier, "registered", one_stop=one_stop, justice=justice, leader=leader)

    assert records_of(dossier)[RecordKind.HEALTH_CARD].due_at == at(2026, 12, 10, 9)


def test_the_agency_deadline_is_a_setting(clock, settings, signing, approve, birth_3in1):
    settings.INTERCONNECT_SOCIAL_INSURANCE_DAYS_URBAN = "1"

    dossier = approve(signing(birth_3in1), commit=False)

    assert records_of(dossier)[RecordKind.HEALTH_CARD].due_at == at(2026, 12, 8, 9)


def test_an_old_communes_dossier_registered_after_the_reform_names_the_commune_that_registered_it(
    clock, from_before_reform, approve, birth_3in1
):
    """Filed and received at Phúc Xá in June 2025, signed at Phường Hồng Hà in December 2026: the agencies are told
    the commune whose register holds the entry."""
    dossier = approve(from_before_reform("awaiting_signature", kind="birth_3in1"), commit=False)

    for record in records_of(dossier).values():
        assert {key: record.payload[key] for key in ("unit_code", "unit_name", "registered_on")} == {
            "unit_code": "00097",
            "unit_name": "Phường Hồng Hà",
            "registered_on": "2026-12-07",
        }
    assert dossier.unit.code == "00001"


def test_a_dossier_registered_before_the_reform_names_the_old_commune(clock, inherited):
    for record in records_of(inherited).values():
        assert {key: record.payload[key] for key in ("unit_code", "unit_name", "registered_on")} == {
            "unit_code": "00001",
            "unit_name": "Phường Phúc Xá",
            "registered_on": "2025-06-27",
        }


def test_a_rolled_back_approval_opens_no_record_and_queues_nothing(
    django_capture_on_commit_callbacks, signing, leader_a, birth_3in1
):
    dossier = signing(birth_3in1)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.dossier_approve(dossier=dossier, leader=leader_a)
        assert LinkedRecord.objects.filter(dossier=dossier).count() == 2, "opened inside the approval transaction"
        raise RuntimeError("the view failed after the service")

    assert callbacks == []
    assert not LinkedRecord.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_SIGNATURE
    assert not RegisterEntry.objects.filter(dossier=dossier).exists()


def test_a_failing_approval_hook_rolls_the_approval_back(monkeypatch, signing, leader_a, birth_3in1):
    def broken(*, dossier):
        raise RuntimeError("cannot open the linked records")

    monkeypatch.setattr(transitions, "APPROVAL_HOOKS", [*transitions.APPROVAL_HOOKS, broken])
    dossier = signing(birth_3in1)

    with pytest.raises(RuntimeError):
        services.dossier_approve(dossier=dossier, leader=leader_a)

    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_SIGNATURE
    assert not LinkedRecord.objects.exists() and not RegisterEntry.objects.exists()


def test_interconnect_registers_its_hook_once():
    from interconnect.services import linked_records_open

    assert transitions.APPROVAL_HOOKS.count(linked_records_open) == 1


def test_a_plain_birth_opens_nothing_and_settles_as_soon_as_the_approval_commits(settings, signing, approve):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMS_BACKEND = "locmem"
    gateway.sms_outbox.clear()

    dossier = approve(signing(procedure_of("birth")))

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RESULT_READY
    assert not LinkedRecord.objects.filter(dossier=dossier).exists()
    settle = DossierEvent.objects.filter(dossier=dossier).last()
    assert (settle.action, settle.actor, settle.from_status) == ("settle", None, Status.REGISTERED)
    [sms] = gateway.sms_outbox
    assert sms.text.startswith(f"Hồ sơ {dossier.code} đã có kết quả.")
    gateway.sms_outbox.clear()


def test_before_the_commit_a_plain_birth_is_registered_and_the_settle_task_is_harmless_to_repeat(signing, approve):
    dossier = approve(signing(procedure_of("birth")), commit=False)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REGISTERED

    dossier_settle_if_ready(dossier_id=dossier.pk)
    dossier_settle_if_ready(dossier_id=dossier.pk)

    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY
    assert DossierEvent.objects.filter(dossier=dossier, action="settle").count() == 1


def test_a_3in1_dossier_does_not_settle_while_its_records_are_open(signing, approve, birth_3in1):
    dossier = approve(signing(birth_3in1), commit=False)

    dossier_settle_if_ready(dossier_id=dossier.pk)

    assert Dossier.objects.get(pk=dossier.pk).status == Status.REGISTERED


def test_nobody_may_settle_by_hand_but_the_system(signing, approve, leader_a, birth_3in1):
    dossier = approve(signing(birth_3in1), commit=False)

    with pytest.raises(DossierActionError):
        services._dossier_fire(dossier_id=dossier.pk, actor=leader_a, spec=transitions.SETTLE)


def test_an_agency_a_form_has_no_record_for_opens_nothing(db):
    assert record_kinds(procedure_of("birth", interconnections=["police"])) == []
    assert record_kinds(procedure_of("death_residence", interconnections=["police", "social_insurance"])) == [
        ("police", RecordKind.REMOVE_RESIDENCE)
    ]
