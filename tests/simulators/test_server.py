"""The agency simulators' HTTP side: health check, idempotent intake, record state, clean stop as a process."""

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from simulators.police import AGENCY as POLICE
from simulators.store import Store
from tests.conftest import absolute_imports

from .conftest import KIND_OF, valid_payload, wait_until

BASE_DIR = Path(__file__).resolve().parents[2]
PORTAL_PACKAGES = ("egov", "procedures", "onecounter", "interconnect", "reporting", "portal")


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_healthz_names_the_agency_and_needs_no_signature(start_simulator, agency):
    simulator = start_simulator(agency)
    assert get_json(f"{simulator.url}/healthz") == (200, {"status": "ok", "agency": agency.slug})


def test_a_new_record_is_accepted_stored_and_then_decided(start_simulator, agency):
    simulator = start_simulator(agency, processing_delay=0.3)
    payload = valid_payload(KIND_OF[agency.slug])

    status, answer = simulator.submit(payload)

    assert status == 202
    assert answer["id"] == payload["id"]
    assert answer["status"] == "accepted"
    assert answer["agency_ref"].startswith(f"{agency.ref_prefix}-")
    assert simulator.state(payload["id"]) == {**answer, "status": "processing"}
    final = simulator.wait_final(payload["id"])
    assert final["status"] == "completed"
    assert final["agency_ref"] == answer["agency_ref"]
    assert set(final) == {"id", "status", "agency_ref", "result"}


def test_a_repeat_of_the_same_id_answers_200_with_the_current_state_and_stores_nothing(start_simulator):
    simulator = start_simulator(processing_delay=0.3)
    payload = valid_payload("register_residence")
    _, accepted = simulator.submit(payload)

    status, repeat = simulator.submit(payload)
    assert (status, repeat) == (200, {**accepted, "status": "processing"})

    final = simulator.wait_final(payload["id"])
    # Even a changed body is a repeat once the id is known: the first one stays.
    assert simulator.submit({**payload, "unit_name": "Phường khác"}) == (200, final)
    assert simulator.stats()["records"]["stored"] == 1


def test_concurrent_repeats_store_one_record(start_simulator):
    simulator = start_simulator()
    payload = valid_payload("register_residence")
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(simulator.submit(payload)[0])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 7 + [202]
    assert simulator.stats()["records"]["stored"] == 1


def test_the_idempotency_key_must_be_the_record_id(start_simulator):
    simulator = start_simulator()
    payload = valid_payload("register_residence")

    for headers in ({}, {"Idempotency-Key": "another-key"}):
        status, answer = simulator.call("POST", "/records", payload, headers=headers)
        assert status == 422
        assert list(answer["fields"]) == ["id"]
    assert simulator.stats()["records"]["stored"] == 0


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b""])
def test_a_body_that_is_not_a_json_object_is_refused(start_simulator, body):
    simulator = start_simulator()
    status, answer = simulator.call("POST", "/records", body=body)
    assert status == 400
    assert answer == {"error": "invalid", "fields": {"body": [answer["fields"]["body"][0]]}}
    assert simulator.stats()["records"]["stored"] == 0


def test_unknown_paths_records_and_methods(start_simulator):
    simulator = start_simulator()
    assert simulator.call("GET", "/nowhere") == (404, {"error": "not_found"})
    assert simulator.call("GET", "/records/no-such-id") == (404, {"error": "not_found"})
    assert simulator.call("GET", "/records/a/b") == (404, {"error": "not_found"})
    assert simulator.call("POST", "/elsewhere", {}) == (404, {"error": "not_found"})
    assert simulator.call("GET", "/records")[0] == 405
    assert simulator.call("POST", "/records/x", {})[0] == 405
    assert simulator.call("POST", "/healthz", {})[0] == 405
    assert simulator.call("POST", "/_control/stats", {})[0] == 405


def test_a_body_too_large_is_refused_before_reading(start_simulator):
    simulator = start_simulator()
    with socket.create_connection(simulator.server.server_address[:2], timeout=5) as sock:
        sock.sendall(b"POST /records HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 413 ")


def test_the_file_of_the_earlier_stub_is_taken_over(tmp_path):
    path = tmp_path / "police.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, received_at TEXT NOT NULL, body TEXT NOT NULL)")
        db.execute("INSERT INTO records VALUES ('x', '2026-01-01', '{}')")
    db.close()

    store = Store(path)
    assert store.stats()["records"]["stored"] == 0
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("module", ["simulators.police", "simulators.social_insurance"])
def test_the_process_serves_on_its_port_and_stops_cleanly_on_sigterm(module, tmp_path):
    port = free_port()
    db_path = tmp_path / "agency.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", str(port), "--db", str(db_path), "--reject-rate", "0.5"],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                status, answer = get_json(f"http://127.0.0.1:{port}/healthz")
                break
            except urllib.error.URLError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the simulator did not answer in time"
                time.sleep(0.1)
        assert status == 200
        assert answer["agency"] == module.rsplit(".", 1)[1]
        assert db_path.exists()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        output = process.stdout.read().decode()
        assert "reject_rate" in output
        assert "simulator stopped" in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def test_the_process_refuses_an_empty_secret(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "simulators.police", "--port", "0", "--db", str(tmp_path / "p.sqlite3")],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "POLICE_SIM_SECRET": ""},
        capture_output=True,
        text=True,
        timeout=15,
    )
    assert result.returncode == 2
    assert "POLICE_SIM_SECRET" in result.stderr


def test_the_portal_never_imports_the_simulators():
    offenders = [
        str(path.relative_to(BASE_DIR))
        for package in PORTAL_PACKAGES
        for path, module in absolute_imports(BASE_DIR / package)
        if module.split(".")[0] == "simulators"
    ]
    assert offenders == []


def test_the_simulators_never_import_the_portal():
    offenders = [
        str(path.relative_to(BASE_DIR))
        for path, module in absolute_imports(BASE_DIR / "simulators")
        if module.split(".")[0] in (*PORTAL_PACKAGES, "django")
    ]
    assert offenders == []


def test_a_simulator_started_again_on_its_file_keeps_its_records(start_simulator, tmp_path):
    first = start_simulator(POLICE, db_path=tmp_path / "p.sqlite3")
    payload = valid_payload("register_residence")
    first.submit(payload)
    final = first.wait_final(payload["id"])
    first.stop()

    second = start_simulator(POLICE, db_path=tmp_path / "p.sqlite3")
    assert second.state(payload["id"]) == final
    assert wait_until(lambda: second.submit(payload)[0] == 200)
