"""`scripts/run_embedded.py` as a real process: every child comes up, a task crosses the file-system broker,
and one Ctrl-C (or a dead child) stops everything."""

import contextlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CHILDREN = ("web", "worker", "beat", "police", "social_insurance")
# Settings that would point the children at CI's PostgreSQL and Redis; the embedded run uses its defaults.
SERVICE_VARIABLES = ("CELERY_BROKER_URL", "DATABASE_URL", "CACHE_URL", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE")


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all sockets stay open until every port is chosen, so none is handed out twice."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(condition, *, timeout: float, what: str, log: "EmbeddedRun | None" = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(
        f"timed out after {timeout:.0f} s waiting for {what}" + (f"\n--- output ---\n{log.output()}" if log else "")
    )


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory) -> dict[str, str]:
    """The embedded defaults in a fresh VAR_DIR, migrated."""
    var_dir = tmp_path_factory.mktemp("embedded-var")
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env.update(VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True, timeout=120
    )
    return env


class EmbeddedRun:
    """One run of the script on free ports, its output going to a file the test reads."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port, self.police_port, self.social_insurance_port = free_ports(3)
        self.env = {
            **env,
            "PORT": str(self.port),
            "POLICE_SIM_PORT": str(self.police_port),
            "SOCIAL_INSURANCE_SIM_PORT": str(self.social_insurance_port),
        }
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "scripts/run_embedded.py"],
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def child_pids(self) -> dict[str, int]:
        return {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)\)", self.output())}

    def wait_ready(self) -> None:
        # The banner's last line: the logins are printed after "Ready in", one line at a time.
        wait_for(
            lambda: "Press Ctrl-C to stop everything." in self.output() or self.process.poll() is not None,
            timeout=90,
            what="ready",
            log=self,
        )
        assert self.process.poll() is None, self.output()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Whatever happened, leave no child behind for the rest of the suite.
        for pid in self.child_pids().values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self._log.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def embedded_run(embedded_env, tmp_path):
    run = EmbeddedRun(embedded_env, tmp_path / "run_embedded.log")
    yield run
    run.close()


def test_everything_runs_a_task_crosses_the_file_system_broker_and_one_ctrl_c_stops_all(embedded_run, embedded_env):
    run = embedded_run
    run.wait_ready()
    output = run.output()
    assert f"http://127.0.0.1:{run.port}/" in output
    assert "001090012345" in output and "thanhpho.hanoi" in output  # the demo logins are printed
    assert "manage.py otp_code thanhpho.hanoi" in output  # and how the city account gets its second factor
    assert set(run.child_pids()) == set(CHILDREN)

    assert get_json(f"http://127.0.0.1:{run.port}/healthz") == (
        200,
        {"status": "ok", "database": "ok", "broker": "ok"},
    )
    assert get_json(f"http://127.0.0.1:{run.police_port}/healthz") == (200, {"status": "ok", "agency": "police"})
    assert get_json(f"http://127.0.0.1:{run.social_insurance_port}/healthz") == (
        200,
        {"status": "ok", "agency": "social_insurance"},
    )

    # A built-in task sent from another process with the same settings: the worker can only see it by
    # reading the message file from VAR_DIR/broker/queue.
    sent = subprocess.run(
        [
            sys.executable,
            "-c",
            "from egov.celery import app; print(app.send_task('celery.accumulate', args=(20, 16)).id)",
        ],
        cwd=BASE_DIR,
        env=run.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    task_id = sent.stdout.strip().splitlines()[-1]
    wait_for(
        lambda: f"Task celery.accumulate[{task_id}] succeeded" in run.output(),
        timeout=20,
        what="the worker to run the task",
        log=run,
    )
    assert "filesystem://" in run.output()
    assert (Path(run.env["VAR_DIR"]) / "broker" / "queue").is_dir()

    pids = run.child_pids()
    run.process.send_signal(signal.SIGINT)
    assert run.process.wait(timeout=15) == 0, run.output()
    assert [name for name, pid in pids.items() if alive(pid)] == []
    assert "Warm shutdown" in run.output()  # the worker finished cleanly instead of being killed


def test_a_child_that_dies_stops_the_others_and_fails_the_run(embedded_run):
    run = embedded_run
    run.wait_ready()
    pids = run.child_pids()

    os.kill(pids["police"], signal.SIGKILL)

    assert run.process.wait(timeout=20) != 0
    assert "police exited unexpectedly" in run.output()
    assert [name for name, pid in pids.items() if alive(pid)] == []


def load_run_embedded():
    spec = importlib.util.spec_from_file_location("run_embedded", BASE_DIR / "scripts" / "run_embedded.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("environ", "police", "social_insurance"),
    [
        ({}, None, None),
        ({"POLICE_SIM_SECRET": "set-for-the-simulator"}, "set-for-the-simulator", None),
        ({"INTERCONNECT_SOCIAL_INSURANCE_SECRET": "set-for-the-portal"}, None, "set-for-the-portal"),
    ],
)
def test_a_secret_given_to_one_side_reaches_the_other(environ, police, social_insurance):
    values = load_run_embedded().interconnect_env(environ, "127.0.0.1", 8000, 8101, 8102)
    assert values["INTERCONNECT_POLICE_URL"] == "http://127.0.0.1:8101"
    assert values["INTERCONNECT_CALLBACK_BASE_URL"] == "http://127.0.0.1:8000"
    assert values.get("INTERCONNECT_POLICE_SECRET") == values.get("POLICE_SIM_SECRET") == police
    portal, simulator = values.get("INTERCONNECT_SOCIAL_INSURANCE_SECRET"), values.get("SOCIAL_INSURANCE_SIM_SECRET")
    assert portal == simulator == social_insurance
