"""Load the demo data set: administrative units, rollout dates, the procedure catalogue and one account per role."""

from dataclasses import dataclass
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from egov.accounts.id_number import Sex
from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitLevel

# Printed by `make run`; demo accounts exist only in the embedded set-up, never in production data.
DEMO_PASSWORD = "demo12345"

CITY = (UnitLevel.CITY, "01")  # Thành phố Hà Nội
DISTRICT = (UnitLevel.DISTRICT, "001")  # Quận Ba Đình
COMMUNE = (UnitLevel.COMMUNE, "00001")  # Phường Phúc Xá


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    unit: tuple[str, str] | None = None  # (level, code) of the officer's unit
    id_number: str | None = None
    phone: str | None = None
    sex: str = ""
    birth_date: date | None = None
    is_admin: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    # 001 = Hà Nội, 0 = male born in the 1900s, 90 = 1990: a structurally valid personal ID number.
    DemoAccount(
        "001090012345",
        Role.CITIZEN,
        "Nguyễn Văn An",
        id_number="001090012345",
        phone="0912345678",
        sex=Sex.MALE,
        birth_date=date(1990, 5, 12),
    ),
    DemoAccount("motcua.phucxa", Role.ONE_STOP, "Trần Thị Bình", unit=COMMUNE),
    DemoAccount("tuphap.phucxa", Role.JUSTICE, "Lê Văn Cường", unit=COMMUNE),
    DemoAccount("lanhdao.phucxa", Role.LEADER, "Phạm Thị Dung", unit=COMMUNE),
    DemoAccount("congan.badinh", Role.POLICE, "Hoàng Văn Em", unit=DISTRICT),
    DemoAccount("bhxh.badinh", Role.SOCIAL_INSURANCE, "Vũ Thị Giang", unit=DISTRICT),
    DemoAccount("quan.badinh", Role.DISTRICT, "Đặng Văn Hải", unit=DISTRICT),
    DemoAccount("thanhpho.hanoi", Role.CITY, "Bùi Thị Lan", unit=CITY, is_admin=True),
)


def demo_unit(level: str, code: str) -> AdministrativeUnit:
    # The most recent period of a unit whose code was reused across a reform.
    unit = AdministrativeUnit.objects.filter(level=level, code=code).order_by("-valid_from").first()
    if unit is None:
        raise CommandError(f"Administrative unit {level} {code} is missing: run `manage.py load_units` first.")
    return unit


def demo_account_save(account: DemoAccount) -> User:
    """Create or update one demo account, reset its password to DEMO_PASSWORD, and validate it like a form would."""
    user = User.objects.filter(username=account.username).first() or User(username=account.username)
    user.full_name = account.full_name
    user.role = account.role
    user.unit = demo_unit(*account.unit) if account.unit else None
    user.id_number = account.id_number
    user.phone = account.phone
    user.sex = account.sex
    user.birth_date = account.birth_date
    user.is_active = True
    user.is_staff = user.is_superuser = account.is_admin
    user.set_password(DEMO_PASSWORD)
    # The demo data must pass the same checks as real accounts (ID number structure, role and unit level).
    user.full_clean()
    user.save()
    return user


class Command(BaseCommand):
    help = "Load Hanoi's units, rollout dates and procedures, and one demo account per role (safe to run again)."

    def handle(self, *args, **options) -> None:
        call_command("load_units", verbosity=options["verbosity"])
        call_command("load_rollout", verbosity=options["verbosity"])
        call_command("load_catalogue", verbosity=options["verbosity"])
        with transaction.atomic():
            for account in DEMO_ACCOUNTS:
                demo_account_save(account)
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{len(DEMO_ACCOUNTS)} demo accounts ready; password {DEMO_PASSWORD}"))
