"""Simulator of the social-insurance system that issues health-insurance cards for children under six."""

import calendar
import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from simulators.agency import PROVINCE_CODE, Agency, Kind, Outcome, PayloadCheck, check_parents, check_person
from simulators.server import main

# Children under six are insured by the state (group TE, benefit level 1).
CARD_PREFIX = "TE1"


def check_health_card(check: PayloadCheck) -> None:
    check_person(check)
    check_parents(check)
    check.text("health_facility")


def sixth_birthday(birth: date) -> date:
    # A child born on 29 February turns six on 28 February of a common year.
    day = min(birth.day, calendar.monthrange(birth.year + 6, birth.month)[1])
    return birth.replace(year=birth.year + 6, day=day)


def health_card_valid_to(birth: date) -> date:
    """The last day of the month in which the child turns six."""
    turns_six = sixth_birthday(birth)
    return turns_six.replace(day=calendar.monthrange(turns_six.year, turns_six.month)[1])


def card_number(sequence: int) -> str:
    """TE1, the province on two digits, ten digits of this simulator's sequence: TE1010000000001."""
    return f"{CARD_PREFIX}{PROVINCE_CODE}{sequence:010d}"


def issue_card(payload: Mapping[str, Any], on: date, next_number: Callable[[str], int]) -> Outcome:
    birth = date.fromisoformat(payload["person"]["birth_date"])
    if on >= sixth_birthday(birth):
        return Outcome.rejected("Trẻ đã đủ 6 tuổi, không thuộc đối tượng cấp thẻ bảo hiểm y tế trẻ em dưới 6 tuổi.")
    return Outcome.completed(
        {
            "card_number": card_number(next_number("TE1")),
            "valid_from": birth.isoformat(),
            "valid_to": health_card_valid_to(birth).isoformat(),
        }
    )


AGENCY = Agency(
    slug="social_insurance",
    name="Bảo hiểm xã hội – thẻ BHYT",
    default_port=8102,
    ref_prefix="BH",
    kinds={"health_card": Kind(check=check_health_card, decide=issue_card)},
    reject_reasons=(
        "Nơi đăng ký khám chữa bệnh ban đầu không nhận thêm thẻ bảo hiểm y tế trẻ em, đề nghị chọn nơi khác.",
        "Thông tin của trẻ chưa được đồng bộ từ cơ sở dữ liệu quốc gia về dân cư.",
        "Trẻ đã có thẻ bảo hiểm y tế còn hiệu lực do nơi khác cấp.",
    ),
)

if __name__ == "__main__":
    sys.exit(main(AGENCY))
