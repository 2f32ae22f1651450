"""The dashboard's GET form: which period (kind and a day in it, or a range), which procedure, which order."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.declarations.fields import DayField
from procedures.models import Procedure

from .periods import Period, period_of
from .tables import SORT_KEYS

KIND_CHOICES = [
    ("day", _("Ngày")),
    ("week", _("Tuần")),
    ("month", _("Tháng")),
    ("quarter", _("Quý")),
    ("year", _("Năm")),
    ("custom", _("Khoảng thời gian tự chọn")),
]
# A custom range longer than this is a mistake rather than a report (the trend would have hundreds of steps).
LONGEST_RANGE = timedelta(days=366 * 10)
# The first year a comparison may go back to: Hanoi's online civil-status services started in 2016.
FIRST_YEAR = 2016


class ReportForm(forms.Form):
    """Every field is optional: no parameters at all means the current month, all procedures, by code."""

    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=KIND_CHOICES, required=False)
    date = DayField(
        label=_("Ngày trong kỳ"),
        required=False,
        allow_future=True,
        example="15/10/2026",
        help_text="",
    )
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"),
        queryset=Procedure.objects.order_by("position", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả thủ tục"),
    )
    current = forms.BooleanField(
        label=_("Gộp theo xã, phường hiện nay"),
        required=False,
        help_text=_("Số liệu của mỗi đơn vị cũ tính cho xã, phường hiện nay giữ hồ sơ của nó."),
    )
    compare = forms.TypedChoiceField(label=_("So sánh với cùng kỳ năm"), coerce=int, required=False, empty_value=None)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    dir = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regroup: bool = True, **kwargs) -> None:
        """`regroup`: whether the page can re-aggregate its child units onto today's communes (the city's only)."""
        super().__init__(*args, **kwargs)
        if not regroup:
            del self.fields["current"]
        # "from" is a Python keyword, so the range's fields are added by name.
        self.fields["from"] = DayField(
            label=_("Từ ngày"), required=False, allow_future=True, example="01/10/2026", help_text=""
        )
        self.fields["to"] = DayField(
            label=_("Đến ngày"), required=False, allow_future=True, example="15/10/2026", help_text=""
        )
        this_year = timezone.localdate().year
        self.fields["compare"].choices = [("", _("Không so sánh"))] + [
            (str(year), str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)
        ]
        self.order_fields(["kind", "date", "from", "to", "procedure", "compare", "current"])
        for name, field in self.fields.items():
            if name in ("sort", "dir"):
                continue
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field, DayField):
                field.widget.attrs["placeholder"] = "dd/mm/yyyy"
                if field.help_text:
                    field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == "custom":
            start, end = data.get("from"), data.get("to")
            if not start:
                self.add_error("from", _("Nhập ngày bắt đầu, ví dụ 01/10/2026."))
            if not end:
                self.add_error("to", _("Nhập ngày kết thúc, ví dụ 15/10/2026."))
            if start and end and start > end:
                self.add_error("to", _("Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu."))
            elif start and end and end - start > LONGEST_RANGE:
                self.add_error("to", _("Chọn khoảng thời gian không quá 10 năm."))
        return data

    def period(self) -> Period:
        """The period asked for; the current month when nothing (or something wrong) was asked."""
        today = timezone.localdate()
        if not self.is_valid():
            return period_of("month", today)
        data = self.cleaned_data
        kind = data["kind"] or "month"
        if kind == "custom":
            return Period("custom", data["from"], data["to"])
        return period_of(kind, data["date"] or today)

    def chosen_procedure(self) -> Procedure | None:
        """The procedure asked for, even when another field is wrong; None for all of them."""
        self.is_valid()
        return self.cleaned_data.get("procedure") if self.is_bound else None

    def options(self) -> tuple[bool, int | None]:
        """(re-aggregate onto today's communes?, the year to compare with or None), whatever else is wrong."""
        self.is_valid()
        data = self.cleaned_data if self.is_bound else {}
        return bool(data.get("current")), data.get("compare")

    def sorting(self) -> tuple[str, bool]:
        """(column key, descending); the unit's code order ("") when none or an unknown one was asked."""
        key = self.data.get("sort", "")
        return (key if key in SORT_KEYS else "", self.data.get("dir") == "desc")


def period_params(period: Period) -> dict[str, str]:
    """The GET parameters that ask for `period`."""
    if period.kind == "custom":
        return {"kind": "custom", "from": _dmy(period.start), "to": _dmy(period.end)}
    return {"kind": period.kind, "date": _dmy(period.start)}


def _dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"
