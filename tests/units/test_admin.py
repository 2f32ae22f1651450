"""The units admin that city staff use: the tree, its filters, a district with its communes, the rollout."""

import pytest
from django.urls import reverse

from egov.accounts.models import User
from egov.units.models import AdministrativeUnit, UnitLevel, UnitSuccession
from tests.conftest import login_verified
from tests.units.conftest import run_command

CHANGELIST = reverse("admin:units_administrativeunit_changelist")


@pytest.fixture
def city_admin(client, hanoi_legacy):
    user = User.objects.create_superuser("so-tttt", "x", full_name="Cán bộ Sở")
    login_verified(client, user)
    return client


def test_the_changelist_loads_and_filters_by_level(city_admin):
    response = city_admin.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1 + 30 + 526

    response = city_admin.get(CHANGELIST, {"level__exact": UnitLevel.DISTRICT})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30
    assert "Thị xã Sơn Tây" in response.text


def test_the_district_filter_lists_districts_and_shows_their_communes(city_admin):
    ba_dinh = AdministrativeUnit.objects.get(level=UnitLevel.DISTRICT, code="001")

    response = city_admin.get(CHANGELIST, {"district": ba_dinh.pk})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 13
    assert "Phường Phúc Xá" in response.text
    district_filter = next(
        f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", None) == "district"
    )
    assert len(district_filter.lookup_choices) == 30


def test_search_by_code(city_admin):
    response = city_admin.get(CHANGELIST, {"q": "00001"})

    assert [u.name for u in response.context["cl"].result_list] == ["Phường Phúc Xá"]


def test_the_children_link_of_a_district_opens_its_communes(city_admin):
    ba_dinh = AdministrativeUnit.objects.get(level=UnitLevel.DISTRICT, code="001")
    link = f"{CHANGELIST}?parent__id__exact={ba_dinh.pk}"
    assert link in city_admin.get(CHANGELIST, {"level__exact": UnitLevel.DISTRICT}).text

    response = city_admin.get(link)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 13


def test_a_district_page_shows_its_communes_and_rollout(city_admin):
    run_command("load_rollout")
    ba_vi = AdministrativeUnit.objects.get(level=UnitLevel.DISTRICT, code="271")

    response = city_admin.get(reverse("admin:units_administrativeunit_change", args=[ba_vi.pk]))

    assert response.status_code == 200
    assert "Thị trấn Tây Đằng" in response.text
    assert "2016-11-10" in response.text or "10/11/2016" in response.text


def test_the_rollout_and_mapping_lists_load(city_admin):
    run_command("load_rollout")
    run_command("load_units", "--dataset", "hanoi-2025")

    rollouts = city_admin.get(reverse("admin:units_unitrollout_changelist"))
    links = city_admin.get(reverse("admin:units_unitsuccession_changelist"), {"q": "Phúc Xá"})

    assert rollouts.status_code == 200
    assert rollouts.context["cl"].result_count == 30
    assert links.status_code == 200
    assert "Phường Hồng Hà" in links.text


def test_the_admin_needs_a_staff_login(client, hanoi_legacy):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("level", "code", "valid_from", "shown"),
    [
        (UnitLevel.CITY, "01", None, "Quận Ba Đình"),
        (UnitLevel.COMMUNE, "00001", None, "Phường Hồng Hà"),
        (UnitLevel.COMMUNE, "00004", "2025-07-01", "Phường Trúc Bạch"),
    ],
)
def test_each_level_has_a_working_change_page(city_admin, level, code, valid_from, shown):
    run_command("load_units", "--dataset", "hanoi-2025")
    unit = AdministrativeUnit.objects.get(level=level, code=code, valid_from=valid_from)

    response = city_admin.get(reverse("admin:units_administrativeunit_change", args=[unit.pk]))

    assert response.status_code == 200
    assert shown in response.text


def test_the_city_moves_an_old_communes_records_to_another_successor(city_admin):
    run_command("load_units", "--dataset", "hanoi-2025")
    cong_vi = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="00007", valid_from=None)
    url = reverse("admin:units_administrativeunit_change", args=[cong_vi.pk])
    form = city_admin.get(url).context["adminform"].form
    links = list(UnitSuccession.objects.filter(old_unit=cong_vi).order_by("new_unit__code"))
    data = {
        **{name: value for name, value in form.initial.items() if value is not None},
        "parent": cong_vi.parent_id,
    }
    prefix = "successor_links"
    data.update({f"{prefix}-TOTAL_FORMS": len(links), f"{prefix}-INITIAL_FORMS": len(links)})
    data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for index, link in enumerate(links):
        data[f"{prefix}-{index}-id"] = link.pk
        data[f"{prefix}-{index}-old_unit"] = cong_vi.pk
    for other in ("predecessor_links", "rollout"):
        data.update({f"{other}-TOTAL_FORMS": 0, f"{other}-INITIAL_FORMS": 0})

    # Ticking none, or both, is refused: the records must be somewhere, and in one place.
    both = {**data, f"{prefix}-0-holds_records": "on", f"{prefix}-1-holds_records": "on"}
    response = city_admin.post(url, both)
    assert response.status_code == 200
    assert "Chọn đúng một đơn vị mới giữ hồ sơ" in response.text

    moved = {**data, f"{prefix}-1-holds_records": "on"}
    response = city_admin.post(url, moved)
    assert response.status_code == 302, response.context["errors"]
    holder = UnitSuccession.objects.get(old_unit=cong_vi, holds_records=True)
    assert holder.new_unit == links[1].new_unit
