"""Form fields of the declarations: dates typed as dd/mm/yyyy, "date or year", ethnic groups, nationality."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Vietnam's 54 ethnic groups (Decision 121-TCTK/PPCĐ), the majority first as the paper forms list them.
ETHNICITIES: tuple[str, ...] = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
    "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Raglay", "Xtiêng", "Bru – Vân Kiều",
    "Thổ", "Giáy", "Cơ Tu", "Gié Triêng", "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun",
    "Hà Nhì", "Chu Ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng",
    "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm", "Ngái",
)  # fmt: skip
DEFAULT_NATIONALITY = "Việt Nam"

_DMY = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*")
_YEAR = re.compile(r"\s*(\d{4})\s*")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_dmy(value: str, *, example: str = "15/12/2016") -> datetime.date:
    """A day typed as dd/mm/yyyy (or ISO), with a message that says which part is wrong and how to write it."""
    how = _("Nhập theo dạng ngày/tháng/năm, ví dụ %(example)s.") % {"example": example}
    iso = _ISO.fullmatch(value.strip())
    match = _DMY.fullmatch(value) or None
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif match:
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValidationError(how, code="invalid")
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Tháng phải từ 1 đến 12 (bạn nhập tháng %(month)s). %(how)s") % {"month": month, "how": how},
            code="invalid_month",
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Tháng %(month)s năm %(year)s không có ngày %(day)s. %(how)s")
            % {"month": month, "year": year, "day": day, "how": how},
            code="invalid_day",
        ) from None


def format_dmy(value: "datetime.date | str | None") -> str:
    """dd/mm/yyyy from a date or a stored ISO string; a bare year stays a year."""
    if not value:
        return ""
    if isinstance(value, str):
        if _YEAR.fullmatch(value):
            return value.strip()
        value = datetime.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def year_of(stored: str | None) -> int | None:
    """The year of a stored date ("2016-12-15") or bare year ("1990")."""
    return int(stored[:4]) if stored and stored[:4].isdigit() else None


class DayField(forms.CharField):
    """A calendar day typed as dd/mm/yyyy; refuses days in the future unless `allow_future`."""

    def __init__(self, *, allow_future: bool = False, example: str = "15/12/2016", **kwargs) -> None:
        self.allow_future = allow_future
        self.example = example
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", _("Ngày/tháng/năm, ví dụ %(example)s.") % {"example": example})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="numeric", autocomplete="off")
        return attrs

    def prepare_value(self, value):
        return format_dmy(value) if isinstance(value, datetime.date) else value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        day = parse_dmy(value, example=self.example)
        if day.year < 1900:
            raise ValidationError(_("Năm phải từ 1900 trở đi. Kiểm tra lại năm."), code="too_old")
        if not self.allow_future and day > timezone.localdate():
            raise ValidationError(
                _("Ngày này ở tương lai (sau hôm nay). Kiểm tra lại ngày, tháng, năm."), code="future"
            )
        return day


class DayOrYearField(DayField):
    """A day, or only the year when the day is not known (parents, deceased); kept as "1990" or a date."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", _("Ngày/tháng/năm, ví dụ 03/04/1992. Nếu không nhớ ngày, chỉ ghi năm: 1992."))
        kwargs.setdefault("example", "03/04/1992")
        super().__init__(**kwargs)

    def clean(self, value):
        text = forms.CharField.clean(self, value)
        year = _YEAR.fullmatch(text or "")
        if year:
            if not 1900 <= int(year.group(1)) <= timezone.localdate().year:
                raise ValidationError(_("Năm sinh phải từ 1900 đến năm nay. Kiểm tra lại năm."), code="year_range")
            return year.group(1)
        return super().clean(value)


class TimeOfDayField(forms.TimeField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M", "%Hh%M", "%Hg%M"])
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}))
        kwargs.setdefault("help_text", _("Giờ:phút, ví dụ 14:30. Bỏ trống nếu không rõ."))
        kwargs.setdefault("error_messages", {"invalid": _("Nhập giờ theo dạng giờ:phút, ví dụ 14:30.")})
        super().__init__(**kwargs)


def ethnicity_field(**kwargs) -> forms.ChoiceField:
    kwargs.setdefault("label", _("Dân tộc"))
    return forms.ChoiceField(
        choices=[(name, name) for name in ETHNICITIES],
        initial="Kinh",
        error_messages={"required": _("Chọn dân tộc.")},
        **kwargs,
    )


def nationality_field(**kwargs) -> forms.CharField:
    kwargs.setdefault("label", _("Quốc tịch"))
    return forms.CharField(
        max_length=60,
        initial=DEFAULT_NATIONALITY,
        error_messages={"required": _("Nhập quốc tịch, ví dụ Việt Nam.")},
        **kwargs,
    )
