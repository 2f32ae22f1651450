"""load_units: the Hanoi tree before and after the July-2025 reform, reloaded in place."""

from collections import Counter
from datetime import date

import pytest
from django.core.management.base import CommandError
from django.db.models import Count, F

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitSuccession
from tests.units.conftest import run_command

LEGACY_END = date(2025, 6, 30)
REFORM = date(2025, 7, 1)


def snapshot() -> list[tuple]:
    return list(
        AdministrativeUnit.objects.order_by("pk").values_list(
            "pk", "level", "code", "name", "kind", "parent_id", "valid_from", "valid_to"
        )
    )


def test_legacy_hanoi_has_the_city_30_districts_and_526_communes(hanoi_legacy):
    city = AdministrativeUnit.objects.get(level=UnitLevel.CITY)
    assert (city.code, city.name, city.kind, city.parent) == ("01", "Thành phố Hà Nội", UnitKind.CENTRAL_CITY, None)

    districts = AdministrativeUnit.objects.districts()
    assert Counter(districts.values_list("kind", flat=True)) == {
        UnitKind.URBAN_DISTRICT: 12,
        UnitKind.RURAL_DISTRICT: 17,
        UnitKind.TOWN: 1,
    }
    assert set(districts.values_list("parent", flat=True)) == {city.pk}
    assert all(len(code) == 3 for code in districts.values_list("code", flat=True))

    communes = AdministrativeUnit.objects.communes()
    assert communes.count() == 526
    assert Counter(communes.values_list("kind", flat=True)) == {
        UnitKind.WARD: 160,
        UnitKind.COMMUNE: 345,
        UnitKind.TOWNLET: 21,
    }
    assert not communes.exclude(parent__level=UnitLevel.DISTRICT).exists()
    assert all(len(code) == 5 for code in communes.values_list("code", flat=True))

    legacy = AdministrativeUnit.objects.exclude(level=UnitLevel.CITY)
    assert set(legacy.values_list("valid_from", "valid_to")) == {(None, LEGACY_END)}
    assert "Cấp xã: 526 mới, 0 cập nhật, 0 không đổi" in hanoi_legacy


@pytest.mark.parametrize(
    ("code", "level", "name", "kind", "parent_code"),
    [
        ("001", UnitLevel.DISTRICT, "Quận Ba Đình", UnitKind.URBAN_DISTRICT, "01"),
        ("271", UnitLevel.DISTRICT, "Huyện Ba Vì", UnitKind.RURAL_DISTRICT, "01"),
        ("269", UnitLevel.DISTRICT, "Thị xã Sơn Tây", UnitKind.TOWN, "01"),
        ("00001", UnitLevel.COMMUNE, "Phường Phúc Xá", UnitKind.WARD, "001"),
        ("09619", UnitLevel.COMMUNE, "Thị trấn Tây Đằng", UnitKind.TOWNLET, "271"),
        ("09625", UnitLevel.COMMUNE, "Xã Phú Cường", UnitKind.COMMUNE, "271"),
    ],
)
def test_units_keep_their_gso_code_full_name_and_kind(hanoi_legacy, code, level, name, kind, parent_code):
    unit = AdministrativeUnit.objects.select_related("parent").get(level=level, code=code)
    assert (unit.name, unit.kind, unit.parent.code) == (name, kind, parent_code)


def test_ba_dinh_has_its_13_wards(hanoi_legacy):
    ba_dinh = AdministrativeUnit.objects.get(level=UnitLevel.DISTRICT, code="001")
    wards = ba_dinh.children.all()
    assert wards.count() == 13
    assert set(wards.values_list("kind", flat=True)) == {UnitKind.WARD}


def test_loading_twice_changes_nothing(hanoi_legacy):
    before = snapshot()

    output = run_command("load_units", "--dataset", "hanoi-legacy")

    assert snapshot() == before
    assert "0 mới, 0 cập nhật, 526 không đổi" in output
    assert "0 mới, 0 cập nhật, 30 không đổi" in output


def test_reload_repairs_units_in_place_and_keeps_the_officers_pointing_at_them(hanoi_legacy):
    phuc_xa = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="00001")
    officer = User.objects.create_user("phucxa-motcua", "x", full_name="Nguyễn Văn A", role=Role.ONE_STOP, unit=phuc_xa)
    AdministrativeUnit.objects.filter(pk=phuc_xa.pk).update(name="Phuong Phuc Xa", kind=UnitKind.COMMUNE)

    output = run_command("load_units", "--dataset", "hanoi-legacy")

    officer.refresh_from_db()
    assert officer.unit_id == phuc_xa.pk
    assert (officer.unit.name, officer.unit.kind) == ("Phường Phúc Xá", UnitKind.WARD)
    assert "Cấp xã: 0 mới, 1 cập nhật, 525 không đổi" in output
    assert AdministrativeUnit.objects.count() == 1 + 30 + 526


def test_the_default_dataset_comes_from_settings(db, settings):
    settings.UNITS_DATASET = "hanoi-legacy"

    output = run_command("load_units")

    assert "hanoi-legacy" in output and "hanoi-2025" not in output
    assert not AdministrativeUnit.objects.communes().filter(valid_from=REFORM).exists()


def test_both_trees_are_loaded_by_default(db):
    # The live structure and the history before it: every flow of today stands on the first, reports on both.
    output = run_command("load_units")

    assert "hanoi-legacy" in output and "hanoi-2025" in output
    today = AdministrativeUnit.objects.communes().valid_on(date.today())
    assert today.count() == 126
    assert Counter(today.values_list("kind", flat=True)) == {UnitKind.WARD: 51, UnitKind.COMMUNE: 75}
    assert AdministrativeUnit.objects.communes().valid_on(LEGACY_END).count() == 526
    assert not AdministrativeUnit.objects.districts().valid_on(date.today()).exists()
    assert UnitSuccession.objects.count() == 795


def test_an_unknown_dataset_is_refused(db):
    with pytest.raises(CommandError, match="hanoi-legacy, hanoi-2025"):
        run_command("load_units", "--dataset", "saigon-1975")
    assert not AdministrativeUnit.objects.exists()


def test_hanoi_2025_has_126_communes_directly_under_the_city(hanoi_2025):
    city = AdministrativeUnit.objects.get(level=UnitLevel.CITY)
    current = AdministrativeUnit.objects.valid_on(REFORM).exclude(level=UnitLevel.CITY)
    assert current.count() == 126
    assert set(current.values_list("level", "parent", "valid_from", "valid_to")) == {
        (UnitLevel.COMMUNE, city.pk, REFORM, None)
    }
    assert Counter(current.values_list("kind", flat=True)) == {UnitKind.WARD: 51, UnitKind.COMMUNE: 75}
    # The units before the reform stay, for the dossiers and reports of that time.
    assert AdministrativeUnit.objects.valid_on(LEGACY_END).communes().count() == 526
    assert AdministrativeUnit.objects.count() == 1 + 30 + 526 + 126


def test_hanoi_2025_maps_each_old_ward_to_its_new_units(hanoi_2025):
    phuc_xa = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="00001", valid_from=None)
    assert [link.new_unit.name for link in phuc_xa.successor_links.all()] == ["Phường Hồng Hà"]

    new_ba_dinh = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="00004", valid_from=REFORM)
    predecessors = {link.old_unit.name for link in new_ba_dinh.predecessor_links.all()}
    assert {"Phường Trúc Bạch", "Phường Quán Thánh", "Phường Điện Biên", "Phường Cửa Nam"} <= predecessors
    # The old ward with the same code is another unit than the new ward named after the district.
    assert AdministrativeUnit.objects.get(code="00004", valid_from=None).name == "Phường Trúc Bạch"

    old_communes = AdministrativeUnit.objects.communes().filter(valid_to=LEGACY_END)
    assert not old_communes.filter(successor_links__isnull=True).exists()
    assert UnitSuccession.objects.filter(new_unit__valid_from=REFORM).values("new_unit").distinct().count() == 126


def test_hanoi_2025_twice_changes_nothing(hanoi_2025):
    before = snapshot()
    links = set(UnitSuccession.objects.values_list("pk", "old_unit_id", "new_unit_id"))

    output = run_command("load_units", "--dataset", "hanoi-2025")

    assert snapshot() == before
    assert set(UnitSuccession.objects.values_list("pk", "old_unit_id", "new_unit_id")) == links
    assert "Cấp xã: 0 mới, 0 cập nhật, 126 không đổi" in output
    assert f"0 mới, 0 bỏ, {len(links)} không đổi" in output


def test_each_old_commune_has_exactly_one_successor_holding_its_records(hanoi_2025):
    old_communes = AdministrativeUnit.objects.communes().filter(valid_to=LEGACY_END)
    holders = UnitSuccession.objects.filter(holds_records=True)
    assert holders.count() == old_communes.count() == 526
    assert holders.values("old_unit").distinct().count() == 526
    split = old_communes.annotate(n=Count("successor_links")).filter(n__gt=1)
    assert split.count() == 198
    # Phúc Xá went whole to Hồng Hà; Cống Vị was split between Ngọc Hà and Giảng Võ, neither keeping its code, so
    # the first by code (Ngọc Hà, 00008) holds its records; Trúc Bạch's code went on with the new Phường Ba Đình.
    held = dict(holders.values_list("old_unit__name", "new_unit__name"))
    assert held["Phường Phúc Xá"] == "Phường Hồng Hà"
    assert held["Phường Cống Vị"] == "Phường Ngọc Hà"
    assert held["Phường Trúc Bạch"] == "Phường Ba Đình"
    same_code = holders.filter(old_unit__code=F("new_unit__code"))
    assert same_code.count() == 126


def test_a_holder_chosen_in_the_admin_survives_a_reload(hanoi_2025):
    cong_vi = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="00007", valid_to=LEGACY_END)
    links = {link.new_unit.name: link for link in cong_vi.successor_links.select_related("new_unit")}
    UnitSuccession.objects.filter(pk=links["Phường Ngọc Hà"].pk).update(holds_records=False)
    UnitSuccession.objects.filter(pk=links["Phường Giảng Võ"].pk).update(holds_records=True)

    run_command("load_units", "--dataset", "hanoi-2025")

    holder = UnitSuccession.objects.get(old_unit=cong_vi, holds_records=True)
    assert holder.new_unit.name == "Phường Giảng Võ"
