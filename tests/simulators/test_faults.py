"""Fault injection: each mode, set at start or through /_control/faults, and the deterministic counters."""

import random
import time

import pytest

from simulators.faults import Faults, FaultSettingsError
from simulators.police import AGENCY as POLICE
from simulators.server import parse_args

from .conftest import valid_payload, wait_until


def test_counters_hit_the_next_n_and_then_stop():
    faults = Faults(error_next=2)
    assert [faults.hit("error") for _ in range(4)] == [True, True, False, False]
    assert faults.injected()["error"] == 2


def test_rates_hit_about_their_share():
    faults = Faults(rng=random.Random(7), reject_rate=0.3)
    hits = sum(faults.hit("reject") for _ in range(2000))
    assert 500 < hits < 700
    assert not any(Faults(rng=random.Random(7)).hit("reject") for _ in range(100))


def test_bad_settings_are_all_named_and_nothing_changes():
    faults = Faults(latency_ms=10)
    with pytest.raises(FaultSettingsError) as refused:
        faults.update({"error_rate": 1.5, "reject_next": -1, "down": "yes", "latency_ms": 0, "nonsense": 1})
    assert set(refused.value.fields) == {"error_rate", "reject_next", "down", "nonsense"}
    assert faults.setting("latency_ms") == 10


def test_reset_clears_every_fault_before_the_other_changes():
    faults = Faults(error_rate=0.5, down=True, reject_next=3)
    assert faults.update({"reset": True, "latency_ms": 5}) == {**Faults.cleared(), "latency_ms": 5}


def test_faults_are_read_from_the_environment_and_flags(monkeypatch):
    monkeypatch.setenv("POLICE_SIM_ERROR_RATE", "0.25")
    monkeypatch.setenv("POLICE_SIM_DOWN", "true")
    monkeypatch.setenv("POLICE_SIM_SECRET", "from-env")
    monkeypatch.setenv("POLICE_SIM_PROCESSING_DELAY", "0.5")
    args = parse_args(POLICE, ["--reject-rate", "0.1", "--latency-ms", "20", "--no-down"])
    assert args.faults == {
        "latency_ms": 20.0,
        "error_rate": 0.25,
        "timeout_rate": 0.0,
        "duplicate_callback_rate": 0.0,
        "reject_rate": 0.1,
        "timeout_seconds": 30.0,
        "down": False,
    }
    assert (args.secret, args.processing_delay) == ("from-env", 0.5)


def test_a_bad_fault_flag_stops_the_start(capsys):
    with pytest.raises(SystemExit):
        parse_args(POLICE, ["--error-rate", "2"])
    assert "error_rate" in capsys.readouterr().err


def test_the_control_endpoint_shows_changes_and_refuses_bad_settings(start_simulator):
    simulator = start_simulator()
    assert simulator.call("GET", "/_control/faults") == (200, Faults.cleared())
    assert simulator.faults(reject_rate=0.5)["reject_rate"] == 0.5
    status, answer = simulator.call("POST", "/_control/faults", {"reject_rate": "half"})
    assert (status, list(answer["fields"])) == (422, ["reject_rate"])
    assert simulator.call("POST", "/_control/faults", body=b"[]")[0] == 400
    assert simulator.call("GET", "/_control/faults")[1]["reject_rate"] == 0.5


def test_latency_is_added_to_every_protocol_answer_but_not_to_health_and_control(start_simulator):
    simulator = start_simulator()
    simulator.faults(latency_ms=500)
    for path in ("/records/x", "/_control/stats", "/healthz"):
        began = time.monotonic()
        simulator.call("GET", path)
        took = time.monotonic() - began
        assert (took >= 0.5) is (path == "/records/x"), path


def test_error_next_answers_500_without_storing(start_simulator):
    simulator = start_simulator()
    simulator.faults(error_next=2)
    payload = valid_payload("register_residence")

    assert simulator.submit(payload) == (500, {"error": "internal_error"})
    assert simulator.submit(payload)[0] == 500
    assert simulator.stats()["records"]["stored"] == 0
    assert simulator.submit(payload)[0] == 202
    assert simulator.stats()["faults_injected"]["error"] == 2


def test_an_error_rate_set_at_start_fails_every_submission(start_simulator):
    simulator = start_simulator(faults={"error_rate": 1.0})
    assert simulator.submit(valid_payload("register_residence"))[0] == 500
    simulator.faults(error_rate=0)
    assert simulator.submit(valid_payload("register_residence"))[0] == 202


def test_a_timeout_stores_the_record_but_answers_after_the_client_gave_up(start_simulator):
    simulator = start_simulator()
    simulator.faults(timeout_next=1, timeout_seconds=2)
    payload = valid_payload("register_residence")

    with pytest.raises(TimeoutError):
        simulator.submit(payload, timeout=0.3)

    assert simulator.stats()["records"]["stored"] == 1
    assert simulator.submit(payload)[0] == 200  # the client's retry is a harmless repeat


def test_down_answers_503_to_everything_but_health_and_control(start_simulator):
    simulator = start_simulator()
    simulator.faults(down=True)
    payload = valid_payload("register_residence")

    assert simulator.submit(payload) == (503, {"error": "unavailable"})
    assert simulator.call("GET", f"/records/{payload['id']}")[0] == 503
    assert simulator.call("GET", "/healthz")[0] == 200
    assert simulator.stats()["records"]["stored"] == 0
    simulator.faults(down=False)
    assert simulator.submit(payload)[0] == 202


def test_reject_next_rejects_with_a_vietnamese_reason_in_the_callback(start_simulator, receiver):
    simulator = start_simulator()
    simulator.faults(reject_next=1)
    first, second = (valid_payload("register_residence", callback_url=receiver.url) for _ in range(2))
    simulator.submit(first)
    simulator.submit(second)

    assert simulator.wait_final(first["id"])["reason"] in POLICE.reject_reasons
    assert simulator.wait_final(second["id"])["status"] == "completed"
    callbacks = {body["id"]: body for body in receiver.wait_for(2)}
    assert callbacks[first["id"]]["status"] == "rejected"
    assert callbacks[first["id"]]["reason"] in POLICE.reject_reasons
    assert "result" not in callbacks[first["id"]]


def test_a_reject_rate_set_at_start_rejects_every_record(start_simulator):
    simulator = start_simulator(faults={"reject_rate": 1.0})
    payload = valid_payload("register_residence")
    simulator.submit(payload)
    assert simulator.wait_final(payload["id"])["status"] == "rejected"


def test_duplicate_callback_sends_the_same_callback_twice(start_simulator, receiver):
    simulator = start_simulator()
    simulator.faults(duplicate_callback_next=1)
    payload = valid_payload("register_residence", callback_url=receiver.url)
    simulator.submit(payload)

    receiver.wait_for(2)
    time.sleep(0.2)
    first, second = receiver.received
    assert len(receiver.received) == 2
    assert first[1] == second[1]
    assert wait_until(lambda: simulator.stats()["callbacks"]["delivered"] == 2)
