"""The interconnect as it runs: both agency simulators and a Celery worker as real processes, on the test's own
PostgreSQL database and a Redis broker, with pytest-django's live server taking the agencies' callbacks.

Started once for the package. The worker gets the test database's name (pytest-django's `test_…` database),
the broker of the settings, the simulators' ports and secrets, a short HTTP timeout and a short backoff.
"""

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from procedures.models import Agency, Dossier, Status
from procedures.services import dossier_approve
from tests.conftest import require_in_ci
from tests.integration.processes import Simulator, Worker, wait_until
from tests.interconnect.agencies import records_of

SECRETS = {Agency.POLICE: "integration-secret-police", Agency.SOCIAL_INSURANCE: "integration-secret-social-insurance"}
# Long enough for the timeout scenario's repeated push to reach the agency before it decides the record.
PROCESSING_DELAY = 2.5
# The worker's HTTP timeout, push backoff base (30 s in production) and attempts before a record fails.
PORTAL_TIMEOUT_SECONDS = 1.0
RETRY_BASE_SECONDS = 0.2
MAX_ATTEMPTS = 5
# Every wait for the worker, the simulators and the callbacks ends as soon as its condition holds.
WAIT_SECONDS = 30


@dataclass
class Interconnect:
    police: Simulator
    social_insurance: Simulator
    worker: Worker
    portal_url: str
    # The worker's environment: the database, the broker, the agencies (an approving process reuses it).
    env: dict[str, str]
    folder: Path

    @property
    def simulators(self) -> dict[str, Simulator]:
        return {Agency.POLICE: self.police, Agency.SOCIAL_INSURANCE: self.social_insurance}

    def stored(self) -> dict[str, int]:
        """How many records each agency has stored since it started."""
        return {agency: sim.stats()["records"]["stored"] for agency, sim in self.simulators.items()}

    def wait[T](self, condition: Callable[[], T], what: str, timeout: float = WAIT_SECONDS) -> T:
        """Poll until `condition` holds; on a timeout the failure shows the end of each process's log."""
        try:
            return wait_until(condition, timeout=timeout, what=what)
        except AssertionError as exc:
            logs = "\n".join(
                f"--- {process.name} ---\n{process.log_tail(25)}"
                for process in (self.worker, self.police, self.social_insurance)
            )
            raise AssertionError(f"{exc}\n{logs}") from None

    def settled(self, dossier: Dossier, timeout: float = WAIT_SECONDS) -> Dossier:
        """The dossier once it is result_ready (every linked record answered)."""
        return self.wait(
            lambda: Dossier.objects.filter(pk=dossier.pk, status=Status.RESULT_READY).first(),
            f"dossier {dossier.code} to settle",
            timeout,
        )

    def record_in(self, dossier: Dossier, kind: str, statuses: set[str], timeout: float = WAIT_SECONDS):
        """The dossier's record of `kind` once its status is one of `statuses`."""
        return self.wait(
            lambda: (record := records_of(dossier).get(kind)) is not None and record.status in statuses and record,
            f"the {kind} record of {dossier.code} to be {' or '.join(sorted(statuses))}",
            timeout,
        )


def _database_url() -> str:
    """The URL of the database this test process uses, which for pytest-django is the `test_…` one."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        host = urllib.parse.quote(host, safe="")
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def _redis_broker() -> str:
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        require_in_ci("a Redis broker: CELERY_BROKER_URL=redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError:
        require_in_ci(f"Redis at {broker}")
    return broker


@pytest.fixture(scope="package")
def interconnect(django_db_setup, live_server, tmp_path_factory):
    """The simulators and a worker, up for the whole package; the worker works on the test database."""
    if connection.vendor != "postgresql":
        require_in_ci("PostgreSQL (the worker and the test share one database; SQLite across processes is not)")
    broker = _redis_broker()
    # Messages another run left behind would point at records of another database.
    redis.Redis.from_url(broker).flushdb()
    folder = tmp_path_factory.mktemp("interconnect")
    sims = {
        agency: Simulator.build(
            agency,
            secret=SECRETS[agency],
            folder=folder,
            processing_delay=PROCESSING_DELAY,
            callback_attempts=5,
            callback_backoff=0.2,
        )
        for agency in SECRETS
    }
    started = []
    try:
        for sim in sims.values():
            started.append(sim)
            sim.start()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_DEBUG": "false",
            "SMS_BACKEND": "console",
            "EMAIL_URL": "consolemail://",
            "INTERCONNECT_POLICE_URL": sims[Agency.POLICE].url,
            "INTERCONNECT_POLICE_SECRET": SECRETS[Agency.POLICE],
            "INTERCONNECT_SOCIAL_INSURANCE_URL": sims[Agency.SOCIAL_INSURANCE].url,
            "INTERCONNECT_SOCIAL_INSURANCE_SECRET": SECRETS[Agency.SOCIAL_INSURANCE],
            "INTERCONNECT_CALLBACK_BASE_URL": live_server.url,
            "INTERCONNECT_TIMEOUT_SECONDS": str(PORTAL_TIMEOUT_SECONDS),
            "INTERCONNECT_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
            # Polls happen when a test asks for them (it moves the poll time and runs the sweeper).
            "INTERCONNECT_POLL_AFTER_SECONDS": "600",
            "INTEGRATION_RETRY_BASE_SECONDS": str(RETRY_BASE_SECONDS),
        }
        worker = Worker.build(
            "worker", app="tests.integration.worker_app", env=env, folder=folder, pool="threads", concurrency=2
        )
        started.append(worker)
        worker.start()
        yield Interconnect(
            police=sims[Agency.POLICE],
            social_insurance=sims[Agency.SOCIAL_INSURANCE],
            worker=worker,
            portal_url=live_server.url,
            env=env,
            folder=folder,
        )
    finally:
        # The worker first: it holds connections to the test database, which is dropped at the end.
        for process in reversed(started):
            process.stop()


@pytest.fixture(autouse=True)
def _portal_reaches_the_simulators(interconnect, settings):
    """This process approves (the payload's callback URL) and serves the callbacks (the secrets) too."""
    settings.INTERCONNECT_POLICE_URL = interconnect.police.url
    settings.INTERCONNECT_POLICE_SECRET = SECRETS[Agency.POLICE]
    settings.INTERCONNECT_SOCIAL_INSURANCE_URL = interconnect.social_insurance.url
    settings.INTERCONNECT_SOCIAL_INSURANCE_SECRET = SECRETS[Agency.SOCIAL_INSURANCE]
    settings.INTERCONNECT_CALLBACK_BASE_URL = interconnect.portal_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    for sim in interconnect.simulators.values():
        sim.faults(reset=True)


@pytest.fixture
def dossier(signing, birth_3in1):
    """A citizen's 3-in-1 birth dossier at commune A, waiting for the leader's signature."""
    return signing(birth_3in1)


@pytest.fixture
def approve(leader_a):
    """`approve(dossier)`: the leader signs in this process; the commit queues the pushes on the real broker."""
    return lambda dossier: dossier_approve(dossier=dossier, leader=leader_a)
