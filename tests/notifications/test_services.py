"""The notification outbox: each message goes once, a failed one is retried alone with backoff until it fails for
good, a duplicate or concurrent task sends nothing more, and the sweeper finds what a lost message or a dead
worker left behind."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from egov.notifications import gateway, services
from egov.notifications.gateway import EmailDeliveryError, SmsDeliveryError
from egov.notifications.models import Notification, NotificationChannel, NotificationState
from egov.notifications.services import (
    LEASE_SECONDS,
    MAX_ATTEMPTS,
    RETRY_CAP_SECONDS,
    SWEEP_GRACE_SECONDS,
    notification_send,
    notifications_sweep,
)
from procedures.services import dossier_submit
from tests.conftest import login_verified, require_in_ci
from tests.procedures.helpers import race

pytestmark = pytest.mark.django_db

SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
PENDING, SENDING, SENT, FAILED = (
    NotificationState.PENDING,
    NotificationState.SENDING,
    NotificationState.SENT,
    NotificationState.FAILED,
)
PHONE = "0912345678"


@pytest.fixture(autouse=True)
def _messages(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMS_BACKEND = "locmem"


@pytest.fixture
def submit(django_capture_on_commit_callbacks, clock, draft, citizen):
    """`submit()`: the citizen files the birth draft online; its commit hands the SMS and the e-mail to workers."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return dossier_submit(dossier=draft, actor=citizen)

    return run


@pytest.fixture
def queued(clock, draft, citizen):
    """The draft filed with its workers' messages lost: an SMS and an e-mail pending, taken by no one yet."""
    dossier_submit(dossier=draft, actor=citizen)  # a test's transaction never commits: no task is queued
    return {row.channel: row for row in Notification.objects.all()}


def row(channel: str) -> Notification:
    return Notification.objects.get(channel=channel)


def sms_backend(monkeypatch, settings, send) -> None:
    """Hand the SMS to `send(message)` instead of the test outbox: a gateway that fails, stalls or crashes."""
    backend = type("ScriptedSmsBackend", (), {"send": lambda self, message: send(message)})
    monkeypatch.setitem(gateway.SMS_BACKENDS, "scripted", backend)
    settings.SMS_BACKEND = "scripted"


def later(clock, seconds: float) -> None:
    clock.set(clock.now + timedelta(seconds=seconds))


def phones() -> list[str]:
    return [message.phone for message in gateway.sms_outbox]


# --- exactly once -----------------------------------------------------------------------------------------------


def test_the_sms_goes_once_while_the_failing_e_mail_is_retried_alone_with_backoff(
    monkeypatch, clock, submit, mailoutbox
):
    tries = []

    def flaky_email(**message):
        tries.append(clock.now)
        if len(tries) <= 3:
            raise EmailDeliveryError("e-mail not sent: [Errno 111] Connection refused")
        gateway.send_email(**message)

    monkeypatch.setattr(services, "send_email", flaky_email)

    dossier = submit()
    waits = []
    while row(EMAIL).state == PENDING:
        assert len(tries) < MAX_ATTEMPTS, "the e-mail should have gone by now"
        email = row(EMAIL)
        waits.append((email.next_attempt_at - clock.now).total_seconds())
        assert email.last_error == "e-mail not sent: [Errno 111] Connection refused"
        # The beat's sweeper, a minute after the row's time (in eager mode the countdown message finds nothing).
        clock.set(email.next_attempt_at + timedelta(seconds=SWEEP_GRACE_SECONDS))
        notifications_sweep()

    assert phones() == [PHONE], "the SMS went once, with the first try"
    [mail] = mailoutbox
    assert dossier.code in mail.subject
    assert [(row(channel).state, row(channel).attempts) for channel in (SMS, EMAIL)] == [(SENT, 1), (SENT, 4)]
    assert row(EMAIL).last_error == "" and row(EMAIL).sent_at == tries[-1]
    # 30 s, 1 min, 2 min, each with up to half of it as jitter.
    assert [15 <= waits[0] <= 30, 30 <= waits[1] <= 60, 60 <= waits[2] <= 120] == [True] * 3


def test_a_duplicate_task_message_sends_nothing_more(queued):
    for _ in range(3):
        notification_send(notification_id=queued[SMS].pk)

    assert phones() == [PHONE]
    assert (row(SMS).state, row(SMS).attempts) == (SENT, 1)


def test_a_second_worker_taking_the_message_while_it_is_being_sent_sends_nothing(monkeypatch, settings, queued):
    duplicates = []

    def send(message):
        # The same task delivered again (a redelivery, or the sweeper's message) while this send is under way.
        duplicates.append(notification_send(notification_id=queued[SMS].pk))
        gateway.sms_outbox.append(message)

    sms_backend(monkeypatch, settings, send)

    notification_send(notification_id=queued[SMS].pk)

    assert duplicates == [None]
    assert phones() == [PHONE]
    assert (row(SMS).state, row(SMS).attempts) == (SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_message_at_once_send_it_once(monkeypatch, settings, queued):
    if connection.vendor != "postgresql":
        require_in_ci("PostgreSQL")
    lock = threading.Lock()

    def slow(message):
        threading.Event().wait(0.2)
        with lock:
            gateway.sms_outbox.append(message)

    sms_backend(monkeypatch, settings, slow)

    _results, errors = race([lambda: notification_send(notification_id=queued[SMS].pk)] * 2)

    assert errors == []
    assert phones() == [PHONE]
    assert (row(SMS).state, row(SMS).attempts) == (SENT, 1)


# --- failing for good ---------------------------------------------------------------------------------------------


def test_after_the_last_try_the_message_is_failed_with_the_gateways_error(monkeypatch, settings, clock, queued):
    def down(message):
        raise SmsDeliveryError("SMS gateway answered 503", status=503)

    sms_backend(monkeypatch, settings, down)

    for _ in range(MAX_ATTEMPTS + 2):
        notification_send(notification_id=queued[SMS].pk)
        later(clock, RETRY_CAP_SECONDS)

    sms = row(SMS)
    assert (sms.state, sms.attempts, sms.next_attempt_at) == (FAILED, MAX_ATTEMPTS, None)
    assert sms.last_error == "SMS gateway answered 503"
    assert notifications_sweep()["queued"] == 1, "only the e-mail, whose message was lost"


def test_a_message_the_gateway_refuses_fails_at_once(monkeypatch, settings, queued):
    def refuses(message):
        raise SmsDeliveryError("SMS gateway answered 400", status=400)

    sms_backend(monkeypatch, settings, refuses)

    notification_send(notification_id=queued[SMS].pk)

    assert (row(SMS).state, row(SMS).attempts, row(SMS).last_error) == (FAILED, 1, "SMS gateway answered 400")


# --- the sweeper ----------------------------------------------------------------------------------------------------


def test_the_sweeper_leaves_a_fresh_message_to_its_task_and_queues_a_lost_one_once(clock, queued, mailoutbox):
    assert notifications_sweep() == {"queued": 0, "failed": 0}

    later(clock, SWEEP_GRACE_SECONDS)

    assert notifications_sweep() == {"queued": 2, "failed": 0}
    assert phones() == [PHONE] and len(mailoutbox) == 1
    assert notifications_sweep() == {"queued": 0, "failed": 0}
    assert phones() == [PHONE] and len(mailoutbox) == 1


def test_a_message_whose_worker_died_is_sent_again_once_its_lease_runs_out(monkeypatch, settings, clock, queued):
    def killed(message):
        raise SystemExit("the worker was killed mid-send")

    sms_backend(monkeypatch, settings, killed)
    with pytest.raises(SystemExit):
        notification_send(notification_id=queued[SMS].pk)
    settings.SMS_BACKEND = "locmem"
    assert (row(SMS).state, row(SMS).attempts) == (SENDING, 1)

    later(clock, LEASE_SECONDS - 1)
    notifications_sweep()
    assert phones() == [], "a slow send is not taken for a dead one"

    later(clock, 1)
    notifications_sweep()
    assert phones() == [PHONE]
    assert (row(SMS).state, row(SMS).attempts) == (SENT, 2)


def test_a_message_whose_last_try_never_ended_is_failed_by_the_sweeper(clock, queued):
    Notification.objects.filter(pk=queued[SMS].pk).update(
        state=SENDING, attempts=MAX_ATTEMPTS, next_attempt_at=clock.now + timedelta(seconds=LEASE_SECONDS)
    )
    later(clock, LEASE_SECONDS)

    assert notifications_sweep()["failed"] == 1

    assert (row(SMS).state, row(SMS).last_error) == (FAILED, "no outcome of the last try")
    assert phones() == []


# --- the admin ------------------------------------------------------------------------------------------------------


def test_staff_see_a_failed_message_and_send_it_again_from_the_admin(
    client, django_capture_on_commit_callbacks, queued
):
    Notification.objects.filter(pk=queued[SMS].pk).update(
        state=FAILED, attempts=MAX_ATTEMPTS, next_attempt_at=None, last_error="SMS gateway answered 503"
    )
    login_verified(client, get_user_model().objects.create_superuser("so.tttt", "x", full_name="Cán bộ Sở"))
    changelist = reverse("admin:notifications_notification_changelist")

    page = client.get(changelist, {"state__exact": FAILED}).content.decode()
    assert "SMS gateway answered 503" in page and queued[SMS].dossier.code in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "resend", "_selected_action": [queued[SMS].pk, queued[EMAIL].pk]})

    assert response.status_code == 302
    assert phones() == [PHONE]
    assert (row(SMS).state, row(SMS).attempts, row(SMS).last_error) == (SENT, 1, "")
    assert row(EMAIL).state == PENDING, "not failed: not the admin's to send"
    assert client.get(reverse("admin:notifications_notification_change", args=[queued[SMS].pk])).status_code == 200
