"""Fixtures of the simulator tests: a running simulator in threads, a callback receiver, valid payloads."""

import copy
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from simulators.agency import Agency, today
from simulators.police import AGENCY as POLICE
from simulators.protocol import default_secret, signed_headers
from simulators.server import AgencyServer, build_server
from simulators.social_insurance import AGENCY as SOCIAL_INSURANCE
from simulators.worker import CallbackPolicy

# Fast enough for a test, slow enough to see a record "processing" right after it was accepted.
FAST = {"processing_delay": 0.05, "callback_policy": CallbackPolicy(attempts=4, backoff=0.05, timeout=2)}


def wait_until(condition: Callable[[], Any], *, timeout: float = 5, what: str = "the condition") -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)
    return result


class Simulator:
    """One simulator serving from a thread, and a signed client of it."""

    def __init__(self, agency: Agency, db_path: Path, **options: Any) -> None:
        self.agency = agency
        self.secret = options.get("secret") or default_secret(agency.slug)
        self.server: AgencyServer = build_server(agency, host="127.0.0.1", port=0, db_path=db_path, **options)
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._stopped = False

    def call(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timeout: float = 5,
    ) -> tuple[int, Any]:
        if body is None:
            body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json; charset=utf-8"}
        if signed:
            all_headers.update(signed_headers(self.secret, body))
        all_headers.update(headers or {})
        request = urllib.request.Request(
            self.url + path, data=body if method == "POST" else None, headers=all_headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read())

    def submit(self, payload: dict[str, Any], **kwargs: Any) -> tuple[int, Any]:
        return self.call("POST", "/records", payload, headers={"Idempotency-Key": payload["id"]}, **kwargs)

    def faults(self, **changes: Any) -> dict[str, Any]:
        status, settings = self.call("POST", "/_control/faults", changes)
        assert status == 200, settings
        return settings

    def stats(self) -> dict[str, Any]:
        status, stats = self.call("GET", "/_control/stats")
        assert status == 200, stats
        return stats

    def state(self, record_id: str) -> dict[str, Any]:
        return self.call("GET", f"/records/{record_id}")[1]

    def wait_final(self, record_id: str) -> dict[str, Any]:
        return wait_until(
            lambda: (state := self.state(record_id))["status"] != "processing" and state, what="a decision"
        )

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def start_simulator(tmp_path) -> Iterator[Callable[..., Simulator]]:
    """Start simulators (fast settings unless overridden); all are stopped at the end of the test."""
    started: list[Simulator] = []

    def start(agency: Agency = POLICE, *, db_path: Path | None = None, **options: Any) -> Simulator:
        simulator = Simulator(agency, db_path or tmp_path / f"{agency.slug}.sqlite3", **{**FAST, **options})
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture(params=[POLICE, SOCIAL_INSURANCE], ids=lambda agency: agency.slug)
def agency(request) -> Agency:
    return request.param


class Receiver:
    """The portal's callback endpoint, played by a local HTTP server: answers the queued statuses, then 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.always: int = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.always
                answer = b'{"status": "ok"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/lien-thong/goi-lai/"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]

    def wait_for(self, count: int, *, timeout: float = 5) -> list[dict[str, Any]]:
        wait_until(lambda: len(self.received) >= count, timeout=timeout, what=f"{count} callback(s)")
        return self.bodies()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def valid_payload(kind: str, *, callback_url: str = "http://127.0.0.1:9/cb/", **changes: Any) -> dict[str, Any]:
    """A payload the simulators accept, as in docs/interconnect-protocol.md; `changes` replace top-level keys."""
    on = today()
    birth = (on - timedelta(days=10)).isoformat()
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "dossier_code": "00001-261123-0002",
        "unit_code": "00001",
        "unit_name": "Phường Phúc Xá",
        "registered_on": on.isoformat(),
        "register_number": "12",
        "register_book": f"01/{on.year}",
        "callback_url": callback_url,
        "person": {
            "full_name": "Nguyễn Minh Anh",
            "sex": "female",
            "birth_date": birth,
            "personal_id_number": "001326000123",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
        },
    }
    household = {
        "head_name": "Nguyễn Văn An",
        "address": "Số 12 phố Phúc Xá, Ba Đình, Hà Nội",
        "register_number": "",
        "relationship_to_head": "Con",
    }
    parents = {"mother": "Trần Thị Bình", "father": "Nguyễn Văn An"}
    if kind == "register_residence":
        payload.update(household=household, parents=parents)
    elif kind == "remove_residence":
        payload["person"].update(full_name="Nguyễn Văn Hùng", sex="male", birth_date="1940")
        payload.update(
            household={**household, "relationship_to_head": "Bố"},
            death={"date": (on - timedelta(days=3)).isoformat(), "place": "Bệnh viện Bạch Mai"},
        )
    elif kind == "health_card":
        payload.update(health_facility="Trạm y tế phường Phúc Xá", parents=parents)
    payload.update(copy.deepcopy(changes))
    return payload


KIND_OF = {POLICE.slug: "register_residence", SOCIAL_INSURANCE.slug: "health_card"}
