"""The jurisdiction rule across the 2025 reform: an officer of a commune of today sees it and the old communes whose
records it holds, and acts on their dossiers; an account of an abolished unit reads its history only; district
roles see their district; city staff all."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from egov.accounts.jurisdiction import (
    acting_unit_ids,
    communes_in_jurisdiction,
    filter_to_jurisdiction,
    in_jurisdiction,
    reads_history_only,
    visible_unit_ids,
)
from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitSuccession
from tests.accounts.conftest import make_officer


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.mark.parametrize("role", [Role.ONE_STOP, Role.JUSTICE, Role.LEADER])
def test_commune_roles_see_their_commune_and_the_old_ones_it_holds(units, role):
    officer = make_officer("o", role, units["hong_ha"])
    assert visible_unit_ids(officer) == {units["hong_ha"].pk, units["phuc_xa"].pk}
    assert names(communes_in_jurisdiction(officer)) == {"Phường Hồng Hà", "Phường Phúc Xá"}
    assert acting_unit_ids(officer) == {units["hong_ha"].pk, units["phuc_xa"].pk}
    assert not in_jurisdiction(officer, units["ba_dinh_ward"])
    assert not in_jurisdiction(officer, units["truc_bach"])
    assert not in_jurisdiction(officer, units["ba_dinh"])
    assert not reads_history_only(officer)


def test_a_split_commune_belongs_to_the_one_successor_that_holds_its_records(units):
    # Thị trấn Đông Anh went partly to Xã Đông Anh (which holds its records) and partly to Xã Thư Lâm.
    holder = make_officer("h", Role.JUSTICE, units["dong_anh_commune"])
    other = make_officer("o", Role.JUSTICE, units["thu_lam"])
    assert in_jurisdiction(holder, units["dong_anh_town"])
    assert not in_jurisdiction(other, units["dong_anh_town"])
    assert visible_unit_ids(other) == {units["thu_lam"].pk, units["xuan_non"].pk}


def test_records_held_twice_over_follow_both_reforms(units):
    # A later reform: Hồng Hà's records go to a newer ward, which then holds Phúc Xá's too.
    AdministrativeUnit.objects.filter(pk=units["hong_ha"].pk).update(valid_to=datetime.date(2026, 6, 30))
    newer = AdministrativeUnit.objects.create(
        code="00098", name="Phường Sông Hồng", level="commune", kind="phuong", parent=units["city"],
        valid_from=datetime.date(2026, 7, 1),
    )  # fmt: skip
    UnitSuccession.objects.create(old_unit=units["hong_ha"], new_unit=newer, holds_records=True)
    officer = make_officer("o", Role.LEADER, newer)
    assert acting_unit_ids(officer) == {newer.pk, units["hong_ha"].pk, units["phuc_xa"].pk}


@pytest.mark.parametrize("role", [Role.ONE_STOP, Role.JUSTICE, Role.LEADER])
def test_an_officer_of_an_abolished_commune_reads_its_history_and_acts_on_nothing(units, role):
    officer = make_officer("o", role, units["phuc_xa"])
    assert visible_unit_ids(officer) == {units["phuc_xa"].pk}
    assert acting_unit_ids(officer) == frozenset()
    assert reads_history_only(officer)


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.POLICE, Role.SOCIAL_INSURANCE])
def test_district_accounts_see_the_communes_their_district_had_and_act_on_nothing(units, role):
    officer = make_officer("o", role, units["dong_anh"])
    assert names(communes_in_jurisdiction(officer)) == {"Thị trấn Đông Anh", "Xã Xuân Nộn"}
    assert in_jurisdiction(officer, units["xuan_non"])
    assert in_jurisdiction(officer, units["dong_anh"].pk)
    assert not in_jurisdiction(officer, units["phuc_xa"])
    assert not in_jurisdiction(officer, units["thu_lam"])
    assert acting_unit_ids(officer) == frozenset()
    # Huyện Đông Anh ended on 30/06/2025.
    assert reads_history_only(officer)


@pytest.mark.parametrize("role", [Role.POLICE, Role.SOCIAL_INSURANCE])
def test_agencies_of_today_see_their_commune_and_its_history_but_act_on_no_dossier(units, role):
    officer = make_officer("o", role, units["thu_lam"])
    assert visible_unit_ids(officer) == {units["thu_lam"].pk, units["xuan_non"].pk}
    assert acting_unit_ids(officer) == frozenset()
    assert not reads_history_only(officer)


def test_city_staff_see_everything(units):
    officer = make_officer("o", Role.CITY, units["city"])
    assert visible_unit_ids(officer) is None
    assert communes_in_jurisdiction(officer).count() == 8
    assert all(in_jurisdiction(officer, unit) for unit in units.values())
    assert not reads_history_only(officer)


def test_citizens_and_anonymous_visitors_see_nothing(units, citizen):
    for user in (citizen, AnonymousUser()):
        assert visible_unit_ids(user) == frozenset()
        assert acting_unit_ids(user) == frozenset()
        assert not communes_in_jurisdiction(user).exists()
        assert not in_jurisdiction(user, units["phuc_xa"])


def test_an_inactive_officer_sees_nothing(units):
    officer = make_officer("o", Role.DISTRICT, units["ba_dinh"], is_active=False)
    assert visible_unit_ids(officer) == frozenset()
    inactive = make_officer("c", Role.ONE_STOP, units["hong_ha"], is_active=False)
    assert acting_unit_ids(inactive) == frozenset()


def test_filter_to_jurisdiction_follows_a_foreign_key(units, one_stop_officer, officer_of_other_commune):
    # Officers are rows with a unit: the same filter any selector applies to dossiers.
    officers = User.objects.exclude(unit=None)
    assert list(filter_to_jurisdiction(officers, one_stop_officer)) == [one_stop_officer]
    old = make_officer("x", Role.ONE_STOP, units["xuan_non"])
    assert set(filter_to_jurisdiction(officers, officer_of_other_commune)) == {officer_of_other_commune, old}
    district = make_officer("q", Role.DISTRICT, units["dong_anh"])
    assert set(filter_to_jurisdiction(officers, district)) == {old, district}


def test_the_rule_is_read_once_per_user_object(units, django_assert_max_num_queries):
    officer = make_officer("o", Role.POLICE, units["ba_dinh"])
    officer = User.objects.get(pk=officer.pk)
    with django_assert_max_num_queries(2):
        visible_unit_ids(officer)
    with django_assert_max_num_queries(0):
        visible_unit_ids(officer)
        reads_history_only(officer)
    commune_officer = User.objects.select_related("unit").get(pk=make_officer("c", Role.ONE_STOP, units["hong_ha"]).pk)
    # The unit comes with the user; the old communes it holds, and theirs: one query each (the last finds none).
    with django_assert_max_num_queries(2):
        acting_unit_ids(commune_officer)
    with django_assert_max_num_queries(0):
        visible_unit_ids(commune_officer)
        acting_unit_ids(commune_officer)


def test_a_district_keeps_its_merged_communes(units):
    # A commune that has ended its validity still belongs to the district's history.
    AdministrativeUnit.objects.filter(pk=units["truc_bach"].pk).update(valid_to="2019-12-31")
    officer = make_officer("o", Role.DISTRICT, units["ba_dinh"])
    assert in_jurisdiction(officer, units["truc_bach"])
