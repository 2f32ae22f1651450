"""Payload checks of the agencies: each bad field is named in the 422 answer, and nothing is stored."""

import copy
from datetime import timedelta

import pytest

from simulators.agency import check_record, today
from simulators.police import AGENCY as POLICE
from simulators.social_insurance import AGENCY as SOCIAL_INSURANCE

from .conftest import valid_payload

AGENCY_OF = {"register_residence": POLICE, "remove_residence": POLICE, "health_card": SOCIAL_INSURANCE}
TOMORROW = (today() + timedelta(days=1)).isoformat()
ABSENT = object()


def problems(payload: dict, *, key: str | None = None) -> dict[str, list[str]]:
    agency = AGENCY_OF.get(payload.get("kind"), POLICE)
    return check_record(agency, payload, idempotency_key=key or payload.get("id"), on=today())


def changed(kind: str, path: str, value: object) -> dict:
    """A valid payload of `kind` with the value at the dotted `path` replaced (or removed: ABSENT)."""
    payload = copy.deepcopy(valid_payload(kind))
    *parents, last = path.split(".")
    target = payload
    for part in parents:
        target = target[part]
    if value is ABSENT:
        del target[last]
    else:
        target[last] = value
    return payload


@pytest.mark.parametrize("kind", AGENCY_OF)
def test_the_documented_payload_of_every_kind_is_valid(kind):
    assert problems(valid_payload(kind)) == {}


@pytest.mark.parametrize(
    "kind, path, value",
    [
        # common to every kind
        ("register_residence", "id", "not-a-uuid"),
        ("register_residence", "id", ABSENT),
        ("register_residence", "kind", ABSENT),
        ("register_residence", "dossier_code", ""),
        ("register_residence", "unit_code", "1"),
        ("register_residence", "unit_name", ABSENT),
        ("register_residence", "registered_on", "23/11/2026"),
        ("register_residence", "registered_on", "2026-02-30"),
        ("register_residence", "registered_on", TOMORROW),
        ("register_residence", "registered_on", "2000-01-01"),  # before the birth
        ("register_residence", "register_number", ABSENT),
        ("register_residence", "register_book", 12),
        ("register_residence", "callback_url", "ftp://portal/cb/"),
        ("register_residence", "callback_url", ""),
        ("register_residence", "person", ABSENT),
        ("register_residence", "person", "Nguyễn Minh Anh"),
        ("register_residence", "person.full_name", "  "),
        ("register_residence", "person.sex", "nữ"),
        ("register_residence", "person.sex", ABSENT),
        ("register_residence", "person.birth_date", TOMORROW),
        ("register_residence", "person.birth_date", "2026"),  # a year alone only for the deceased
        ("register_residence", "person.personal_id_number", "00132600012"),
        ("register_residence", "person.personal_id_number", "00132600012a"),
        ("register_residence", "person.personal_id_number", 1326000123),
        ("register_residence", "person.ethnicity", ""),
        ("register_residence", "person.nationality", ABSENT),
        # register_residence
        ("register_residence", "household", ABSENT),
        ("register_residence", "household.head_name", ""),
        ("register_residence", "household.address", ABSENT),
        ("register_residence", "household.relationship_to_head", ""),
        ("register_residence", "household.register_number", 5),
        ("register_residence", "parents", ABSENT),
        # remove_residence
        ("remove_residence", "person.birth_date", "194"),
        ("remove_residence", "person.birth_date", "0000"),
        ("remove_residence", "death", ABSENT),
        ("remove_residence", "death.date", ABSENT),
        ("remove_residence", "death.date", TOMORROW),
        ("remove_residence", "death.date", "1939-12-31"),  # before the birth
        ("remove_residence", "death.place", ""),
        ("remove_residence", "household.head_name", ABSENT),
        # health_card
        ("health_card", "health_facility", ABSENT),
        ("health_card", "parents", {"mother": "", "father": ""}),
        ("health_card", "person.sex", "F"),
        ("health_card", "person.birth_date", ""),
    ],
)
def test_each_bad_field_is_named(kind, path, value):
    expected = path if path != "parents" or value is ABSENT else "parents"
    assert list(problems(changed(kind, path, value))) == [expected]


@pytest.mark.parametrize(
    "kind, path, value",
    [
        ("register_residence", "person.personal_id_number", ""),
        ("register_residence", "person.personal_id_number", ABSENT),
        ("register_residence", "household.register_number", ABSENT),
        ("register_residence", "parents", {"mother": "Trần Thị Bình", "father": ""}),
        ("remove_residence", "person.birth_date", "1940-05-02"),
        ("health_card", "parents", {"father": "Nguyễn Văn An"}),
    ],
)
def test_optional_fields_may_be_empty_or_absent(kind, path, value):
    assert problems(changed(kind, path, value)) == {}


def test_registration_after_death_is_checked():
    payload = valid_payload("remove_residence")
    payload["death"]["date"] = today().isoformat()
    payload["registered_on"] = (today() - timedelta(days=1)).isoformat()
    assert list(problems(payload)) == ["registered_on"]


@pytest.mark.parametrize(
    "agency, kind", [(POLICE, "health_card"), (SOCIAL_INSURANCE, "register_residence"), (POLICE, "birth")]
)
def test_a_kind_the_agency_does_not_take_is_refused(agency, kind):
    payload = valid_payload(kind)
    errors = check_record(agency, payload, idempotency_key=payload["id"], on=today())
    assert list(errors) == ["kind"]


def test_every_problem_of_a_payload_is_answered_at_once_and_nothing_is_stored(start_simulator):
    simulator = start_simulator()
    payload = valid_payload("register_residence", unit_code="A1", registered_on=TOMORROW)
    payload["person"].update(sex="x", personal_id_number="123")
    del payload["household"]["address"]

    status, answer = simulator.submit(payload)

    assert status == 422
    assert answer["error"] == "invalid"
    assert sorted(answer["fields"]) == [
        "household.address",
        "person.personal_id_number",
        "person.sex",
        "registered_on",
        "unit_code",
    ]
    assert all(isinstance(message, str) and message for messages in answer["fields"].values() for message in messages)
    assert simulator.stats()["records"]["stored"] == 0
    assert simulator.call("GET", f"/records/{payload['id']}")[0] == 404
