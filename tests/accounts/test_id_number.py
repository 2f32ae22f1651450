"""The personal ID number: each structural rule, and the cross-check with sex and birth year."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from vietnam_provinces.legacy import Province

from egov.accounts.id_number import (
    PROVINCE_CODES,
    IdNumberField,
    Sex,
    id_number_mismatches,
    parse_id_number,
)


def test_a_hanoi_number_is_split_into_its_parts():
    number = parse_id_number("001090012345")
    assert number.province_code == "001"
    assert number.province_name == "Hà Nội"
    assert number.sex == Sex.MALE
    assert number.birth_year == 1990
    assert number.serial == "012345"


def test_the_province_table_is_the_63_pre_2025_provinces():
    assert len(PROVINCE_CODES) == 63
    assert set(PROVINCE_CODES) == {f"{int(p.code):03d}" for p in Province.iter_all()}
    assert PROVINCE_CODES["079"] == "TP Hồ Chí Minh"


@pytest.mark.parametrize(
    ("value", "sex", "year"),
    [
        ("001090012345", Sex.MALE, 1990),
        ("001192000123", Sex.FEMALE, 1992),
        ("079216000001", Sex.MALE, 2016),
        ("079316000001", Sex.FEMALE, 2016),
    ],
)
def test_the_fourth_digit_gives_century_and_sex(value, sex, year):
    number = parse_id_number(value)
    assert (number.sex, number.birth_year) == (sex, year)


def test_the_2100s_digits_are_understood():
    number = parse_id_number("001400000001", today=datetime.date(2101, 1, 1))
    assert (number.sex, number.birth_year) == (Sex.MALE, 2100)
    assert parse_id_number("001500000001", today=datetime.date(2101, 1, 1)).sex == Sex.FEMALE


def test_spaces_and_dots_between_groups_are_ignored():
    assert parse_id_number(" 001 090 012.345 ").value == "001090012345"


@pytest.mark.parametrize("value", ["00109001234", "0010900123456", "00109001234a", "", "００１０９００１２３４５"])
def test_anything_but_twelve_digits_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(value)
    assert exc.value.code == "format"
    assert "12 chữ số" in exc.value.messages[0]


@pytest.mark.parametrize("province", ["000", "003", "063", "097", "999"])
def test_an_unknown_province_code_is_refused(province):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(f"{province}090012345")
    assert exc.value.code == "province"
    assert "mã tỉnh" in exc.value.messages[0]


@pytest.mark.parametrize("digit", ["6", "7", "8", "9"])
def test_a_century_digit_outside_0_to_5_is_refused(digit):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(f"001{digit}90012345")
    assert exc.value.code == "century"


def test_a_birth_year_in_the_future_is_refused():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("001230012345", today=datetime.date(2026, 11, 23))
    assert exc.value.code == "future"


def test_a_matching_sex_and_year_give_no_messages():
    assert id_number_mismatches(parse_id_number("001192000123"), sex=Sex.FEMALE, birth_year=1992) == []


def test_a_different_sex_is_reported_in_plain_vietnamese():
    problems = id_number_mismatches(parse_id_number("001090012345"), sex=Sex.FEMALE, birth_year=1990)
    assert len(problems) == 1
    assert problems[0].startswith("Số định danh không khớp với giới tính đã khai")


def test_a_different_birth_year_is_reported():
    problems = id_number_mismatches(parse_id_number("001090012345"), sex=Sex.MALE, birth_year=1991)
    assert len(problems) == 1
    assert problems[0].startswith("Số định danh không khớp với năm sinh đã khai")


def test_the_same_century_digit_in_another_century_is_a_year_mismatch():
    # 2090 and 1990 share the last two digits; only the century digit tells them apart.
    assert id_number_mismatches(
        parse_id_number("001290012345", today=datetime.date(2091, 1, 1)), sex=Sex.MALE, birth_year=1990
    )


def test_the_form_field_returns_the_normalised_number_and_uses_a_numeric_keypad():
    field = IdNumberField()
    assert field.clean("001 090 012 345") == "001090012345"
    assert field.widget_attrs(field.widget)["inputmode"] == "numeric"
    with pytest.raises(ValidationError):
        field.clean("123")
