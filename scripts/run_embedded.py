"""Run the embedded portal: web server, Celery worker and beat, and both agency simulators, until one Ctrl-C.

`make run` migrates and loads the demo data first. Everything lives under VAR_DIR (default ./var): the SQLite
database, the file-system broker's folders, the simulators' own databases. Environment: PORT (web, 8000),
WEB_HOST (127.0.0.1), POLICE_SIM_PORT (8101), SOCIAL_INSURANCE_SIM_PORT (8102), READY_TIMEOUT (seconds, 90).
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

import django  # noqa: E402 - needs the project on sys.path first
from django.conf import settings  # noqa: E402

# Children get SIGTERM first; whoever is still running after this long is killed.
STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2


@dataclass
class Child:
    """One supervised process; its output is copied to ours with its name in front of every line."""

    name: str
    command: list[str]
    health_url: str | None = None  # ready once this answers 200 ...
    ready_marker: str | None = None  # ... or once a line of its output contains this
    process: subprocess.Popen | None = field(default=None, repr=False)
    marker_seen: threading.Event = field(default_factory=threading.Event, repr=False)

    def is_ready(self) -> bool:
        if self.health_url and not answers_ok(self.health_url):
            return False
        return self.ready_marker is None or self.marker_seen.is_set()


class Supervisor:
    def __init__(self, children: list[Child], env: dict[str, str]) -> None:
        self.children = children
        self.env = env
        self.stopping = threading.Event()
        self._print_lock = threading.Lock()
        self._width = max(len(child.name) for child in children)

    def say(self, line: str, name: str = "run") -> None:
        with self._print_lock:
            sys.stdout.write(f"{name:<{self._width}} | {line}\n")
            sys.stdout.flush()

    def start(self) -> None:
        for child in self.children:
            # A process group of its own: the terminal's Ctrl-C reaches only us, and we stop children in
            # order, instead of every process receiving SIGINT at once (Celery would take a second one
            # as "cold shutdown").
            child.process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
                child.command,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
            self.say(f"started {child.name} (pid {child.process.pid}): {' '.join(child.command[1:])}")
            threading.Thread(target=self._copy_output, args=(child,), daemon=True).start()

    def _copy_output(self, child: Child) -> None:
        stream: IO[bytes] = child.process.stdout
        for raw in stream:
            line = raw.decode(errors="replace").rstrip()
            if child.ready_marker and child.ready_marker in line:
                child.marker_seen.set()
            self.say(line, child.name)

    def first_dead_child(self) -> Child | None:
        return next((c for c in self.children if c.process and c.process.poll() is not None), None)

    def wait_until_ready(self, timeout: float) -> bool:
        """True once every child is ready; False on a stop request, a dead child or the timeout."""
        pending = list(self.children)
        deadline = time.monotonic() + timeout
        while pending:
            if self.stopping.is_set() or self.first_dead_child() or time.monotonic() > deadline:
                return False
            pending = [child for child in pending if not child.is_ready()]
            if pending:
                time.sleep(POLL_SECONDS)
        return True

    def wait(self) -> Child | None:
        """Block until a stop request (None) or until a child exits on its own (that child)."""
        while not self.stopping.wait(POLL_SECONDS):
            dead = self.first_dead_child()
            if dead:
                return dead
        return None

    def stop(self) -> None:
        """SIGTERM every running child, wait for them, SIGKILL the ones that outlive the grace period."""
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            self.say(f"stopping {child.name}")
            signal_group(child.process, signal.SIGTERM)
        begun = time.monotonic()
        deadline = begun + STOP_GRACE_SECONDS
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop within {STOP_GRACE_SECONDS:.0f} s; killing it")
                signal_group(child.process, signal.SIGKILL)
                child.process.wait()
            self.say(
                f"{child.name} stopped after {time.monotonic() - begun:.1f} s (exit code {child.process.returncode})"
            )
        # The group may hold helpers a child started; none may outlive us.
        for child in self.children:
            if child.process:
                signal_group(child.process, signal.SIGKILL)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def answers_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local http URL we built
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def prepare_var_dir() -> None:
    """Create the folders the file-system broker and the simulators expect to exist."""
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    (Path(settings.VAR_DIR) / "simulators").mkdir(exist_ok=True)
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


def build_children(host: str, port: int, police_port: int, social_insurance_port: int) -> list[Child]:
    python = sys.executable
    var_dir = Path(settings.VAR_DIR)
    celery = [python, "-m", "celery", "-A", "egov"]
    return [
        # `make run` has just run the system checks in migrate; skipping them here saves a second of start-up.
        Child(
            "web",
            [python, "manage.py", "runserver", f"{host}:{port}", "--noreload", "--skip-checks"],
            health_url=f"http://{host}:{port}/healthz",
        ),
        # Threads, not prefork: two cores, and the file-system broker gains nothing from forked children.
        # Mingle and gossip only slow the start of a single worker.
        Child(
            "worker",
            [*celery, "worker", "--pool=threads", "-c", "2", "--loglevel=INFO", "--without-mingle", "--without-gossip"],
            ready_marker=" ready.",
        ),
        Child("beat", [*celery, "beat", "--loglevel=INFO"], ready_marker="beat: Starting..."),
        Child(
            "police",
            [python, "-m", "simulators.police", "--port", str(police_port)]
            + ["--db", str(var_dir / "simulators" / "police.sqlite3")],
            health_url=f"http://127.0.0.1:{police_port}/healthz",
        ),
        Child(
            "social_insurance",
            [python, "-m", "simulators.social_insurance", "--port", str(social_insurance_port)]
            + ["--db", str(var_dir / "simulators" / "social_insurance.sqlite3")],
            health_url=f"http://127.0.0.1:{social_insurance_port}/healthz",
        ),
    ]


def print_banner(supervisor: Supervisor, url: str, elapsed: float) -> None:
    from egov.accounts.models import User
    from egov.accounts.selectors import user_must_have_second_factor
    from portal.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    asking_a_code = [
        account.username
        for account in DEMO_ACCOUNTS
        if user_must_have_second_factor(
            User(role=account.role, is_staff=account.is_admin, is_superuser=account.is_admin)
        )
    ]
    width = max(len(account.username) for account in DEMO_ACCOUNTS)
    lines = [
        "",
        f"Ready in {elapsed:.1f} s: {url}",
        f"Admin: {url}quan-tri/   Demo logins (password {DEMO_PASSWORD}):",
        *(f"  {account.username:<{width}}  {account.role.label}" for account in DEMO_ACCOUNTS),
        *(
            f"  {username} also asks a 6-digit code: .venv/bin/python manage.py otp_code {username}"
            for username in asking_a_code
        ),
        "Press Ctrl-C to stop everything.",
        "",
    ]
    for line in lines:
        supervisor.say(line)


def interconnect_env(environ, host: str, port: int, police_port: int, social_insurance_port: int) -> dict[str, str]:
    """What the portal and the simulators started here need to reach each other, whatever the ports; the process
    environment overrides it. A secret given to one side only (POLICE_SIM_SECRET, or INTERCONNECT_POLICE_SECRET)
    goes to the other side too, or every push would be refused as badly signed."""
    values = {
        "INTERCONNECT_POLICE_URL": f"http://127.0.0.1:{police_port}",
        "INTERCONNECT_SOCIAL_INSURANCE_URL": f"http://127.0.0.1:{social_insurance_port}",
        "INTERCONNECT_CALLBACK_BASE_URL": f"http://{host}:{port}",
    }
    for agency in ("POLICE", "SOCIAL_INSURANCE"):
        portal, simulator = f"INTERCONNECT_{agency}_SECRET", f"{agency}_SIM_SECRET"
        secret = environ.get(simulator) or environ.get(portal)
        if secret:
            values[portal] = values[simulator] = secret
    return values


def main() -> int:
    started = time.monotonic()
    django.setup()
    prepare_var_dir()
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    police_port = int(os.environ.get("POLICE_SIM_PORT", "8101"))
    social_insurance_port = int(os.environ.get("SOCIAL_INSURANCE_SIM_PORT", "8102"))
    interconnect = interconnect_env(os.environ, host, port, police_port, social_insurance_port)
    env = {**interconnect, **os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "egov.settings"}
    supervisor = Supervisor(build_children(host, port, police_port, social_insurance_port), env)

    def request_stop(signum: int, frame: object) -> None:
        supervisor.stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    supervisor.start()
    try:
        return supervise(supervisor, f"http://{host}:{port}/", started)
    finally:
        # Also on an unexpected error in this script: no child may outlive it.
        supervisor.stop()


def supervise(supervisor: Supervisor, url: str, started: float) -> int:
    """Wait for readiness, then for a stop request or a dead child; the exit status to return."""
    if supervisor.wait_until_ready(float(os.environ.get("READY_TIMEOUT", "90"))):
        print_banner(supervisor, url, time.monotonic() - started)
        dead = supervisor.wait()
    else:
        dead = supervisor.first_dead_child()
        if dead is None and not supervisor.stopping.is_set():
            supervisor.say("not every process answered its health check in time; stopping")
            return 1
    if dead is not None:
        supervisor.say(f"{dead.name} exited unexpectedly with code {dead.process.returncode}; stopping the others")
        return 1
    supervisor.say("stop requested (Ctrl-C or SIGTERM); stopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
