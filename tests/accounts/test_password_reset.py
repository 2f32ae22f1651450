"""Password reset by a one-time code sent by SMS (and e-mail), without revealing whether an account exists."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from egov.accounts import services
from egov.notifications import gateway
from egov.notifications.gateway import SmsDeliveryError
from tests.accounts.conftest import CITIZEN_ID, CITIZEN_PHONE, PASSWORD

REQUEST_URL = reverse("accounts:password-reset")
CODE_URL = reverse("accounts:password-reset-code")
NEW_PASSWORD = "Cau-Long-Bien-1902"


def sent_code() -> str:
    assert gateway.sms_outbox, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", gateway.sms_outbox[-1].text).group(1)


def ask_for_code(client: Client, identifier: str):
    return client.post(REQUEST_URL, {"identifier": identifier})


def submit_code(client: Client, code: str, password: str = NEW_PASSWORD):
    return client.post(CODE_URL, {"code": code, "password1": password, "password2": password})


def test_end_to_end_the_citizen_gets_a_code_by_sms_and_e_mail_and_sets_a_new_password(client, citizen, mailoutbox):
    response = ask_for_code(client, "+84 912 345 678")
    assert response.status_code == 302
    assert response.url == CODE_URL
    assert [message.phone for message in gateway.sms_outbox] == [CITIZEN_PHONE]
    code = sent_code()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["an@example.com"]
    assert code in mailoutbox[0].body

    response = submit_code(client, code)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    login = client.post(reverse("accounts:login"), {"username": CITIZEN_ID, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_code_is_stored_hashed(citizen, client):
    ask_for_code(client, CITIZEN_ID)
    stored = cache.get(f"password-reset:{citizen.pk}:code")
    assert stored and sent_code() not in stored


def test_a_code_works_only_once(client, citizen):
    ask_for_code(client, CITIZEN_ID)
    code = sent_code()
    assert submit_code(client, code).status_code == 302
    session = client.session
    session["password_reset_identifier"] = CITIZEN_ID
    session.save()
    response = submit_code(client, code, "Ho-Guom-2020-xanh")
    assert response.status_code == 200
    assert "Mã xác nhận không đúng hoặc đã hết hạn" in response.content.decode()


def test_an_unknown_account_gets_the_same_page_and_no_message(client, db, mailoutbox):
    known_like = ask_for_code(client, "0999999999")
    assert known_like.status_code == 302 and known_like.url == CODE_URL
    assert gateway.sms_outbox == [] and mailoutbox == []
    page = client.get(CODE_URL).content.decode()
    assert "Nếu thông tin bạn nhập khớp với một tài khoản" in page
    response = submit_code(client, "123456")
    assert "Mã xác nhận không đúng hoặc đã hết hạn" in response.content.decode()


def test_a_wrong_code_is_refused_and_only_five_tries_are_allowed(client, citizen):
    ask_for_code(client, CITIZEN_ID)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.RESET_CODE_MAX_ATTEMPTS):
        response = submit_code(client, wrong)
        assert "Mã xác nhận không đúng hoặc đã hết hạn" in response.content.decode()
    # The right code no longer works: the code was spent by the failed tries.
    assert submit_code(client, code).status_code == 200
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_the_new_password_must_be_valid(client, citizen):
    ask_for_code(client, CITIZEN_ID)
    response = client.post(CODE_URL, {"code": sent_code(), "password1": NEW_PASSWORD, "password2": "khac"})
    assert response.context["form"].errors["password2"]
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_codes_are_rationed_per_account(client, citizen):
    for _ in range(services.RESET_CODE_MAX_SENDS + 2):
        ask_for_code(client, CITIZEN_ID)
    assert len(gateway.sms_outbox) == services.RESET_CODE_MAX_SENDS


def test_the_code_page_without_a_request_goes_back_to_the_first_step(client, db):
    assert client.get(CODE_URL).url == REQUEST_URL


def test_a_gateway_failure_does_not_show(client, citizen, monkeypatch):
    def broken(*, phone, text):
        raise SmsDeliveryError("down", status=503)

    monkeypatch.setattr(services, "send_sms", broken)
    response = ask_for_code(client, CITIZEN_ID)
    assert response.status_code == 302 and response.url == CODE_URL


def test_a_reset_lifts_the_login_lock(client, citizen):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": CITIZEN_PHONE, "password": "sai"})
    ask_for_code(client, CITIZEN_ID)
    submit_code(client, sent_code())
    # From another address: the failing address stays locked for its window, whoever it was.
    login = client.post(
        reverse("accounts:login"), {"username": CITIZEN_PHONE, "password": NEW_PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert login.status_code == 302


@pytest.mark.django_db
def test_every_reset_post_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post(REQUEST_URL, {"identifier": CITIZEN_ID}).status_code == 403
    session = client.session
    session["password_reset_identifier"] = CITIZEN_ID
    session.save()
    assert client.post(CODE_URL, {"code": "123456"}).status_code == 403


def test_an_officer_resets_the_password_by_an_e_mailed_link(client, one_stop_officer, mailoutbox, settings):
    settings.SITE_URL = "https://dichvucong.hanoi.gov.vn"
    response = client.post(reverse("accounts:password-reset-email"), {"email": "mc.hongha@hanoi.gov.vn"})
    assert response.status_code == 302
    [message] = mailoutbox
    link = re.search(r"https://dichvucong\.hanoi\.gov\.vn(\S+)", message.body).group(1)
    assert "Xin chào Cán bộ mc.hongha" in message.body
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    one_stop_officer.refresh_from_db()
    assert one_stop_officer.check_password(NEW_PASSWORD)


def test_the_e_mail_reset_does_not_reveal_unknown_addresses(client, db, mailoutbox):
    response = client.post(reverse("accounts:password-reset-email"), {"email": "ai-do@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-email-sent")
    assert mailoutbox == []
