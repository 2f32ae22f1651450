"""What an agency simulator is: its kinds of record, how it checks a payload and how it decides a record.

The messages a portal officer may read (validation errors, rejection reasons) are Vietnamese, like the agencies'.
"""

import contextlib
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

# The agencies' clock: dates in payloads and results are Vietnamese calendar dates.
VIETNAM = timezone(timedelta(hours=7), "ICT")
# The simulated agencies serve Hà Nội; its GSO province code appears in the numbers they issue.
PROVINCE_CODE = "01"

MISSING = "Thiếu thông tin bắt buộc."
NOT_TEXT = "Phải là chuỗi ký tự."
NOT_OBJECT = "Phải là một đối tượng JSON."
BAD_DATE = "Ngày phải theo dạng năm-tháng-ngày, ví dụ 2026-11-23."
BAD_DATE_OR_YEAR = "Ngày phải theo dạng năm-tháng-ngày (ví dụ 1940-05-02) hoặc chỉ năm (1940)."
FUTURE_DATE = "Ngày không được sau ngày hôm nay."

_PERSONAL_ID = re.compile(r"[0-9]{12}")
_UNIT_CODE = re.compile(r"[0-9]{5}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_ABSENT = object()


def today() -> date:
    return datetime.now(VIETNAM).date()


@dataclass(frozen=True)
class Outcome:
    """The agency's answer to one record: completed with a result, or rejected with a reason."""

    status: str
    result: dict[str, Any] | None = None
    reason: str | None = None

    @classmethod
    def completed(cls, result: dict[str, Any]) -> "Outcome":
        return cls("completed", result=result)

    @classmethod
    def rejected(cls, reason: str) -> "Outcome":
        return cls("rejected", reason=reason)


class PayloadCheck:
    """Collects the problems of one payload, by dotted field path, as the 422 answer names them."""

    def __init__(self, payload: Mapping[str, Any], *, on: date) -> None:
        self.payload = payload
        self.on = on
        self.errors: dict[str, list[str]] = {}
        self._dates: dict[str, date] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def value(self, path: str) -> Any:
        current: Any = self.payload
        for part in path.split("."):
            if not isinstance(current, Mapping) or part not in current:
                return _ABSENT
            current = current[part]
        return current

    def section(self, path: str) -> Mapping[str, Any] | None:
        value = self.value(path)
        if value is _ABSENT or value is None:
            self.error(path, MISSING)
        elif not isinstance(value, Mapping):
            self.error(path, NOT_OBJECT)
        else:
            return value
        return None

    def text(self, path: str, *, required: bool = True) -> str:
        """The text at `path` ("" when absent); a required one must hold more than blanks."""
        value = self.value(path)
        if value is _ABSENT or value is None:
            value = ""
        if not isinstance(value, str):
            self.error(path, NOT_TEXT)
            return ""
        if required and not value.strip():
            self.error(path, MISSING)
        return value

    def date(self, path: str, *, year_alone: bool = False) -> date | None:
        """The ISO date at `path`, not after today; `year_alone` also takes "1940" (read as 1 January)."""
        text = self.text(path)
        if not text.strip():
            return None
        day = None
        with contextlib.suppress(ValueError):  # 2026-02-30, year 0000
            if _DAY.fullmatch(text):
                day = date.fromisoformat(text)
            elif year_alone and _YEAR.fullmatch(text):
                day = date(int(text), 1, 1)
        if day is None:
            self.error(path, BAD_DATE_OR_YEAR if year_alone else BAD_DATE)
            return None
        if day > self.on:
            self.error(path, FUTURE_DATE)
            return None
        self._dates[path] = day
        return day

    def not_before(self, later: str, earlier: str, message: str) -> None:
        """Report `later` when both dates were read and it falls before `earlier`."""
        if later in self._dates and earlier in self._dates and self._dates[later] < self._dates[earlier]:
            self.error(later, message)


@dataclass(frozen=True)
class Kind:
    """One kind of record an agency takes: its own payload checks and its decision."""

    check: Callable[[PayloadCheck], None]
    # (payload, today, next_number(sequence name)) -> Outcome; runs inside the store's transaction.
    decide: Callable[[Mapping[str, Any], date, Callable[[str], int]], Outcome]


@dataclass(frozen=True)
class Agency:
    """Who a simulator pretends to be."""

    slug: str  # machine name, used in file names and environment variables
    name: str  # the agency's Vietnamese name, shown in the log
    default_port: int
    ref_prefix: str  # of the agency's own reference for a received record ("agency_ref")
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    reject_reasons: tuple[str, ...] = ()  # for the reject fault: what a clerk there would write

    @property
    def env_prefix(self) -> str:
        return f"{self.slug.upper()}_SIM"


def check_record(agency: Agency, payload: Mapping[str, Any], *, idempotency_key: str | None, on: date) -> dict:
    """The problems of a submitted record by field path (empty when it may be stored)."""
    check = PayloadCheck(payload, on=on)
    record_id = check.text("id")
    if record_id and not _is_uuid(record_id):
        check.error("id", "Mã bản ghi liên thông phải là một UUID.")
    elif record_id and idempotency_key != record_id:
        check.error("id", "Tiêu đề Idempotency-Key phải trùng với mã bản ghi (id).")
    kind = check.text("kind")
    if kind and kind not in agency.kinds:
        check.error("kind", f"Cơ quan này không nhận loại hồ sơ này (nhận: {', '.join(agency.kinds)}).")
    check.text("dossier_code")
    unit_code = check.text("unit_code")
    if unit_code and not _UNIT_CODE.fullmatch(unit_code):
        check.error("unit_code", "Mã đơn vị hành chính cấp xã phải gồm 5 chữ số.")
    check.text("unit_name")
    check.date("registered_on")
    check.text("register_number")
    check.text("register_book")
    callback_url = check.text("callback_url")
    if callback_url and not _is_http_url(callback_url):
        check.error("callback_url", "Địa chỉ gọi lại phải là một URL http hoặc https.")
    if kind in agency.kinds:
        agency.kinds[kind].check(check)
    check.not_before("registered_on", "person.birth_date", "Ngày đăng ký không được trước ngày sinh.")
    return check.errors


def check_person(check: PayloadCheck, *, year_alone: bool = False) -> None:
    """The person the record is about (the child, or the deceased, whose birth date may be a year alone)."""
    if check.section("person") is None:
        return
    check.text("person.full_name")
    if check.text("person.sex") not in ("", "male", "female"):
        check.error("person.sex", "Giới tính phải là male hoặc female.")
    check.date("person.birth_date", year_alone=year_alone)
    number = check.text("person.personal_id_number", required=False)
    if number and not _PERSONAL_ID.fullmatch(number):
        check.error("person.personal_id_number", "Số định danh cá nhân phải gồm đúng 12 chữ số, hoặc để trống.")
    check.text("person.ethnicity")
    check.text("person.nationality")


def check_parents(check: PayloadCheck) -> None:
    if check.section("parents") is None:
        return
    mother = check.text("parents.mother", required=False)
    father = check.text("parents.father", required=False)
    if not (mother.strip() or father.strip()):
        check.error("parents", "Cần họ tên của mẹ hoặc của cha.")


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
