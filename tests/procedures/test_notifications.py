"""The requester hears by SMS and e-mail, in Vietnamese, after each notified action commits, and never on rollback:
one outbox row per message, written with the event."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from kombu.exceptions import OperationalError

from egov.celery import app
from egov.notifications import gateway
from egov.notifications.models import Notification, NotificationState
from egov.notifications.services import SWEEP_GRACE_SECONDS
from egov.notifications.tasks import notifications_sweep
from procedures.models import Channel, FormKind, Status
from procedures.services import (
    dossier_approve,
    dossier_create_draft,
    dossier_propose,
    dossier_receive,
    dossier_refuse,
    dossier_reject,
    dossier_request_supplement,
    dossier_resubmit,
    dossier_start,
    dossier_submit,
    dossier_withdraw,
)
from tests.procedures.helpers import procedure_of, start, walk

pytestmark = pytest.mark.django_db

PHONE = "0912345678"


@pytest.fixture(autouse=True)
def _messages(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMS_BACKEND = "locmem"
    gateway.sms_outbox.clear()
    yield
    gateway.sms_outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and then its after-commit callbacks, as a real commit would."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def sms_texts() -> list[str]:
    assert {message.phone for message in gateway.sms_outbox} <= {PHONE}
    return [message.text for message in gateway.sms_outbox]


def test_submit_sends_the_code_by_sms_and_e_mail(committed, draft, citizen, mailoutbox):
    dossier = committed(dossier_submit, dossier=draft, actor=citizen)

    [text] = sms_texts()
    assert dossier.code in text
    assert "đã được gửi đến Phường Hồng Hà" in text
    [mail] = mailoutbox
    assert mail.to == ["an@example.vn"]
    assert dossier.code in mail.subject
    assert mail.body == text


def test_each_notified_step_sends_one_vietnamese_sms(committed, draft, citizen, one_stop_a, justice_a, leader_a):
    dossier = committed(dossier_submit, dossier=draft, actor=citizen)
    dossier = committed(dossier_receive, dossier=dossier, officer=one_stop_a)
    dossier = committed(dossier_start, dossier=dossier, officer=justice_a)
    dossier = committed(dossier_request_supplement, dossier=dossier, officer=justice_a, reason="Thiếu giấy chứng sinh.")
    gateway.sms_outbox.clear()

    dossier = committed(dossier_resubmit, dossier=dossier, actor=citizen)
    dossier = committed(dossier_propose, dossier=dossier, officer=justice_a)
    dossier = committed(dossier_approve, dossier=dossier, leader=leader_a)

    # Resubmit, propose and approve are not announced; a birth without linked records settles as soon as the
    # approval commits, and that is announced.
    [text] = sms_texts()
    assert text.startswith(f"Hồ sơ {dossier.code} đã có kết quả.")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("receive", "đã được tiếp nhận. Hẹn trả kết quả: 17:00 "),
        ("request_supplement", "cần bổ sung giấy tờ"),
        ("refuse", "không được tiếp nhận. Lý do: Không đúng thẩm quyền."),
        ("withdraw", "đã được rút theo yêu cầu."),
    ],
)
def test_the_message_of_each_action(committed, draft, citizen, one_stop_a, step, expected):
    dossier = dossier_submit(dossier=draft, actor=citizen)
    gateway.sms_outbox.clear()

    if step == "receive":
        committed(dossier_receive, dossier=dossier, officer=one_stop_a)
    elif step == "request_supplement":
        committed(dossier_request_supplement, dossier=dossier, officer=one_stop_a, reason="Ảnh mờ.")
    elif step == "refuse":
        committed(dossier_refuse, dossier=dossier, officer=one_stop_a, reason="Không đúng thẩm quyền.")
    else:
        committed(dossier_withdraw, dossier=dossier, actor=citizen)

    [text] = sms_texts()
    assert text.startswith(f"Hồ sơ {dossier.code} ")
    assert expected in text


def test_reject_tells_the_reason(committed, draft, citizen, one_stop_a, justice_a, leader_a):
    dossier = dossier_submit(dossier=draft, actor=citizen)
    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)
    dossier = dossier_start(dossier=dossier, officer=justice_a)
    dossier = dossier_propose(dossier=dossier, officer=justice_a)

    committed(dossier_reject, dossier=dossier, leader=leader_a, reason="Người yêu cầu không có quyền khai sinh.")

    [text] = sms_texts()
    assert text == f"Hồ sơ {dossier.code} bị từ chối giải quyết. Lý do: Người yêu cầu không có quyền khai sinh."


def test_a_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks, draft, citizen, mailoutbox):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dossier_submit(dossier=draft, actor=citizen)
        raise RuntimeError("the view failed after the service")

    assert callbacks == []
    assert gateway.sms_outbox == [] and mailoutbox == []
    assert not Notification.objects.exists()
    draft.refresh_from_db()
    assert draft.code is None


def test_a_counter_dossier_without_contacts_sends_nothing(
    committed, one_stop_a, commune_a, birth_procedure, mailoutbox
):
    draft = dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=one_stop_a, channel=Channel.COUNTER
    )

    committed(dossier_submit, dossier=draft, actor=one_stop_a)

    assert gateway.sms_outbox == [] and mailoutbox == []
    assert not Notification.objects.exists()


def test_the_messages_are_written_with_the_event_and_sent_after_the_commit(
    django_capture_on_commit_callbacks, draft, citizen, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        dossier = dossier_submit(dossier=draft, actor=citizen)

    rows = Notification.objects.filter(dossier=dossier).order_by("channel")
    assert [(row.channel, row.recipient, row.action, row.state) for row in rows] == [
        ("email", "an@example.vn", "submit", NotificationState.PENDING),
        ("sms", PHONE, "submit", NotificationState.PENDING),
    ]
    assert gateway.sms_outbox == [] and mailoutbox == [], "nothing leaves before the commit"
    assert len(callbacks) == 2, "one task per message"

    for callback in callbacks:
        callback()

    assert set(rows.values_list("state", flat=True)) == {NotificationState.SENT}
    [text] = sms_texts()
    [mail] = mailoutbox
    assert dossier.code in text and mail.body == text


@pytest.mark.django_db(transaction=True)
def test_a_submit_while_the_broker_is_down_is_confirmed_and_its_messages_go_once_later(
    settings, monkeypatch, client, citizen, commune_a, mailoutbox, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(citizen)
    dossier = start(client, procedure_of(FormKind.EXTRACT_COPY), commune_a)
    walk(client, dossier)

    # A real commit (a transactional test) on a web node whose broker refuses every message.
    with monkeypatch.context() as broker:
        broker.setattr(app, "send_task", broker_down)
        response = client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))

    done = reverse("procedures:file-done", kwargs={"uuid": dossier.uuid})
    assert (response.status_code, response.url) == (302, done)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.code in client.get(done).content.decode()
    rows = Notification.objects.filter(dossier=dossier)
    assert sorted(rows.values_list("channel", "state")) == [("email", "pending"), ("sms", "pending")]
    assert gateway.sms_outbox == [] and mailoutbox == []
    assert caplog.text.count("in on_commit()") == 2, "each lost message is logged"

    # The broker is back; a minute later the beat's sweeper finds both messages and each goes once.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rows.update(next_attempt_at=F("next_attempt_at") - timedelta(seconds=SWEEP_GRACE_SECONDS))
    notifications_sweep.delay()
    notifications_sweep.delay()

    [text] = sms_texts()
    [mail] = mailoutbox
    assert dossier.code in text and mail.body == text
    assert sorted(rows.values_list("channel", "state", "attempts")) == [("email", "sent", 1), ("sms", "sent", 1)]
