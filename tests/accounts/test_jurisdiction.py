"""The jurisdiction rule: commune roles see their commune, district roles their district, city staff all."""

import pytest
from django.contrib.auth.models import AnonymousUser

from egov.accounts.jurisdiction import (
    communes_in_jurisdiction,
    filter_to_jurisdiction,
    in_jurisdiction,
    visible_unit_ids,
)
from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit
from tests.accounts.conftest import make_officer


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.mark.parametrize("role", [Role.ONE_STOP, Role.JUSTICE, Role.LEADER])
def test_commune_roles_see_only_their_commune(units, role):
    officer = make_officer("o", role, units["phuc_xa"])
    assert visible_unit_ids(officer) == {units["phuc_xa"].pk}
    assert names(communes_in_jurisdiction(officer)) == {"Phường Phúc Xá"}
    assert in_jurisdiction(officer, units["phuc_xa"])
    assert not in_jurisdiction(officer, units["truc_bach"])
    assert not in_jurisdiction(officer, units["ba_dinh"])


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.POLICE, Role.SOCIAL_INSURANCE])
def test_district_roles_see_the_communes_of_their_district(units, role):
    officer = make_officer("o", role, units["dong_anh"])
    assert names(communes_in_jurisdiction(officer)) == {"Thị trấn Đông Anh", "Xã Xuân Nộn"}
    assert in_jurisdiction(officer, units["xuan_non"])
    assert in_jurisdiction(officer, units["dong_anh"].pk)
    assert not in_jurisdiction(officer, units["phuc_xa"])
    assert not in_jurisdiction(officer, units["ba_dinh"])


def test_city_staff_see_everything(units):
    officer = make_officer("o", Role.CITY, units["city"])
    assert visible_unit_ids(officer) is None
    assert communes_in_jurisdiction(officer).count() == 4
    assert all(in_jurisdiction(officer, unit) for unit in units.values())


def test_citizens_and_anonymous_visitors_see_nothing(units, citizen):
    for user in (citizen, AnonymousUser()):
        assert visible_unit_ids(user) == frozenset()
        assert not communes_in_jurisdiction(user).exists()
        assert not in_jurisdiction(user, units["phuc_xa"])


def test_an_inactive_officer_sees_nothing(units):
    officer = make_officer("o", Role.DISTRICT, units["ba_dinh"], is_active=False)
    assert visible_unit_ids(officer) == frozenset()


def test_filter_to_jurisdiction_follows_a_foreign_key(units, one_stop_officer, officer_of_other_commune):
    # Officers are rows with a unit: the same filter any selector applies to dossiers.
    officers = User.objects.exclude(unit=None)
    assert list(filter_to_jurisdiction(officers, one_stop_officer)) == [one_stop_officer]
    district = make_officer("q", Role.DISTRICT, units["dong_anh"])
    assert set(filter_to_jurisdiction(officers, district)) == {officer_of_other_commune, district}


def test_the_rule_costs_at_most_one_query(units, django_assert_max_num_queries):
    officer = make_officer("o", Role.POLICE, units["ba_dinh"])
    with django_assert_max_num_queries(1):
        visible_unit_ids(officer)
    commune_officer = make_officer("c", Role.ONE_STOP, units["phuc_xa"])
    with django_assert_max_num_queries(0):
        visible_unit_ids(commune_officer)


def test_a_district_keeps_its_merged_communes(units):
    # A commune that has ended its validity still belongs to the district's history.
    AdministrativeUnit.objects.filter(pk=units["truc_bach"].pk).update(valid_to="2019-12-31")
    officer = make_officer("o", Role.DISTRICT, units["ba_dinh"])
    assert in_jurisdiction(officer, units["truc_bach"])
