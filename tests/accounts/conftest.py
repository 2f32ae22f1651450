"""Fixtures for the account tests: a small unit tree, named personas, and a clean cache and SMS outbox."""

import datetime

import pytest
from django.core.cache import cache

from egov.accounts.models import Role, User
from egov.notifications import gateway
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel

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


def make_unit(code: str, name: str, level: str, kind: str, parent=None) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(code=code, name=name, level=level, kind=kind, parent=parent)


@pytest.fixture
def units(db) -> dict[str, AdministrativeUnit]:
    """Hà Nội → Ba Đình (Phúc Xá, Trúc Bạch) and Đông Anh (Thị trấn Đông Anh, Xuân Nộn)."""
    city = make_unit("01", "Thành phố Hà Nội", UnitLevel.CITY, UnitKind.CENTRAL_CITY)
    ba_dinh = make_unit("001", "Quận Ba Đình", UnitLevel.DISTRICT, UnitKind.URBAN_DISTRICT, city)
    dong_anh = make_unit("017", "Huyện Đông Anh", UnitLevel.DISTRICT, UnitKind.RURAL_DISTRICT, city)
    return {
        "city": city,
        "ba_dinh": ba_dinh,
        "dong_anh": dong_anh,
        "phuc_xa": make_unit("00001", "Phường Phúc Xá", UnitLevel.COMMUNE, UnitKind.WARD, ba_dinh),
        "truc_bach": make_unit("00004", "Phường Trúc Bạch", UnitLevel.COMMUNE, UnitKind.WARD, ba_dinh),
        "dong_anh_town": make_unit("00454", "Thị trấn Đông Anh", UnitLevel.COMMUNE, UnitKind.TOWNLET, dong_anh),
        "xuan_non": make_unit("00457", "Xã Xuân Nộn", UnitLevel.COMMUNE, UnitKind.COMMUNE, dong_anh),
    }


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
    """An officer of commune A (Phúc Xá)."""
    return make_officer("mc.phucxa", Role.ONE_STOP, units["phuc_xa"], email="mc.phucxa@hanoi.gov.vn")


@pytest.fixture
def officer_of_other_commune(units) -> User:
    """An officer of commune B (Xuân Nộn, another district)."""
    return make_officer("mc.xuannon", Role.ONE_STOP, units["xuan_non"])
