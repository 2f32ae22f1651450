"""Real processes for the integration tests and the interconnect benchmark: agency simulators, Celery workers and
a gunicorn web node, each with its output in a log file, started and stopped by its own process id.

Plain Python (no pytest, no Django): benchmarks/interconnect.py uses it too.
"""

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators.protocol import signed_headers

BASE_DIR = Path(__file__).resolve().parents[2]
STOP_GRACE_SECONDS = 15.0


class StartError(RuntimeError):
    """A process did not come up; the message ends with the tail of its log."""


def wait_until[T](condition: Callable[[], T], *, timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll `condition` until it returns something truthy and return that; AssertionError naming `what` after
    `timeout` seconds (never a blind sleep: the wait ends as soon as the condition holds)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port nothing listens on right now (for a server told its port, or for a broker that is 'down')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    """One child process; stdout and stderr go to `log_path`."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(  # noqa: S603 - our own fixed command lines
                self.command, cwd=BASE_DIR, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_for_log(self, pattern: str, *, timeout: float, after: int = 0) -> re.Match:
        """The first match of `pattern` in the log past its first `after` characters, once it is there;
        StartError if the process exits first or nothing matches in time."""

        def found() -> re.Match | None:
            if self.popen.poll() is not None:
                raise StartError(f"{self.name} exited with {self.popen.returncode}:\n{self.log_tail()}")
            return re.search(pattern, self.log()[after:])

        try:
            return wait_until(found, timeout=timeout, what=f"{self.name} to log {pattern!r}")
        except AssertionError as exc:
            raise StartError(f"{exc}:\n{self.log_tail()}") from exc

    def stop(self) -> None:
        """SIGTERM (each of these shuts down cleanly on it), then SIGKILL if it is still there after the grace."""
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=STOP_GRACE_SECONDS)


@dataclass
class Simulator(Process):
    """An agency simulator on a free port; `control`, `faults`, `stats` and `record` speak its signed API."""

    slug: str = ""
    secret: str = ""
    url: str = ""

    @classmethod
    def build(
        cls,
        slug: str,
        *,
        secret: str,
        folder: Path,
        processing_delay: float,
        callback_attempts: int = 10,
        callback_backoff: float = 1.0,
    ) -> "Simulator":
        command = [
            sys.executable,
            "-m",
            f"simulators.{slug}",
            "--port=0",
            f"--db={folder / f'{slug}.sqlite3'}",
            f"--secret={secret}",
            f"--processing-delay={processing_delay}",
            f"--callback-attempts={callback_attempts}",
            f"--callback-backoff={callback_backoff}",
        ]
        return cls(slug, command, dict(os.environ), folder / f"{slug}.log", slug=slug, secret=secret)

    def start(self) -> None:
        super().start()
        match = self.wait_for_log(r"listening on (http://[0-9.]+:[0-9]+)", timeout=20)
        self.url = match.group(1)

    def control(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict[str, Any]]:
        """One signed request; (HTTP status, JSON answer)."""
        raw = b"" if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - our own http URL
            self.url + path,
            data=raw if method == "POST" else None,
            method=method,
            headers={"Content-Type": "application/json", **signed_headers(self.secret, raw)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, json.loads(answer.read() or b"{}")

    def faults(self, **changes: Any) -> dict[str, Any]:
        status, answer = self.control("POST", "/_control/faults", changes)
        assert status == 200, answer
        return answer

    def stats(self) -> dict[str, Any]:
        status, answer = self.control("GET", "/_control/stats")
        assert status == 200, answer
        return answer

    def record(self, record_id: object) -> dict[str, Any] | None:
        """The agency's state of a record (GET /records/<id>), or None when it never stored it."""
        status, answer = self.control("GET", f"/records/{record_id}")
        assert status in (200, 404), (status, answer)
        return answer if status == 200 else None


@dataclass
class Worker(Process):
    """A Celery worker of `app` (`egov`, or a module exposing the project's app) consuming the default queue."""

    @classmethod
    def build(
        cls, name: str, *, app: str, env: dict[str, str], folder: Path, pool: str = "solo", concurrency: int = 1
    ) -> "Worker":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "-Q",
            "celery",
            "-n",
            f"{name}-{os.getpid()}@%h",
            "--loglevel=INFO",
            # Alone on a private broker: nothing to gossip or synchronise with, and a faster start.
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        return cls(name, command, env, folder / f"{name}.log")

    def start(self) -> None:
        # A restarted worker appends to the same log: only a "ready" line after the earlier output counts.
        offset = len(self.log())
        super().start()
        self.wait_for_log(r"@\S+ ready\.", timeout=60, after=offset)


@dataclass
class WebNode(Process):
    """The portal under gunicorn on a free port (the production shape of docker-compose.yml)."""

    url: str = ""

    @classmethod
    def build(cls, *, env: dict[str, str], folder: Path, workers: int = 3) -> "WebNode":
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "egov.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ]
        return cls("web", command, env, folder / "web.log", url=f"http://127.0.0.1:{port}")

    def start(self) -> None:
        super().start()
        self.wait_for_log(r"Booting worker", timeout=60)

        def answers() -> bool:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:  # noqa: S310
                    return response.status == 200
            except OSError:
                return False

        wait_until(answers, timeout=60, what="the web node to answer /healthz")
