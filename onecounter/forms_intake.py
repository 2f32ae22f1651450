"""The counter intake form: which procedure, how the dossier came in, and who files it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.accounts.forms import PortalFormMixin
from egov.accounts.id_number import IdNumberField
from egov.accounts.phone import MobilePhoneField
from procedures.models import Channel, Procedure

# The channels an officer enters; `online_self` is the citizen's own filing at home.
INTAKE_CHANNELS = (
    (Channel.COUNTER, _("Trực tiếp tại quầy")),
    (Channel.POST, _("Qua bưu chính")),
    (Channel.ONLINE_ASSISTED, _("Nộp trực tuyến có hỗ trợ")),
)


class IntakeForm(PortalFormMixin, forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"),
        queryset=Procedure.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Chọn thủ tục của hồ sơ."), "invalid_choice": _("Chọn lại thủ tục.")},
    )
    channel = forms.ChoiceField(
        label=_("Hình thức nộp"),
        choices=INTAKE_CHANNELS,
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn hình thức nộp hồ sơ."), "invalid_choice": _("Chọn lại hình thức nộp.")},
    )
    id_number = IdNumberField(
        label=_("Số định danh cá nhân của người nộp"),
        help_text=_(
            "12 chữ số trên thẻ căn cước. Nếu người nộp có tài khoản trên cổng, hồ sơ hiện trong "
            "“Hồ sơ của tôi” của họ."
        ),
        required=False,
    )
    contact_phone = MobilePhoneField(
        label=_("Số điện thoại liên hệ"),
        help_text=_("Để nhắn tin khi cần bổ sung và khi có kết quả, ví dụ 0912345678."),
        required=False,
    )

    def __init__(self, *args, procedures, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures
