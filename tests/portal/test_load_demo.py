"""`manage.py load_demo`, loaded once for the whole module: both unit trees, one demo account per role in a unit of
today (the district chief's of before, reading history), able to log in, and a fortnight of dossiers at Phường Hồng
Hà written by the real services from data/demo-dossiers.toml. The runs at other moments, with commits and with the
generated history are in test_load_demo_runs.py, each in a database of its own."""

import io
from collections.abc import Iterator
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.jurisdiction import reads_history_only
from egov.accounts.models import ROLE_UNIT_LEVELS, Role, User
from egov.units.models import AdministrativeUnit, UnitLevel
from egov.workcal.calendar import get_calendar
from portal.demo_dossiers import demo_dossiers_read
from portal.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_KEY
from procedures.models import (
    BOOK_OF_FORM,
    Channel,
    Dossier,
    FormKind,
    Procedure,
    RegisterEntry,
    Status,
)
from procedures.services import newborn_id_number_check
from tests.portal.conftest import LOADED_AT, WARD, demo_dossiers, load_demo_at
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

EXPECTED_UNITS = {
    Role.ONE_STOP: "Phường Hồng Hà",
    Role.JUSTICE: "Phường Hồng Hà",
    Role.LEADER: "Phường Hồng Hà",
    Role.POLICE: "Phường Hồng Hà",
    Role.SOCIAL_INSURANCE: "Phường Hồng Hà",
    Role.DISTRICT: "Quận Ba Đình",
    Role.CITY: "Thành phố Hà Nội",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo, loaded once for the module in a transaction rolled back at its end (each test runs in a savepoint
    inside it): loading is what costs time here, and these tests only look. Loaded at LOADED_AT; then someone
    changes a password, and a day later it runs again, which resets the password and adds no dossier. The clock stays
    at that second run while the tests run."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        # The hasher the tests' own settings use: the demo's one hash must be one that they can check.
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        load_demo_at(patch, LOADED_AT)
        User.objects.filter(username=DEMO_ACCOUNTS[0].username).update(password="!")
        load_demo_at(patch, at(2026, 11, 26, 9))
        yield
        transaction.set_rollback(True)


# --- accounts and catalogue -------------------------------------------------------------------------------


def test_running_twice_leaves_exactly_one_account_per_role(demo):
    assert User.objects.count() == len(DEMO_ACCOUNTS) == len(Role)
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)


def test_the_catalogue_is_loaded_once(demo):
    assert Procedure.objects.filter(is_active=True).count() == 7


def test_each_account_logs_in_with_the_demo_password(demo, client):
    # One test for all accounts: loading the units twice is what costs time here.
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        client.logout()


def test_the_city_account_signs_in_with_the_code_that_otp_code_prints(demo, client):
    """The city account is also the admin: it asks a second factor, whose demo key a newcomer can use at once."""
    assert list(TOTPDevice.objects.values_list("user__username", "key", "confirmed")) == [
        ("thanhpho.hanoi", DEMO_TOTP_KEY, True)
    ]
    response = client.post(reverse("accounts:login"), {"username": "thanhpho.hanoi", "password": DEMO_PASSWORD})
    assert response.url == reverse("accounts:login-code")
    printed = io.StringIO()
    call_command("otp_code", "thanhpho.hanoi", stdout=printed)

    assert client.post(response.url, {"code": printed.getvalue().strip()}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_citizen_also_logs_in_with_id_number_or_phone(demo, client):
    citizen = User.objects.get(role=Role.CITIZEN)
    assert citizen.id_number == "001090012345"
    assert citizen.unit is None
    assert client.login(username=citizen.phone, password=DEMO_PASSWORD)
    client.logout()
    assert client.login(username=citizen.id_number, password=DEMO_PASSWORD)


def test_officers_work_in_a_unit_of_their_role_level(demo):
    for role, unit_name in EXPECTED_UNITS.items():
        officer = User.objects.select_related("unit").get(role=role)
        assert officer.unit.level == ROLE_UNIT_LEVELS[role][0], role
        assert officer.unit.name == unit_name, role


def test_the_officers_belong_to_todays_ward_and_the_district_chief_reads_history(demo):
    ward = User.objects.select_related("unit").get(role=Role.ONE_STOP).unit
    assert ward.is_valid_on(LOADED_AT.date()) and ward.parent.level == UnitLevel.CITY
    # Hồng Hà holds the records of Phúc Xá, where the demo's story took place before the reform.
    assert ward.predecessor_links.filter(old_unit__name="Phường Phúc Xá", holds_records=True).exists()
    for role in (Role.ONE_STOP, Role.JUSTICE, Role.LEADER, Role.POLICE, Role.SOCIAL_INSURANCE):
        assert not reads_history_only(User.objects.get(role=role)), role
    assert reads_history_only(User.objects.get(role=Role.DISTRICT))


def test_both_trees_are_loaded(demo):
    communes = AdministrativeUnit.objects.communes()
    assert communes.valid_on(LOADED_AT.date()).count() == 126
    assert communes.valid_on(date(2025, 6, 30)).count() == 526
    assert AdministrativeUnit.objects.districts().count() == 30


def test_only_the_city_account_may_use_the_admin(demo):
    admins = User.objects.filter(is_staff=True, is_superuser=True)
    assert list(admins.values_list("role", flat=True)) == [Role.CITY]


# --- dossiers ---------------------------------------------------------------------------------------------


def test_the_dossiers_are_loaded_once_at_todays_ward(demo):
    assert Dossier.objects.count() == len(demo_dossiers_read())
    assert set(Dossier.objects.values_list("unit__name", flat=True)) == {WARD}


def test_the_dossiers_show_every_procedure_channel_and_stage(demo):
    dossiers = list(demo_dossiers())

    assert {d.procedure.code for d in dossiers} == set(Procedure.objects.values_list("code", flat=True))
    assert {d.channel for d in dossiers} == set(Channel.values)
    assert {d.status for d in dossiers} == set(Status.values) - {Status.DRAFT, Status.WITHDRAWN}


def test_the_event_log_is_a_chain_of_transitions_in_the_past(demo):
    for dossier in demo_dossiers():
        events = list(dossier.events.all())
        assert events[0].from_status == Status.DRAFT, dossier
        transitions = [e for e in events if e.action != "apologize"]
        for before, after in zip(transitions, transitions[1:], strict=False):
            assert before.to_status == after.from_status, dossier
        assert transitions[-1].to_status == dossier.status, dossier
        times = [e.at for e in events]
        assert times == sorted(times), dossier
        assert dossier.created_at <= times[0] and times[-1] < LOADED_AT, dossier
        submitted_on = timezone.localtime(get_calendar().receipt_start(dossier.submitted_at)).date()
        assert dossier.code.startswith(f"00097-{submitted_on:%y%m%d}-"), dossier


def test_the_daily_codes_follow_the_order_of_filing(demo):
    dossiers = list(Dossier.objects.order_by("submitted_at"))
    by_day: dict[str, list[str]] = {}
    for dossier in dossiers:
        day = dossier.code[:12]
        by_day.setdefault(day, []).append(dossier.code[-4:])
    for numbers in by_day.values():
        assert numbers == [f"{n:04d}" for n in range(1, len(numbers) + 1)]


def test_counter_dossiers_name_the_declared_requester_and_a_contact(demo):
    for dossier in demo_dossiers().exclude(channel=Channel.ONLINE_SELF):
        assert dossier.applicant is None, dossier
        assert dossier.requester_name and dossier.contact_phone.startswith("0"), dossier


def test_the_names_are_varied(demo):
    dossiers = list(demo_dossiers())
    children = {d.data["tre-em"]["full_name"] for d in dossiers if "tre-em" in d.data}
    deceased = {d.data["nguoi-da-mat"]["full_name"] for d in dossiers if "nguoi-da-mat" in d.data}
    requesters = {d.requester_name for d in dossiers}

    assert len(children) >= 6
    assert len(deceased) >= 4
    assert len(requesters) >= 15


def test_the_citizen_has_dossiers_of_their_own_to_follow(demo):
    citizen = User.objects.get(role=Role.CITIZEN)
    mine = Dossier.objects.filter(applicant=citizen)

    assert set(mine.values_list("channel", flat=True)) == {Channel.ONLINE_SELF}
    assert {Status.SUBMITTED, Status.NEEDS_SUPPLEMENT, Status.RESULT_READY, Status.DELIVERED} <= set(
        mine.values_list("status", flat=True)
    )
    assert set(mine.values_list("contact_phone", flat=True)) == {citizen.phone}


def test_one_dossier_is_overdue_and_one_has_an_apology_slip(demo):
    now = LOADED_AT
    [overdue] = [d for d in demo_dossiers() if d.is_overdue(now)]
    [apologized] = Dossier.objects.exclude(apology_at=None)

    assert (overdue.procedure.code, overdue.status) == ("HT-KS", Status.PROCESSING)
    assert apologized.events.filter(action="apologize").count() == 1
    assert apologized.due_at > now


def test_register_entries_are_numbered_in_the_order_they_were_signed(demo):
    registered = demo_dossiers().filter(register_entry__isnull=False)
    assert registered.count() == RegisterEntry.objects.count() >= 8
    for book in {entry.book for entry in RegisterEntry.objects.all()}:
        entries = list(RegisterEntry.objects.filter(book=book).order_by("registered_at"))
        assert [e.number for e in entries] == list(range(1, len(entries) + 1)), book
    for dossier in registered:
        entry = dossier.register_entry
        assert entry.book == BOOK_OF_FORM[dossier.procedure.form_kind]
        approve = dossier.events.get(action="approve")
        assert approve.details["register_number"] == entry.number
        if dossier.procedure.form_kind in (FormKind.BIRTH, FormKind.BIRTH_3IN1):
            # The newborn's number agrees with the child's sex and birth year.
            assert newborn_id_number_check(dossier=dossier, value=entry.personal_id_number)


def test_3in1_dossiers_wait_for_their_linked_records(demo):
    linked = [d for d in demo_dossiers() if d.procedure.agencies]

    assert Status.REGISTERED in {d.status for d in linked}
    assert not {d.status for d in linked} & {Status.RESULT_READY, Status.DELIVERED}
