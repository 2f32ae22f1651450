"""Load the demo data set: both unit trees (before and since the reform of 1/7/2025), rollout dates, the procedure
catalogue, one account per role, two weeks of dossiers at the demo ward of today replayed through the real services
(data/demo-dossiers.toml, portal/demo_dossiers.py), and two years of generated dossiers across the city (on both sides
of the reform) for the reports."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.id_number import Sex
from egov.accounts.models import Role, User
from egov.accounts.selectors import user_must_have_second_factor
from egov.units.models import AdministrativeUnit, UnitLevel, UnitSuccession
from portal.demo_dossiers import DemoPeople, demo_dossiers_load
from procedures.models import Dossier, DossierEvent
from reporting.generator import SOURCE as GENERATED
from reporting.generator import communes_reported, dossiers_generate
from reporting.services import rollups_rebuild

# Printed by `make run`; demo accounts exist only in the embedded set-up, never in production data.
DEMO_PASSWORD = "demo12345"
# The authenticator key of the demo accounts that must have a second factor (the city's, which is also the admin),
# published like the password: its bytes spell "demo-only-not-secret". `manage.py otp_code thanhpho.hanoi` prints
# the code an app would show.
DEMO_TOTP_KEY = b"demo-only-not-secret".hex()
# Generated dossiers over two years and a month (from the first day of last month, two years back, so that last month
# compares with its own month two years before), so that the reports look lived in on both sides of the reform: two
# thirds across the city, one third in the demo area (Quận Ba Đình before the reform, the communes that hold its
# wards' records since), whose chief and officers drill down to its wards.
DEMO_HISTORY = 6000
HISTORY_YEARS = 2
# The demo ward's own generated history stops this many days before today, where its replayed fortnight begins.
STORY_DAYS = 21

CITY = (UnitLevel.CITY, "01")  # Thành phố Hà Nội
# Today's ward, which holds the records of Phường Phúc Xá (00001) since 1/7/2025.
COMMUNE = (UnitLevel.COMMUNE, "00097")  # Phường Hồng Hà
# Before the reform: the district whose chief's account now reads its history only.
DISTRICT = (UnitLevel.DISTRICT, "001")  # Quận Ba Đình
# Its last day.
REFORM_EVE = date(2025, 6, 30)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    unit: tuple[str, str] | None = None  # (level, code) of the officer's unit
    # The day the unit is looked up on: today's unit by default; the eve of the reform for an abolished one.
    unit_on: date | None = None
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
    DemoAccount("motcua.hongha", Role.ONE_STOP, "Trần Thị Bình", unit=COMMUNE),
    DemoAccount("tuphap.hongha", Role.JUSTICE, "Lê Văn Cường", unit=COMMUNE),
    DemoAccount("lanhdao.hongha", Role.LEADER, "Phạm Thị Dung", unit=COMMUNE),
    # Since the reform the police and social insurance work by commune.
    DemoAccount("congan.hongha", Role.POLICE, "Hoàng Văn Em", unit=COMMUNE),
    DemoAccount("bhxh.hongha", Role.SOCIAL_INSURANCE, "Vũ Thị Giang", unit=COMMUNE),
    # Ba Đình's district staff: the district was abolished on 1/7/2025, the account reads its history only.
    DemoAccount("quan.badinh", Role.DISTRICT, "Đặng Văn Hải", unit=DISTRICT, unit_on=REFORM_EVE),
    DemoAccount("thanhpho.hanoi", Role.CITY, "Bùi Thị Lan", unit=CITY, is_admin=True),
)


def demo_unit(level: str, code: str, *, on: date | None = None) -> AdministrativeUnit:
    """The unit with this code on `on` (today by default): codes were reused across the reform."""
    unit = AdministrativeUnit.objects.filter(level=level, code=code).valid_on(on or timezone.localdate()).first()
    if unit is None:
        raise CommandError(f"Administrative unit {level} {code} is missing: run `manage.py load_units` first.")
    return unit


def demo_account_save(account: DemoAccount, *, password_hash: str) -> User:
    """Create or update one demo account with the given hash of DEMO_PASSWORD, validated like a form would; an account
    that must have a second factor gets the demo authenticator key, confirmed."""
    user = User.objects.filter(username=account.username).first() or User(username=account.username)
    user.full_name = account.full_name
    user.role = account.role
    user.unit = demo_unit(*account.unit, on=account.unit_on) if account.unit else None
    user.id_number = account.id_number
    user.phone = account.phone
    user.sex = account.sex
    user.birth_date = account.birth_date
    user.is_active = True
    user.is_staff = user.is_superuser = account.is_admin
    user.password = password_hash
    # The demo data must pass the same checks as real accounts (ID number structure, role and unit level).
    user.full_clean()
    user.save()
    if user_must_have_second_factor(user):
        TOTPDevice.objects.update_or_create(user=user, name="Demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
    return user


def demo_area(ward: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The communes of Quận Ba Đình before the reform and those that hold their records since, but not the demo ward
    itself: where the demo district chief drills down, and a neighbourhood for the city to compare."""
    district = demo_unit(*DISTRICT, on=REFORM_EVE)
    before = AdministrativeUnit.objects.communes().filter(parent=district)
    since = UnitSuccession.objects.filter(old_unit__in=before, holds_records=True).values("new_unit")
    area = AdministrativeUnit.objects.filter(Q(pk__in=before) | Q(pk__in=since)).exclude(pk=ward.pk)
    return list(area.select_related("parent").order_by("code", "valid_from"))


def history_start(today: date) -> date:
    """The first day of last month, `HISTORY_YEARS` years back: 01/11/2024 for 02/12/2026."""
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return last_month.replace(year=last_month.year - HISTORY_YEARS)


def demo_history_load(*, count: int, ward: AdministrativeUnit) -> int:
    """Generate two years of dossiers across the city's communes, on both sides of the reform (the communes of each
    day), more in the demo area; the demo ward's own until three weeks ago (its fortnight is the story its officers
    follow); then rebuild the rollups. Only once. Returns how many dossiers were generated."""
    if DossierEvent.objects.filter(details__source=GENERATED).exists():
        return 0
    today = timezone.localdate()
    since = history_start(today)
    communes = [unit for unit in communes_reported() if unit.pk != ward.pk]
    area = demo_area(ward)
    own = max(1, count // 40)
    city_wide = dossiers_generate(count=(count - own) * 2 // 3, since=since, seed=2016, units=communes, counted=False)
    rest = count - own - city_wide.dossiers
    in_area = dossiers_generate(count=rest, since=since, seed=810, units=area, counted=False)
    at_ward = dossiers_generate(
        count=own, since=max(since, ward.valid_from or since), until=today - timedelta(days=STORY_DAYS), seed=97,
        units=[ward], counted=False,
    )  # fmt: skip
    # Also counts the demo ward's fortnight, and dossiers of a database loaded before the reports existed.
    rollups_rebuild()
    return city_wide.dossiers + in_area.dossiers + at_ward.dossiers


class Command(BaseCommand):
    help = (
        "Load Hanoi's units (before and since the 2025 reform), rollout dates and procedures, one demo account per "
        "role, demo dossiers at Phường Hồng Hà and two years of generated dossiers across the city (safe to run "
        "again: the ward's dossiers are loaded only while it has none, the history only once)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=DEMO_HISTORY,
            help=f"generated dossiers over two years across the city (default {DEMO_HISTORY}; 0: none)",
        )

    def handle(self, *args, **options) -> None:
        call_command("load_units", verbosity=options["verbosity"])
        call_command("load_rollout", verbosity=options["verbosity"])
        call_command("load_catalogue", verbosity=options["verbosity"])
        # One hash for all: the password is published anyway, and hashing is what makes this command slow.
        password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            users = {account.role: demo_account_save(account, password_hash=password_hash) for account in DEMO_ACCOUNTS}
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{len(DEMO_ACCOUNTS)} demo accounts ready; password {DEMO_PASSWORD}"))
        commune = demo_unit(*COMMUNE)
        if Dossier.objects.filter(unit=commune).exists():
            if options["verbosity"] >= 1:
                self.stdout.write(f"{commune.name} already has dossiers; no demo dossiers added.")
        else:
            people = DemoPeople(
                citizen=users[Role.CITIZEN],
                one_stop=users[Role.ONE_STOP],
                justice=users[Role.JUSTICE],
                leader=users[Role.LEADER],
            )
            count = demo_dossiers_load(unit=commune, people=people)
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.SUCCESS(f"{count} demo dossiers at {commune.name}"))
        if options["history"] > 0:
            generated = demo_history_load(count=options["history"], ward=commune)
            if options["verbosity"] >= 1 and generated:
                self.stdout.write(self.style.SUCCESS(f"{generated} dossiers over two years across the city"))
