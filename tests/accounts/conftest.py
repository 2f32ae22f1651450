"""Fixtures for the account tests: a small unit tree, named personas, and a clean cache and SMS outbox."""

import datetime

import pytest
from django.core.cache import cache

from egov.accounts.models import Role, User
from egov.notifications import gateway
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitSuccession

PASSWORD = "Mat-khau-2016!"
# A man born in 1990 and a woman born in 1992, both with Hà Nội (001) numbers.
CITIZEN_ID = "001090012345"
CITIZEN_PHONE = "0912345678"


@pytest.fixture(autouse=True)
def _clean_cache_and_outbox(settings):
    settings.SMS_BACKEND = "locmem"
    cache.clear()
    gateway.sms_outbox.clear()
    yield
    cache.clear()
    gateway.sms_outbox.clear()


def make_unit(code: str, name: str, level: str, kind: str, parent=None, *, old=False, new=False) -> AdministrativeUnit:
    """A unit; `old`: of the tree before the reform of 1/7/2025, `new`: of today's."""
    return AdministrativeUnit.objects.create(
        code=code,
        name=name,
        level=level,
        kind=kind,
        parent=parent,
        valid_to=datetime.date(2025, 6, 30) if old else None,
        valid_from=datetime.date(2025, 7, 1) if new else None,
    )


@pytest.fixture
def units(db) -> dict[str, AdministrativeUnit]:
    """Hà Nội before 1/7/2025: Ba Đình (Phúc Xá, Trúc Bạch) and Đông Anh (Thị trấn Đông Anh, Xuân Nộn); since then,
    communes under the city: Hồng Hà (holds Phúc Xá's records), Phường Ba Đình (Trúc Bạch's), Xã Đông Anh (the
    townlet's) and Xã Thư Lâm (Xuân Nộn's, and part of the townlet)."""
    city = make_unit("01", "Thành phố Hà Nội", UnitLevel.CITY, UnitKind.CENTRAL_CITY)
    ba_dinh = make_unit("001", "Quận Ba Đình", UnitLevel.DISTRICT, UnitKind.URBAN_DISTRICT, city, old=True)
    dong_anh = make_unit("017", "Huyện Đông Anh", UnitLevel.DISTRICT, UnitKind.RURAL_DISTRICT, city, old=True)
    old = {
        "phuc_xa": make_unit("00001", "Phường Phúc Xá", UnitLevel.COMMUNE, UnitKind.WARD, ba_dinh, old=True),
        "truc_bach": make_unit("00004", "Phường Trúc Bạch", UnitLevel.COMMUNE, UnitKind.WARD, ba_dinh, old=True),
        "dong_anh_town": make_unit(
            "00454", "Thị trấn Đông Anh", UnitLevel.COMMUNE, UnitKind.TOWNLET, dong_anh, old=True
        ),
        "xuan_non": make_unit("00457", "Xã Xuân Nộn", UnitLevel.COMMUNE, UnitKind.COMMUNE, dong_anh, old=True),
    }
    new = {
        "hong_ha": make_unit("00097", "Phường Hồng Hà", UnitLevel.COMMUNE, UnitKind.WARD, city, new=True),
        "ba_dinh_ward": make_unit("00004", "Phường Ba Đình", UnitLevel.COMMUNE, UnitKind.WARD, city, new=True),
        "dong_anh_commune": make_unit("00454", "Xã Đông Anh", UnitLevel.COMMUNE, UnitKind.COMMUNE, city, new=True),
        "thu_lam": make_unit("00475", "Xã Thư Lâm", UnitLevel.COMMUNE, UnitKind.COMMUNE, city, new=True),
    }
    for old_key, new_key, holds in (
        ("phuc_xa", "hong_ha", True),
        ("truc_bach", "ba_dinh_ward", True),
        ("dong_anh_town", "dong_anh_commune", True),
        ("dong_anh_town", "thu_lam", False),
        ("xuan_non", "thu_lam", True),
    ):
        UnitSuccession.objects.create(old_unit=old[old_key], new_unit=new[new_key], holds_records=holds)
    return {"city": city, "ba_dinh": ba_dinh, "dong_anh": dong_anh, **old, **new}


def make_officer(username: str, role: str, unit: AdministrativeUnit, **fields) -> User:
    return User.objects.create_user(
        username, PASSWORD, full_name=fields.pop("full_name", f"Cán bộ {username}"), role=role, unit=unit, **fields
    )


@pytest.fixture
def citizen(db) -> User:
    return User.objects.create_user(
        CITIZEN_ID,
        PASSWORD,
        full_name="Nguyễn Văn An",
        id_number=CITIZEN_ID,
        phone=CITIZEN_PHONE,
        email="an@example.com",
        sex="male",
        birth_date=datetime.date(1990, 5, 17),
    )


@pytest.fixture
def one_stop_officer(units) -> User:
    """An officer of commune A (Phường Hồng Hà, which holds Phúc Xá's records)."""
    return make_officer("mc.hongha", Role.ONE_STOP, units["hong_ha"], email="mc.hongha@hanoi.gov.vn")


@pytest.fixture
def officer_of_other_commune(units) -> User:
    """An officer of commune B (Xã Thư Lâm, which holds Xuân Nộn's records)."""
    return make_officer("mc.thulam", Role.ONE_STOP, units["thu_lam"])
