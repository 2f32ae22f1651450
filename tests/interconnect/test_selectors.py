"""Reads of linked records: who sees which (commune desks their commune and the old communes it holds, an agency's
officers their agency's records of their commune of today and the old communes it holds, or as a district account of
before the reform the district's history; district and city staff their jurisdiction, citizens nothing), the
queue's states, counts, late flag and filters, one record with its logs, and results and payloads as people read
them."""

import uuid
from datetime import timedelta

import pytest
from django.http import Http404

from egov.accounts.models import Role
from interconnect.models import LinkedRecord, RecordKind, RecordStatus
from interconnect.selectors import (
    QueueQuery,
    is_late,
    linked_record_counts,
    linked_record_for_officer,
    linked_record_queue,
    linked_records_visible,
    payload_sections,
    result_rows,
    result_summary,
)
from interconnect.services import linked_record_answer
from procedures.models import Agency
from procedures.services import dossier_approve
from tests.personas import make_user
from tests.procedures.helpers import advance, filed

pytestmark = pytest.mark.django_db

RESULTS = {
    RecordKind.REGISTER_RESIDENCE: {"household_registration_number": "HK-001-0012345", "registered_on": "2026-12-08"},
    RecordKind.HEALTH_CARD: {"card_number": "TE1010100012345", "valid_from": "2026-11-13", "valid_to": "2032-11-30"},
    RecordKind.REMOVE_RESIDENCE: {"removal_number": "XT-001-0004567", "removed_on": "2026-12-08"},
}
REFUSAL = "Địa chỉ hộ khẩu không khớp cơ sở dữ liệu cư trú."


def answer(record: LinkedRecord, status: str = "completed") -> None:
    """The agency's callback, through the service the callback view calls."""
    linked_record_answer(
        agency=record.agency,
        record_uuid=record.uuid,
        event_id=uuid.uuid4(),
        status=status,
        result=RESULTS[record.kind] if status == "completed" else {},
        reason=REFUSAL if status == "rejected" else "",
        body="{}",
    )


@pytest.fixture
def approved(
    agencies, clock, citizen, commune_a, one_stop_a, justice_a, leader_a, request, django_capture_on_commit_callbacks
):
    """`approved(procedure, unit)`: a citizen's dossier signed at commune A or B, its records pushed to the agencies."""
    desks = {commune_a.pk: (one_stop_a, justice_a, leader_a)}

    def make(procedure, unit=None):
        unit = unit or commune_a
        if unit.pk not in desks:
            desks[unit.pk] = tuple(request.getfixturevalue(f"{desk}_b") for desk in ("one_stop", "justice", "leader"))
        one_stop, justice, leader = desks[unit.pk]
        dossier = filed(procedure, unit=unit, applicant=citizen)
        dossier = advance(dossier, "awaiting_signature", one_stop=one_stop, justice=justice, leader=leader)
        with django_capture_on_commit_callbacks(execute=True):
            return dossier_approve(dossier=dossier, leader=leader)

    return make


@pytest.fixture
def world(approved, agencies, birth_3in1, death_residence, commune_b):
    """Commune A: a 3-in-1 birth whose police record failed (a refusal) and a death with removal of residence;
    commune B: a 3-in-1 birth. Every other record was sent and waits for its answer."""
    agencies[Agency.POLICE].plan.append(("answer", 422, {"error": "invalid", "fields": {"household.address": ["?"]}}))
    birth_a = approved(birth_3in1)
    death_a = approved(death_residence)
    birth_b = approved(birth_3in1, commune_b)
    return {"birth_a": birth_a, "death_a": death_a, "birth_b": birth_b}


def record(dossier, kind: str = RecordKind.REGISTER_RESIDENCE) -> LinkedRecord:
    return LinkedRecord.objects.get(dossier=dossier, kind=kind)


def seen(user) -> set[tuple[str, str]]:
    return {(record.dossier.code, record.kind) for record in linked_records_visible(user).select_related("dossier")}


def codes(world, *pairs) -> set[tuple[str, str]]:
    return {(world[name].code, kind) for name, kind in pairs}


A_RECORDS = (
    ("birth_a", RecordKind.REGISTER_RESIDENCE),
    ("birth_a", RecordKind.HEALTH_CARD),
    ("death_a", RecordKind.REMOVE_RESIDENCE),
)
B_RECORDS = (("birth_b", RecordKind.REGISTER_RESIDENCE), ("birth_b", RecordKind.HEALTH_CARD))


@pytest.mark.parametrize("desk", ["one_stop_a", "justice_a", "leader_a"])
def test_a_communes_desks_see_its_records_only(world, request, desk):
    assert seen(request.getfixturevalue(desk)) == codes(world, *A_RECORDS)


def test_commune_b_sees_its_own(world, one_stop_b):
    assert seen(one_stop_b) == codes(world, *B_RECORDS)


def old(dossier, *kinds) -> set[tuple[str, str]]:
    return {(dossier.code, kind) for kind in kinds}


def test_a_communes_desks_see_the_records_of_the_old_commune_it_holds(world, inherited, one_stop_a, one_stop_b):
    residence_and_card = (RecordKind.REGISTER_RESIDENCE, RecordKind.HEALTH_CARD)
    assert seen(one_stop_a) == codes(world, *A_RECORDS) | old(inherited, *residence_and_card)
    assert seen(one_stop_b) == codes(world, *B_RECORDS)


def test_the_communes_police_see_its_police_records_and_the_old_communes_and_no_health_card(world, inherited, police_a):
    assert seen(police_a) == codes(
        world, ("birth_a", RecordKind.REGISTER_RESIDENCE), ("death_a", RecordKind.REMOVE_RESIDENCE)
    ) | old(inherited, RecordKind.REGISTER_RESIDENCE)


def test_the_communes_social_insurance_sees_the_health_cards_only(world, inherited, social_insurance_a, commune_b):
    assert seen(social_insurance_a) == codes(world, ("birth_a", RecordKind.HEALTH_CARD)) | old(
        inherited, RecordKind.HEALTH_CARD
    )
    assert seen(make_user("bhxh.badinh", Role.SOCIAL_INSURANCE, commune_b)) == codes(
        world, ("birth_b", RecordKind.HEALTH_CARD)
    )


def test_another_communes_police_see_nothing_here(world, inherited, rural_commune, rural_district):
    assert seen(make_user("congan.bavi", Role.POLICE, rural_commune)) == set()
    assert seen(make_user("congan.huyenbavi", Role.POLICE, rural_district)) == set()


def test_the_district_police_account_reads_the_districts_history_only(world, inherited, district, district_police):
    """Quận Ba Đình's police account of before the reform: the records of its old communes, none of today's."""
    assert seen(district_police) == old(inherited, RecordKind.REGISTER_RESIDENCE)
    assert seen(make_user("bhxh.quanbadinh", Role.SOCIAL_INSURANCE, district)) == old(inherited, RecordKind.HEALTH_CARD)


def test_district_and_city_staff_see_their_jurisdiction(world, inherited, district_staff, city_staff, rural_district):
    residence_and_card = old(inherited, RecordKind.REGISTER_RESIDENCE, RecordKind.HEALTH_CARD)
    assert seen(district_staff) == residence_and_card
    assert seen(city_staff) == codes(world, *A_RECORDS, *B_RECORDS) | residence_and_card
    assert seen(make_user("huyen.bavi", Role.DISTRICT, rural_district)) == set()


def test_a_citizen_sees_none(world, citizen):
    assert seen(citizen) == set()


def queue(user, **query) -> list[tuple[str, str]]:
    return [(record.dossier.code, record.kind) for record in linked_record_queue(user, QueueQuery(**query))]


def test_the_queue_by_state_with_its_counts(world, clock, one_stop_a):
    failed = record(world["birth_a"])
    card = record(world["birth_a"], RecordKind.HEALTH_CARD)
    removal = record(world["death_a"], RecordKind.REMOVE_RESIDENCE)
    answer(card)
    answer(removal, "rejected")

    assert failed.status == RecordStatus.FAILED
    assert queue(one_stop_a, state="gui-loi") == [(world["birth_a"].code, RecordKind.REGISTER_RESIDENCE)]
    assert queue(one_stop_a, state="tu-choi") == [(world["death_a"].code, RecordKind.REMOVE_RESIDENCE)]
    assert queue(one_stop_a, state="da-xong") == [(world["birth_a"].code, RecordKind.HEALTH_CARD)]
    assert queue(one_stop_a, state="da-gui") == []
    assert len(queue(one_stop_a)) == 3, "all states, newest first"
    counts = linked_record_counts(one_stop_a)
    assert counts == {
        "": None,
        "gui-loi": 1,
        "qua-han": 0,
        "cho-gui": 0,
        "da-gui": 0,
        "tu-choi": 1,
        "da-xong": None,
    }


def test_a_record_past_the_agencys_time_and_not_answered_is_late(world, clock, one_stop_b):
    residence, card = record(world["birth_b"]), record(world["birth_b"], RecordKind.HEALTH_CARD)
    answer(card)
    card.refresh_from_db()
    assert not is_late(residence)

    clock.now = residence.due_at + timedelta(minutes=1)

    assert is_late(residence) and not is_late(card), "a completed record is never late"
    assert queue(one_stop_b, state="qua-han") == [(world["birth_b"].code, RecordKind.REGISTER_RESIDENCE)]
    assert linked_record_counts(one_stop_b)["qua-han"] == 1


def test_a_failed_record_past_its_time_is_late_too(world, clock, one_stop_a):
    failed = record(world["birth_a"])
    clock.now = failed.due_at + timedelta(seconds=1)

    assert (world["birth_a"].code, RecordKind.REGISTER_RESIDENCE) in queue(one_stop_a, state="qua-han")


def test_the_queue_filters_by_agency_and_dossier_code(world, city):
    staff = make_user("thanhpho", Role.CITY, city)

    assert set(queue(staff, agency=Agency.SOCIAL_INSURANCE)) == codes(
        world, ("birth_a", RecordKind.HEALTH_CARD), ("birth_b", RecordKind.HEALTH_CARD)
    )
    assert set(queue(staff, text=world["birth_b"].code)) == codes(world, *B_RECORDS)
    assert set(queue(staff, text=world["birth_b"].code, agency=Agency.POLICE)) == codes(world, B_RECORDS[0])


def test_an_unknown_state_means_every_state(world, one_stop_a):
    assert len(queue(one_stop_a, state="khong-co")) == 3


def test_one_record_with_its_attempts_and_callbacks_in_order(world, one_stop_a, django_assert_max_num_queries):
    card = record(world["birth_a"], RecordKind.HEALTH_CARD)
    answer(card)

    with django_assert_max_num_queries(4):
        found = linked_record_for_officer(one_stop_a, card.uuid)
        attempts = [(attempt.outcome, attempt.http_status) for attempt in found.attempts_log.all()]
        callbacks = [callback.outcome for callback in found.callbacks.all()]
        units = (found.dossier.unit.parent.name, found.dossier.register_entry.unit.parent.name)

    assert attempts == [("accepted", 202)]
    assert callbacks == ["applied"]
    assert units == ("Thành phố Hà Nội", "Thành phố Hà Nội")


@pytest.mark.parametrize("who", ["one_stop_b", "citizen"])
def test_a_record_out_of_sight_is_a_404(world, request, who):
    with pytest.raises(Http404):
        linked_record_for_officer(request.getfixturevalue(who), record(world["birth_a"]).uuid)


def test_the_police_cannot_open_a_health_card(world, police_a):
    with pytest.raises(Http404):
        linked_record_for_officer(police_a, record(world["birth_a"], RecordKind.HEALTH_CARD).uuid)
    assert linked_record_for_officer(police_a, record(world["birth_a"]).uuid).kind == RecordKind.REGISTER_RESIDENCE


def test_results_read_with_dates_as_people_write_them(world):
    residence, card = record(world["birth_b"]), record(world["birth_b"], RecordKind.HEALTH_CARD)
    removal = record(world["death_a"], RecordKind.REMOVE_RESIDENCE)
    assert result_rows(card) == [] and result_summary(card) == "", "nothing before the agency answers"
    for done in (residence, card, removal):
        answer(done)
        done.refresh_from_db()

    assert [(str(label), value) for label, value in result_rows(card)] == [
        ("Số thẻ bảo hiểm y tế", "TE1010100012345"),
        ("Có giá trị từ ngày", "13/11/2026"),
        ("Đến ngày", "30/11/2032"),
    ]
    assert result_summary(card) == "thẻ BHYT số TE1010100012345, có giá trị từ 13/11/2026 đến 30/11/2032"
    assert result_summary(residence) == "số hộ khẩu HK-001-0012345, đăng ký thường trú ngày 08/12/2026"
    assert result_summary(removal) == "số xóa đăng ký thường trú XT-001-0004567, ngày 08/12/2026"


def test_a_rejected_record_has_no_result(world):
    residence = record(world["birth_b"])
    answer(residence, "rejected")
    residence.refresh_from_db()

    assert (result_rows(residence), residence.reason) == ([], REFUSAL)


def test_the_payload_reads_as_labelled_groups(world):
    residence = record(world["birth_b"])

    sections = {
        str(title): {str(label): value for label, value in rows} for title, rows in payload_sections(residence.payload)
    }

    assert list(sections) == ["Việc đăng ký", "Người được đăng ký", "Hộ gia đình", "Cha, mẹ"]
    assert sections["Việc đăng ký"]["Nội dung liên thông"] == "Đăng ký thường trú cho trẻ"
    assert sections["Việc đăng ký"]["Mã hồ sơ"] == world["birth_b"].code
    assert sections["Người được đăng ký"]["Họ, chữ đệm, tên"] == "Nguyễn Minh Anh"
    assert sections["Người được đăng ký"]["Giới tính"] == "Nữ"
    assert "-" not in sections["Người được đăng ký"]["Ngày sinh"], "the birth date is shown dd/mm/yyyy"
    assert sections["Hộ gia đình"]["Chủ hộ"] == "Nguyễn Văn An"
    assert sections["Hộ gia đình"]["Số sổ hộ khẩu"] == ""
    assert sections["Cha, mẹ"]["Mẹ"] == "Trần Thị Bình"


def test_an_unknown_payload_field_is_shown_under_its_own_name():
    sections = payload_sections({"kind": "health_card", "extra": "x", "death": {"date": "1940", "cause": "y"}})

    assert [(str(title), [(str(label), value) for label, value in rows]) for title, rows in sections] == [
        ("Việc đăng ký", [("Nội dung liên thông", "Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi"), ("extra", "x")]),
        ("Việc chết", [("Ngày chết", "1940"), ("cause", "y")]),
    ]
