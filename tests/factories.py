"""factory-boy factories for the main models: units of both trees, users of every role, procedures, and draft
dossiers made through the real service (a dossier further along is walked there by `tests.procedures.helpers`)."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel
from procedures.models import Channel, Dossier, Procedure
from procedures.services import dossier_create_draft

# The last day of the district level, and the first of today's communes (Nghị quyết 1656/NQ-UBTVQH15).
REFORM_EVE = date(2025, 6, 30)
REFORM_DAY = date(2025, 7, 1)

PASSWORD = "mat-khau-thu-nghiem-2026"


class AdministrativeUnitFactory(DjangoModelFactory):
    """A commune; `old=True`: of the tree before the reform (until 30/06/2025), `new=True`: of today's."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.LazyAttribute(lambda unit: f"Phường {unit.code}")
    kind = UnitKind.WARD
    level = UnitLevel.COMMUNE
    parent = None

    class Params:
        old = factory.Trait(valid_to=REFORM_EVE)
        new = factory.Trait(valid_from=REFORM_DAY)


class UserFactory(DjangoModelFactory):
    """An account of `role` (an officer of `unit`), with the test password, its full name its user name unless
    given."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"canbo.{n}")
    full_name = factory.LazyAttribute(lambda user: user.username)
    role = Role.ONE_STOP
    unit = None

    @classmethod
    def _create(cls, model_class, *args, **fields) -> User:
        return model_class.objects.create_user(fields.pop("username"), PASSWORD, **fields)


class CitizenFactory(UserFactory):
    """A citizen signed up with a Hà Nội identity number, which is also the user name."""

    username = factory.Sequence(lambda n: f"0010900{n:05d}")
    id_number = factory.LazyAttribute(lambda user: user.username)
    role = Role.CITIZEN


class ProcedureFactory(DjangoModelFactory):
    """A birth registration at level 4, due the same working day unless `processing_days_*` say otherwise."""

    class Meta:
        model = Procedure

    code = "KS"
    slug = factory.LazyAttribute(lambda procedure: procedure.code.lower())
    name = "Đăng ký khai sinh"
    level = 4
    form_kind = "birth"
    processing_days_urban = Decimal("0")
    processing_days_rural = factory.LazyAttribute(lambda procedure: procedure.processing_days_urban)


class DraftFactory(DjangoModelFactory):
    """A citizen's online draft, started through `dossier_create_draft` as the filing page starts one."""

    class Meta:
        model = Dossier

    procedure = factory.SubFactory(ProcedureFactory)
    unit = factory.SubFactory(AdministrativeUnitFactory, new=True)
    applicant = factory.SubFactory(CitizenFactory)
    channel = Channel.ONLINE_SELF

    @classmethod
    def _create(cls, model_class, *args, **fields) -> Dossier:
        return dossier_create_draft(**fields)
