"""Forms of the officers' workspace: list filters, transition reasons and the apology slip."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.forms import PortalFormMixin
from egov.accounts.id_number import IdNumberField
from egov.workcal.calendar import get_calendar
from procedures.declarations.fields import DayField
from procedures.models import Channel, Procedure, Status
from procedures.transitions import TransitionSpec


class WorklistFilterForm(forms.Form):
    """Search and filters above a list; every field is optional and a wrong value is simply ignored."""

    q = forms.CharField(
        label=_("Tìm theo mã hồ sơ, họ tên, số định danh hoặc số điện thoại"), required=False, max_length=80
    )
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"), queryset=Procedure.objects.all(), required=False, empty_label=_("Tất cả thủ tục")
    )
    channel = forms.ChoiceField(label=_("Hình thức nộp"), choices=[("", _("Tất cả"))] + Channel.choices, required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả"))] + Status.choices, required=False)
    date_from = DayField(label=_("Nộp từ ngày"), required=False)
    date_to = DayField(label=_("đến ngày"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs.update(accesskey="t", autocomplete="off", type="search")
        self.fields["date_from"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        self.fields["date_to"].widget.attrs["placeholder"] = "dd/mm/yyyy"


class ActionForm(PortalFormMixin, forms.Form):
    """The reason of a transition (required where the citizen must be told why) and, at signature of a birth,
    the newborn's personal ID number when the population database gave one."""

    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, spec: TransitionSpec, ask_id_number: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = spec.name
        self.prefix = spec.name
        if spec.reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "Ghi rõ lý do: người nộp hồ sơ sẽ đọc lý do này để biết cần làm gì."
            )
        else:
            self.fields["reason"].label = _("Ghi chú (không bắt buộc)")
        if ask_id_number:
            self.fields["personal_id_number"] = IdNumberField(
                required=False,
                label=_("Số định danh cá nhân của trẻ"),
                help_text=_("Nếu Cơ sở dữ liệu quốc gia về dân cư đã cấp số; để trống nếu chưa có."),
            )
            # Added after the mixin styled the other fields.
            self.fields["personal_id_number"].widget.attrs["class"] = "form-control form-control-lg"


class ApologyForm(PortalFormMixin, forms.Form):
    """The apology-and-new-date slip: the new day to hand over the result and why the office is late."""

    prefix = "apology"
    new_day = DayField(
        allow_future=True,
        example="15/12/2026",
        label=_("Ngày hẹn trả mới"),
        help_text=_("Một ngày làm việc sau ngày hẹn cũ, ví dụ 15/12/2026."),
        error_messages={"required": _("Nhập ngày hẹn trả mới, ví dụ 15/12/2026.")},
    )
    reason = forms.CharField(
        label=_("Lý do chậm trễ"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Ghi rõ lý do chậm trễ: lý do được in trên phiếu xin lỗi.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The new due time is the end of office hours that day, which the city may configure.
        closing = timezone.localtime(get_calendar().office_end(timezone.localdate()))
        self.fields["new_day"].help_text = _(
            "Một ngày làm việc sau ngày hẹn cũ, ví dụ 15/12/2026. Kết quả trả trước %(time)s ngày đó."
        ) % {"time": f"{closing:%H:%M}"}
