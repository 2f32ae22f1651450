"""The admin has no login of its own: /quan-tri/login/ hands over to the portal's throttled login, and the admin
admits only active staff whose session the second factor verified."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.accounts.otp import totp_code
from tests.accounts.conftest import PASSWORD
from tests.accounts.helpers import logged_in_user_id
from tests.conftest import login_verified

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
USERS = reverse("admin:accounts_user_changelist")


def login_for(next_url: str) -> str:
    return f"{LOGIN}?next={next_url}"


@pytest.fixture
def superuser(units) -> User:
    """The city's administrator, with an authenticator app."""
    user = User.objects.create_superuser("quantri", PASSWORD, full_name="Quản trị Sở", unit=units["city"])
    TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    return user


def test_the_admin_login_url_hands_over_to_the_portal_login_keeping_next(client, db):
    response = client.get(ADMIN_LOGIN, {"next": USERS})
    assert response.status_code == 302
    assert response.url == login_for(USERS)
    # Without a page asked for, the admin's home.
    assert client.get(ADMIN_LOGIN).url == login_for(reverse("admin:index"))


def test_an_admin_page_sends_an_anonymous_visitor_to_the_portal_login(client, db):
    response = client.get(USERS, follow=True)
    assert response.redirect_chain[-1][0] == login_for(USERS)
    assert response.templates[0].name == "registration/login.html"


def test_the_admin_login_url_takes_no_password(client, superuser):
    response = client.post(ADMIN_LOGIN, {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert logged_in_user_id(client) is None


def _through(client, start: str) -> str:
    """The login form's URL a person reaches from `start`, following the redirects as a browser does."""
    response = client.get(start, follow=True)
    assert response.templates[0].name == "registration/login.html"
    return response.redirect_chain[-1][0] if response.redirect_chain else start


@pytest.mark.parametrize("start", [LOGIN, ADMIN_LOGIN], ids=["portal", "admin"])
def test_five_failures_lock_the_identifier(client, superuser, start):
    form = _through(client, start)
    for _ in range(5):
        client.post(form, {"username": "quantri", "password": "sai"}, REMOTE_ADDR="10.0.0.1")

    response = client.post(form, {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")

    assert "Hãy thử lại sau" in response.content.decode()
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("start", [LOGIN, ADMIN_LOGIN], ids=["portal", "admin"])
def test_five_failures_lock_the_address(client, superuser, start):
    form = _through(client, start)
    for number in range(5):
        client.post(form, {"username": f"khach{number}", "password": "sai"}, REMOTE_ADDR="10.0.0.9")

    locked = client.post(form, {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert "Hãy thử lại sau" in locked.content.decode()
    # From another address the administrator goes on to the code step.
    other = client.post(form, {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert other.url == reverse("accounts:login-code")


def test_the_administrator_reaches_the_admin_with_password_and_code(client, superuser):
    form = _through(client, USERS)
    response = client.post(form, {"username": "quantri", "password": PASSWORD})
    response = client.post(response.url, {"code": totp_code(TOTPDevice.objects.get(user=superuser))})

    assert response.url == USERS
    assert client.get(USERS).status_code == 200


def test_a_staff_session_without_the_second_factor_is_sent_to_sign_in_again(client, superuser):
    client.force_login(superuser)

    response = client.get(USERS, follow=True)

    assert response.redirect_chain[-1][0] == login_for(USERS)
    assert logged_in_user_id(client) is None


def test_a_signed_in_officer_without_staff_status_is_refused(client, one_stop_officer):
    login_verified(client, one_stop_officer)
    response = client.get(USERS, follow=True)
    assert response.status_code == 403
    assert "không được vào trang quản trị" in response.content.decode()


def test_the_admin_logout_still_signs_out(client, superuser):
    login_verified(client, superuser)
    assert client.get(USERS).status_code == 200

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 302
    assert logged_in_user_id(client) is None
    assert client.get(USERS).url.startswith(ADMIN_LOGIN)


def test_the_admin_lists_the_authenticator_apps_to_reset_a_lost_phone(admin_client, superuser):
    devices = reverse("admin:otp_totp_totpdevice_changelist")
    page = admin_client.get(devices)
    assert page.status_code == 200
    assert "Điện thoại" in page.content.decode()  # the administrator's app, by the name it was given
    device = TOTPDevice.objects.get(user=superuser)
    response = admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=superuser).exists()
