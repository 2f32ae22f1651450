"""The agencies' callback endpoint: a signed answer completes or rejects a record and the last one settles the
dossier; repeats are harmless, a late contradiction is logged as a conflict, and a bad signature, an unknown
record, a malformed body or a GET change nothing."""

import json
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from egov.notifications import gateway
from interconnect.models import AgencyCallback, LinkedRecord, RecordKind, RecordStatus
from procedures.models import Dossier, Status
from tests.interconnect.agencies import SECRETS, sign

pytestmark = pytest.mark.django_db

HEALTH_CARD = {"card_number": "TE1010100012345", "valid_from": "2026-11-13", "valid_to": "2032-11-30"}
RESIDENCE = {"household_registration_number": "HK-001-0012345", "registered_on": "2026-12-08"}
REFUSAL = "Địa chỉ hộ khẩu không khớp cơ sở dữ liệu cư trú."


@pytest.fixture
def dossier(agencies, signing, approve, birth_3in1):
    """A registered 3-in-1 birth whose two records were sent and wait for the agencies' answers."""
    dossier = approve(signing(birth_3in1))
    assert set(LinkedRecord.objects.filter(dossier=dossier).values_list("status", flat=True)) == {RecordStatus.SENT}
    gateway.sms_outbox.clear()
    return dossier


@pytest.fixture
def refusals(caplog):
    """The log lines of refused callbacks, as (level, message), counted from zero (the counts live in the cache)."""
    cache.clear()
    caplog.set_level("WARNING", logger="interconnect.callbacks")
    return lambda: [
        (line.levelname, line.getMessage()) for line in caplog.records if line.name == "interconnect.callbacks"
    ]


def record(dossier, kind=RecordKind.REGISTER_RESIDENCE) -> LinkedRecord:
    return LinkedRecord.objects.get(dossier=dossier, kind=kind)


def status_of(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).status


def answer(record: LinkedRecord, status: str = "completed", *, event_id: str | None = None, **fields) -> dict:
    body = {"event_id": event_id or str(uuid.uuid4()), "id": str(record.uuid), "status": status}
    if status == "completed":
        body["result"] = RESIDENCE if record.kind == RecordKind.REGISTER_RESIDENCE else HEALTH_CARD
    else:
        body["reason"] = REFUSAL
    return {**body, **fields}


def post(agency: str, body: dict | bytes, *, secret: str | None = None, headers: dict | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    signed = sign(secret or SECRETS[agency], raw) if headers is None else headers
    # enforce_csrf_checks: the agency has no CSRF token, and must not need one.
    client = Client(enforce_csrf_checks=True)
    return client.post(
        reverse("interconnect:callback", kwargs={"agency": agency}),
        raw,
        content_type="application/json; charset=utf-8",
        headers=signed,
    )


def test_a_completion_is_stored_and_the_last_one_settles_the_dossier(settings, dossier):
    response = post("police", answer(record(dossier)))

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    completed = record(dossier)
    assert (completed.status, completed.result) == (RecordStatus.COMPLETED, RESIDENCE)
    assert completed.answered_at is not None
    [logged] = AgencyCallback.objects.filter(record=completed)
    assert (logged.outcome, logged.repeats) == ("applied", 0)
    assert status_of(dossier) == Status.REGISTERED, "social insurance has not answered yet"

    assert post("social_insurance", answer(record(dossier, RecordKind.HEALTH_CARD))).status_code == 200

    assert record(dossier, RecordKind.HEALTH_CARD).result == HEALTH_CARD
    assert status_of(dossier) == Status.RESULT_READY
    assert Dossier.objects.get(pk=dossier.pk).events.last().action == "settle"


def test_a_rejection_keeps_the_reason_and_the_registration_still_settles(dossier):
    assert post("police", answer(record(dossier), "rejected")).status_code == 200
    assert post("social_insurance", answer(record(dossier, RecordKind.HEALTH_CARD))).status_code == 200

    rejected = record(dossier)
    assert (rejected.status, rejected.reason, rejected.result) == (RecordStatus.REJECTED, REFUSAL, {})
    assert status_of(dossier) == Status.RESULT_READY, "the birth certificate is the citizen's whatever the police say"


def test_a_repeated_event_is_answered_ok_and_changes_nothing(dossier):
    body = answer(record(dossier))
    post("police", body)

    response = post("police", body)

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    [logged] = AgencyCallback.objects.all()
    assert logged.repeats == 1


def test_the_same_outcome_again_under_a_new_event_id_is_logged_and_ignored(dossier):
    post("police", answer(record(dossier)))

    response = post("police", answer(record(dossier)))

    assert response.status_code == 200
    assert list(AgencyCallback.objects.values_list("outcome", flat=True)) == ["applied", "ignored"]
    assert "same outcome" in AgencyCallback.objects.last().note


def test_a_rejection_after_a_completion_is_a_conflict_kept_in_the_log(dossier):
    post("police", answer(record(dossier)))

    response = post("police", answer(record(dossier), "rejected"))

    assert (response.status_code, response.json()) == (409, {"error": "conflict"})
    kept = record(dossier)
    assert (kept.status, kept.result, kept.reason) == (RecordStatus.COMPLETED, RESIDENCE, "")
    conflict = AgencyCallback.objects.last()
    assert conflict.outcome == "ignored"
    assert "already completed" in conflict.note and json.loads(conflict.body)["status"] == "rejected"


def test_a_completion_with_another_result_is_a_conflict_too(dossier):
    post("police", answer(record(dossier)))

    other = {**RESIDENCE, "household_registration_number": "HK-001-9999999"}
    response = post("police", answer(record(dossier), result=other))

    assert response.status_code == 409
    assert record(dossier).result == RESIDENCE


@pytest.mark.parametrize(
    ("signed", "why"),
    [
        pytest.param(lambda body: sign("not-the-police-secret", body), "wrong signature", id="forged"),
        pytest.param(
            lambda body: sign(SECRETS["police"], body, int(time.time()) - 3600), "stale timestamp", id="stale"
        ),
        pytest.param(
            lambda body: sign(SECRETS["police"], body, int(time.time()) + 3600), "stale timestamp", id="from-the-future"
        ),
        pytest.param(
            lambda body: {"X-Signature": sign(SECRETS["police"], body)["X-Signature"]},
            "no or malformed timestamp",
            id="no-timestamp",
        ),
        pytest.param(lambda body: {}, "no signature", id="missing"),
    ],
)
def test_a_bad_signature_is_refused_before_anything_is_stored(dossier, signed, why, refusals):
    body = json.dumps(answer(record(dossier), reason="secret body text")).encode()

    response = post("police", body, headers=signed(body))

    assert (response.status_code, response.json()) == (403, {"error": "bad_signature"})
    assert record(dossier).status == RecordStatus.SENT
    assert not AgencyCallback.objects.exists()
    [(level, line)] = refusals()
    assert level == "WARNING"
    assert line == f"refused police callback: {why}; record {record(dossier).uuid}; 1 refused today"
    assert "secret body text" not in line and "HK-001" not in line


def test_refused_callbacks_are_counted_per_agency_and_day(dossier, refusals):
    body = answer(record(dossier))

    for agency in ("police", "police", "social_insurance", "police"):
        assert post(agency, body, secret="guess").status_code == 403

    assert [line.rsplit("; ", 1)[1] for _level, line in refusals()] == [
        "1 refused today",
        "2 refused today",
        "1 refused today",
        "3 refused today",
    ]
    assert not AgencyCallback.objects.exists()


def test_the_other_agencys_secret_does_not_sign_for_this_one(dossier):
    body = answer(record(dossier, RecordKind.HEALTH_CARD))

    assert post("social_insurance", body, secret=SECRETS["police"]).status_code == 403
    assert record(dossier, RecordKind.HEALTH_CARD).status == RecordStatus.SENT


def test_a_tampered_body_is_refused(dossier):
    body = json.dumps(answer(record(dossier))).encode()
    signed = sign(SECRETS["police"], body)

    response = post("police", body.replace(b"HK-001", b"HK-999"), headers=signed)

    assert response.status_code == 403


@pytest.mark.parametrize("body", [b"not json", b"[]", {"id": "not-a-uuid"}], ids=["not-json", "a-list", "bad-id"])
def test_a_forged_post_naming_no_record_is_refused_and_logged_without_one(agencies, body, refusals):
    response = post("police", body, secret="guess")

    assert response.status_code == 403
    assert not AgencyCallback.objects.exists()
    assert refusals() == [("WARNING", "refused police callback: wrong signature; record -; 1 refused today")]


def test_an_unknown_record_is_404(dossier):
    body = answer(record(dossier))

    response = post("police", {**body, "id": str(uuid.uuid4())})

    assert (response.status_code, response.json()) == (404, {"error": "not_found"})


def test_a_record_of_the_other_agency_is_unknown_here(dossier):
    response = post("police", answer(record(dossier, RecordKind.HEALTH_CARD)))

    assert response.status_code == 404
    assert record(dossier, RecordKind.HEALTH_CARD).status == RecordStatus.SENT


def test_an_unknown_agency_is_404(dossier):
    response = post("army", answer(record(dossier)), secret="x")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"[]", id="not-an-object"),
        pytest.param({"id": "x", "status": "completed"}, id="no-event-id"),
        pytest.param({"event_id": "not-a-uuid", "status": "completed"}, id="bad-ids"),
        pytest.param("processing", id="not-an-answer-status"),
    ],
)
def test_a_malformed_body_is_400(dossier, body):
    if body == "processing":
        body = answer(record(dossier), status="processing")
    elif isinstance(body, dict):
        body = {**body, "id": body.get("id", str(record(dossier).uuid))}

    response = post("police", body)

    assert response.status_code == 400
    assert record(dossier).status == RecordStatus.SENT


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"status": "completed", "result": {"registered_on": "2026-12-08"}}, id="completion-lacks-number"),
        pytest.param({"status": "completed", "result": "HK-001"}, id="result-not-an-object"),
        pytest.param({"status": "rejected", "reason": " "}, id="rejection-without-reason"),
    ],
)
def test_an_answer_without_what_its_kind_needs_is_400_and_leaves_the_event_id_free(dossier, fields):
    body = answer(record(dossier), **fields)
    if fields["status"] == "rejected":
        body.pop("result", None)

    response = post("police", body)

    assert (response.status_code, response.json()) == (400, {"error": "invalid"})
    assert record(dossier).status == RecordStatus.SENT
    assert post("police", answer(record(dossier), event_id=body["event_id"])).status_code == 200
    assert record(dossier).status == RecordStatus.COMPLETED


def test_an_answer_may_overtake_the_push_that_sent_the_record(agencies, signing, approve, birth_3in1):
    dossier = approve(signing(birth_3in1), commit=False)  # still pending: the push has not written `sent`

    assert post("police", answer(record(dossier))).status_code == 200

    assert record(dossier).status == RecordStatus.COMPLETED


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(dossier, method):
    url = reverse("interconnect:callback", kwargs={"agency": "police"})

    assert getattr(Client(), method)(url).status_code == 405
