"""The 12-digit personal ID number (số định danh cá nhân): parse it, check it against sex and birth year."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The 63 province codes of the ID number (Thông tư 07/2016/TT-BCA), i.e. the GSO codes of the provinces as
# they were before the 2025 merger. Numbers keep the code of the province where they were issued, so the
# old table stays the valid one for every number in circulation.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


# Century-and-sex digit → (first year of the century, sex). The 1800s (8/9) never occur on numbers issued
# to living people, so they are refused.
CENTURY_SEX_DIGITS: dict[str, tuple[int, Sex]] = {
    "0": (1900, Sex.MALE),
    "1": (1900, Sex.FEMALE),
    "2": (2000, Sex.MALE),
    "3": (2000, Sex.FEMALE),
    "4": (2100, Sex.MALE),
    "5": (2100, Sex.FEMALE),
}


@dataclass(frozen=True)
class IdNumber:
    """A structurally valid personal ID number, split into its parts."""

    value: str
    province_code: str
    sex: Sex
    birth_year: int
    serial: str

    @property
    def province_name(self) -> str:
        return PROVINCE_CODES[self.province_code]


def normalize_id_number(value: str) -> str:
    """Drop the spaces and dots people type between digit groups."""
    return "".join(ch for ch in str(value) if ch not in " .-\t")


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IdNumber:
    """Parse and check the structure of an ID number; raise ValidationError with a message saying what to do."""
    number = normalize_id_number(value)
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        raise ValidationError(
            _("Nhập đủ 12 chữ số của số định danh cá nhân (số căn cước), ví dụ 001090012345."), code="format"
        )
    province_code, century_digit, year_digits, serial = number[:3], number[3], number[4:6], number[6:]
    if province_code not in PROVINCE_CODES:
        raise ValidationError(
            _("Ba chữ số đầu của số định danh phải là mã tỉnh, thành phố (ví dụ 001 là Hà Nội). Kiểm tra lại số."),
            code="province",
        )
    if century_digit not in CENTURY_SEX_DIGITS:
        raise ValidationError(
            _("Chữ số thứ tư của số định danh (chỉ thế kỷ sinh và giới tính) phải từ 0 đến 5. Kiểm tra lại số."),
            code="century",
        )
    century, sex = CENTURY_SEX_DIGITS[century_digit]
    birth_year = century + int(year_digits)
    if birth_year > (today or timezone.localdate()).year:
        raise ValidationError(
            _("Năm sinh ghi trong số định danh (chữ số thứ 4 đến 6) ở tương lai. Kiểm tra lại số."),
            code="future",
        )
    return IdNumber(value=number, province_code=province_code, sex=sex, birth_year=birth_year, serial=serial)


def id_number_mismatches(id_number: IdNumber, *, sex: str | None, birth_year: int | None) -> list[str]:
    """What in a parsed ID number disagrees with the stated sex and birth year, as messages for the citizen."""
    problems = []
    if sex and id_number.sex != sex:
        problems.append(
            str(_("Số định danh không khớp với giới tính đã khai. Kiểm tra lại số định danh hoặc giới tính."))
        )
    if birth_year and id_number.birth_year != birth_year:
        problems.append(
            str(_("Số định danh không khớp với năm sinh đã khai. Kiểm tra lại số định danh hoặc ngày sinh."))
        )
    return problems


def validate_id_number(value: str) -> None:
    """A field validator: the structure only (sex and birth year are checked where the form knows them)."""
    parse_id_number(value)


class IdNumberField(forms.CharField):
    """A form field returning the normalised 12-digit number; the form cross-checks sex and birth year."""

    default_validators = [validate_id_number]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Số định danh cá nhân"))
        kwargs.setdefault("help_text", _("12 chữ số, in trên thẻ căn cước hoặc trên ứng dụng VNeID."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A numeric keypad on phones, without the spinner and rounding of type="number".
        attrs.update(inputmode="numeric", autocomplete="off")
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_id_number(value) if value else value
