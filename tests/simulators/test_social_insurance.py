"""The social-insurance simulator: under-six health cards, their number and validity."""

import re
from datetime import date, timedelta

import pytest

from simulators.agency import today
from simulators.social_insurance import AGENCY as SOCIAL_INSURANCE
from simulators.social_insurance import card_number, health_card_valid_to, issue_card

from .conftest import valid_payload


@pytest.mark.parametrize(
    "birth, valid_to",
    [
        (date(2026, 11, 13), date(2032, 11, 30)),
        (date(2024, 2, 29), date(2030, 2, 28)),  # turns six on 28 February of a common year
        (date(2022, 2, 28), date(2028, 2, 29)),  # ... and the month of a leap year ends on the 29th
        (date(2020, 1, 31), date(2026, 1, 31)),
        (date(2023, 12, 1), date(2029, 12, 31)),
        (date(2025, 4, 30), date(2031, 4, 30)),
    ],
)
def test_a_card_is_valid_until_the_end_of_the_month_the_child_turns_six(birth, valid_to):
    assert health_card_valid_to(birth) == valid_to


def test_the_card_number_is_te1_province_and_ten_digits():
    assert card_number(12345) == "TE1010000012345"
    assert re.fullmatch(r"TE101[0-9]{10}", card_number(9_999_999_999))


def decide(birth: date, on: date):
    payload = valid_payload("health_card")
    payload["person"]["birth_date"] = birth.isoformat()
    return issue_card(payload, on, lambda name: 1)


def test_a_child_is_refused_from_the_sixth_birthday_on():
    birth = date(2024, 2, 29)
    assert decide(birth, date(2030, 2, 27)).status == "completed"
    refused = decide(birth, date(2030, 2, 28))
    assert refused.status == "rejected"
    assert "6 tuổi" in refused.reason


def test_the_simulator_issues_distinct_cards_valid_from_birth(start_simulator):
    simulator = start_simulator(SOCIAL_INSURANCE)
    payloads = [valid_payload("health_card") for _ in range(3)]
    for payload in payloads:
        simulator.submit(payload)

    results = [simulator.wait_final(payload["id"])["result"] for payload in payloads]

    assert len({result["card_number"] for result in results}) == 3
    birth = date.fromisoformat(payloads[0]["person"]["birth_date"])
    assert birth == today() - timedelta(days=10)
    for result in results:
        assert re.fullmatch(r"TE101[0-9]{10}", result["card_number"])
        assert result["valid_from"] == birth.isoformat()
        assert result["valid_to"] == health_card_valid_to(birth).isoformat()
