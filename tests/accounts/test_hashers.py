"""Passwords are hashed with Argon2id at OWASP's parameters, and older hashes are rehashed at the next login, the one
with a second step included. These tests use the portal's real hashers, not the tests' fast one."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.urls import reverse

from egov.accounts.models import Role, User
from egov.accounts.otp import totp_code
from egov.settings import PASSWORD_HASHERS
from tests.accounts.conftest import CITIZEN_ID, PASSWORD, make_officer
from tests.accounts.helpers import CODE, attempt, enrol, logged_in_user_id

ARGON2ID_AT_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture(autouse=True)
def _portal_hashers(settings):
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS


def django_default_argon2(password: str) -> str:
    """A hash by Django's own Argon2 parameters (100 MiB, t = 2, p = 8): the right algorithm, other costs."""
    hasher = Argon2PasswordHasher()
    return hasher.encode(password, hasher.salt())


# Hashes made before: by the portal's former PBKDF2 (Django's, 1,500,000 iterations), and by Argon2 at other costs.
OLD_HASHES = {
    "pbkdf2": lambda password: make_password(password, hasher="pbkdf2_sha256"),
    "argon2": django_default_argon2,
}


def with_hash(user: User, old: str) -> User:
    user.password = OLD_HASHES[old](PASSWORD)
    user.save(update_fields=["password"])
    return user


def stored_hash(user: User) -> str:
    return User.objects.values_list("password", flat=True).get(pk=user.pk)


def test_a_new_password_is_hashed_with_argon2id_at_owasp_parameters(citizen):
    assert stored_hash(citizen).startswith(ARGON2ID_AT_OWASP)
    assert citizen.check_password(PASSWORD)


@pytest.mark.parametrize("old", OLD_HASHES)
def test_an_older_hash_is_rehashed_at_login_and_the_citizen_stays_signed_in(client, citizen, old):
    with_hash(citizen, old)

    assert attempt(client, CITIZEN_ID, PASSWORD).status_code == 302

    assert stored_hash(citizen).startswith(ARGON2ID_AT_OWASP)
    # The session's hash is of the new password hash: the next page still knows the citizen.
    assert client.get(reverse("core:after-login")).url == reverse("core:home")
    assert logged_in_user_id(client) == citizen.pk


def test_a_wrong_password_leaves_the_old_hash_alone(client, citizen):
    old = with_hash(citizen, "pbkdf2").password

    assert attempt(client, CITIZEN_ID, "sai-mat-khau").status_code == 200

    assert stored_hash(citizen) == old


def test_an_officer_with_a_second_step_is_rehashed_and_signed_in_after_the_code(client, units):
    city_staff = with_hash(make_officer("so.tttt", Role.CITY, units["city"]), "pbkdf2")
    device = enrol(city_staff)

    assert attempt(client, "so.tttt", PASSWORD).url == CODE
    # The password step is where the password is checked, so that is where the hash is renewed.
    assert stored_hash(city_staff).startswith(ARGON2ID_AT_OWASP)
    assert logged_in_user_id(client) is None

    assert client.post(CODE, {"code": totp_code(device)}).status_code == 302
    assert client.get(reverse("core:after-login")).url == reverse("core:officer-home")
    assert logged_in_user_id(client) == city_staff.pk
