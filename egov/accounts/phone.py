"""Vietnamese mobile numbers: one stored form (10 digits starting with 0) whatever the citizen types."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"0[35789]\d{8}")


def normalize_phone(value: str) -> str:
    """Turn '+84 912 345 678', '84912345678' or '0912.345.678' into '0912345678' (no validation)."""
    digits = re.sub(r"[\s.\-()]", "", str(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_mobile_phone(value: str) -> None:
    if not _MOBILE.fullmatch(normalize_phone(value)):
        raise ValidationError(
            _("Nhập số điện thoại di động gồm 10 chữ số, bắt đầu bằng số 0, ví dụ 0912345678."), code="phone"
        )


def looks_like_phone(value: str) -> bool:
    return bool(_MOBILE.fullmatch(normalize_phone(value)))


class TelInput(forms.TextInput):
    # type="tel" brings up the number keypad on phones.
    input_type = "tel"


class MobilePhoneField(forms.CharField):
    """A form field returning the normalised 10-digit mobile number."""

    default_validators = [validate_mobile_phone]
    widget = TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Số điện thoại di động"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="tel", autocomplete="tel")
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value
