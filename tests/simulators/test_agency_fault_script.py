"""`scripts/agency_fault.py` as a person runs it beside `make run`: a simulator goes down, comes back up, says so."""

import json
import os
import subprocess
import sys
from pathlib import Path

from simulators.police import AGENCY as POLICE

from .conftest import valid_payload

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "agency_fault.py"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    variables = {name: value for name, value in os.environ.items() if not name.startswith("POLICE_SIM_")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**variables, **env},
        capture_output=True,
        text=True,
        timeout=15,
    )


def test_down_then_up_turns_the_outage_on_and_off_and_keeps_other_faults(start_simulator):
    simulator = start_simulator(POLICE)
    simulator.faults(reject_rate=0.5)

    down = run("police", "down", "--url", simulator.url)
    assert down.returncode == 0, down.stderr
    assert "police is down" in down.stdout
    assert simulator.submit(valid_payload("register_residence")) == (503, {"error": "unavailable"})

    up = run("police", "up", "--url", simulator.url)
    assert up.returncode == 0, up.stderr
    assert "police is up" in up.stdout
    assert simulator.submit(valid_payload("register_residence"))[0] == 202
    assert simulator.server.faults.snapshot()["reject_rate"] == 0.5


def test_status_prints_the_faults_and_the_counters(start_simulator):
    simulator = start_simulator(POLICE)
    simulator.submit(valid_payload("register_residence"))

    status = run("police", "status", "--url", simulator.url)
    assert status.returncode == 0, status.stderr
    answer = json.loads(status.stdout)
    assert answer["faults"]["down"] is False
    assert answer["records"]["stored"] == 1


def test_the_port_and_the_secret_come_from_the_simulators_variables(start_simulator):
    simulator = start_simulator(POLICE, secret="a-secret-set-for-make-run")
    port = simulator.url.rsplit(":", 1)[1]

    assert run("police", "down", POLICE_SIM_PORT=port, POLICE_SIM_SECRET="a-secret-set-for-make-run").returncode == 0
    assert simulator.server.faults.setting("down") is True

    refused = run("police", "up", POLICE_SIM_PORT=port)
    assert refused.returncode == 1
    assert "403" in refused.stderr and "set POLICE_SIM_SECRET" in refused.stderr
    assert simulator.server.faults.setting("down") is True


def test_an_unreachable_simulator_is_a_clear_error():
    result = run("police", "status", "--url", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert "is `make run` running?" in result.stderr
