"""The agency clients against a real HTTP server on a local port: what they send and sign, and how each kind of
failure maps to a typed exception (retry, refusal with the agency's reasons, misconfiguration)."""

import json
import socket

import pytest

from interconnect.adapters import (
    Accepted,
    AgencyMisconfigured,
    AgencyRecordUnknown,
    AgencyRefused,
    AgencyState,
    AgencyUnavailable,
    PoliceClient,
    SocialInsuranceClient,
    client_for,
)
from interconnect.models import RecordKind
from tests.interconnect.agencies import SECRETS, records_of, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(agencies, signing, approve, birth_3in1):
    return records_of(approve(signing(birth_3in1), commit=False))


@pytest.fixture
def residence(records):
    return records[RecordKind.REGISTER_RESIDENCE]


def test_one_client_per_agency():
    assert isinstance(client_for("police"), PoliceClient)
    assert isinstance(client_for("social_insurance"), SocialInsuranceClient)


def test_submit_posts_the_payload_as_utf8_json_signed_with_the_agencys_secret(agencies, residence):
    accepted = client_for("police").submit(residence)

    assert accepted == Accepted(
        http_status=202, agency_ref=f"R-{str(residence.uuid)[:8]}", excerpt=accepted.excerpt, state=None
    )
    [request] = agencies["police"].seen
    assert (request.method, request.path) == ("POST", "/records")
    assert request.headers["Idempotency-Key"] == str(residence.uuid)
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.signature_ok, "HMAC-SHA256 over timestamp + '.' + body with the police secret"
    assert (
        request.headers["X-Signature"]
        == sign(SECRETS["police"], request.body, int(request.headers["X-Timestamp"]))["X-Signature"]
    )
    assert json.loads(request.body) == residence.payload
    assert "Nguyễn Minh Anh".encode() in request.body, "Vietnamese text is sent as UTF-8, not \\u escapes"
    assert agencies["social_insurance"].seen == []


def test_each_agency_gets_a_signature_with_its_own_secret(agencies, records):
    client_for("social_insurance").submit(records[RecordKind.HEALTH_CARD])

    [request] = agencies["social_insurance"].seen
    assert request.signature_ok
    forged_with_police_secret = sign(SECRETS["police"], request.body, int(request.headers["X-Timestamp"]))
    assert request.headers["X-Signature"] != forged_with_police_secret["X-Signature"]


def test_fetch_asks_for_the_state_signed_over_an_empty_body(agencies, residence):
    result = {"household_registration_number": "HK-001-0012345", "registered_on": "2026-12-08"}
    agencies["police"].states[str(residence.uuid)] = {
        "id": str(residence.uuid),
        "status": "completed",
        "result": result,
    }

    state = client_for("police").fetch(residence)

    assert state == AgencyState(status="completed", result=result, reason="")
    [request] = agencies["police"].seen
    assert (request.method, request.path, request.body) == ("GET", f"/records/{residence.uuid}", b"")
    assert request.signature_ok


def test_a_repeat_of_a_finished_record_brings_its_state(agencies, residence):
    key = str(residence.uuid)
    agencies["police"].stored[key] = residence.payload
    agencies["police"].states[key] = {"id": key, "status": "rejected", "reason": "Địa chỉ không khớp."}

    accepted = client_for("police").submit(residence)

    assert accepted.http_status == 200
    assert accepted.state == AgencyState(status="rejected", reason="Địa chỉ không khớp.")


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_5xx_and_too_many_requests_are_worth_retrying(agencies, residence, status):
    agencies["police"].plan.append(("answer", status, {"error": "busy"}))

    with pytest.raises(AgencyUnavailable) as caught:
        client_for("police").submit(residence)

    assert (caught.value.http_status, caught.value.outcome) == (status, "unavailable")
    assert '"busy"' in caught.value.excerpt


@pytest.mark.parametrize("status", [400, 422])
def test_a_validation_error_is_a_refusal_with_the_agencys_field_errors(agencies, residence, status):
    fields = {"person.birth_date": ["Ngày sinh không hợp lệ."], "household.address": ["Không tìm thấy địa chỉ."]}
    agencies["police"].plan.append(("answer", status, {"error": "invalid", "fields": fields}))

    with pytest.raises(AgencyRefused) as caught:
        client_for("police").submit(residence)

    assert caught.value.fields == fields
    assert caught.value.http_status == status


@pytest.mark.parametrize("status", [403, 404, 401])
def test_a_refused_signature_or_a_wrong_address_is_a_misconfiguration(agencies, residence, status):
    agencies["police"].plan.append(("answer", status, {"error": "bad_signature"}))

    with pytest.raises(AgencyMisconfigured) as caught:
        client_for("police").submit(residence)

    assert caught.value.http_status == status


def test_a_redirect_is_not_followed_with_the_signed_personal_data(agencies, residence):
    elsewhere = agencies["social_insurance"].url + "/records"
    agencies["police"].plan.append(("answer", 307, {}, {"Location": elsewhere}))

    with pytest.raises(AgencyMisconfigured):
        client_for("police").submit(residence)

    assert agencies["social_insurance"].seen == []


def test_an_unreadable_answer_is_retried(agencies, residence):
    agencies["police"].plan.append(("answer", 202, "<html>proxy error</html>"))

    with pytest.raises(AgencyUnavailable) as caught:
        client_for("police").submit(residence)

    assert caught.value.error == "bad_response"


def test_a_timeout_is_retried(agencies, residence):
    agencies["police"].plan.append(("slow", 0.8))  # the portal waits 0.5 s

    with pytest.raises(AgencyUnavailable) as caught:
        client_for("police").submit(residence)

    assert caught.value.error == "timeout"


def test_a_closed_port_is_retried(settings, agencies, residence):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.INTERCONNECT_POLICE_URL = f"http://127.0.0.1:{closed_port}"

    with pytest.raises(AgencyUnavailable) as caught:
        client_for("police").submit(residence)

    assert caught.value.error == "connection"


def test_a_poll_for_a_record_the_agency_never_stored(agencies, residence):
    with pytest.raises(AgencyRecordUnknown):
        client_for("police").fetch(residence)


def test_a_state_the_protocol_does_not_know_is_unreadable(agencies, residence):
    agencies["police"].states[str(residence.uuid)] = {"status": "lost"}

    with pytest.raises(AgencyUnavailable):
        client_for("police").fetch(residence)
