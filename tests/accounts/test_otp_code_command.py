"""`manage.py otp_code`: the current code of an account's authenticator app, for the demo; never in production."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import Role
from tests.accounts.conftest import make_officer


@pytest.fixture
def city_staff(units):
    return make_officer("thanhpho.hanoi", Role.CITY, units["city"])


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("otp_code", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_the_code_the_app_shows_now(city_staff):
    device = TOTPDevice.objects.create(user=city_staff, name="Demo", confirmed=True)
    code = run("thanhpho.hanoi")
    assert len(code) == 6 and code.isdigit()
    assert TOTP(device.bin_key).verify(int(code), tolerance=1)
    assert device.verify_token(code)  # the login accepts it


def test_it_refuses_to_run_in_production(city_staff, settings):
    TOTPDevice.objects.create(user=city_staff, name="Demo", confirmed=True)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="does not run in production"):
        run("thanhpho.hanoi")


def test_it_says_when_there_is_no_account_or_no_app(city_staff):
    with pytest.raises(CommandError, match="no confirmed authenticator app"):
        run("thanhpho.hanoi")
    with pytest.raises(CommandError, match="no account"):
        run("khong.co")
