"""Simulator of the police household registry (permanent-residence registration and removal)."""

import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from simulators.agency import PROVINCE_CODE, Agency, Kind, Outcome, PayloadCheck, check_parents, check_person
from simulators.server import main


def check_household(check: PayloadCheck) -> None:
    """The household the person joins or leaves; its old register number is optional."""
    if check.section("household") is None:
        return
    check.text("household.head_name")
    check.text("household.address")
    check.text("household.register_number", required=False)
    check.text("household.relationship_to_head")


def check_registration(check: PayloadCheck) -> None:
    check_person(check)
    check_household(check)
    check_parents(check)


def check_removal(check: PayloadCheck) -> None:
    # The death declaration keeps only the year of birth when the day is not known.
    check_person(check, year_alone=True)
    check_household(check)
    if check.section("death") is not None:
        check.date("death.date")
        check.text("death.place")
    check.not_before("death.date", "person.birth_date", "Ngày mất không được trước ngày sinh.")
    check.not_before("registered_on", "death.date", "Ngày đăng ký khai tử không được trước ngày mất.")


def number(prefix: str, sequence: int) -> str:
    """A police register number: prefix, the province on three digits, a seven-digit sequence."""
    return f"{prefix}-{PROVINCE_CODE:0>3}-{sequence:07d}"


def register(payload: Mapping[str, Any], on: date, next_number: Callable[[str], int]) -> Outcome:
    return Outcome.completed(
        {"household_registration_number": number("HK", next_number("HK")), "registered_on": on.isoformat()}
    )


def remove(payload: Mapping[str, Any], on: date, next_number: Callable[[str], int]) -> Outcome:
    return Outcome.completed({"removal_number": number("XT", next_number("XT")), "removed_on": on.isoformat()})


AGENCY = Agency(
    slug="police",
    name="Công an – cơ sở dữ liệu cư trú",
    default_port=8101,
    ref_prefix="CA",
    kinds={
        "register_residence": Kind(check=check_registration, decide=register),
        "remove_residence": Kind(check=check_removal, decide=remove),
    },
    reject_reasons=(
        "Địa chỉ hộ khẩu không khớp cơ sở dữ liệu cư trú.",
        "Chủ hộ không có tên trong cơ sở dữ liệu cư trú tại địa chỉ đã khai.",
        "Thông tin công dân chưa khớp với cơ sở dữ liệu quốc gia về dân cư, đề nghị xác minh lại.",
    ),
)

if __name__ == "__main__":
    sys.exit(main(AGENCY))
