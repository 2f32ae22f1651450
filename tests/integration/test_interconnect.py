"""The 3-in-1 interconnect end to end: a leader's approval, a real Celery worker on Redis pushing to the agency
simulators, and their signed callbacks to the live portal; with the broker down, an agency failing, timing out,
refusing or down for good, and callbacks duplicated, late, out of order or forged. Each agency ends up holding
the record at most once, and nothing the approval opened is lost."""

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db.models import F
from django.utils import timezone

from interconnect.models import LinkedRecord, RecordKind, RecordStatus
from interconnect.payloads import callback_url
from interconnect.services import SWEEP_GRACE_SECONDS, linked_record_resend, linked_records_sweep
from interconnect.signing import signed_headers
from interconnect.tasks import linked_records_sweep as linked_records_sweep_task
from procedures.models import Agency, Dossier, DossierEvent, Status
from tests.integration.conftest import MAX_ATTEMPTS, PORTAL_TIMEOUT_SECONDS, SECRETS
from tests.integration.processes import BASE_DIR, free_port
from tests.interconnect.agencies import records_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESIDENCE, CARD = RecordKind.REGISTER_RESIDENCE, RecordKind.HEALTH_CARD


def attempts(record: LinkedRecord) -> list[tuple]:
    return list(record.attempts_log.values_list("outcome", "http_status", "error"))


def settle_events(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier, action="settle").count()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to the live portal as an agency would; the HTTP status."""
    request = urllib.request.Request(  # noqa: S310 - the live server's http URL
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code


def answer_body(record: LinkedRecord, **fields) -> bytes:
    return json.dumps({"event_id": str(uuid.uuid4()), "id": str(record.uuid), **fields}, ensure_ascii=False).encode()


def assert_completed_as_the_agency_says(interconnect, dossier: Dossier) -> dict[str, LinkedRecord]:
    """Every record completed with exactly the result its agency holds for it, and the dossier settled once."""
    records = records_of(dossier)
    assert set(records) == {RESIDENCE, CARD}
    for record in records.values():
        at_agency = interconnect.simulators[record.agency].record(record.uuid)
        assert (record.status, at_agency["status"]) == (RecordStatus.COMPLETED, "completed")
        assert record.result == at_agency["result"]
        assert record.agency_ref == at_agency["agency_ref"]
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY
    assert settle_events(dossier) == 1
    return records


def one_more_each(interconnect, before: dict[str, int], *, police: int = 1, social_insurance: int = 1) -> None:
    assert interconnect.stored() == {
        Agency.POLICE: before[Agency.POLICE] + police,
        Agency.SOCIAL_INSURANCE: before[Agency.SOCIAL_INSURANCE] + social_insurance,
    }


def test_an_approved_3in1_birth_is_registered_at_both_agencies_once_and_the_dossier_settles(
    interconnect, dossier, approve
):
    before = interconnect.stored()

    approve(dossier)

    interconnect.settled(dossier)
    records = assert_completed_as_the_agency_says(interconnect, dossier)
    assert re.fullmatch(r"HK-001-[0-9]{7}", records[RESIDENCE].result["household_registration_number"])
    assert re.fullmatch(r"TE101[0-9]{10}", records[CARD].result["card_number"])
    assert records[CARD].result["valid_from"] == dossier.data["tre-em"]["birth_date"]
    for record in records.values():
        assert attempts(record) == [("accepted", 202, "")]
        assert list(record.callbacks.values_list("outcome", "repeats")) == [("applied", 0)]
    one_more_each(interconnect, before)


def test_an_approval_made_while_the_broker_is_down_stands_and_the_sweeper_pushes_its_records(
    interconnect, dossier, leader_a
):
    before = interconnect.stored()
    nowhere = f"redis://127.0.0.1:{free_port()}/0"

    # The leader signs on a web node whose broker is down: the push messages cannot be queued.
    approving = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "tests.integration.approver", str(dossier.pk), str(leader_a.pk)],
        cwd=BASE_DIR,
        env={**interconnect.env, "CELERY_BROKER_URL": nowhere},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert approving.returncode == 0, approving.stderr
    lost = re.findall(r"Error calling .*linked_record_push.* in on_commit\(\)", approving.stderr)
    assert len(lost) == 2, approving.stderr
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REGISTERED
    records = records_of(dossier).values()
    assert [(record.status, record.attempts) for record in records] == [(RecordStatus.PENDING, 0)] * 2
    assert interconnect.stored() == before

    # A minute later the beat's sweeper finds the records still pending past their time.
    LinkedRecord.objects.filter(dossier=dossier).update(
        next_attempt_at=F("next_attempt_at") - timedelta(seconds=SWEEP_GRACE_SECONDS + 1)
    )
    linked_records_sweep_task.delay()

    interconnect.settled(dossier)
    for record in assert_completed_as_the_agency_says(interconnect, dossier).values():
        assert attempts(record) == [("accepted", 202, "")]
    one_more_each(interconnect, before)


def test_an_agency_answering_500_three_times_stores_the_record_once_at_the_fourth_push_after_growing_pauses(
    interconnect, dossier, approve
):
    before = interconnect.stored()
    errors_before = interconnect.police.stats()["faults_injected"]["error"]
    interconnect.police.faults(error_next=3)

    approve(dossier)

    interconnect.settled(dossier)
    records = assert_completed_as_the_agency_says(interconnect, dossier)
    residence = records[RESIDENCE]
    assert attempts(residence) == [("unavailable", 500, "")] * 3 + [("accepted", 202, "")]
    assert residence.attempts == 4
    moments = list(residence.attempts_log.values_list("at", flat=True))
    pauses = [(later - earlier).total_seconds() for earlier, later in zip(moments, moments[1:], strict=False)]
    # Each pause is at least half its ceiling (0.2 s doubling here): 0.1, 0.2, 0.4 s.
    assert all(pause >= 0.1 * 2**number for number, pause in enumerate(pauses)), pauses
    assert attempts(records[CARD]) == [("accepted", 202, "")]
    assert interconnect.police.stats()["faults_injected"]["error"] == errors_before + 3
    one_more_each(interconnect, before)


def test_a_push_that_timed_out_after_the_agency_stored_it_is_repeated_and_the_repeat_is_answered_200(
    interconnect, dossier, approve
):
    before = interconnect.stored()
    # The agency stores the record, then answers only after the portal has given up waiting.
    interconnect.police.faults(timeout_next=1, timeout_seconds=PORTAL_TIMEOUT_SECONDS + 0.5)

    approve(dossier)

    interconnect.settled(dossier)
    residence = assert_completed_as_the_agency_says(interconnect, dossier)[RESIDENCE]
    assert attempts(residence) == [("unavailable", None, "timeout"), ("accepted", 200, "")]
    assert interconnect.police.stats()["faults_injected"]["timeout"] >= 1
    one_more_each(interconnect, before)


def test_a_callback_delivered_twice_is_applied_once(interconnect, dossier, approve):
    before = interconnect.stored()
    sims = interconnect.simulators
    delivered_before = {agency: sim.stats()["callbacks"]["delivered"] for agency, sim in sims.items()}
    for sim in sims.values():
        sim.faults(duplicate_callback_next=1)

    approve(dossier)

    interconnect.settled(dossier)
    interconnect.wait(
        lambda: all(
            sim.stats()["callbacks"]["delivered"] == delivered_before[agency] + 2 for agency, sim in sims.items()
        ),
        "both copies of each agency's answer to be delivered",
    )
    for record in assert_completed_as_the_agency_says(interconnect, dossier).values():
        assert list(record.callbacks.values_list("outcome", "repeats")) == [("applied", 1)]
    one_more_each(interconnect, before)


@dataclass
class Relay:
    """A stretch of network that holds the agencies' callbacks (answering them 200) for the test to deliver."""

    url: str = ""
    held: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def relay():
    relay = Relay()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            signature = {name: self.headers[name] for name in ("X-Timestamp", "X-Signature")}
            relay.held.append((self.path, signature, body))
            answer = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    relay.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield relay
    server.shutdown()
    server.server_close()


def test_answers_that_arrive_after_a_poll_and_out_of_order_change_nothing(
    interconnect, settings, relay, dossier, approve
):
    before = interconnect.stored()
    # The agencies' answers are held up on their way to the portal.
    settings.INTERCONNECT_CALLBACK_BASE_URL = relay.url
    approve(dossier)
    interconnect.wait(lambda: len(relay.held) == 2, "both agencies to send their answers")
    assert {record.status for record in records_of(dossier).values()} == {RecordStatus.SENT}

    # No answer came by the poll time: the sweeper asks the agencies, and their answers settle the dossier.
    LinkedRecord.objects.filter(dossier=dossier).update(next_attempt_at=timezone.now())
    linked_records_sweep_task.delay()
    interconnect.settled(dossier)
    polled = assert_completed_as_the_agency_says(interconnect, dossier)
    for record in polled.values():
        assert attempts(record) == [("accepted", 202, ""), ("answered", 200, "")]

    # Then the held answers arrive: the second agency's first, the first agency's twice.
    late = sorted(relay.held, key=lambda held: Agency.SOCIAL_INSURANCE not in held[0])
    statuses = [post(interconnect.portal_url + path, body, signature) for path, signature, body in [*late, late[-1]]]
    # And an older contradicting answer of the police, signed with its own secret.
    residence = polled[RESIDENCE]
    stale = answer_body(residence, status="rejected", reason="Địa chỉ hộ khẩu không khớp cơ sở dữ liệu cư trú.")
    statuses.append(
        post(
            interconnect.portal_url + "/lien-thong/goi-lai/police/",
            stale,
            signed_headers(secret=SECRETS[Agency.POLICE], body=stale),
        )
    )

    assert statuses == [200, 200, 200, 409]
    after = records_of(dossier)
    for kind, record in polled.items():
        assert (after[kind].status, after[kind].result, after[kind].answered_at) == (
            record.status,
            record.result,
            record.answered_at,
        )
    assert list(after[RESIDENCE].callbacks.values_list("outcome", "repeats")) == [("ignored", 1), ("ignored", 0)]
    assert "rejected" in after[RESIDENCE].callbacks.last().note
    assert list(after[CARD].callbacks.values_list("outcome", "repeats")) == [("ignored", 0)]
    assert settle_events(dossier) == 1
    one_more_each(interconnect, before)


def test_a_forged_callback_is_refused_and_changes_nothing_and_the_agencys_own_answer_applies(
    interconnect, dossier, approve
):
    before = interconnect.stored()
    approve(dossier)
    residence = interconnect.record_in(dossier, RESIDENCE, {RecordStatus.SENT, RecordStatus.COMPLETED})
    forged = answer_body(residence, status="rejected", reason="Hồ sơ bị từ chối.")
    police_url = callback_url(Agency.POLICE)

    statuses = [
        post(police_url, forged, signed_headers(secret="not-the-agencys-secret", body=forged)),
        post(police_url, forged, signed_headers(secret=SECRETS[Agency.SOCIAL_INSURANCE], body=forged)),
        # A real signature captured earlier and replayed after the five-minute window.
        post(
            police_url,
            forged,
            signed_headers(secret=SECRETS[Agency.POLICE], body=forged, timestamp=int(time.time()) - 301),
        ),
    ]

    assert statuses == [403, 403, 403]
    residence.refresh_from_db()
    assert residence.status != RecordStatus.REJECTED and residence.reason == ""
    interconnect.settled(dossier)
    residence = assert_completed_as_the_agency_says(interconnect, dossier)[RESIDENCE]
    # The forged posts left nothing behind: the agency's own answer is the record's only callback.
    assert list(residence.callbacks.values_list("outcome", flat=True)) == ["applied"]
    one_more_each(interconnect, before)


def test_a_record_the_agency_refuses_fails_at_once_with_the_agencys_reason_and_is_not_retried(
    interconnect, dossier, approve
):
    # A declaration without the household head (an older form did not ask for it): the police refuse the record.
    data = dossier.data
    data["thuong-tru-bhyt"]["household_head"] = ""
    Dossier.objects.filter(pk=dossier.pk).update(data=data)
    before = interconnect.stored()

    approve(dossier)

    interconnect.record_in(dossier, CARD, {RecordStatus.COMPLETED})
    residence = interconnect.record_in(dossier, RESIDENCE, {RecordStatus.FAILED})
    # The health card took the agency's processing delay, far longer than any backoff: still one attempt.
    assert (residence.attempts, attempts(residence)) == (1, [("refused", 422, "")])
    assert residence.next_attempt_at is None
    assert "household.head_name: Thiếu thông tin bắt buộc." in residence.reason
    assert linked_records_sweep() == {"pushed": 0, "polled": 0, "settled": 0}, "a failed record waits for the officer"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REGISTERED
    assert interconnect.police.record(residence.uuid) is None
    one_more_each(interconnect, before, police=0)


def test_an_agency_down_past_the_last_attempt_fails_the_record_and_the_officers_resend_delivers_it_once(
    interconnect, dossier, approve, one_stop_a
):
    before = interconnect.stored()
    interconnect.police.faults(down=True)
    approve(dossier)

    residence = interconnect.record_in(dossier, RESIDENCE, {RecordStatus.FAILED})
    assert attempts(residence) == [("unavailable", 503, "")] * MAX_ATTEMPTS
    assert f"sau {MAX_ATTEMPTS} lần gửi (lần cuối: 503)" in residence.reason
    interconnect.record_in(dossier, CARD, {RecordStatus.COMPLETED})
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REGISTERED, "a failed record is not an answer"

    interconnect.police.faults(down=False)
    linked_record_resend(record=residence, officer=one_stop_a)

    interconnect.settled(dossier)
    residence = assert_completed_as_the_agency_says(interconnect, dossier)[RESIDENCE]
    assert (residence.attempts, residence.resent_by) == (1, one_stop_a)
    assert attempts(residence)[-1] == ("accepted", 202, "")
    one_more_each(interconnect, before)
