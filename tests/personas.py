"""The named personas and their world, as fixtures every test may ask for (a pytest plugin of tests/conftest.py).

Both unit trees of Hanoi: the one before the reform of 1/7/2025 (city → districts → communes) and today's (city →
communes), linked old → new; commune A (an urban ward of today) with its officers, commune B with its own, a rural
commune, the officers of Phúc Xá (whose records commune A holds), district, city and agency staff, two citizens;
and the clock the services see."""

from datetime import date

import pytest

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitSuccession
from tests.factories import AdministrativeUnitFactory, CitizenFactory, UserFactory


def old_unit(code: str, name: str, kind: str, level: str, parent) -> AdministrativeUnit:
    """A unit of the tree before the reform (valid until 30/06/2025)."""
    return AdministrativeUnitFactory(code=code, name=name, kind=kind, level=level, parent=parent, old=True)


def new_commune(code: str, name: str, kind: str, city, *, holds=(), partly=()) -> AdministrativeUnit:
    """A commune of today (since 01/07/2025) directly under the city, holding the records of the old communes
    `holds` and taking part of the territory of `partly` (whose records another successor holds)."""
    unit = AdministrativeUnitFactory(code=code, name=name, kind=kind, parent=city, new=True)
    for old in holds:
        UnitSuccession.objects.create(old_unit=old, new_unit=unit, holds_records=True)
    for old in partly:
        UnitSuccession.objects.create(old_unit=old, new_unit=unit)
    return unit


def make_user(username: str, role: Role, unit=None, **fields) -> User:
    """An account of `role` with the test password (its full name its user name unless given)."""
    return UserFactory(username=username, role=role, unit=unit, **fields)


@pytest.fixture
def city(db):
    return AdministrativeUnitFactory(
        code="01", name="Thành phố Hà Nội", kind=UnitKind.CENTRAL_CITY, level=UnitLevel.CITY
    )


@pytest.fixture
def district(city):
    """Quận Ba Đình, until 30/06/2025."""
    return old_unit("001", "Quận Ba Đình", UnitKind.URBAN_DISTRICT, UnitLevel.DISTRICT, city)


@pytest.fixture
def rural_district(city):
    """Huyện Ba Vì, until 30/06/2025."""
    return old_unit("271", "Huyện Ba Vì", UnitKind.RURAL_DISTRICT, UnitLevel.DISTRICT, city)


@pytest.fixture
def old_commune_a(district):
    """Phường Phúc Xá of Quận Ba Đình, until 30/06/2025; its records went to Phường Hồng Hà (commune A)."""
    return old_unit("00001", "Phường Phúc Xá", UnitKind.WARD, UnitLevel.COMMUNE, district)


@pytest.fixture
def old_commune_b(district):
    """Phường Trúc Bạch of Quận Ba Đình, until 30/06/2025; its records went to Phường Ba Đình (commune B)."""
    return old_unit("00004", "Phường Trúc Bạch", UnitKind.WARD, UnitLevel.COMMUNE, district)


@pytest.fixture
def old_rural_commune(rural_district):
    """Xã Minh Quang of Huyện Ba Vì, until 30/06/2025; its records went to Xã Ba Vì."""
    return old_unit("09700", "Xã Minh Quang", UnitKind.COMMUNE, UnitLevel.COMMUNE, rural_district)


@pytest.fixture
def commune_a(city, old_commune_a):
    """Phường Hồng Hà, an urban ward of today, which holds Phúc Xá's records."""
    return new_commune("00097", "Phường Hồng Hà", UnitKind.WARD, city, holds=[old_commune_a])


@pytest.fixture
def commune_b(city, old_commune_b):
    """Phường Ba Đình, another ward of today, which holds Trúc Bạch's records."""
    return new_commune("00004", "Phường Ba Đình", UnitKind.WARD, city, holds=[old_commune_b])


@pytest.fixture
def rural_commune(city, old_rural_commune):
    """Xã Ba Vì, a rural commune of today, which holds Minh Quang's records."""
    return new_commune("09700", "Xã Ba Vì", UnitKind.COMMUNE, city, holds=[old_rural_commune])


class Clock:
    """The time the services see (Monday 7 December 2026, 09:00 in Hanoi, until a test moves it)."""

    def __init__(self) -> None:
        from tests.workcal.conftest import at

        self.now = at(2026, 12, 7, 9)

    def set(self, moment) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """`clock.now = …` (or `clock.set(…)`) moves the time every service and `timezone.now()` see."""
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock.now)
    return clock


@pytest.fixture
def citizen(db):
    return CitizenFactory(
        username="001090012345",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
        sex="male",
        birth_date=date(1990, 5, 12),
    )


@pytest.fixture
def other_citizen(db):
    return CitizenFactory(username="001195000001", full_name="Trần Thị Bình", phone="0987654321")


@pytest.fixture
def one_stop_a(commune_a):
    return make_user("motcua.a", Role.ONE_STOP, commune_a, full_name="Lê Thị Cúc")


@pytest.fixture
def justice_a(commune_a):
    return make_user("tuphap.a", Role.JUSTICE, commune_a, full_name="Phạm Văn Dũng")


@pytest.fixture
def leader_a(commune_a):
    return make_user("lanhdao.a", Role.LEADER, commune_a, full_name="Hoàng Thị Hà")


@pytest.fixture
def one_stop_b(commune_b):
    return make_user("motcua.b", Role.ONE_STOP, commune_b, full_name="Vũ Văn Khánh")


@pytest.fixture
def justice_b(commune_b):
    return make_user("tuphap.b", Role.JUSTICE, commune_b, full_name="Đỗ Thị Lan")


@pytest.fixture
def leader_b(commune_b):
    return make_user("lanhdao.b", Role.LEADER, commune_b, full_name="Bùi Văn Minh")


@pytest.fixture
def old_officers(old_commune_a) -> dict:
    """The one-stop, justice and leader accounts of Phường Phúc Xá: they worked there until 30/06/2025 and read its
    history since."""
    return {
        "one_stop": make_user("motcua.phucxa", Role.ONE_STOP, old_commune_a, full_name="Đinh Thị Xuân"),
        "justice": make_user("tuphap.phucxa", Role.JUSTICE, old_commune_a, full_name="Mai Văn Yên"),
        "leader": make_user("lanhdao.phucxa", Role.LEADER, old_commune_a, full_name="Tạ Văn Long"),
    }


@pytest.fixture
def police_a(commune_a):
    """The police officer of commune A: reads the linked records sent to the police, nothing else of a dossier."""
    return make_user("congan.hongha", Role.POLICE, commune_a, full_name="Trịnh Văn Công")


@pytest.fixture
def social_insurance_a(commune_a):
    """The social-insurance officer of commune A: reads the health-card records, nothing else of a dossier."""
    return make_user("bhxh.hongha", Role.SOCIAL_INSURANCE, commune_a, full_name="Ngô Thị Bảo")


@pytest.fixture
def district_staff(district):
    """Staff of Quận Ba Đình, which ceased on 30/06/2025: reads the history of its communes."""
    return make_user("quan.badinh", Role.DISTRICT, district, full_name="Đặng Văn Quân")


@pytest.fixture
def district_police(district):
    """The police account of Quận Ba Đình, of before the reform: reads the history of its communes' police records."""
    return make_user("congan.badinh", Role.POLICE, district, full_name="Lý Văn Đức")


@pytest.fixture
def city_staff(city):
    return make_user("so.tttt", Role.CITY, city, full_name="Lê Minh Thành")
