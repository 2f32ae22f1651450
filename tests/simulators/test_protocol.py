"""The HMAC signature of the interconnect protocol, alone and as every simulator endpoint checks it."""

import hashlib
import hmac
import json
import time

import pytest

from simulators.protocol import SIGNATURE_WINDOW_SECONDS, signature_is_valid, signed_headers

from .conftest import valid_payload

SECRET = "dev-interconnect-secret-police"
BODY = '{"id": "5b0c", "note": "Nguyễn"}'.encode()


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    headers = signed_headers(SECRET, BODY, timestamp=1795392000)
    expected = hmac.new(SECRET.encode(), b"1795392000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {"X-Timestamp": "1795392000", "X-Signature": f"sha256={expected}"}


def test_a_fresh_signature_of_the_same_bytes_is_valid():
    assert signature_is_valid(SECRET, signed_headers(SECRET, BODY), BODY)
    assert signature_is_valid(SECRET, signed_headers(SECRET, b""), b"")


@pytest.mark.parametrize(
    "headers, body",
    [
        pytest.param(signed_headers("another-secret", BODY), BODY, id="wrong secret"),
        pytest.param(signed_headers(SECRET, BODY), BODY + b" ", id="body changed"),
        pytest.param({"X-Timestamp": str(int(time.time()))}, BODY, id="no signature"),
        pytest.param({"X-Signature": signed_headers(SECRET, BODY)["X-Signature"]}, BODY, id="no timestamp"),
        pytest.param({**signed_headers(SECRET, BODY), "X-Timestamp": "soon"}, BODY, id="timestamp not a number"),
        pytest.param({**signed_headers(SECRET, BODY), "X-Signature": "sha256=ab"}, BODY, id="garbled signature"),
    ],
)
def test_a_wrong_or_missing_signature_is_invalid(headers, body):
    assert not signature_is_valid(SECRET, headers, body)


@pytest.mark.parametrize(
    "offset, valid",
    [(-SIGNATURE_WINDOW_SECONDS + 5, True), (SIGNATURE_WINDOW_SECONDS - 5, True), (-301, False), (301, False)],
)
def test_a_timestamp_more_than_300_seconds_away_is_stale(offset, valid):
    now = time.time()
    headers = signed_headers(SECRET, BODY, timestamp=int(now) + offset)
    assert signature_is_valid(SECRET, headers, BODY, now=now) is valid


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="unsigned"),
        pytest.param(None, id="wrong secret"),
        pytest.param(signed_headers(SECRET, b"", timestamp=int(time.time()) - 400), id="stale"),
    ],
)
@pytest.mark.parametrize(
    "method, path",
    [("POST", "/records"), ("GET", "/records/x"), ("GET", "/_control/stats"), ("POST", "/_control/faults")],
)
def test_every_endpoint_but_healthz_answers_403_to_a_bad_signature_and_changes_nothing(
    start_simulator, method, path, headers
):
    simulator = start_simulator()
    payload = valid_payload("register_residence") if path == "/records" else {"down": True}
    body = b"" if method == "GET" else json.dumps(payload).encode()
    if headers is None:
        headers = signed_headers("another-secret", body)
    headers = {"X-Timestamp": "", "X-Signature": "", **headers}

    status, answer = simulator.call(method, path, body=body, headers=headers, signed=False)

    assert (status, answer) == (403, {"error": "bad_signature"})
    assert simulator.stats()["records"]["stored"] == 0
    assert simulator.call("GET", "/_control/faults")[1]["down"] is False


def test_a_secret_given_at_start_is_the_one_checked(start_simulator):
    simulator = start_simulator(secret="s3cret-for-this-test")
    assert simulator.call("GET", "/records/x")[0] == 404
    simulator.secret = "dev-interconnect-secret-police"
    assert simulator.call("GET", "/records/x")[0] == 403
