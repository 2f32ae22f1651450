"""Officers' sessions end after 30 minutes idle and 10 hours at most; citizens keep Django's default."""

import time

import pytest
from django.urls import reverse

from egov.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from egov.accounts.models import User
from tests.accounts.helpers import logged_in_user_id
from tests.conftest import login_verified

HOME = reverse("core:officer-home")
LOGIN = reverse("accounts:login")


def age_session(client, *, idle: float, total: float) -> None:
    """What the clock does between requests: the last request `idle` seconds ago, the first `total` seconds ago."""
    session = client.session
    now = time.time()
    session[SESSION_SEEN_KEY] = now - idle
    session[SESSION_STARTED_KEY] = now - total
    session.save()


@pytest.fixture
def officer_client(client, one_stop_officer):
    client.force_login(one_stop_officer)  # the login starts the clocks
    return client


def test_the_limits_default_to_30_minutes_idle_and_10_hours(settings):
    assert (settings.OFFICER_SESSION_IDLE_SECONDS, settings.OFFICER_SESSION_MAX_SECONDS) == (1800, 36000)


def test_an_officer_is_signed_out_after_30_minutes_idle(officer_client):
    age_session(officer_client, idle=30 * 60 + 1, total=40 * 60)

    response = officer_client.get(HOME, follow=True)

    assert response.redirect_chain[0][0] == f"{LOGIN}?next={HOME}"
    assert "Phiên làm việc đã hết hạn sau 30 phút không thao tác" in response.content.decode()
    assert logged_in_user_id(officer_client) is None


def test_working_on_keeps_the_session(officer_client):
    age_session(officer_client, idle=29 * 60, total=9 * 3600)

    assert officer_client.get(HOME).status_code == 200
    assert time.time() - officer_client.session[SESSION_SEEN_KEY] < 5


def test_a_page_within_a_minute_of_the_last_writes_nothing_to_the_session(officer_client):
    seen = officer_client.session[SESSION_SEEN_KEY]
    assert time.time() - seen < 5

    assert officer_client.get(HOME).status_code == 200
    assert officer_client.session[SESSION_SEEN_KEY] == seen


def test_an_officer_is_signed_out_after_10_hours_even_while_working(officer_client):
    age_session(officer_client, idle=60, total=10 * 3600 + 1)

    response = officer_client.get(HOME, follow=True)

    assert "Phiên làm việc đã hết hạn sau 10 giờ liên tục" in response.content.decode()
    assert logged_in_user_id(officer_client) is None


def test_an_expired_form_post_goes_to_the_login_without_coming_back_to_the_post(officer_client):
    age_session(officer_client, idle=3600, total=3600)

    response = officer_client.post(reverse("accounts:logout"))

    assert response.url == LOGIN
    assert logged_in_user_id(officer_client) is None


def test_the_limits_come_from_the_settings(officer_client, settings):
    settings.OFFICER_SESSION_IDLE_SECONDS = 10 * 60
    age_session(officer_client, idle=11 * 60, total=11 * 60)
    response = officer_client.get(HOME, follow=True)
    assert "sau 10 phút không thao tác" in response.content.decode()


def test_the_admins_staff_have_the_same_limits(client, units):
    admin = User.objects.create_superuser("quantri", "x", full_name="Quản trị", unit=units["city"])
    login_verified(client, admin)
    age_session(client, idle=31 * 60, total=31 * 60)

    assert client.get(reverse("admin:index")).url.startswith(LOGIN)
    assert logged_in_user_id(client) is None


def test_a_citizen_keeps_djangos_default(client, citizen):
    client.force_login(citizen)
    age_session(client, idle=2 * 3600, total=11 * 3600)

    assert client.get(reverse("procedures:my-dossiers")).status_code == 200
    assert logged_in_user_id(client) == citizen.pk
