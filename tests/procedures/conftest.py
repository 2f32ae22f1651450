"""Personas and a small world for dossier tests: both unit trees of Hanoi, the one before the reform of 1/7/2025
(city → districts → communes) and today's (city → communes), linked old → new; commune A (an urban ward of today)
with its officers, commune B, a rural commune, citizens."""

from datetime import date
from decimal import Decimal

import pytest

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitSuccession
from procedures.models import Channel, Procedure
from procedures.services import dossier_create_draft

# The last day of the district level, and the first of today's communes (Nghị quyết 1656/NQ-UBTVQH15).
REFORM_EVE = date(2025, 6, 30)
REFORM_DAY = date(2025, 7, 1)


def old_unit(code: str, name: str, kind: str, level: str, parent) -> AdministrativeUnit:
    """A unit of the tree before the reform (valid until 30/06/2025)."""
    return AdministrativeUnit.objects.create(
        code=code, name=name, kind=kind, level=level, parent=parent, valid_to=REFORM_EVE
    )


def new_commune(code: str, name: str, kind: str, city, *, holds=(), partly=()) -> AdministrativeUnit:
    """A commune of today (since 01/07/2025) directly under the city, holding the records of the old communes
    `holds` and taking part of the territory of `partly` (whose records another successor holds)."""
    unit = AdministrativeUnit.objects.create(
        code=code, name=name, kind=kind, level=UnitLevel.COMMUNE, parent=city, valid_from=REFORM_DAY
    )
    for old in holds:
        UnitSuccession.objects.create(old_unit=old, new_unit=unit, holds_records=True)
    for old in partly:
        UnitSuccession.objects.create(old_unit=old, new_unit=unit)
    return unit


@pytest.fixture
def city(db):
    return AdministrativeUnit.objects.create(
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


PASSWORD = "mat-khau-thu-nghiem-2026"


def make_user(username: str, role: Role, unit=None, **fields) -> User:
    return User.objects.create_user(
        username, PASSWORD, full_name=fields.pop("full_name", username), role=role, unit=unit, **fields
    )


@pytest.fixture
def citizen(db):
    return make_user(
        "001090012345",
        Role.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number="001090012345",
        phone="0912345678",
        email="an@example.vn",
        sex="male",
        birth_date=date(1990, 5, 12),
    )


@pytest.fixture
def other_citizen(db):
    return make_user(
        "001195000001", Role.CITIZEN, full_name="Trần Thị Bình", id_number="001195000001", phone="0987654321"
    )


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
def city_staff(city):
    return make_user("so.tttt", Role.CITY, city, full_name="Lê Minh Thành")


def make_procedure(code: str = "KS", form_kind: str = "birth", days: str = "0", **fields) -> Procedure:
    return Procedure.objects.create(
        code=code,
        slug=fields.pop("slug", code.lower()),
        name=fields.pop("name", "Đăng ký khai sinh"),
        level=fields.pop("level", 4),
        form_kind=form_kind,
        processing_days_urban=Decimal(days),
        processing_days_rural=Decimal(fields.pop("rural_days", days)),
        **fields,
    )


@pytest.fixture
def birth_procedure(db):
    return make_procedure()


@pytest.fixture
def draft(citizen, commune_a, birth_procedure):
    """A citizen's online draft of a birth registration at commune A."""
    return dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF
    )
