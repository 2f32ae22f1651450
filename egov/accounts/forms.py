"""Forms of the account pages: registration, throttled login and its code step, and password reset by one-time code."""

import datetime
import math
import time

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.id_number import IdNumberField, Sex, id_number_mismatches, parse_id_number
from egov.accounts.models import User
from egov.accounts.phone import MobilePhoneField
from egov.accounts.services import password_reset_code_verify, totp_device_verify
from egov.accounts.throttle import login_failure_record, login_locked_until
from egov.accounts.web import client_ip


class PortalFormMixin:
    """Bootstrap classes, and hint/error ids tied to each input, so `accounts/_field.html` stays simple."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "form-check-input mt-0"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-lg"
            else:
                widget.attrs["class"] = "form-control form-control-lg"
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            described = [attrs.get("aria-describedby", ""), f"{self[name].auto_id}_error"]
            attrs["aria-describedby"] = " ".join(part for part in described if part)


def _new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    first = forms.CharField(
        label=_("Mật khẩu"),
        help_text=_("Ít nhất 8 ký tự, có cả chữ và số. Không dùng ngày sinh hay số điện thoại."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập mật khẩu bạn muốn dùng.")},
    )
    second = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập lại mật khẩu một lần nữa để tránh gõ nhầm.")},
    )
    return first, second


def _check_new_password(form: forms.Form, user: User) -> None:
    """The two entries agree and the password passes the site's validators (errors go on the fields)."""
    first, second = form.cleaned_data.get("password1"), form.cleaned_data.get("password2")
    if not first or not second:
        return
    if first != second:
        form.add_error("password2", _("Hai lần nhập mật khẩu chưa giống nhau. Nhập lại cho giống."))
        return
    try:
        password_validation.validate_password(first, user)
    except ValidationError as exc:
        form.add_error("password1", exc)


class CitizenRegistrationForm(PortalFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        help_text=_("Viết có dấu, đúng như trên thẻ căn cước."),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Nhập họ và tên của bạn.")},
    )
    id_number = IdNumberField(error_messages={"required": _("Nhập số định danh cá nhân 12 chữ số.")})
    sex = forms.ChoiceField(
        label=_("Giới tính"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn giới tính của bạn.")},
    )
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        help_text=_("Ngày/tháng/năm, ví dụ 15/12/1990."),
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "numeric"}),
        error_messages={
            "required": _("Nhập ngày sinh của bạn."),
            "invalid": _("Nhập ngày sinh theo dạng ngày/tháng/năm, ví dụ 15/12/1990."),
        },
    )
    phone = MobilePhoneField(
        help_text=_("Dùng để đăng nhập và nhận mã khi quên mật khẩu."),
        error_messages={"required": _("Nhập số điện thoại di động của bạn.")},
    )
    email = forms.EmailField(
        label=_("Thư điện tử (email)"),
        help_text=_("Để nhận thông báo về hồ sơ. Có thể bỏ trống."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com, hoặc bỏ trống.")},
    )
    password1, password2 = _new_password_fields()

    def clean_birth_date(self) -> datetime.date:
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(_("Ngày sinh không thể sau hôm nay. Kiểm tra lại ngày sinh."))
        if birth_date.year < 1900:
            raise ValidationError(_("Năm sinh phải từ 1900 trở đi. Kiểm tra lại ngày sinh."))
        return birth_date

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"]
        if User.objects.filter(id_number=number).exists():
            raise ValidationError(
                _(
                    "Số định danh này đã có tài khoản. Hãy đăng nhập, "
                    "hoặc chọn “Quên mật khẩu” nếu bạn không nhớ mật khẩu."
                ),
                code="duplicate",
            )
        return number

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(
                _(
                    "Số điện thoại này đã được dùng cho một tài khoản khác. "
                    "Dùng số khác, hoặc đăng nhập nếu đó là tài khoản của bạn."
                ),
                code="duplicate",
            )
        return phone

    def clean(self) -> dict:
        data = super().clean()
        number, sex, birth_date = data.get("id_number"), data.get("sex"), data.get("birth_date")
        if number and sex and birth_date:
            for problem in id_number_mismatches(parse_id_number(number), sex=sex, birth_year=birth_date.year):
                self.add_error("id_number", problem)
        candidate = User(
            username=number or "",
            full_name=data.get("full_name", ""),
            email=data.get("email", ""),
            id_number=number,
            phone=data.get("phone"),
        )
        _check_new_password(self, candidate)
        return data


class LoginThrottleMixin:
    """Refuse while the identifier or the client's address is locked, and count each failure (`throttle.py`): the
    password step and the code step share the counters, so five wrong answers of either kind lock the account."""

    request: HttpRequest | None
    error_messages: dict

    def raise_if_locked(self, identifier: str) -> None:
        until = login_locked_until(identifier=identifier, client_ip=client_ip(self.request))
        if until is None:
            return
        retry_at = timezone.localtime(datetime.datetime.fromtimestamp(until, tz=datetime.UTC))
        raise ValidationError(
            self.error_messages["throttled"],
            code="throttled",
            params={"time": retry_at.strftime("%H:%M"), "minutes": max(1, math.ceil((until - time.time()) / 60))},
        )

    def failure_record(self, identifier: str) -> None:
        login_failure_record(identifier=identifier, client_ip=client_ip(self.request))
        # Say so at once when this failure was the one that locked the account.
        self.raise_if_locked(identifier)


class PortalLoginForm(LoginThrottleMixin, PortalFormMixin, AuthenticationForm):
    """Log in by ID number, phone or username; refused while the identifier or the address is locked."""

    error_messages = {
        "invalid_login": _(
            "Số định danh, số điện thoại hoặc mật khẩu chưa đúng. Kiểm tra lại rồi nhập lại, hoặc chọn “Quên mật khẩu”."
        ),
        "inactive": _("Tài khoản này đang bị khóa. Liên hệ bộ phận một cửa của xã, phường để được hỗ trợ."),
        "throttled": _(
            "Bạn đã nhập sai quá nhiều lần. Hãy thử lại sau %(time)s (khoảng %(minutes)s phút nữa), "
            "hoặc chọn “Quên mật khẩu” để đặt mật khẩu mới."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Số định danh, số điện thoại hoặc tên đăng nhập")
        self.fields["username"].help_text = _(
            "Công dân: số định danh cá nhân 12 chữ số hoặc số điện thoại. Cán bộ: tên đăng nhập được cấp."
        )
        self.fields["username"].error_messages["required"] = _("Nhập số định danh, số điện thoại hoặc tên đăng nhập.")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu.")
        # The hint is set after the mixin ran, so tie it to the input here.
        self.fields["username"].widget.attrs["aria-describedby"] = f"{self['username'].auto_id}_hint"

    def clean(self) -> dict:
        identifier = self.cleaned_data.get("username") or ""
        self.raise_if_locked(identifier)
        try:
            return super().clean()
        except ValidationError:
            self.failure_record(identifier)
            raise


class TotpCodeForm(LoginThrottleMixin, PortalFormMixin, forms.Form):
    """The 6-digit code of the authenticator app: the login's second step, and the confirmation of an enrolment."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        help_text=_(
            "Mã xác thực gồm 6 chữ số trong ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…). "
            "Mã đổi sau mỗi 30 giây."
        ),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Nhập mã xác thực 6 chữ số đang hiện trong ứng dụng.")},
    )
    error_messages = {
        "wrong": _("Mã xác thực chưa đúng hoặc đã hết hạn. Nhập mã đang hiện trong ứng dụng (mã đổi sau mỗi 30 giây)."),
        "throttled": _("Bạn đã nhập sai quá nhiều lần. Hãy thử lại sau %(time)s (khoảng %(minutes)s phút nữa)."),
    }

    def __init__(self, data=None, *, request: HttpRequest, user: User, device: TOTPDevice) -> None:
        super().__init__(data)
        self.request, self.user, self.device = request, user, device
        self.verified_device: TOTPDevice | None = None

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people type it either way.
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise ValidationError(_("Mã xác thực gồm đúng 6 chữ số. Nhập các chữ số đang hiện trong ứng dụng."))
        return code

    def clean(self) -> dict:
        data = super().clean()
        # Counted under the account's own username, whichever identifier was typed at the password step.
        self.raise_if_locked(self.user.username)
        if "code" not in data:
            return data
        self.verified_device = totp_device_verify(user=self.user, device=self.device, token=data["code"])
        if self.verified_device is None:
            self.failure_record(self.user.username)
            self.add_error("code", self.error_messages["wrong"])
        return data


class PasswordResetRequestForm(PortalFormMixin, forms.Form):
    identifier = forms.CharField(
        label=_("Số định danh cá nhân hoặc số điện thoại"),
        help_text=_("Số bạn đã dùng khi đăng ký tài khoản."),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": _("Nhập số định danh cá nhân hoặc số điện thoại.")},
    )


class PasswordResetCodeForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận"),
        help_text=_("6 chữ số trong tin nhắn chúng tôi vừa gửi. Mã có hiệu lực 10 phút."),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": _("Nhập mã xác nhận 6 chữ số."),
            "min_length": _("Mã xác nhận gồm đúng 6 chữ số."),
            "max_length": _("Mã xác nhận gồm đúng 6 chữ số."),
        },
    )
    password1, password2 = _new_password_fields()

    def __init__(self, *args, identifier: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Mật khẩu mới")
        self.fields["password2"].label = _("Nhập lại mật khẩu mới")
        self.identifier = identifier
        self.user: User | None = None

    def clean(self) -> dict:
        data = super().clean()
        code = data.get("code")
        if not code:
            return data
        self.user = password_reset_code_verify(identifier=self.identifier, code=code)
        if self.user is None:
            self.add_error(
                "code",
                _("Mã xác nhận không đúng hoặc đã hết hạn. Kiểm tra lại tin nhắn, hoặc yêu cầu gửi mã mới."),
            )
            return data
        _check_new_password(self, self.user)
        return data


class PortalPasswordResetForm(PortalFormMixin, PasswordResetForm):
    """Django's e-mailed-link reset, kept for officers, who have an e-mail address and often no phone."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Thư điện tử công vụ")
        self.fields["email"].help_text = _("Địa chỉ thư điện tử gắn với tài khoản của bạn.")
        self.fields["email"].widget.attrs["aria-describedby"] = f"{self['email'].auto_id}_hint"
        self.fields["email"].error_messages.update(
            required=_("Nhập địa chỉ thư điện tử."),
            invalid=_("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@hanoi.gov.vn."),
        )


class PortalSetPasswordForm(PortalFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
