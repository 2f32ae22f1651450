"""`manage.py load_demo`: one demo account per role, in the right unit, able to log in, however often it runs."""

import pytest
from django.core.management import call_command

from egov.accounts.models import ROLE_UNIT_LEVEL, Role, User
from egov.core.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from procedures.models import Procedure

pytestmark = pytest.mark.django_db

EXPECTED_UNITS = {
    Role.ONE_STOP: "Phúc Xá",
    Role.JUSTICE: "Phúc Xá",
    Role.LEADER: "Phúc Xá",
    Role.POLICE: "Ba Đình",
    Role.SOCIAL_INSURANCE: "Ba Đình",
    Role.DISTRICT: "Ba Đình",
    Role.CITY: "Hà Nội",
}


@pytest.fixture
def demo_loaded() -> None:
    call_command("load_demo", verbosity=0)
    # Someone changed a password in between: the second run resets it.
    User.objects.filter(username=DEMO_ACCOUNTS[0].username).update(password="!")
    call_command("load_demo", verbosity=0)


def test_running_twice_leaves_exactly_one_account_per_role(demo_loaded):
    assert User.objects.count() == len(DEMO_ACCOUNTS) == len(Role)
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)


def test_the_catalogue_is_loaded_once(demo_loaded):
    assert Procedure.objects.filter(is_active=True).count() == 7


def test_each_account_logs_in_with_the_demo_password(demo_loaded, client):
    # One test for all accounts: loading the units twice is what costs time here.
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        client.logout()


def test_the_citizen_also_logs_in_with_id_number_or_phone(demo_loaded, client):
    citizen = User.objects.get(role=Role.CITIZEN)
    assert citizen.id_number == "001090012345"
    assert citizen.unit is None
    assert client.login(username=citizen.phone, password=DEMO_PASSWORD)
    client.logout()
    assert client.login(username=citizen.id_number, password=DEMO_PASSWORD)


def test_officers_work_in_a_unit_of_their_role_level(demo_loaded):
    for role, unit_name in EXPECTED_UNITS.items():
        officer = User.objects.select_related("unit").get(role=role)
        assert officer.unit.level == ROLE_UNIT_LEVEL[role], role
        assert unit_name in officer.unit.name, role


def test_only_the_city_account_may_use_the_admin(demo_loaded):
    admins = User.objects.filter(is_staff=True, is_superuser=True)
    assert list(admins.values_list("role", flat=True)) == [Role.CITY]
