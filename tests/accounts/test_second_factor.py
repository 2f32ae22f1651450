"""The login's second step: a code from an authenticator app for city staff and the admin's staff (and officers who
enrolled), throttled like the password; the enrolment that comes first when such an account has no app yet."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import Role, User
from egov.accounts.otp import totp_code
from egov.accounts.second_factor import PENDING_SECONDS, PENDING_SESSION_KEY
from tests.accounts.conftest import CITIZEN_ID, PASSWORD, make_officer
from tests.accounts.helpers import CODE, attempt, enrol, logged_in_user_id

LOGIN = reverse("accounts:login")
ENROL = reverse("accounts:otp-enrol")
REPORTS = reverse("reporting:home")


@pytest.fixture
def city_staff(units) -> User:
    """Sở staff: they see every commune's records, so the password alone never signs them in."""
    return make_officer("so.tttt", Role.CITY, units["city"])


def shown_key(page: str) -> str:
    """The key the enrolment page shows for typing by hand."""
    return re.search(r"<span id=\"otp-key\">([A-Z2-7 ]+)</span>", page).group(1)


def wrong(code: str) -> str:
    """A 6-digit code that is not `code`."""
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def test_city_staff_are_not_signed_in_by_the_password_alone(client, city_staff):
    enrol(city_staff)
    response = client.post(LOGIN, {"username": "so.tttt", "password": PASSWORD, "next": REPORTS})

    assert response.status_code == 302 and response.url == CODE
    assert logged_in_user_id(client) is None
    assert client.get(REPORTS).url.startswith(LOGIN)
    page = client.get(CODE).content.decode()
    assert "Mã xác thực gồm 6 chữ số trong ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…)" in page


def test_the_right_code_signs_in_verified_and_goes_where_the_officer_was_going(client, city_staff):
    device = enrol(city_staff)
    client.post(LOGIN, {"username": "so.tttt", "password": PASSWORD, "next": REPORTS})

    response = client.post(CODE, {"code": totp_code(device)})

    assert response.status_code == 302 and response.url == REPORTS
    assert logged_in_user_id(client) == city_staff.pk
    assert client.session["otp_device_id"] == device.persistent_id
    assert PENDING_SESSION_KEY not in client.session


def test_the_code_may_be_typed_with_a_space_as_apps_show_it(client, city_staff):
    device = enrol(city_staff)
    attempt(client, "so.tttt", PASSWORD)
    code = totp_code(device)
    assert client.post(CODE, {"code": f"{code[:3]} {code[3:]}"}).status_code == 302
    assert logged_in_user_id(client) == city_staff.pk


def test_a_wrong_code_says_what_to_do_and_signs_nobody_in(client, city_staff):
    device = enrol(city_staff)
    attempt(client, "so.tttt", PASSWORD)

    response = client.post(CODE, {"code": wrong(totp_code(device))})

    assert response.status_code == 200
    assert "Mã xác thực chưa đúng hoặc đã hết hạn" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_five_wrong_codes_lock_the_account_even_for_the_right_code(client, city_staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the portal's lock is under test, not django-otp's own delay
    device = enrol(city_staff)
    attempt(client, "so.tttt", PASSWORD, REMOTE_ADDR="10.0.0.1")
    for _ in range(4):
        assert "chưa đúng" in client.post(CODE, {"code": wrong(totp_code(device))}).content.decode()
    assert "Hãy thử lại sau" in client.post(CODE, {"code": wrong(totp_code(device))}).content.decode()

    assert "Hãy thử lại sau" in client.post(CODE, {"code": totp_code(device)}).content.decode()
    assert logged_in_user_id(client) is None
    # The password step of the same account is locked too, from any address.
    assert "Hãy thử lại sau" in attempt(client, "so.tttt", PASSWORD, REMOTE_ADDR="10.0.0.2").content.decode()


def test_a_right_password_does_not_forgive_wrong_codes(client, city_staff, settings):
    """Otherwise whoever has the password could guess codes without end, four at a time."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enrol(city_staff)
    attempt(client, "so.tttt", PASSWORD)
    for _ in range(4):
        client.post(CODE, {"code": wrong(totp_code(device))})
    assert attempt(client, "so.tttt", PASSWORD).url == CODE

    assert "Hãy thử lại sau" in client.post(CODE, {"code": wrong(totp_code(device))}).content.decode()


def test_the_code_step_forgets_a_login_left_too_long(client, city_staff):
    device = enrol(city_staff)
    attempt(client, "so.tttt", PASSWORD)
    session = client.session
    session[PENDING_SESSION_KEY]["at"] -= PENDING_SECONDS + 1
    session.save()

    response = client.post(CODE, {"code": totp_code(device)})

    assert response.status_code == 302 and response.url == LOGIN
    assert logged_in_user_id(client) is None


def test_the_code_step_without_a_password_first_goes_to_the_login(client, db):
    assert client.get(CODE).url == LOGIN


def test_an_officer_who_enrolled_is_asked_the_code_and_one_who_did_not_is_not(client, one_stop_officer, units):
    enrol(one_stop_officer)
    assert attempt(client, "mc.hongha", PASSWORD).url == CODE

    make_officer("tp.hongha", Role.JUSTICE, units["hong_ha"])
    assert attempt(client, "tp.hongha", PASSWORD).url == reverse("core:after-login")


def test_city_staff_without_an_app_enrol_before_anything_else(client, city_staff):
    response = client.post(LOGIN, {"username": "so.tttt", "password": PASSWORD, "next": REPORTS})
    assert client.get(response.url).url == ENROL

    page = client.get(ENROL).content.decode()
    assert '<img class="d-block my-2 border img-fluid" src="data:image/png;base64,' in page
    device = TOTPDevice.objects.get(user=city_staff, confirmed=False)
    # The key for typing by hand, in groups of four.
    assert shown_key(page) == " ".join(re.findall("....", base64.b32encode(device.bin_key).decode()))
    assert client.get(REPORTS).url.startswith(LOGIN)  # nothing else opens before the enrolment
    assert logged_in_user_id(client) is None

    response = client.post(ENROL, {"code": totp_code(device)})

    assert response.status_code == 302 and response.url == REPORTS
    assert logged_in_user_id(client) == city_staff.pk
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["otp_device_id"] == device.persistent_id


def test_the_enrolment_shows_the_same_key_until_it_is_confirmed(client, city_staff):
    attempt(client, "so.tttt", PASSWORD)
    first, again = client.get(ENROL).content.decode(), client.get(ENROL).content.decode()
    assert shown_key(first) == shown_key(again)
    assert TOTPDevice.objects.filter(user=city_staff).count() == 1


def test_a_wrong_enrolment_code_leaves_the_app_off(client, city_staff):
    attempt(client, "so.tttt", PASSWORD)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=city_staff)

    response = client.post(ENROL, {"code": wrong(totp_code(device))})

    assert "Mã xác thực chưa đúng" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert logged_in_user_id(client) is None


def test_an_officer_enrols_by_choice_from_the_home_page(client, one_stop_officer):
    client.force_login(one_stop_officer)
    home = client.get(reverse("core:officer-home")).content.decode()
    assert f'href="{ENROL}">Bảo mật đăng nhập hai bước</a>' in home
    assert "Chưa bật" in home

    client.get(ENROL)
    device = TOTPDevice.objects.get(user=one_stop_officer)
    response = client.post(ENROL, {"code": totp_code(device)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("core:officer-home")
    assert "Đã bật đăng nhập hai bước" in response.content.decode()
    assert "Đang bật" in response.content.decode()
    page = client.get(ENROL).content.decode()
    assert f"từ ngày {device.created_at:%d/%m/%Y}" in page
    assert "data:image/png" not in page  # the key is not shown again


def test_a_citizen_has_no_enrolment(client, citizen):
    client.force_login(citizen)
    response = client.get(ENROL)
    assert response.status_code == 403
    assert "dành cho tài khoản cán bộ" in response.content.decode()


def test_the_enrolment_needs_a_login(client, db):
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_second_step_pages_take_get_and_post_only(client, city_staff, method):
    for url in (CODE, ENROL):
        assert getattr(client, method)(url).status_code == 405


def test_a_citizen_still_signs_in_with_the_password_alone(client, citizen):
    assert attempt(client, CITIZEN_ID, PASSWORD).url == reverse("core:after-login")
    assert logged_in_user_id(client) == citizen.pk
