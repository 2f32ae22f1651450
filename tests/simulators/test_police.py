"""The police simulator's numbers: household registration HK-… and removal XT-…, unique per simulator."""

import re

from simulators.police import AGENCY as POLICE

from .conftest import valid_payload


def test_registration_and_removal_numbers_follow_their_format_and_never_repeat(start_simulator):
    simulator = start_simulator(POLICE)
    registrations = [valid_payload("register_residence") for _ in range(3)]
    removal = valid_payload("remove_residence")
    for payload in [*registrations, removal]:
        assert simulator.submit(payload)[0] == 202

    numbers = [simulator.wait_final(p["id"])["result"]["household_registration_number"] for p in registrations]
    removed = simulator.wait_final(removal["id"])["result"]

    assert all(re.fullmatch(r"HK-001-[0-9]{7}", number) for number in numbers)
    assert len(set(numbers)) == 3
    assert re.fullmatch(r"XT-001-[0-9]{7}", removed["removal_number"])
    assert removed["removed_on"] == registrations[0]["registered_on"]  # today, in Vietnam


def test_the_sequence_goes_on_after_a_restart(start_simulator, tmp_path):
    db_path = tmp_path / "police.sqlite3"
    numbers = []
    for _ in range(2):
        simulator = start_simulator(POLICE, db_path=db_path)
        payload = valid_payload("register_residence")
        simulator.submit(payload)
        numbers.append(simulator.wait_final(payload["id"])["result"]["household_registration_number"])
        simulator.stop()
    assert numbers == ["HK-001-0000001", "HK-001-0000002"]
