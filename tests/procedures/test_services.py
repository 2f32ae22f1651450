"""The dossier services on the database: each transition with its event and effects, and every refusal."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from egov.workcal.calendar import get_calendar
from procedures.models import AppendOnlyError, Channel, Dossier, DossierAccess, DossierEvent, Status
from procedures.services import (
    DossierActionError,
    dossier_access_record,
    dossier_approve,
    dossier_create_draft,
    dossier_deliver,
    dossier_propose,
    dossier_receive,
    dossier_refuse,
    dossier_reject,
    dossier_request_supplement,
    dossier_resubmit,
    dossier_send_back,
    dossier_settle,
    dossier_start,
    dossier_submit,
    dossier_withdraw,
)
from tests.conftest import require_in_ci
from tests.procedures.helpers import make_procedure
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

NO_REASON = "Hãy ghi rõ lý do để người nộp hồ sơ biết cần làm gì."
NO_RIGHT = "Bạn không có quyền thực hiện thao tác này"
WRONG_STATE = "không thể thực hiện thao tác này"

# December 2026: Mon 7 … Fri 11, Sat 12, Sun 13, Mon 14; no public holiday.
MONDAY = (2026, 12, 7)


@pytest.fixture
def counter_draft(one_stop_a, commune_a, birth_procedure):
    return dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=one_stop_a, channel=Channel.COUNTER
    )


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def last_event(dossier: Dossier) -> DossierEvent:
    return dossier.events.order_by("-pk").first()


def event_row(event: DossierEvent) -> tuple:
    return (event.action, event.actor, event.from_status, event.to_status, event.reason)


# --- walking the machine ------------------------------------------------------------------------------


@pytest.fixture
def walk(clock, draft, citizen, one_stop_a, justice_a, leader_a):
    """Fire transitions on the citizen's online birth dossier at commune A, each a minute later."""

    class Walk:
        dossier = draft

        def __call__(self, service, **kwargs) -> Dossier:
            clock.set(clock.now + timedelta(minutes=1))
            self.dossier = service(dossier=self.dossier, **kwargs)
            return self.dossier

        def to_processing(self) -> Dossier:
            self(dossier_submit, actor=citizen)
            self(dossier_receive, officer=one_stop_a)
            return self(dossier_start, officer=justice_a)

        def to_signature(self) -> Dossier:
            self.to_processing()
            return self(dossier_propose, officer=justice_a)

    return Walk()


def test_submit_gives_the_code_and_the_event(walk, clock, citizen):
    dossier = walk(dossier_submit, actor=citizen)

    assert dossier.status == Status.SUBMITTED
    assert dossier.code == "00097-261207-0001"
    assert dossier.submitted_at == clock.now
    assert fresh(dossier).code == "00097-261207-0001"
    event = last_event(dossier)
    assert event_row(event) == ("submit", citizen, Status.DRAFT, Status.SUBMITTED, "")
    assert event.at == clock.now


@pytest.fixture
def draft_before_the_reform(clock, citizen, old_commune_a, commune_a, birth_procedure):
    """A citizen's online draft begun at Phường Phúc Xá on Friday 20/06/2025, before the reform."""
    clock.set(at(2025, 6, 20, 9))
    return dossier_create_draft(
        procedure=birth_procedure, unit=old_commune_a, applicant=citizen, channel=Channel.ONLINE_SELF
    )


def test_a_draft_begun_at_an_abolished_commune_is_filed_at_the_one_holding_its_records(
    clock, draft_before_the_reform, citizen, commune_a, one_stop_a
):
    clock.set(at(*MONDAY, 9))

    dossier = dossier_submit(dossier=draft_before_the_reform, actor=citizen)

    assert (fresh(dossier).unit, fresh(dossier).code) == (commune_a, "00097-261207-0001")
    # Hồng Hà's counter receives it like any of its own.
    assert dossier_receive(dossier=dossier, officer=one_stop_a).status == Status.RECEIVED


def test_a_draft_submitted_before_the_reform_stays_at_its_commune(clock, draft_before_the_reform, citizen):
    clock.set(at(2025, 6, 30, 9))

    dossier = dossier_submit(dossier=draft_before_the_reform, actor=citizen)

    assert (fresh(dossier).unit.name, fresh(dossier).code) == ("Phường Phúc Xá", "00001-250630-0001")


def test_submit_records_a_late_registration_with_the_transition(draft, citizen):
    dossier_submit(dossier=draft, actor=citizen, is_late=True)

    assert fresh(draft).is_late is True
    assert fresh(draft).status == Status.SUBMITTED


def test_a_refused_submit_leaves_the_late_flag_unchanged(draft, other_citizen):
    with pytest.raises(DossierActionError):
        dossier_submit(dossier=draft, actor=other_citizen, is_late=True)

    assert fresh(draft).is_late is False
    assert fresh(draft).status == Status.DRAFT


def test_the_whole_happy_path_writes_one_event_per_step(walk, citizen, one_stop_a, justice_a, leader_a):
    walk.to_signature()
    walk(dossier_approve, leader=leader_a)
    walk(dossier_settle)
    dossier = walk(dossier_deliver, officer=one_stop_a)

    assert fresh(dossier).status == Status.DELIVERED
    assert [event_row(e) for e in dossier.events.all()] == [
        ("submit", citizen, Status.DRAFT, Status.SUBMITTED, ""),
        ("receive", one_stop_a, Status.SUBMITTED, Status.RECEIVED, ""),
        ("start", justice_a, Status.RECEIVED, Status.PROCESSING, ""),
        ("propose", justice_a, Status.PROCESSING, Status.AWAITING_SIGNATURE, ""),
        ("approve", leader_a, Status.AWAITING_SIGNATURE, Status.REGISTERED, ""),
        ("settle", None, Status.REGISTERED, Status.RESULT_READY, ""),
        ("deliver", one_stop_a, Status.RESULT_READY, Status.DELIVERED, ""),
    ]


def test_start_makes_the_justice_officer_the_assignee(walk, justice_a):
    dossier = walk.to_processing()

    assert fresh(dossier).assignee == justice_a


def test_send_back_returns_the_draft_to_processing_with_the_reason(walk, leader_a):
    walk.to_signature()

    dossier = walk(dossier_send_back, leader=leader_a, reason="Sai tên mẹ trong dự thảo.")

    assert fresh(dossier).status == Status.PROCESSING
    assert event_row(last_event(dossier)) == (
        "send_back",
        leader_a,
        Status.AWAITING_SIGNATURE,
        Status.PROCESSING,
        "Sai tên mẹ trong dự thảo.",
    )


@pytest.mark.parametrize(
    ("finish", "status"),
    [("refuse", Status.REFUSED), ("withdraw", Status.WITHDRAWN), ("reject", Status.REJECTED)],
)
def test_finishing_actions_set_finished_at_and_keep_the_reason(
    walk, clock, citizen, one_stop_a, leader_a, finish, status
):
    reason = "Giấy chứng sinh không rõ."
    if finish == "refuse":
        walk(dossier_submit, actor=citizen)
        dossier = walk(dossier_refuse, officer=one_stop_a, reason=reason)
    elif finish == "withdraw":
        walk(dossier_submit, actor=citizen)
        dossier = walk(dossier_withdraw, actor=citizen, reason=reason)
    else:
        walk.to_signature()
        dossier = walk(dossier_reject, leader=leader_a, reason=reason)

    stored = fresh(dossier)
    assert stored.status == status
    assert stored.finished_at == clock.now
    assert last_event(stored).reason == reason
    if finish != "withdraw":
        assert stored.decision_reason == reason


def test_deliver_sets_finished_at(walk, clock, one_stop_a, leader_a):
    walk.to_signature()
    walk(dossier_approve, leader=leader_a)
    walk(dossier_settle)
    assert fresh(walk.dossier).finished_at is None

    dossier = walk(dossier_deliver, officer=one_stop_a)

    assert fresh(dossier).finished_at == clock.now


# --- codes --------------------------------------------------------------------------------------------


def test_codes_count_per_unit_per_day(clock, citizen, other_citizen, commune_a, commune_b, birth_procedure):
    def filed(applicant, unit, moment) -> str:
        clock.set(moment)
        draft = dossier_create_draft(
            procedure=birth_procedure, unit=unit, applicant=applicant, channel=Channel.ONLINE_SELF
        )
        return dossier_submit(dossier=draft, actor=applicant).code

    assert filed(citizen, commune_a, at(*MONDAY, 9)) == "00097-261207-0001"
    assert filed(other_citizen, commune_a, at(*MONDAY, 10)) == "00097-261207-0002"
    assert filed(citizen, commune_b, at(*MONDAY, 10)) == "00004-261207-0001"
    # After the 15:00 cut-off the dossier belongs to the next working day, and so does its code.
    assert filed(citizen, commune_a, at(*MONDAY, 15, 1)) == "00097-261208-0001"
    # A Saturday filing is received on Monday.
    assert filed(citizen, commune_a, at(2026, 12, 12, 10)) == "00097-261214-0001"
    assert filed(other_citizen, commune_a, at(2026, 12, 8, 9)) == "00097-261208-0002"


# --- due times ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(*MONDAY, 10), at(*MONDAY, 17)),
        (at(*MONDAY, 15), at(*MONDAY, 17)),
        (at(*MONDAY, 15, 30), at(2026, 12, 8, 17)),
        (at(2026, 12, 11, 16), at(2026, 12, 14, 17)),
    ],
    ids=["morning", "at-the-cut-off", "after-the-cut-off", "friday-evening"],
)
def test_receive_sets_the_same_day_due_time(clock, counter_draft, one_stop_a, received, due):
    clock.set(at(*MONDAY, 8, 30))
    dossier = dossier_submit(dossier=counter_draft, actor=one_stop_a)
    clock.set(received)

    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    stored = fresh(dossier)
    assert stored.received_at == received
    assert stored.due_at == due


def test_a_three_day_procedure_runs_across_the_weekend(clock, commune_a, one_stop_a):
    procedure = make_procedure("KT", form_kind="death", days="3", name="Đăng ký khai tử")
    draft = dossier_create_draft(procedure=procedure, unit=commune_a, applicant=one_stop_a, channel=Channel.COUNTER)
    clock.set(at(2026, 12, 10, 8))
    dossier = dossier_submit(dossier=draft, actor=one_stop_a)

    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    # Thursday, Friday, Monday.
    assert fresh(dossier).due_at == at(2026, 12, 14, 17)


@pytest.mark.parametrize(("days", "due"), [("0", at(2026, 12, 14, 17)), ("3", at(2026, 12, 16, 17))])
def test_an_online_dossier_sent_on_saturday_counts_from_monday_morning(clock, draft, citizen, one_stop_a, days, due):
    draft.procedure.processing_days_urban = days
    draft.procedure.save(update_fields=["processing_days_urban"])
    clock.set(at(2026, 12, 12, 21))
    dossier = dossier_submit(dossier=draft, actor=citizen)
    clock.set(at(2026, 12, 14, 10, 30))

    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    assert dossier.code == "00097-261214-0001"
    assert fresh(dossier).due_at == due


# --- supplements --------------------------------------------------------------------------------------


def test_a_supplement_during_processing_pauses_the_clock(clock, draft, citizen, one_stop_a, justice_a):
    draft.procedure.processing_days_urban = 3
    draft.procedure.save(update_fields=["processing_days_urban"])
    clock.set(at(*MONDAY, 8))
    dossier = dossier_submit(dossier=draft, actor=citizen)
    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)
    assert dossier.due_at == at(2026, 12, 9, 17)
    clock.set(at(*MONDAY, 9))
    dossier = dossier_start(dossier=dossier, officer=justice_a)
    clock.set(at(*MONDAY, 10))

    dossier = dossier_request_supplement(dossier=dossier, officer=justice_a, reason="Thiếu giấy chứng sinh bản gốc.")

    stored = fresh(dossier)
    assert (stored.status, stored.paused_at, stored.supplement_from) == (
        Status.NEEDS_SUPPLEMENT,
        at(*MONDAY, 10),
        Status.PROCESSING,
    )
    assert event_row(last_event(stored)) == (
        "request_supplement",
        justice_a,
        Status.PROCESSING,
        Status.NEEDS_SUPPLEMENT,
        "Thiếu giấy chứng sinh bản gốc.",
    )

    clock.set(at(2026, 12, 10, 10))
    dossier = dossier_resubmit(dossier=stored, actor=citizen)

    stored = fresh(dossier)
    assert (stored.status, stored.paused_at, stored.supplement_from) == (Status.PROCESSING, None, "")
    # 2.75 working days were left on Monday 10:00; they run again from Thursday 10:00.
    assert stored.due_at == at(2026, 12, 14, 17)
    calendar = get_calendar()
    paused = calendar.working_time_between(at(*MONDAY, 10), at(2026, 12, 10, 10))
    assert calendar.working_time_between(at(2026, 12, 9, 17), stored.due_at) == paused == 3
    assert event_row(last_event(stored)) == ("resubmit", citizen, Status.NEEDS_SUPPLEMENT, Status.PROCESSING, "")


def test_a_supplement_at_receipt_goes_back_to_the_counter(clock, draft, citizen, one_stop_a):
    dossier = dossier_submit(dossier=draft, actor=citizen)
    dossier = dossier_request_supplement(dossier=dossier, officer=one_stop_a, reason="Ảnh chụp bị mờ.")
    assert fresh(dossier).supplement_from == Status.SUBMITTED
    clock.set(at(2026, 12, 8, 9))

    dossier = dossier_resubmit(dossier=dossier, actor=citizen)

    stored = fresh(dossier)
    assert (stored.status, stored.due_at, stored.paused_at, stored.supplement_from) == (
        Status.SUBMITTED,
        None,
        None,
        "",
    )
    assert stored.code == "00097-261207-0001"
    assert event_row(last_event(stored)) == ("resubmit", citizen, Status.NEEDS_SUPPLEMENT, Status.SUBMITTED, "")


def test_after_a_supplement_at_receipt_the_clock_counts_from_the_completed_dossier(clock, draft, citizen, one_stop_a):
    dossier = dossier_submit(dossier=draft, actor=citizen)
    dossier = dossier_request_supplement(dossier=dossier, officer=one_stop_a, reason="Ảnh chụp bị mờ.")
    clock.set(at(2026, 12, 9, 10))
    dossier = dossier_resubmit(dossier=dossier, actor=citizen)
    clock.set(at(2026, 12, 9, 11))

    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    stored = fresh(dossier)
    assert stored.submitted_at == at(2026, 12, 9, 10)
    # Not Monday 17:00, which would make the dossier late on the day it is received.
    assert stored.due_at == at(2026, 12, 9, 17)


# --- refusals: nothing changes ------------------------------------------------------------------------


def snapshot(dossier: Dossier) -> tuple:
    stored = fresh(dossier)
    return (
        stored.status,
        stored.code,
        stored.due_at,
        stored.received_at,
        stored.assignee_id,
        stored.decision_reason,
        stored.events.count(),
    )


@pytest.mark.parametrize(
    ("service", "role"),
    [
        (dossier_request_supplement, "officer"),
        (dossier_refuse, "officer"),
        (dossier_reject, "leader"),
        (dossier_send_back, "leader"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   \n"])
def test_a_reason_is_required(walk, citizen, one_stop_a, leader_a, service, role, blank):
    if service in (dossier_reject, dossier_send_back):
        walk.to_signature()
        actor = leader_a
    else:
        walk(dossier_submit, actor=citizen)
        actor = one_stop_a
    before = snapshot(walk.dossier)

    with pytest.raises(DossierActionError, match=NO_REASON):
        service(dossier=walk.dossier, **{role: actor}, reason=blank)

    assert snapshot(walk.dossier) == before


# Each line: how far to walk, the service, its actor keyword, the persona who tries, the message.
REFUSALS = [
    ("draft", dossier_submit, "actor", "other_citizen", NO_RIGHT),
    ("draft", dossier_submit, "actor", "one_stop_a", NO_RIGHT),
    ("submitted", dossier_receive, "officer", "one_stop_b", NO_RIGHT),
    ("submitted", dossier_receive, "officer", "justice_a", NO_RIGHT),
    ("submitted", dossier_receive, "officer", "citizen", NO_RIGHT),
    ("submitted", dossier_start, "officer", "justice_a", WRONG_STATE),
    ("submitted", dossier_submit, "actor", "citizen", WRONG_STATE),
    ("received", dossier_start, "officer", "justice_b", NO_RIGHT),
    ("received", dossier_start, "officer", "one_stop_a", NO_RIGHT),
    ("received", dossier_receive, "officer", "one_stop_a", WRONG_STATE),
    ("processing", dossier_propose, "officer", "justice_b", NO_RIGHT),
    ("processing", dossier_propose, "officer", "leader_a", NO_RIGHT),
    ("processing", dossier_approve, "leader", "leader_a", WRONG_STATE),
    ("processing", dossier_withdraw, "actor", "citizen", WRONG_STATE),
    ("signature", dossier_approve, "leader", "leader_b", NO_RIGHT),
    ("signature", dossier_approve, "leader", "justice_a", NO_RIGHT),
    ("signature", dossier_approve, "leader", "citizen", NO_RIGHT),
    ("signature", dossier_deliver, "officer", "one_stop_a", WRONG_STATE),
    ("signature", dossier_propose, "officer", "justice_a", WRONG_STATE),
]


@pytest.mark.parametrize(
    ("stage", "service", "keyword", "persona", "message"),
    REFUSALS,
    ids=[f"{stage}-{service.__name__}-{persona}" for stage, service, _, persona, _ in REFUSALS],
)
def test_a_refused_action_changes_nothing(
    request, walk, citizen, one_stop_a, stage, service, keyword, persona, message
):
    if stage != "draft":
        walk(dossier_submit, actor=citizen)
    if stage in ("received", "processing", "signature"):
        walk(dossier_receive, officer=one_stop_a)
    if stage in ("processing", "signature"):
        walk(dossier_start, officer=request.getfixturevalue("justice_a"))
    if stage == "signature":
        walk(dossier_propose, officer=request.getfixturevalue("justice_a"))
    before = snapshot(walk.dossier)

    with pytest.raises(DossierActionError, match=message):
        service(dossier=walk.dossier, **{keyword: request.getfixturevalue(persona)})

    assert snapshot(walk.dossier) == before


def test_a_refused_submit_takes_no_code(walk, other_citizen):
    with pytest.raises(DossierActionError):
        walk(dossier_submit, actor=other_citizen)

    assert fresh(walk.dossier).code is None
    assert not walk.dossier.events.exists()


def test_the_state_message_names_the_code_and_the_status(walk, citizen, one_stop_a):
    walk(dossier_submit, actor=citizen)
    walk(dossier_receive, officer=one_stop_a)

    with pytest.raises(DossierActionError) as refused:
        dossier_receive(dossier=walk.dossier, officer=one_stop_a)

    assert str(refused.value).startswith("Hồ sơ 00097-261207-0001 đang ở trạng thái “Đã tiếp nhận”")


# --- the event log ------------------------------------------------------------------------------------


def test_events_are_append_only(walk, citizen):
    walk(dossier_submit, actor=citizen)
    event = last_event(walk.dossier)

    event.reason = "sửa lại"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()

    assert DossierEvent.objects.get(pk=event.pk).reason == ""


# --- the access log ---------------------------------------------------------------------------------------------


@pytest.fixture
def opened(draft, citizen, one_stop_a):
    """A filed dossier the one-stop officer of commune A has opened once."""
    dossier = dossier_submit(dossier=draft, actor=citizen)
    dossier_access_record(dossier=dossier, user=one_stop_a, what=DossierAccess.What.DOSSIER)
    return dossier


def test_an_officers_look_is_recorded_the_requesters_is_not(opened, citizen):
    dossier_access_record(dossier=opened, user=citizen, what=DossierAccess.What.DOSSIER)

    assert [access.user.username for access in opened.accesses.all()] == ["motcua.a"]


def test_accesses_are_append_only(opened):
    access = opened.accesses.get()

    access.detail = "sửa lại"
    with pytest.raises(AppendOnlyError):
        access.save()
    with pytest.raises(AppendOnlyError):
        access.delete()
    with pytest.raises(AppendOnlyError):
        DossierAccess.objects.filter(pk=access.pk).update(detail="sửa lại")
    with pytest.raises(AppendOnlyError):
        DossierAccess.objects.all().delete()

    assert DossierAccess.objects.get(pk=access.pk).detail == ""


def test_a_dossier_someone_opened_cannot_be_deleted_an_unopened_draft_can(opened, citizen, commune_a, birth_procedure):
    """Deleting the dossier would take its accesses with it. Only a citizen's unsubmitted draft could ever be purged,
    and no officer opens one."""
    with pytest.raises(ProtectedError):
        opened.delete()
    draft = dossier_create_draft(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel="online_self")
    draft.delete()

    assert DossierAccess.objects.filter(dossier=opened).count() == 1


@pytest.mark.parametrize(
    "sql", ["UPDATE procedures_dossieraccess SET detail = 'x'", "DELETE FROM procedures_dossieraccess"]
)
def test_postgresql_refuses_to_change_an_access_whoever_asks(opened, sql):
    if connection.vendor != "postgresql":
        require_in_ci("PostgreSQL")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert DossierAccess.objects.filter(dossier=opened, detail="").count() == 1
