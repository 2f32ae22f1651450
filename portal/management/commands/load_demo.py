"""Load the demo data set: both unit trees (before and since the reform of 1/7/2025), rollout dates, the procedure
catalogue, one account per role, two weeks of dossiers at the demo ward of today replayed through the real services,
and two years of generated dossiers across the city (on both sides of the reform) for the reports."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from unittest import mock

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
from egov.workcal.calendar import WorkingCalendar, get_calendar
from procedures import declarations, services
from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier, DossierEvent, FormKind, Procedure, Status
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


# --- demo dossiers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One action on a demo dossier, `days_ago` working days before today at `clock` (HH:MM, Hanoi time)."""

    days_ago: int
    clock: str
    action: str
    reason: str = ""
    # For "apologize": the new day to hand over the result, in working days after today.
    new_day_ahead: int = 0


@dataclass(frozen=True)
class DemoDossier:
    procedure: str  # catalogue code
    channel: Channel
    steps: tuple[Step, ...]
    # Per-step answers replacing those of the sample declaration (names, ID numbers, places…).
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    phone: str = ""  # the contact typed at the counter; online dossiers take the citizen's own


def _filed_at_counter(days_ago: int, clock: str) -> tuple[Step, ...]:
    # An officer enters the paper (or files online for the citizen) and receives it in the same visit.
    return (Step(days_ago, clock, "file_at_counter"),)


def _person(full_name: str, birth_date: str, id_number: str, **more: str) -> dict[str, str]:
    return {"full_name": full_name, "birth_date": birth_date, "id_number": id_number, **more}


def _requester(full_name: str, id_number: str, **more: str) -> dict[str, str]:
    return {"full_name": full_name, "id_number": id_number, **more}


HONG_HA = "phường Hồng Hà, Hà Nội"

# The story of the last two weeks at Phường Hồng Hà. Every step is at least one working day in the past,
# so nothing is ever in the future, and the three-day limits of the dossiers still open run into the coming
# days: only the dossier marked OVERDUE is late, whenever the demo is loaded.
DEMO_DOSSIERS: tuple[DemoDossier, ...] = (
    # The demo citizen's own dossiers, filed from home.
    DemoDossier(
        "HT-BSTL",
        Channel.ONLINE_SELF,
        (
            Step(9, "10:05", "submit"),
            Step(9, "10:30", "receive"),
            Step(9, "10:45", "start"),
            Step(9, "11:00", "propose"),
            Step(9, "14:00", "approve"),
            Step(9, "14:00", "settle"),
            Step(8, "09:15", "deliver"),
        ),
        {"trich-luc": {"register_kind": "marriage", "person_name": "Nguyễn Văn An", "copies": "1"}},
    ),
    DemoDossier(
        "HT-XNHN",
        Channel.ONLINE_SELF,
        (
            Step(6, "21:10", "submit"),
            Step(5, "08:20", "receive"),
            Step(5, "09:00", "start"),
            Step(4, "10:30", "propose"),
            Step(4, "15:00", "approve"),
            Step(4, "15:00", "settle"),
        ),
        {"xac-nhan": {"marital_status": "divorced", "purpose": "Để làm thủ tục mua bán nhà đất"}},
    ),
    DemoDossier(
        "HT-KT",
        Channel.ONLINE_SELF,
        (
            Step(2, "19:30", "submit"),
            Step(
                1,
                "08:50",
                "request_supplement",
                "Ảnh chụp giấy báo tử bị mờ, không đọc được số giấy. Xin chụp lại rõ nét và gửi bổ sung.",
            ),
        ),
        {"nguoi-yeu-cau": {"relationship": "con"}},
    ),
    DemoDossier("HT-KS-LT", Channel.ONLINE_SELF, (Step(1, "20:45", "submit"),)),
    DemoDossier(
        "HT-BSTL",
        Channel.ONLINE_SELF,
        (Step(1, "16:10", "submit"),),
        {"trich-luc": {"register_kind": "birth", "person_name": "Nguyễn Văn An", "copies": "3"}},
    ),
    # Births.
    DemoDossier(
        "HT-KS",
        Channel.COUNTER,
        (
            *_filed_at_counter(7, "08:40"),
            Step(7, "09:05", "start"),
            Step(7, "09:50", "propose"),
            Step(7, "10:30", "approve"),
            Step(7, "10:30", "settle"),
            Step(7, "15:45", "deliver"),
        ),
        {
            "nguoi-yeu-cau": _requester("Lê Văn Tuấn", "001088004512", residence=f"Số 3 ngõ 40 phố Tân Ấp, {HONG_HA}"),
            "tre-em": {"full_name": "Lê Gia Bảo", "sex": Sex.MALE, "birth_place": "Bệnh viện Xanh Pôn"},
            "me": _person("Nguyễn Thu Hằng", "14/02/1991", "001191007733"),
            "cha": _person("Lê Văn Tuấn", "20/07/1988", "001088004512"),
        },
        phone="0983115276",
    ),
    DemoDossier(
        "HT-KS",
        Channel.ONLINE_ASSISTED,
        (
            *_filed_at_counter(1, "09:10"),
            Step(1, "09:40", "start"),
            Step(1, "11:00", "propose"),
            Step(1, "14:20", "approve"),
            Step(1, "14:20", "settle"),
        ),
        {
            "nguoi-yeu-cau": _requester("Đỗ Thị Hương", "001193012876", relationship="me"),
            "tre-em": {"full_name": "Phạm Khánh Linh", "sex": Sex.FEMALE},
            "me": _person("Đỗ Thị Hương", "1993", "001193012876"),
            "cha": _person("Phạm Quang Huy", "02/09/1990", "001090034561"),
        },
        phone="0904627193",
    ),
    # OVERDUE: a same-day registration still in processing three working days later.
    DemoDossier(
        "HT-KS",
        Channel.COUNTER,
        (*_filed_at_counter(3, "10:00"), Step(3, "10:20", "start")),
        {
            "nguoi-yeu-cau": _requester("Vũ Văn Hòa", "001085009876"),
            "tre-em": {"full_name": "Vũ Đức Minh", "sex": Sex.MALE, "hometown": "Xã Đông Mỹ, huyện Thanh Trì, Hà Nội"},
            "me": _person("Hà Thị Lan", "1987", "001187004421", ethnicity="Tày"),
            "cha": _person("Vũ Văn Hòa", "11/11/1985", "001085009876"),
        },
        phone="0975330418",
    ),
    DemoDossier(
        "HT-KS",
        Channel.POST,
        (
            Step(4, "09:30", "submit"),
            Step(
                4,
                "09:45",
                "refuse",
                "Hồ sơ gửi qua bưu chính chỉ có bản chụp giấy chứng sinh. "
                "Xin gửi lại hồ sơ kèm bản chính giấy chứng sinh.",
            ),
        ),
        {
            "nguoi-yeu-cau": _requester("Hoàng Minh Tuấn", "001092005678"),
            "tre-em": {"full_name": "Hoàng Bảo Ngọc", "sex": Sex.FEMALE, "birth_place": "Bệnh viện Đa khoa Đức Giang"},
            "me": _person("Kiều Thị Nga", "1994", "001194003344"),
            "cha": _person("Hoàng Minh Tuấn", "1992", "001092005678"),
        },
        phone="0868204517",
    ),
    DemoDossier(
        "HT-KS-LT",
        Channel.COUNTER,
        (
            *_filed_at_counter(2, "09:30"),
            Step(2, "10:00", "start"),
            Step(2, "15:30", "propose"),
            Step(1, "09:15", "approve"),
        ),
        {
            "nguoi-yeu-cau": _requester(
                "Trần Văn Khải", "001089006543", residence=f"Số 7 ngõ 12 phố Tân Ấp, {HONG_HA}"
            ),
            "tre-em": {"full_name": "Trần Hải Đăng", "sex": Sex.MALE},
            "me": _person("Lại Thị Thu", "1990", "001190008765"),
            "cha": _person("Trần Văn Khải", "05/03/1989", "001089006543"),
            "thuong-tru-bhyt": {
                "household_head": "Trần Văn Khải",
                "household_address": f"Số 7 ngõ 12 phố Tân Ấp, {HONG_HA}",
                "relationship_to_head": "Con",
            },
        },
        phone="0912770345",
    ),
    DemoDossier(
        "HT-KS-LT",
        Channel.ONLINE_ASSISTED,
        (*_filed_at_counter(1, "08:45"), Step(1, "09:30", "start"), Step(1, "15:00", "propose")),
        {
            "nguoi-yeu-cau": _requester("Ngô Đức Thịnh", "001091002468"),
            "tre-em": {"full_name": "Ngô Thảo Vy", "sex": Sex.FEMALE},
            "me": _person("Đào Thị Mến", "1993", "001193005791"),
            "cha": _person("Ngô Đức Thịnh", "1991", "001091002468"),
            "thuong-tru-bhyt": {
                "household_head": "Ngô Đức Thịnh",
                "household_address": f"Số 21 phố Phúc Xá, {HONG_HA}",
                "relationship_to_head": "Con",
            },
        },
        phone="0936418250",
    ),
    # Deaths.
    DemoDossier(
        "HT-KT",
        Channel.COUNTER,
        (
            *_filed_at_counter(5, "08:30"),
            Step(5, "08:50", "start"),
            Step(5, "09:30", "propose"),
            Step(5, "10:15", "approve"),
            Step(5, "10:15", "settle"),
            Step(5, "14:00", "deliver"),
        ),
        {
            "nguoi-yeu-cau": _requester("Đinh Văn Quang", "001068001122", relationship="con"),
            "nguoi-da-mat": {
                "full_name": "Đinh Thị Mai",
                "sex": Sex.FEMALE,
                "birth_date": "1938",
                "id_number": "001138002233",
                "last_residence": f"Số 25 phố Phúc Xá, {HONG_HA}",
            },
            "viec-tu": {
                "death_place": f"Tại nhà, số 25 phố Phúc Xá, {HONG_HA}",
                "death_cause": "Tuổi cao, suy tim",
                "notice_number": "37/GBT",
                "notice_issuer": "Trạm y tế phường Hồng Hà",
            },
        },
        phone="0913482906",
    ),
    DemoDossier(
        "HT-KT-LT",
        Channel.COUNTER,
        (
            *_filed_at_counter(2, "14:00"),
            Step(2, "14:30", "start"),
            Step(1, "10:00", "propose"),
            Step(1, "11:00", "approve"),
        ),
        {
            "nguoi-yeu-cau": _requester("Bùi Thị Hạnh", "001172004567", relationship="con gái"),
            "nguoi-da-mat": {
                "full_name": "Bùi Văn Thắng",
                "birth_date": "1945",
                "id_number": "001045003456",
                "last_residence": f"Số 9 ngõ 2 phố Nghĩa Dũng, {HONG_HA}",
            },
            "viec-tu": {"death_place": "Bệnh viện Hữu nghị", "notice_issuer": "Bệnh viện Hữu nghị"},
            "xoa-thuong-tru": {
                "household_head": "Bùi Văn Thắng",
                "household_address": f"Số 9 ngõ 2 phố Nghĩa Dũng, {HONG_HA}",
                "relationship_to_head": "Là chủ hộ",
            },
        },
        phone="0947156302",
    ),
    DemoDossier(
        "HT-KT-LT",
        Channel.POST,
        _filed_at_counter(1, "14:20"),
        {
            "nguoi-yeu-cau": _requester("Nguyễn Văn Toàn", "001075005432", relationship="con"),
            "nguoi-da-mat": {
                "full_name": "Lý Thị Hoa",
                "sex": Sex.FEMALE,
                "birth_date": "1950",
                "id_number": "001150006789",
            },
            "xoa-thuong-tru": {"household_head": "Nguyễn Văn Toàn", "relationship_to_head": "Mẹ"},
        },
        phone="0389027461",
    ),
    # Marriages and marital status.
    DemoDossier(
        "HT-KH",
        Channel.COUNTER,
        (
            *_filed_at_counter(8, "09:00"),
            Step(8, "09:20", "start"),
            Step(8, "10:00", "propose"),
            Step(8, "10:40", "approve"),
            Step(8, "10:40", "settle"),
            Step(8, "10:50", "deliver"),
        ),
        {
            "ben-nam": _person("Phan Minh Khoa", "16/08/1996", "001096007890", marital_status="single"),
            "ben-nu": _person("Lương Thu Trang", "22/01/1998", "001198001357", marital_status="single"),
        },
        phone="0977641208",
    ),
    DemoDossier(
        "HT-KH",
        Channel.ONLINE_ASSISTED,
        (
            *_filed_at_counter(3, "09:00"),
            Step(3, "09:30", "start"),
            Step(3, "11:00", "propose"),
            Step(
                3,
                "14:00",
                "reject",
                "Kết quả xác minh tại nơi cư trú cho thấy bên nam chưa hoàn tất thủ tục ly hôn; "
                "chưa đủ điều kiện đăng ký kết hôn.",
            ),
        ),
        {
            "ben-nam": _person("Trịnh Quốc Huy", "30/04/1990", "001090008642", marital_status="divorced"),
            "ben-nu": _person("Mai Phương Thảo", "08/10/1995", "001195009753", marital_status="single"),
        },
        phone="0901358724",
    ),
    DemoDossier(
        "HT-XNHN",
        Channel.COUNTER,
        (*_filed_at_counter(1, "13:30"), Step(1, "14:00", "start")),
        {
            "nguoi-yeu-cau": _requester("Đặng Thu Hà", "001194002580"),
            "xac-nhan": {"purpose": "Để làm thủ tục vay vốn ngân hàng", "period_from": "01/06/2012"},
        },
        phone="0965802314",
    ),
    DemoDossier(
        "HT-XNHN",
        Channel.POST,
        (
            *_filed_at_counter(2, "10:15"),
            Step(2, "10:40", "start"),
            Step(
                2,
                "15:10",
                "request_supplement",
                "Ông đã cư trú tại Đà Nẵng từ năm 2015 đến năm 2018: xin bổ sung giấy xác nhận tình trạng hôn nhân "
                "trong thời gian đó do UBND nơi cư trú cũ cấp.",
            ),
        ),
        {
            "nguoi-yeu-cau": _requester("Cao Văn Long", "001087003691"),
            "xac-nhan": {"purpose": "Để đăng ký kết hôn", "period_from": "01/01/2008"},
        },
        phone="0842996107",
    ),
    # Late, but the office said so in time: the apology slip gave a new day.
    DemoDossier(
        "HT-XNHN",
        Channel.COUNTER,
        (
            *_filed_at_counter(6, "09:00"),
            Step(6, "09:30", "start"),
            Step(
                3,
                "08:30",
                "apologize",
                "Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây (Hải Phòng); đang chờ trả lời.",
                new_day_ahead=2,
            ),
        ),
        {
            "nguoi-yeu-cau": _requester("Lâm Văn Đức", "001084006172"),
            "xac-nhan": {"purpose": "Để bổ sung hồ sơ xin việc", "period_from": "01/01/2015"},
        },
        phone="0328415590",
    ),
    # Copies of extracts.
    DemoDossier(
        "HT-BSTL",
        Channel.COUNTER,
        (
            *_filed_at_counter(2, "08:15"),
            Step(2, "08:30", "start"),
            Step(2, "08:45", "propose"),
            Step(2, "09:30", "approve"),
            Step(2, "09:30", "settle"),
            Step(2, "10:00", "deliver"),
        ),
        {
            "nguoi-yeu-cau": _requester("Tạ Văn Nam", "001079004826"),
            "trich-luc": {"register_kind": "birth", "person_name": "Tạ Minh Châu", "copies": "1"},
        },
        phone="0914207783",
    ),
    DemoDossier(
        "HT-BSTL",
        Channel.ONLINE_ASSISTED,
        (
            *_filed_at_counter(1, "10:40"),
            Step(1, "11:00", "start"),
            Step(1, "11:20", "propose"),
            Step(1, "15:30", "approve"),
            Step(1, "15:30", "settle"),
        ),
        {
            "nguoi-yeu-cau": _requester("Chu Thị Yến", "001183005937"),
            "trich-luc": {"register_kind": "marriage", "person_name": "Chu Thị Yến", "copies": "2"},
        },
        phone="0396751842",
    ),
)


@dataclass(frozen=True)
class DemoPeople:
    citizen: User
    one_stop: User
    justice: User
    leader: User


class Timeline:
    """Moments counted in working days back from today (and forward, for the new days of apology slips)."""

    def __init__(self, calendar: WorkingCalendar, today: date) -> None:
        self.calendar = calendar
        self.today = today

    def day_back(self, days_ago: int) -> date:
        day = self.today
        for _ in range(days_ago):
            day -= timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= timedelta(days=1)
        return day

    def day_ahead(self, days: int) -> date:
        day = self.today
        for _ in range(days):
            day = self.calendar.next_working_day(day)
        return day

    def moment(self, step: Step) -> datetime:
        naive = datetime.combine(self.day_back(step.days_ago), time.fromisoformat(step.clock))
        return timezone.make_aware(naive, self.calendar.timezone)


class ReplayClock:
    """What `timezone.now()` answers while the demo is replayed."""

    now: datetime | None = None


@contextmanager
def replaying() -> Iterator[ReplayClock]:
    """Run the services at made-up moments, and tell no one about that made-up past.

    The services stamp every time, code, due time, register entry and event from `timezone.now()`, so it is
    patched rather than the rows edited afterwards: the event log is what the services wrote. The requester's
    SMS and e-mail are not written to the outbox at all (a worker would otherwise send a fortnight of news about
    a demo when it starts); any other after-commit work is queued as usual. Commit inside this block.
    """
    clock = ReplayClock()
    with (
        mock.patch("django.utils.timezone.now", lambda: clock.now),
        mock.patch.object(services, "dossier_notifications_queue", lambda **kwargs: []),
    ):
        yield clock


def _declared_requester(procedure: Procedure, data: dict) -> str:
    # The person named in the first step: the requester, or the groom when there is no requester step.
    return str(data[declarations.step_slugs(procedure)[0]].get("full_name", ""))


def _newborn_id_number(dossier: Dossier) -> str:
    """The number the population database would give the child: Hà Nội, century-and-sex, birth year, a serial."""
    child = dossier.data["tre-em"]
    year = int(child["birth_date"][:4])
    digit = (year // 100 - 19) * 2 + (child["sex"] == Sex.FEMALE)
    return f"001{digit}{year % 100:02d}{dossier.pk:06d}"


def _draft_filed(spec: DemoDossier, *, procedure: Procedure, unit, people: DemoPeople, on: date) -> Dossier:
    dossier = services.dossier_create_draft(
        procedure=procedure,
        unit=unit,
        applicant=people.citizen if spec.channel == Channel.ONLINE_SELF else people.one_stop,
        channel=spec.channel,
        contact_phone=spec.phone,
    )
    data = sample_data(procedure, on=on, **spec.answers)
    return services.dossier_save_draft(dossier=dossier, data=data, step=declarations.step_slugs(procedure)[-1])


def _step_replay(step: Step, dossier: Dossier, *, spec: DemoDossier, people: DemoPeople, timeline: Timeline):
    """Fire one step through its service, as the person whose job it is."""
    online_self = spec.channel == Channel.ONLINE_SELF
    # As the filing pages do: the late flag from the declaration, and paper dossiers named by their requester.
    is_late = declarations.is_late(dossier.procedure, dossier.data, on=timezone.localdate())
    requester_name = "" if online_self else _declared_requester(dossier.procedure, dossier.data)
    match step.action:
        case "submit":
            return services.dossier_submit(
                dossier=dossier,
                actor=people.citizen if online_self else people.one_stop,
                is_late=is_late,
                requester_name=requester_name,
            )
        case "file_at_counter":
            return services.dossier_file_at_counter(
                dossier=dossier, officer=people.one_stop, is_late=is_late, requester_name=requester_name
            )
        case "receive":
            return services.dossier_receive(dossier=dossier, officer=people.one_stop)
        case "start":
            return services.dossier_start(dossier=dossier, officer=people.justice)
        case "propose":
            return services.dossier_propose(dossier=dossier, officer=people.justice)
        case "request_supplement":
            asker = people.one_stop if dossier.status == Status.SUBMITTED else people.justice
            return services.dossier_request_supplement(dossier=dossier, officer=asker, reason=step.reason)
        case "refuse":
            return services.dossier_refuse(dossier=dossier, officer=people.one_stop, reason=step.reason)
        case "approve":
            is_birth = dossier.procedure.form_kind in (FormKind.BIRTH, FormKind.BIRTH_3IN1)
            return services.dossier_approve(
                dossier=dossier,
                leader=people.leader,
                personal_id_number=_newborn_id_number(dossier) if is_birth else "",
            )
        case "reject":
            return services.dossier_reject(dossier=dossier, leader=people.leader, reason=step.reason)
        case "settle":
            if dossier.procedure.agencies:
                raise CommandError(f"{spec.procedure}: linked records settle this dossier, not the demo.")
            return services.dossier_settle(dossier=dossier)
        case "deliver":
            return services.dossier_deliver(dossier=dossier, officer=people.one_stop)
        case "apologize":
            return services.dossier_apologize(
                dossier=dossier,
                officer=people.one_stop,
                new_day=timeline.day_ahead(step.new_day_ahead),
                reason=step.reason,
            )
    raise CommandError(f"unknown demo step {step.action!r}")


def demo_dossiers_load(*, unit: AdministrativeUnit, people: DemoPeople) -> int:
    """Replay DEMO_DOSSIERS at `unit`, every step of every dossier in time order; returns how many were filed."""
    procedures = {p.code: p for p in Procedure.objects.filter(code__in={spec.procedure for spec in DEMO_DOSSIERS})}
    if missing := {spec.procedure for spec in DEMO_DOSSIERS} - procedures.keys():
        raise CommandError(f"Procedures {sorted(missing)} are missing: run `manage.py load_catalogue` first.")
    timeline = Timeline(get_calendar(), timezone.localdate())
    # In time order across dossiers, so codes, register numbers and the event log read as a real fortnight.
    plan = sorted(
        ((timeline.moment(step), index, step) for index, spec in enumerate(DEMO_DOSSIERS) for step in spec.steps),
        key=lambda planned: planned[0],
    )
    dossiers: dict[int, Dossier] = {}
    with replaying() as clock, transaction.atomic():
        for moment, index, step in plan:
            clock.now = moment
            spec = DEMO_DOSSIERS[index]
            if index not in dossiers:
                dossiers[index] = _draft_filed(
                    spec, procedure=procedures[spec.procedure], unit=unit, people=people, on=moment.date()
                )
            dossiers[index] = _step_replay(step, dossiers[index], spec=spec, people=people, timeline=timeline)
    return len(dossiers)


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
