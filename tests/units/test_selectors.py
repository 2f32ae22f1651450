"""Reads of the unit trees across the 2025 reform: who holds an old commune's records, what a commune of today holds,
the rollout as it applies to each unit, urban or rural, and finding a commune by an old or new name."""

from datetime import date

import pytest

from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitRollout, UnitSuccession
from egov.units.selectors import (
    communes_search,
    held_unit_ids,
    holder_on,
    holders,
    members_of,
    official_starts,
    reform_day,
    rollouts_effective,
    search_key,
)
from tests.factories import REFORM_DAY, REFORM_EVE
from tests.personas import new_commune, old_unit
from tests.units.conftest import run_command

TODAY = date(2026, 12, 2)


@pytest.fixture
def tree(city, district, rural_district, old_commune_a, old_commune_b, commune_a, commune_b):
    """Ba Đình's Phúc Xá → Hồng Hà and Trúc Bạch → Phường Ba Đình; Ba Vì's Minh Quang split between Xã Ba Vì (which
    holds its records) and Xã Bất Bạt, which also took in Tản Lĩnh whole."""
    minh_quang = old_unit("09700", "Xã Minh Quang", UnitKind.COMMUNE, UnitLevel.COMMUNE, rural_district)
    tan_linh = old_unit("09706", "Xã Tản Lĩnh", UnitKind.COMMUNE, UnitLevel.COMMUNE, rural_district)
    ba_vi = new_commune("09700", "Xã Ba Vì", UnitKind.COMMUNE, city, holds=[minh_quang])
    bat_bat = new_commune("09676", "Xã Bất Bạt", UnitKind.COMMUNE, city, holds=[tan_linh], partly=[minh_quang])
    return {
        "city": city,
        "ba_dinh": district,
        "ba_vi_district": rural_district,
        "phuc_xa": old_commune_a,
        "truc_bach": old_commune_b,
        "minh_quang": minh_quang,
        "tan_linh": tan_linh,
        "hong_ha": commune_a,
        "ba_dinh_ward": commune_b,
        "ba_vi": ba_vi,
        "bat_bat": bat_bat,
    }


# --- holding -----------------------------------------------------------------------------------------------------


def test_an_old_commune_is_its_own_holder_until_the_reform_then_its_successors(tree):
    assert holder_on(tree["phuc_xa"], REFORM_EVE) == tree["phuc_xa"]
    assert holder_on(tree["phuc_xa"], REFORM_DAY) == tree["hong_ha"]
    assert holder_on(tree["minh_quang"], TODAY) == tree["ba_vi"]
    assert holder_on(tree["hong_ha"], TODAY) == tree["hong_ha"]


def test_a_commune_of_today_holds_its_predecessors_and_no_one_elses(tree):
    assert held_unit_ids(tree["hong_ha"].pk) == {tree["hong_ha"].pk, tree["phuc_xa"].pk}
    # Bất Bạt took part of Minh Quang, whose records are at Xã Ba Vì: only Tản Lĩnh is Bất Bạt's.
    assert held_unit_ids(tree["bat_bat"].pk) == {tree["bat_bat"].pk, tree["tan_linh"].pk}
    assert held_unit_ids(tree["phuc_xa"].pk) == {tree["phuc_xa"].pk}
    links = holders()
    assert members_of([tree["ba_vi"].pk, tree["bat_bat"].pk], links=links) == {
        tree["ba_vi"].pk: {tree["ba_vi"].pk, tree["minh_quang"].pk},
        tree["bat_bat"].pk: {tree["bat_bat"].pk, tree["tan_linh"].pk},
    }


def test_every_old_commune_is_a_member_of_exactly_one_commune_of_today(tree):
    today = AdministrativeUnit.objects.communes().valid_on(TODAY)
    members = members_of([unit.pk for unit in today])
    counted = [pk for group in members.values() for pk in group]
    assert len(counted) == len(set(counted)) == AdministrativeUnit.objects.communes().count()


def test_the_day_the_reform_began_is_read_from_the_units(tree):
    assert reform_day([tree["ba_dinh"], tree["ba_vi_district"]]) == REFORM_DAY
    assert reform_day([tree["ba_dinh"], tree["hong_ha"]]) is None
    assert reform_day([]) is None


# --- rollout -----------------------------------------------------------------------------------------------------


def test_communes_inherit_their_districts_rollout_and_todays_the_earliest_of_their_predecessors(tree):
    UnitRollout.objects.create(unit=tree["ba_dinh"], trial_start=date(2016, 8, 1), official_start=date(2016, 8, 10))
    UnitRollout.objects.create(
        unit=tree["ba_vi_district"], trial_start=date(2016, 11, 1), official_start=date(2016, 11, 10)
    )
    # Tản Lĩnh had a record of its own, earlier than its district's.
    UnitRollout.objects.create(unit=tree["tan_linh"], official_start=date(2016, 10, 3))

    rollouts = rollouts_effective()

    assert rollouts[tree["phuc_xa"].pk].official_start == date(2016, 8, 10)
    assert rollouts[tree["phuc_xa"].pk].inherited
    assert not rollouts[tree["ba_dinh"].pk].inherited
    assert rollouts[tree["hong_ha"].pk].official_start == date(2016, 8, 10)
    assert rollouts[tree["hong_ha"].pk].trial_start == date(2016, 8, 1)
    # Bất Bạt is made of Tản Lĩnh (3/10, no trial) and part of Minh Quang (Ba Vì's: trial 1/11, official 10/11).
    assert rollouts[tree["bat_bat"].pk].official_start == date(2016, 10, 3)
    assert rollouts[tree["bat_bat"].pk].trial_start == date(2016, 11, 1)
    assert rollouts[tree["ba_vi"].pk].official_start == date(2016, 11, 10)
    assert tree["city"].pk not in rollouts


def test_a_commune_of_today_with_its_own_record_keeps_it(tree):
    UnitRollout.objects.create(unit=tree["ba_dinh"], official_start=date(2016, 8, 10))
    UnitRollout.objects.create(unit=tree["hong_ha"], official_start=date(2025, 9, 1))

    starts = official_starts()

    assert starts[tree["hong_ha"].pk] == date(2025, 9, 1)
    assert starts[tree["ba_dinh_ward"].pk] == date(2016, 8, 10)
    assert tree["ba_vi"].pk not in starts  # no predecessor has a rollout: not counted yet


def test_the_rollout_is_read_in_one_query(tree, django_assert_num_queries):
    UnitRollout.objects.create(unit=tree["ba_dinh"], official_start=date(2016, 8, 10))
    with django_assert_num_queries(1):
        rollouts_effective()


# --- urban or rural ----------------------------------------------------------------------------------------------


def test_urban_or_rural_comes_from_the_district_before_the_reform_and_from_the_commune_since(tree):
    assert tree["phuc_xa"].is_urban and not tree["minh_quang"].is_urban
    assert tree["hong_ha"].is_urban  # a phường
    assert not tree["ba_vi"].is_urban  # a xã
    town_commune = old_unit(
        "09574",
        "Xã Kim Sơn",
        UnitKind.COMMUNE,
        UnitLevel.COMMUNE,
        old_unit("269", "Thị xã Sơn Tây", UnitKind.TOWN, UnitLevel.DISTRICT, tree["city"]),
    )
    # A xã of a thị xã followed the urban limits then, as its district did.
    assert town_commune.is_urban
    assert not tree["city"].is_urban


# --- finding a commune ------------------------------------------------------------------------------------------


def test_search_keys_ignore_marks_case_and_spaces():
    assert search_key("Phường  Phúc Xá") == search_key("phuong phuc xa") == "phuong phuc xa"
    assert search_key("Đông Anh") == "dong anh"


def test_a_commune_of_today_is_found_with_or_without_marks_and_kind_word(tree):
    for query in ("Hồng Hà", "hong ha", "Phường hồng hà", "HONG"):
        assert [m.unit for m in communes_search(query, day=TODAY)] == [tree["hong_ha"]], query


def test_an_old_name_finds_the_communes_that_took_it_in_said_as_such(tree):
    [match] = communes_search("phuc xa", day=TODAY)
    assert match.unit == tree["hong_ha"]
    assert match.old == [(tree["phuc_xa"], False)]
    # Minh Quang was split: both communes that took part of it are offered, each saying it took only part.
    found = {m.unit.name: m.old for m in communes_search("Minh Quang", day=TODAY)}
    assert found == {"Xã Ba Vì": [(tree["minh_quang"], True)], "Xã Bất Bạt": [(tree["minh_quang"], True)]}


def test_an_empty_query_lists_every_commune_of_the_day_in_vietnamese_order(tree):
    names = [m.unit.name for m in communes_search("", day=TODAY)]
    assert names == ["Phường Ba Đình", "Phường Hồng Hà", "Xã Ba Vì", "Xã Bất Bạt"]
    before = [m.unit.name for m in communes_search("", day=REFORM_EVE)]
    assert before == ["Phường Phúc Xá", "Phường Trúc Bạch", "Xã Minh Quang", "Xã Tản Lĩnh"]


def test_nothing_matches_nonsense(tree):
    assert communes_search("zzz", day=TODAY) == []


def test_the_real_hanoi_answers_old_and_new_names(db):
    run_command("load_units")

    [phuc_xa] = communes_search("Phúc Xá", day=TODAY)
    assert phuc_xa.unit.name == "Phường Hồng Hà"
    assert [(old.name, old.parent.name, partly) for old, partly in phuc_xa.old] == [
        ("Phường Phúc Xá", "Quận Ba Đình", False)
    ]
    cong_vi = {m.unit.name for m in communes_search("cong vi", day=TODAY)}
    assert cong_vi == {"Phường Giảng Võ", "Phường Ngọc Hà"}
    assert len(communes_search("", day=TODAY)) == 126


def test_succession_rows_keep_one_holder_per_old_unit(tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UnitSuccession.objects.filter(old_unit=tree["minh_quang"]).update(holds_records=True)
