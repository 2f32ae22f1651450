"""Login by ID number, phone or username, and the throttle on repeated failures."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import CITIZEN_ID, CITIZEN_PHONE, PASSWORD
from tests.accounts.helpers import URL, attempt, logged_in_user_id


@pytest.mark.parametrize("identifier", [CITIZEN_ID, "001 090 012 345", CITIZEN_PHONE, "+84 912 345 678"])
def test_a_citizen_logs_in_with_the_id_number_or_the_phone(client, citizen, identifier):
    response = attempt(client, identifier, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:after-login")
    assert logged_in_user_id(client) == citizen.pk


def test_an_officer_logs_in_with_the_username(client, one_stop_officer):
    response = attempt(client, "mc.hongha", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == one_stop_officer.pk


def test_a_wrong_password_shows_a_message_saying_what_to_do(client, citizen):
    response = attempt(client, CITIZEN_PHONE, "sai-mat-khau")
    assert response.status_code == 200
    assert "mật khẩu chưa đúng" in response.content.decode()
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_login_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, CITIZEN_ID, PASSWORD).status_code == 403
    client.get(URL)
    response = client.post(
        URL, {"username": "x", "password": "y", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 200


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, citizen, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(4):
        assert "mật khẩu chưa đúng" in attempt(client, CITIZEN_ID, "sai").content.decode()
    fifth = attempt(client, CITIZEN_ID, "sai").content.decode()
    assert "Bạn đã nhập sai quá nhiều lần. Hãy thử lại sau" in fifth
    sixth = attempt(client, CITIZEN_ID, PASSWORD)
    assert sixth.status_code == 200
    assert "Hãy thử lại sau" in sixth.content.decode()
    assert "khoảng 15 phút nữa" in sixth.content.decode()
    assert logged_in_user_id(client) is None


def test_the_lock_covers_the_other_spellings_of_the_same_identifier(client, citizen):
    for _ in range(5):
        attempt(client, CITIZEN_PHONE, "sai", REMOTE_ADDR="10.0.0.1")
    # Another address, the same phone written another way: still locked.
    response = attempt(client, "+84 912 345 678", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert "Hãy thử lại sau" in response.content.decode()


def test_one_address_trying_many_accounts_is_locked(client, citizen):
    for number in range(5):
        attempt(client, f"09000000{number:02d}", "sai", REMOTE_ADDR="10.0.0.9")
    response = attempt(client, CITIZEN_ID, PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert "Hãy thử lại sau" in response.content.decode()
    assert logged_in_user_id(client) is None
    # The citizen, from their own address, is not locked out by someone else's guessing.
    assert attempt(client, CITIZEN_ID, PASSWORD, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_the_lock_ends_with_the_window(client, citizen):
    for _ in range(5):
        attempt(client, CITIZEN_ID, "sai")
    assert "Hãy thử lại sau" in attempt(client, CITIZEN_ID, PASSWORD).content.decode()
    cache.clear()  # what the window's expiry does in the shared cache
    assert attempt(client, CITIZEN_ID, PASSWORD).status_code == 302


def test_the_window_is_the_cache_timeout(client, citizen, settings):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 1
    for _ in range(5):
        attempt(client, CITIZEN_ID, "sai")
    assert "Hãy thử lại sau" in attempt(client, CITIZEN_ID, PASSWORD).content.decode()
    time.sleep(1.1)
    assert attempt(client, CITIZEN_ID, PASSWORD).status_code == 302


def test_a_success_clears_the_identifiers_failures(client, citizen):
    for _ in range(4):
        attempt(client, CITIZEN_ID, "sai", REMOTE_ADDR="10.0.0.1")
    assert attempt(client, CITIZEN_ID, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()
    # Four more failures would have locked the account if the first four were still counted.
    for _ in range(4):
        attempt(client, CITIZEN_ID, "sai", REMOTE_ADDR="10.0.0.3")
    assert attempt(client, CITIZEN_ID, PASSWORD, REMOTE_ADDR="10.0.0.3").status_code == 302


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(client, citizen, settings):
    for number in range(5):
        attempt(client, f"09000000{number:02d}", "sai", HTTP_X_FORWARDED_FOR=f"10.1.0.{number}")
    # All five came from the same REMOTE_ADDR, so the spoofed header did not spread them out.
    assert "Hãy thử lại sau" in attempt(client, CITIZEN_ID, PASSWORD).content.decode()
    settings.TRUSTED_PROXY_COUNT = 1
    assert attempt(client, CITIZEN_ID, PASSWORD, HTTP_X_FORWARDED_FOR="10.1.0.99").status_code == 302


def test_an_inactive_account_cannot_log_in(client, citizen):
    citizen.is_active = False
    citizen.save()
    assert attempt(client, CITIZEN_ID, PASSWORD).status_code == 200
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("name", ["core:officer-home", "core:after-login"])
def test_officer_pages_need_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(URL)


def test_the_admin_needs_login(client, db):
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert "login" in response.url


def test_logout_is_post_only(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert logged_in_user_id(client) is None
