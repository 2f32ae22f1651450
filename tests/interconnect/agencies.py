"""A small agency on a local port (the protocol's server side, scripted per test), 3-in-1 dossiers ready to sign, and
one registered at an old commune before the reform: fixtures every test may ask for (a pytest plugin of
tests/conftest.py)."""

import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from interconnect.models import LinkedRecord
from procedures.models import Agency, Channel
from procedures.services import dossier_approve
from tests.procedures.helpers import advance, filed, procedure_of

SECRETS = {Agency.POLICE: "test-secret-police", Agency.SOCIAL_INSURANCE: "test-secret-social-insurance"}


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The protocol's two signature headers, written out here rather than taken from the code under test."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Timestamp": stamp, "X-Signature": f"sha256={digest}"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class FakeAgency:
    """The agency side of the protocol, scripted: `plan` holds what the next POSTs get, in order.

    A plan step is ("accept",) – 202 and stored; ("answer", status, body[, headers]) – that answer, nothing stored;
    ("store_then", status) – stored, then that status (it crashed after saving); ("slow", seconds) – stored,
    then 202 too late for the portal's timeout. With an empty plan a POST is accepted. A POST of a key already
    stored gets 200 and the stored state: the idempotency key at work. `states` answers GETs (else 404).
    """

    secret: str
    url: str = ""
    plan: deque = field(default_factory=deque)
    stored: dict[str, dict] = field(default_factory=dict)
    states: dict[str, dict] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def posts(self) -> list[Seen]:
        return [request for request in self.seen if request.method == "POST"]


def _handler(agency: FakeAgency):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _answer(self, status: int, body: dict | str, headers: dict | None = None) -> None:
            raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            # The portal may have given up waiting (the "slow" step).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(raw)

        def _seen(self, body: bytes) -> Seen:
            stamp, given = self.headers.get("X-Timestamp", ""), self.headers.get("X-Signature", "")
            expected = sign(agency.secret, body, int(stamp) if stamp.isdigit() else 0)["X-Signature"]
            request = Seen(self.command, self.path, dict(self.headers), body, hmac.compare_digest(given, expected))
            agency.seen.append(request)
            return request

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._seen(body)
            key = self.headers.get("Idempotency-Key", "")
            accepted = {"id": key, "status": "accepted", "agency_ref": "R-" + key[:8]}
            if key in agency.stored:
                self._answer(200, agency.states.get(key, accepted))
                return
            step = agency.plan.popleft() if agency.plan else ("accept",)
            if step[0] == "answer":
                self._answer(*step[1:])
                return
            agency.stored[key] = json.loads(body)
            if step[0] == "store_then":
                self._answer(step[1], {"error": "internal"})
                return
            if step[0] == "slow":
                time.sleep(step[1])
            self._answer(202, accepted)

        def do_GET(self) -> None:
            self._seen(b"")
            key = self.path.rsplit("/", 1)[-1]
            if key in agency.states:
                self._answer(200, agency.states[key])
            else:
                self._answer(404, {"error": "not_found"})

    return Handler


def _serve(agency: FakeAgency):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(agency))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    agency.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server


@pytest.fixture
def agencies(settings):
    """Both agencies on local ports, the portal set up to reach them with their secrets; tasks run inline."""
    police, social = FakeAgency(SECRETS[Agency.POLICE]), FakeAgency(SECRETS[Agency.SOCIAL_INSURANCE])
    servers = [_serve(police), _serve(social)]
    settings.INTERCONNECT_POLICE_URL = police.url
    settings.INTERCONNECT_POLICE_SECRET = police.secret
    settings.INTERCONNECT_SOCIAL_INSURANCE_URL = social.url
    settings.INTERCONNECT_SOCIAL_INSURANCE_SECRET = social.secret
    settings.INTERCONNECT_TIMEOUT_SECONDS = 0.5
    settings.INTERCONNECT_CALLBACK_BASE_URL = "https://dichvucong.example.vn"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMS_BACKEND = "locmem"
    yield {Agency.POLICE: police, Agency.SOCIAL_INSURANCE: social}
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def birth_3in1(db):
    return procedure_of("birth_3in1", interconnections=["police", "social_insurance"])


@pytest.fixture
def death_residence(db):
    return procedure_of("death_residence", interconnections=["police"])


@pytest.fixture
def inherited(birth_3in1, from_before_reform):
    """A 3-in-1 birth filed and registered at Phúc Xá in June 2025, its records still waiting in December 2026:
    Phường Hồng Hà (commune A) holds it."""
    dossier = from_before_reform("registered", kind="birth_3in1")
    assert dossier.register_entry.unit.name == "Phường Phúc Xá"
    return dossier


@pytest.fixture
def signing(citizen, commune_a, one_stop_a, justice_a, leader_a):
    """`signing(procedure)`: a citizen's online dossier of `procedure` at commune A, waiting for the leader."""

    def make(procedure, *, unit=None):
        dossier = filed(procedure, unit=unit or commune_a, applicant=citizen, channel=Channel.ONLINE_SELF)
        return advance(dossier, "awaiting_signature", one_stop=one_stop_a, justice=justice_a, leader=leader_a)

    return make


@pytest.fixture
def approve(leader_a, django_capture_on_commit_callbacks):
    """`approve(dossier, commit=True)`: the leader signs; with commit, the after-commit work runs as it would."""

    def run(dossier, *, commit: bool = True, personal_id_number: str = ""):
        if not commit:
            # The approval commits but its after-commit messages are lost (a broker down at that moment).
            return dossier_approve(dossier=dossier, leader=leader_a, personal_id_number=personal_id_number)
        with django_capture_on_commit_callbacks(execute=True):
            return dossier_approve(dossier=dossier, leader=leader_a, personal_id_number=personal_id_number)

    return run


def records_of(dossier) -> dict[str, LinkedRecord]:
    return {record.kind: record for record in LinkedRecord.objects.filter(dossier=dossier)}
