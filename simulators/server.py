"""The HTTP server shared by the agency simulators: the protocol of docs/interconnect-protocol.md, and fault control.

Stdlib only (no Django): a simulator stands for another organisation's system and must run without the portal.
Every agency module only declares who it is (simulators.agency.Agency) and calls main().
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simulators.agency import Agency, check_record, today
from simulators.faults import RATES, Faults, FaultSettingsError
from simulators.protocol import default_secret, signature_is_valid
from simulators.store import Store
from simulators.worker import CallbackPolicy, Worker

logger = logging.getLogger("simulators")

# Bodies larger than this are refused before reading, so a bad client cannot exhaust memory.
MAX_BODY_BYTES = 1024 * 1024
DEFAULT_PROCESSING_DELAY = 1.0


class AgencyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        agency: Agency,
        *,
        store: Store,
        faults: Faults,
        secret: str,
        processing_delay: float,
        callback_policy: CallbackPolicy,
    ) -> None:
        super().__init__(address, AgencyRequestHandler)
        self.agency = agency
        self.store = store
        self.faults = faults
        self.secret = secret
        self.processing_delay = processing_delay
        # Set on close: wakes requests held back by the timeout fault or by latency.
        self.stopping = threading.Event()
        self.worker = Worker(agency=agency, store=store, faults=faults, secret=secret, policy=callback_policy)

    def server_close(self) -> None:
        """Close the socket, stop the background work, close the store (after shutdown() when serving)."""
        self.stopping.set()
        super().server_close()
        self.worker.stop()
        self.store.close()


class AgencyRequestHandler(BaseHTTPRequestHandler):
    server: AgencyServer
    server_version = "AgencySimulator/1.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        self._note = ""
        self._started = time.monotonic()
        path = urlsplit(self.path).path
        body = self._read_body()
        if body is None:
            return
        if path == "/healthz":
            if self._only(method, "GET"):
                self._send(HTTPStatus.OK, {"status": "ok", "agency": self.server.agency.slug})
            return
        if path.startswith("/_control/"):
            if self._signed(body):
                self._control(method, path, body)
            return
        faults = self.server.faults
        if faults.setting("down"):
            self._note = "fault=down"
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "unavailable"})
            return
        if faults.setting("latency_ms"):
            self.server.stopping.wait(faults.setting("latency_ms") / 1000)
        if not self._signed(body):
            return
        if path == "/records":
            if self._only(method, "POST"):
                self._record_submit(body)
        elif path.startswith("/records/") and path.count("/") == 2:
            if self._only(method, "GET"):
                self._record_state(path.removeprefix("/records/"))
        else:
            self._send(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def _record_submit(self, body: bytes) -> None:
        server = self.server
        if server.faults.hit("error"):
            self._note = "fault=error"
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal_error"})
            return
        payload = _json_object(body)
        if payload is None:
            self._send(HTTPStatus.BAD_REQUEST, _invalid({"body": ["Nội dung yêu cầu phải là một đối tượng JSON."]}))
            return
        key = self.headers.get("Idempotency-Key")
        self._note = f"id={str(payload.get('id'))[:64]}"
        state = server.store.record_state(key) if key and key == payload.get("id") else None
        created = False
        if state is None:
            errors = check_record(server.agency, payload, idempotency_key=key, on=today())
            if errors:
                self._note += " invalid=" + ",".join(errors)
                self._send(HTTPStatus.UNPROCESSABLE_ENTITY, _invalid(errors))
                return
            state, created = server.store.record_accept(
                payload, process_after=time.time() + server.processing_delay, ref_prefix=server.agency.ref_prefix
            )
        if created:
            server.worker.record_stored()
            answer = (HTTPStatus.ACCEPTED, {"id": state["id"], "status": "accepted", "agency_ref": state["agency_ref"]})
        else:
            self._note += " repeat"
            answer = (HTTPStatus.OK, state)
        if server.faults.hit("timeout"):
            # Stored, but the answer comes after the client has given up: its retry must be a harmless repeat.
            self._note += " fault=timeout"
            server.stopping.wait(server.faults.setting("timeout_seconds"))
        self._send(*answer)

    def _record_state(self, record_id: str) -> None:
        state = self.server.store.record_state(record_id)
        if state is None:
            self._send(HTTPStatus.NOT_FOUND, {"error": "not_found"})
        else:
            self._send(HTTPStatus.OK, state)

    def _control(self, method: str, path: str, body: bytes) -> None:
        faults = self.server.faults
        if path == "/_control/stats":
            if self._only(method, "GET"):
                self._send(HTTPStatus.OK, {**self.server.store.stats(), "faults_injected": faults.injected()})
        elif path == "/_control/faults" and method == "GET":
            self._send(HTTPStatus.OK, faults.snapshot())
        elif path == "/_control/faults" and self._only(method, "POST"):
            changes = _json_object(body)
            if changes is None:
                self._send(HTTPStatus.BAD_REQUEST, _invalid({"body": ["expected a JSON object"]}))
                return
            try:
                settings = faults.update(changes)
            except FaultSettingsError as error:
                self._send(HTTPStatus.UNPROCESSABLE_ENTITY, _invalid(error.fields))
                return
            self._note = "faults " + json.dumps(changes)
            self._send(HTTPStatus.OK, settings)

    def _signed(self, body: bytes) -> bool:
        """True when the request is signed with the agency's secret; otherwise answers 403."""
        if signature_is_valid(self.server.secret, self.headers, body):
            return True
        self._send(HTTPStatus.FORBIDDEN, {"error": "bad_signature"})
        return False

    def _only(self, method: str, allowed: str) -> bool:
        if method == allowed:
            return True
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "method_not_allowed"}, headers={"Allow": allowed})
        return False

    def _read_body(self) -> bytes | None:
        """The raw request body (empty without Content-Length), or None after answering 413."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too_large"})
            return None
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: HTTPStatus, payload: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (as the timeout fault intends); there is nobody left to answer.
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        took = (time.monotonic() - self._started) * 1000 if hasattr(self, "_started") else 0
        note = f" {self._note}" if getattr(self, "_note", "") else ""
        logger.info('%s "%s" %s %.0f ms%s', self.address_string(), self.requestline, code, took, note)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _invalid(fields: Mapping[str, list[str]]) -> dict[str, Any]:
    return {"error": "invalid", "fields": dict(fields)}


def build_server(
    agency: Agency,
    *,
    host: str,
    port: int,
    db_path: Path,
    secret: str | None = None,
    processing_delay: float = DEFAULT_PROCESSING_DELAY,
    callback_policy: CallbackPolicy | None = None,
    faults: Mapping[str, Any] | None = None,
) -> AgencyServer:
    """A simulator with its background work started (port 0 picks a free port; see server.server_address).

    Serve it with serve_forever(); stop it with shutdown() then server_close().
    """
    server = AgencyServer(
        (host, port),
        agency,
        store=Store(db_path),
        faults=Faults(**(faults or {})),
        secret=secret or default_secret(agency.slug),
        processing_delay=processing_delay,
        callback_policy=callback_policy or CallbackPolicy(),
    )
    server.worker.start()
    return server


def default_db_path(agency: Agency) -> Path:
    var_dir = Path(os.environ.get("VAR_DIR", "var"))
    return var_dir / "simulators" / f"{agency.slug}.sqlite3"


def parse_args(agency: Agency, argv: list[str] | None) -> argparse.Namespace:
    env = agency.env_prefix

    def setting(name: str, default: object) -> str:
        return os.environ.get(f"{env}_{name}", str(default))

    parser = argparse.ArgumentParser(
        description=f"Simulator of {agency.slug} ({agency.name}); every option also reads the variable {env}_<NAME>."
    )
    parser.add_argument("--host", default=setting("HOST", "127.0.0.1"), help="address to bind")
    parser.add_argument("--port", type=int, default=setting("PORT", agency.default_port), help="0 picks a free port")
    parser.add_argument(
        "--db",
        type=Path,
        default=setting("DB", default_db_path(agency)),
        help=f"SQLite file of this agency (default VAR_DIR/simulators/{agency.slug}.sqlite3)",
    )
    parser.add_argument("--secret", default=setting("SECRET", default_secret(agency.slug)), help="shared HMAC secret")
    parser.add_argument(
        "--processing-delay",
        type=float,
        default=setting("PROCESSING_DELAY", DEFAULT_PROCESSING_DELAY),
        help="seconds between accepting a record and deciding it",
    )
    policy = CallbackPolicy()
    parser.add_argument("--callback-attempts", type=int, default=setting("CALLBACK_ATTEMPTS", policy.attempts))
    parser.add_argument(
        "--callback-backoff",
        type=float,
        default=setting("CALLBACK_BACKOFF", policy.backoff),
        help="seconds before the first retry, doubled for each next one (at most 60)",
    )
    parser.add_argument("--callback-timeout", type=float, default=setting("CALLBACK_TIMEOUT", policy.timeout))
    faults = parser.add_argument_group("faults (changeable at run time through POST /_control/faults)")
    faults.add_argument("--latency-ms", type=float, default=setting("LATENCY_MS", 0))
    for rate in RATES:
        faults.add_argument(f"--{rate.replace('_', '-')}", type=float, default=setting(rate.upper(), 0.0))
    faults.add_argument(
        "--timeout-seconds", type=float, default=setting("TIMEOUT_SECONDS", Faults.cleared()["timeout_seconds"])
    )
    faults.add_argument(
        "--down",
        action=argparse.BooleanOptionalAction,
        default=setting("DOWN", "").lower() in ("1", "true", "yes", "on"),
    )
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error(f"the shared secret is empty: set {env}_SECRET or --secret")
    if args.processing_delay < 0 or args.callback_attempts < 1 or args.callback_backoff < 0:
        parser.error("--processing-delay and --callback-backoff must be ≥ 0, --callback-attempts ≥ 1")
    args.faults = {name: getattr(args, name) for name in ("latency_ms", *RATES, "timeout_seconds", "down")}
    try:
        Faults(**args.faults)
    except FaultSettingsError as error:
        parser.error(f"bad fault settings: {error.fields}")
    return args


def main(agency: Agency, argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly and return 0."""
    args = parse_args(agency, argv)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {agency.slug} %(levelname)s %(message)s")
    server = build_server(
        agency,
        host=args.host,
        port=args.port,
        db_path=args.db,
        secret=args.secret,
        processing_delay=args.processing_delay,
        callback_policy=CallbackPolicy(
            attempts=args.callback_attempts, backoff=args.callback_backoff, timeout=args.callback_timeout
        ),
        faults=args.faults,
    )

    def stop(signum: int, frame: object) -> None:
        # shutdown() blocks until serve_forever() returns, so it must run outside the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    active = {name: value for name, value in args.faults.items() if value and name != "timeout_seconds"}
    logger.info(
        "%s simulator listening on http://%s:%s (records in %s; faults: %s)",
        agency.name,
        host,
        port,
        args.db,
        active or "none",
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    logger.info("%s simulator stopped", agency.name)
    return 0


if __name__ == "__main__":
    sys.exit("Run an agency: python -m simulators.police or python -m simulators.social_insurance")
