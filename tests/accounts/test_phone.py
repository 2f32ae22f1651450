"""Vietnamese mobile numbers: the forms people type all become 10 digits starting with 0."""

import pytest
from django.core.exceptions import ValidationError

from egov.accounts.phone import MobilePhoneField, normalize_phone


@pytest.mark.parametrize("typed", ["0912345678", "+84912345678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_usual_spellings_are_normalised(typed):
    assert normalize_phone(typed) == "0912345678"
    assert MobilePhoneField().clean(typed) == "0912345678"


@pytest.mark.parametrize("typed", ["912345678", "02438253536", "0112345678", "09123456789", "abc"])
def test_non_mobile_numbers_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as exc:
        MobilePhoneField().clean(typed)
    assert "ví dụ 0912345678" in exc.value.messages[0]
