"""The requester hears by SMS and e-mail, in Vietnamese, after each notified action commits, and never on rollback."""

import pytest
from django.db import transaction

from egov.notifications import gateway
from procedures.models import Channel
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
from procedures.tasks import dossier_notify

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


def test_the_task_alone_sends_the_message_for_an_id(draft, citizen):
    dossier = dossier_submit(dossier=draft, actor=citizen)

    dossier_notify.delay(dossier_id=dossier.pk, action="submit")

    [text] = sms_texts()
    assert dossier.code in text
