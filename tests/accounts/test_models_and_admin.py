"""An officer's unit must have the level of their role: enforced by User.clean() and so by the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from egov.accounts.models import ROLE_UNIT_LEVELS, Role, User
from tests.accounts.conftest import CITIZEN_ID, PASSWORD
from tests.conftest import login_verified

UNIT_FOR_LEVEL = {"commune": "hong_ha", "district": "ba_dinh", "city": "city"}


@pytest.mark.parametrize("role", list(ROLE_UNIT_LEVELS))
def test_each_role_accepts_a_unit_of_its_levels(units, role):
    for level in ROLE_UNIT_LEVELS[role]:
        User(username="o", full_name="Cán bộ", role=role, unit=units[UNIT_FOR_LEVEL[level]]).clean()


@pytest.mark.parametrize("role", list(ROLE_UNIT_LEVELS))
def test_each_role_refuses_a_unit_of_another_level(units, role):
    for level, key in UNIT_FOR_LEVEL.items():
        if level in ROLE_UNIT_LEVELS[role]:
            continue
        with pytest.raises(ValidationError) as exc:
            User(username="o", full_name="Cán bộ", role=role, unit=units[key]).clean()
        assert "Chọn một đơn vị" in exc.value.message_dict["unit"][0]


def test_police_and_social_insurance_work_at_todays_communes(units):
    # Since the 2025 reform they are assigned to communes; their accounts of before (by district) stay valid.
    for role in (Role.POLICE, Role.SOCIAL_INSURANCE):
        User(username="o", full_name="Cán bộ", role=role, unit=units["hong_ha"]).clean()


def test_an_account_of_an_abolished_unit_is_valid(units):
    # Its history stays readable (egov.accounts.jurisdiction.reads_history_only): the account is kept and edited.
    officer = User.objects.create_user("q", "x", full_name="Cán bộ quận", role=Role.DISTRICT, unit=units["ba_dinh"])
    officer.full_name = "Cán bộ quận Ba Đình"
    officer.clean()


def test_an_officer_needs_a_unit(db):
    with pytest.raises(ValidationError) as exc:
        User(username="o", full_name="Cán bộ", role=Role.ONE_STOP).clean()
    assert exc.value.message_dict["unit"] == ["Chọn đơn vị công tác (cấp xã) cho cán bộ."]


def test_a_citizen_has_no_unit(units):
    with pytest.raises(ValidationError):
        User(username="c", full_name="Dân", role=Role.CITIZEN, unit=units["phuc_xa"]).clean()
    User(username="c", full_name="Dân", role=Role.CITIZEN).clean()


@pytest.fixture
def city_admin(client, units):
    admin = User.objects.create_superuser("so.tttt", PASSWORD, full_name="Cán bộ Sở", unit=units["city"])
    login_verified(client, admin)
    return client


def test_the_admin_lists_searches_and_filters_users(city_admin, citizen, one_stop_officer):
    url = reverse("admin:accounts_user_changelist")
    assert city_admin.get(url).status_code == 200
    assert list(city_admin.get(url, {"q": CITIZEN_ID}).context["cl"].result_list) == [citizen]
    assert list(city_admin.get(url, {"q": "0912345678"}).context["cl"].result_list) == [citizen]
    assert list(city_admin.get(url, {"role__exact": "one_stop"}).context["cl"].result_list) == [one_stop_officer]


def test_the_admin_adds_an_officer_with_a_matching_unit(city_admin, units):
    data = {
        "username": "tp.hongha",
        "full_name": "Lê Văn Tư Pháp",
        "role": "justice",
        "unit": units["hong_ha"].pk,
        "email": "",
        "phone": "",
        "password1": "Ho-tich-2016-xa",
        "password2": "Ho-tich-2016-xa",
    }
    response = city_admin.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer = User.objects.get(username="tp.hongha")
    assert (officer.role, officer.unit, officer.phone) == (Role.JUSTICE, units["hong_ha"], None)


def test_the_admin_refuses_a_unit_of_the_wrong_level(city_admin, units):
    data = {
        "username": "tp.badinh",
        "full_name": "Sai Cấp",
        "role": "justice",
        "unit": units["ba_dinh"].pk,
        "password1": "Ho-tich-2016-xa",
        "password2": "Ho-tich-2016-xa",
    }
    response = city_admin.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert "Chọn một đơn vị cấp xã" in response.context["adminform"].form.errors["unit"][0]
    assert not User.objects.filter(username="tp.badinh").exists()


def test_the_admin_changes_a_password(city_admin, one_stop_officer):
    url = reverse("admin:auth_user_password_change", args=[one_stop_officer.pk])
    response = city_admin.post(url, {"password1": "Mat-khau-moi-99", "password2": "Mat-khau-moi-99"})
    assert response.status_code == 302
    one_stop_officer.refresh_from_db()
    assert one_stop_officer.check_password("Mat-khau-moi-99")


def test_officers_without_staff_rights_cannot_use_the_admin(client, one_stop_officer):
    client.force_login(one_stop_officer)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302
