"""The agency simulators' stub server: health check, record intake into its own SQLite file, clean stop."""

import ast
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from simulators.police import AGENCY as POLICE
from simulators.server import RecordStore, build_server
from simulators.social_insurance import AGENCY as SOCIAL_INSURANCE

BASE_DIR = Path(__file__).resolve().parents[2]
PORTAL_PACKAGES = ("egov", "procedures", "onecounter", "interconnect", "reporting")


@pytest.fixture(params=[POLICE, SOCIAL_INSURANCE], ids=lambda agency: agency.slug)
def simulator(request, tmp_path):
    server = build_server(request.param, host="127.0.0.1", port=0, db_path=tmp_path / "agency.sqlite3")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield server, f"http://{host}:{port}"
    server.shutdown()
    server.server_close()
    server.store.close()


def call(url: str, *, body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_names_the_agency(simulator):
    server, url = simulator
    assert call(f"{url}/healthz") == (200, {"status": "ok", "agency": server.agency.slug})


def test_a_posted_record_is_accepted_stored_and_readable(simulator):
    server, url = simulator
    payload = {"record_id": "0b7c…", "child": {"full_name": "Nguyễn Thị Mai"}}

    status, answer = call(f"{url}/records", body=json.dumps(payload).encode())

    assert status == 202
    assert answer["status"] == "accepted"
    assert server.store.count() == 1
    status, stored = call(f"{url}/records/{answer['id']}")
    assert status == 200
    assert stored["body"] == payload


def test_records_survive_a_restart_in_the_agency_sqlite_file(tmp_path):
    store = RecordStore(tmp_path / "police.sqlite3")
    record = store.add({"a": 1})
    store.close()

    reopened = RecordStore(tmp_path / "police.sqlite3")
    assert reopened.get(record["id"])["body"] == {"a": 1}
    reopened.close()


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(simulator, body):
    server, url = simulator
    status, answer = call(f"{url}/records", body=body)
    assert status == 400
    assert answer["error"] == "invalid_json"
    assert server.store.count() == 0


def test_unknown_paths_and_records_answer_404(simulator):
    _, url = simulator
    assert call(f"{url}/nowhere")[0] == 404
    assert call(f"{url}/records/no-such-id")[0] == 404
    assert call(f"{url}/elsewhere", body=b"{}")[0] == 404


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("module", ["simulators.police", "simulators.social_insurance"])
def test_the_process_serves_on_its_port_and_stops_cleanly_on_sigterm(module, tmp_path):
    port = free_port()
    db_path = tmp_path / "agency.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", str(port), "--db", str(db_path)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                status, answer = call(f"http://127.0.0.1:{port}/healthz")
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
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def test_the_portal_never_imports_the_simulators():
    offenders = []
    for package in PORTAL_PACKAGES:
        for path in (BASE_DIR / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                if any(name == "simulators" or name.startswith("simulators.") for name in names):
                    offenders.append(str(path.relative_to(BASE_DIR)))
    assert offenders == []
