"""Asynchronous processing: signed callbacks in the documented format, retried, and surviving a restart."""

import hashlib
import hmac
import json
import re
import time

from simulators.police import AGENCY as POLICE
from simulators.worker import CallbackPolicy

from .conftest import KIND_OF, valid_payload, wait_until

RESULT_KEYS = {
    "register_residence": {"household_registration_number", "registered_on"},
    "health_card": {"card_number", "valid_from", "valid_to"},
}


def test_the_callback_is_signed_and_carries_the_result(start_simulator, receiver, agency):
    simulator = start_simulator(agency)
    kind = KIND_OF[agency.slug]
    payload = valid_payload(kind, callback_url=receiver.url)
    simulator.submit(payload)

    receiver.wait_for(1)
    headers, body = receiver.received[0]

    expected = hmac.new(simulator.secret.encode(), headers["X-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Signature"] == f"sha256={expected.hexdigest()}"
    assert abs(int(headers["X-Timestamp"]) - time.time()) < 10
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    event = json.loads(body)
    assert set(event) == {"event_id", "id", "status", "result"}
    assert re.fullmatch(r"[0-9a-f-]{36}", event["event_id"])
    assert (event["id"], event["status"]) == (payload["id"], "completed")
    assert set(event["result"]) == RESULT_KEYS[kind]
    assert simulator.state(payload["id"])["result"] == event["result"]
    assert wait_until(
        lambda: simulator.stats()["callbacks"] == {"delivered": 1, "pending": 0, "failed": 0, "attempts": 1}
    )


def test_a_callback_not_answered_2xx_is_retried_until_it_is(start_simulator, receiver):
    simulator = start_simulator()
    receiver.statuses = [500, 302, 404]
    payload = valid_payload("register_residence", callback_url=receiver.url)
    simulator.submit(payload)

    bodies = receiver.wait_for(4)

    assert len({json.dumps(body) for body in bodies}) == 1  # the same event each time
    assert wait_until(lambda: simulator.stats()["callbacks"]["delivered"] == 1)
    assert simulator.stats()["callbacks"]["attempts"] == 4


def test_retries_back_off(start_simulator, receiver):
    simulator = start_simulator(callback_policy=CallbackPolicy(attempts=3, backoff=0.2, timeout=2))
    receiver.statuses = [500, 500]
    simulator.submit(valid_payload("register_residence", callback_url=receiver.url))

    began = time.monotonic()
    receiver.wait_for(3)
    assert time.monotonic() - began >= 0.2 + 0.4


def test_a_callback_is_given_up_after_the_last_attempt(start_simulator, receiver):
    simulator = start_simulator(callback_policy=CallbackPolicy(attempts=3, backoff=0.01, timeout=2))
    receiver.always = 503
    simulator.submit(valid_payload("register_residence", callback_url=receiver.url))

    assert wait_until(lambda: simulator.stats()["callbacks"]["failed"] == 1)
    time.sleep(0.1)
    assert len(receiver.received) == 3
    assert simulator.stats()["callbacks"] == {"delivered": 0, "pending": 0, "failed": 1, "attempts": 3}


def test_an_unreachable_portal_is_retried_too(start_simulator):
    simulator = start_simulator(callback_policy=CallbackPolicy(attempts=2, backoff=0.01, timeout=1))
    simulator.submit(valid_payload("register_residence", callback_url="http://127.0.0.1:9/cb/"))
    assert wait_until(
        lambda: simulator.stats()["callbacks"] == {"delivered": 0, "pending": 0, "failed": 1, "attempts": 2}
    )


def test_pending_callbacks_are_delivered_after_a_restart(start_simulator, receiver, tmp_path):
    db_path = tmp_path / "police.sqlite3"
    first = start_simulator(POLICE, db_path=db_path, callback_policy=CallbackPolicy(attempts=5, backoff=0.2))
    receiver.always = 500
    payload = valid_payload("register_residence", callback_url=receiver.url)
    first.submit(payload)
    receiver.wait_for(1)
    first.stop()
    receiver.always = 200

    second = start_simulator(POLICE, db_path=db_path)

    assert wait_until(lambda: second.stats()["callbacks"]["delivered"] == 1)
    assert receiver.bodies()[-1]["id"] == payload["id"]
    assert second.stats()["callbacks"]["attempts"] == 2


def test_records_still_processing_are_decided_after_a_restart(start_simulator, receiver, tmp_path):
    db_path = tmp_path / "police.sqlite3"
    first = start_simulator(POLICE, db_path=db_path, processing_delay=0.5)
    payload = valid_payload("register_residence", callback_url=receiver.url)
    first.submit(payload)
    first.stop()
    assert receiver.received == []

    second = start_simulator(POLICE, db_path=db_path)

    assert receiver.wait_for(1)[0]["status"] == "completed"
    assert second.state(payload["id"])["status"] == "completed"
