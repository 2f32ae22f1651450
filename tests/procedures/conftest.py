"""Personas and a small world for dossier tests: commune A (urban ward) with its officers, commune B, citizens."""

from datetime import date
from decimal import Decimal

import pytest

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel
from procedures.models import Channel, Procedure
from procedures.services import dossier_create_draft


@pytest.fixture
def city(db):
    return AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", kind=UnitKind.CENTRAL_CITY, level=UnitLevel.CITY
    )


@pytest.fixture
def district(city):
    return AdministrativeUnit.objects.create(
        code="001", name="Quận Ba Đình", kind=UnitKind.URBAN_DISTRICT, level=UnitLevel.DISTRICT, parent=city
    )


@pytest.fixture
def rural_district(city):
    return AdministrativeUnit.objects.create(
        code="271", name="Huyện Ba Vì", kind=UnitKind.RURAL_DISTRICT, level=UnitLevel.DISTRICT, parent=city
    )


@pytest.fixture
def commune_a(district):
    return AdministrativeUnit.objects.create(
        code="00001", name="Phường Phúc Xá", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, parent=district
    )


@pytest.fixture
def commune_b(district):
    return AdministrativeUnit.objects.create(
        code="00004", name="Phường Trúc Bạch", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, parent=district
    )


@pytest.fixture
def rural_commune(rural_district):
    return AdministrativeUnit.objects.create(
        code="09700", name="Xã Tản Lĩnh", kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE, parent=rural_district
    )


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
