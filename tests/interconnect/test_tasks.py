"""Pushing linked records: retries with backoff on 5xx and timeouts (the agency stores the record once thanks to
its idempotency key), no retry on a refusal, failure after the last attempt, the sweeper that finds what a lost
message left behind, polling when no callback comes, and the officer's re-send."""

from datetime import timedelta

import pytest

from interconnect.models import LinkedRecord, LinkedRecordAttempt, RecordKind, RecordStatus
from interconnect.services import LinkedRecordActionError, linked_record_resend, retry_delay
from interconnect.tasks import linked_record_poll, linked_record_push, linked_records_sweep
from procedures.models import Dossier, Status
from tests.procedures.helpers import procedure_of

pytestmark = pytest.mark.django_db

HEALTH_CARD = {"card_number": "TE1010100012345", "valid_from": "2026-11-13", "valid_to": "2032-11-30"}
RESIDENCE = {"household_registration_number": "HK-001-0012345", "registered_on": "2026-12-08"}


@pytest.fixture
def dossier(agencies, clock, signing, birth_3in1):
    """A 3-in-1 birth dossier waiting for the leader's signature (Monday 7 December 2026, 09:00)."""
    return signing(birth_3in1)


def record(dossier, kind=RecordKind.REGISTER_RESIDENCE) -> LinkedRecord:
    return LinkedRecord.objects.get(dossier=dossier, kind=kind)


def attempts(record: LinkedRecord) -> list[tuple]:
    return list(record.attempts_log.values_list("outcome", "http_status", "error"))


def status_of(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).status


def test_backoff_grows_exponentially_with_jitter_up_to_an_hour():
    for attempt, ceiling in ((1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)):
        delays = [retry_delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1, "jitter spreads the retries"


def test_after_commit_each_record_is_pushed_once_and_marked_sent(agencies, clock, dossier, approve):
    approve(dossier)

    for kind in (RecordKind.REGISTER_RESIDENCE, RecordKind.HEALTH_CARD):
        pushed = record(dossier, kind)
        assert (pushed.status, pushed.attempts, pushed.sent_at) == (RecordStatus.SENT, 1, clock.now)
        assert pushed.agency_ref == f"R-{str(pushed.uuid)[:8]}"
        assert attempts(pushed) == [("accepted", 202, "")]
    assert [len(agency.posts()) for agency in agencies.values()] == [1, 1]
    assert status_of(dossier) == Status.REGISTERED, "the dossier waits for the agencies' answers"


def test_a_500_is_retried_after_a_backoff_and_the_agency_keeps_one_record(agencies, clock, dossier, approve):
    police = agencies["police"]
    police.plan.append(("store_then", 500))  # it saved the record, then failed to answer

    approve(dossier)

    pending = record(dossier)
    assert (pending.status, pending.attempts) == (RecordStatus.PENDING, 1)
    assert clock.now + timedelta(seconds=15) <= pending.next_attempt_at <= clock.now + timedelta(seconds=30)
    assert attempts(pending) == [("unavailable", 500, "")]
    assert len(police.posts()) == 1, "the retry waits for its time, even when its message comes early"

    clock.now += timedelta(seconds=31)
    linked_record_push(record_id=pending.pk)

    sent = record(dossier)
    assert (sent.status, sent.attempts) == (RecordStatus.SENT, 2)
    assert attempts(sent) == [("unavailable", 500, ""), ("accepted", 200, "")]
    assert len(police.posts()) == 2
    assert {post.headers["Idempotency-Key"] for post in police.posts()} == {str(sent.uuid)}
    assert len(police.stored) == 1, "the repeat is recognised by its idempotency key"


def test_a_timeout_is_retried(agencies, clock, dossier, approve):
    agencies["police"].plan.append(("slow", 0.8))

    approve(dossier)

    assert record(dossier).status == RecordStatus.PENDING
    assert attempts(record(dossier)) == [("unavailable", None, "timeout")]
    clock.now += timedelta(minutes=1)
    linked_record_push(record_id=record(dossier).pk)
    assert record(dossier).status == RecordStatus.SENT
    assert len(agencies["police"].stored) == 1


def test_a_refusal_fails_the_record_at_once_with_the_agencys_reason(agencies, clock, dossier, approve):
    fields = {"household.address": ["Không tìm thấy địa chỉ trong cơ sở dữ liệu cư trú."]}
    agencies["police"].plan.append(("answer", 422, {"error": "invalid", "fields": fields}))

    approve(dossier)

    failed = record(dossier)
    assert (failed.status, failed.next_attempt_at) == (RecordStatus.FAILED, None)
    assert failed.reason == (
        "Công an (đăng ký cư trú) không nhận hồ sơ vì dữ liệu chưa hợp lệ: "
        "household.address: Không tìm thấy địa chỉ trong cơ sở dữ liệu cư trú."
    )
    clock.now += timedelta(hours=2)
    linked_record_push(record_id=failed.pk)
    linked_records_sweep()
    assert len(agencies["police"].posts()) == 1, "never retried"
    assert status_of(dossier) == Status.REGISTERED, "a failed record is not final: the officer re-sends it"


def test_a_refused_signature_fails_the_record_for_the_officer_to_check_the_configuration(
    agencies, clock, dossier, approve
):
    agencies["social_insurance"].plan.append(("answer", 403, {"error": "bad_signature"}))

    approve(dossier)

    failed = record(dossier, RecordKind.HEALTH_CARD)
    assert failed.status == RecordStatus.FAILED
    assert "không chấp nhận kết nối (mã 403)" in failed.reason
    assert attempts(failed) == [("misconfigured", 403, "")]


def test_after_the_last_attempt_the_record_fails(settings, agencies, clock, dossier, approve):
    settings.INTERCONNECT_MAX_ATTEMPTS = 3
    agencies["police"].plan.extend([("answer", 503, {})] * 3)

    approve(dossier)
    for _ in range(2):
        clock.now += timedelta(minutes=5)
        linked_record_push(record_id=record(dossier).pk)

    failed = record(dossier)
    assert (failed.status, failed.attempts) == (RecordStatus.FAILED, 3)
    assert failed.reason == "Không liên lạc được với Công an (đăng ký cư trú) sau 3 lần gửi (lần cuối: 503)."
    assert attempts(failed) == [("unavailable", 503, "")] * 3


def test_a_repeated_push_message_does_nothing(agencies, clock, dossier, approve):
    approve(dossier)

    linked_record_push(record_id=record(dossier).pk)
    clock.now += timedelta(hours=1)
    linked_record_push(record_id=record(dossier).pk)

    assert len(agencies["police"].posts()) == 1
    assert record(dossier).attempts == 1


def test_the_sweeper_pushes_a_pending_record_whose_message_was_lost(agencies, clock, dossier, approve):
    approve(dossier, commit=False)  # committed, but the broker never got the messages

    assert linked_records_sweep() == {"pushed": 0, "polled": 0, "settled": 0}, "its own message may still come"
    clock.now += timedelta(minutes=2)
    assert linked_records_sweep() == {"pushed": 2, "polled": 0, "settled": 0}

    assert {r.status for r in LinkedRecord.objects.filter(dossier=dossier)} == {RecordStatus.SENT}
    assert [len(agency.posts()) for agency in agencies.values()] == [1, 1]


def test_the_sweeper_pushes_again_a_record_whose_worker_died_mid_push(agencies, clock, dossier, approve):
    approve(dossier, commit=False)
    # A worker claimed it (attempt counted, lease taken) and died before writing anything else.
    lease = clock.now + timedelta(seconds=70)
    LinkedRecord.objects.filter(dossier=dossier).update(attempts=1, next_attempt_at=lease)

    clock.now += timedelta(minutes=1)
    assert linked_records_sweep()["pushed"] == 0, "the lease still holds"
    clock.now += timedelta(minutes=2)
    assert linked_records_sweep()["pushed"] == 2

    assert record(dossier).status == RecordStatus.SENT


def test_the_sweeper_polls_sent_records_with_no_callback_and_settles_the_dossier(
    agencies, clock, dossier, approve, django_capture_on_commit_callbacks
):
    approve(dossier)
    residence, card = record(dossier), record(dossier, RecordKind.HEALTH_CARD)
    agencies["police"].states[str(residence.uuid)] = {"status": "completed", "result": RESIDENCE}
    agencies["social_insurance"].states[str(card.uuid)] = {"status": "processing"}

    clock.now += timedelta(minutes=10)
    assert linked_records_sweep()["polled"] == 0, "not yet: a callback may still come"
    clock.now += timedelta(minutes=6)
    assert linked_records_sweep()["polled"] == 2

    assert (record(dossier).status, record(dossier).result) == (RecordStatus.COMPLETED, RESIDENCE)
    still = record(dossier, RecordKind.HEALTH_CARD)
    assert still.status == RecordStatus.SENT
    assert still.next_attempt_at == clock.now + timedelta(minutes=15)
    assert attempts(still) == [("accepted", 202, ""), ("answered", 200, "")]
    assert status_of(dossier) == Status.REGISTERED

    agencies["social_insurance"].states[str(card.uuid)] = {"status": "completed", "result": HEALTH_CARD}
    clock.now += timedelta(minutes=15)
    with django_capture_on_commit_callbacks(execute=True):
        linked_records_sweep()

    assert record(dossier, RecordKind.HEALTH_CARD).result == HEALTH_CARD
    assert status_of(dossier) == Status.RESULT_READY


def test_a_poll_that_finds_no_record_at_the_agency_sends_it_again(
    agencies, clock, dossier, approve, django_capture_on_commit_callbacks
):
    approve(dossier)
    police = agencies["police"]
    police.stored.clear()  # the agency lost it

    clock.now += timedelta(minutes=16)
    with django_capture_on_commit_callbacks(execute=True):
        linked_record_poll(record_id=record(dossier).pk)

    assert record(dossier).status == RecordStatus.SENT
    assert [request.method for request in police.seen] == ["POST", "GET", "POST"]
    assert len(police.stored) == 1


def test_the_sweeper_settles_a_plain_dossier_whose_settle_message_was_lost(agencies, clock, signing, approve):
    plain = approve(signing(procedure_of("birth")), commit=False)

    assert linked_records_sweep()["settled"] == 1

    assert status_of(plain) == Status.RESULT_READY


def test_the_sweeper_leaves_a_3in1_dossier_without_records_alone(agencies, clock, signing, birth_3in1, leader_a):
    from procedures import services, transitions

    # Registered before the interconnect opened records: nothing the sweeper could settle it on.
    dossier = signing(birth_3in1)
    services._dossier_fire(dossier_id=dossier.pk, actor=leader_a, spec=transitions.APPROVE)
    LinkedRecord.objects.filter(dossier=dossier).delete()

    assert linked_records_sweep()["settled"] == 0
    assert status_of(dossier) == Status.REGISTERED


def test_the_officer_resends_a_failed_record_for_a_new_round_of_attempts(
    agencies, clock, dossier, approve, justice_a, django_capture_on_commit_callbacks
):
    agencies["police"].plan.append(("answer", 403, {"error": "bad_signature"}))
    approve(dossier)
    clock.now += timedelta(minutes=30)

    with django_capture_on_commit_callbacks(execute=True):
        linked_record_resend(record=record(dossier), officer=justice_a)

    resent = record(dossier)
    assert (resent.status, resent.attempts, resent.reason) == (RecordStatus.SENT, 1, "")
    assert (resent.resent_by, resent.resent_at) == (justice_a, clock.now)
    assert [outcome for outcome, *_ in attempts(resent)] == ["misconfigured", "accepted"]
    assert LinkedRecordAttempt.objects.filter(record=resent).count() == 2


@pytest.mark.parametrize("who", ["leader_a", "justice_b", "citizen"])
def test_only_the_communes_one_stop_or_justice_officer_may_resend(agencies, clock, dossier, approve, request, who):
    agencies["police"].plan.append(("answer", 403, {}))
    approve(dossier)

    with pytest.raises(LinkedRecordActionError):
        linked_record_resend(record=record(dossier), officer=request.getfixturevalue(who))

    assert record(dossier).status == RecordStatus.FAILED


def test_a_record_that_has_not_failed_is_not_resent(agencies, clock, dossier, approve, one_stop_a):
    approve(dossier)

    with pytest.raises(LinkedRecordActionError):
        linked_record_resend(record=record(dossier), officer=one_stop_a)
