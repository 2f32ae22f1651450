"""The HTTP server shared by the agency simulators: health check and record intake into the agency's own SQLite.

Stdlib only (no Django): a simulator stands for another organisation's system and must run without the portal.
The real protocol (HMAC signatures, asynchronous processing, callbacks, fault injection) plugs in here later,
so every agency module only declares who it is.
"""

import argparse
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

logger = logging.getLogger("simulators")

# Bodies larger than this are refused before reading, so a bad client cannot exhaust memory.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Agency:
    """Who a simulator pretends to be."""

    slug: str  # machine name, used in file names and environment variables
    name: str  # the agency's Vietnamese name, shown in /healthz
    default_port: int

    @property
    def env_prefix(self) -> str:
        return f"{self.slug.upper()}_SIM"


class RecordStore:
    """Received records in the simulator's own SQLite file (one connection, serialised by a lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS records ( id TEXT PRIMARY KEY, received_at TEXT NOT NULL, body TEXT NOT NULL)"
        )

    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        record = {"id": str(uuid.uuid4()), "received_at": datetime.now(UTC).isoformat()}
        with self._lock:
            self._db.execute(
                "INSERT INTO records (id, received_at, body) VALUES (?, ?, ?)",
                (record["id"], record["received_at"], json.dumps(body, ensure_ascii=False)),
            )
        return record

    def get(self, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT id, received_at, body FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return None
        return {"id": row[0], "received_at": row[1], "body": json.loads(row[2])}

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class AgencyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], agency: Agency, store: RecordStore) -> None:
        super().__init__(address, AgencyRequestHandler)
        self.agency = agency
        self.store = store


class AgencyRequestHandler(BaseHTTPRequestHandler):
    server: AgencyServer
    server_version = "AgencySimulator/0.1"

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send_json(HTTPStatus.OK, {"status": "ok", "agency": self.server.agency.slug})
        elif self.path.startswith("/records/"):
            record = self.server.store.get(self.path.removeprefix("/records/"))
            if record is None:
                self._send_json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
            else:
                self._send_json(HTTPStatus.OK, record)
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def do_POST(self) -> None:
        if self.path != "/records":
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
            return
        body = self._read_json_object()
        if body is None:
            return
        record = self.server.store.add(body)
        self._send_json(HTTPStatus.ACCEPTED, {"id": record["id"], "status": "accepted"})

    def _read_json_object(self) -> dict[str, Any] | None:
        """The request body as a JSON object, or None after answering 4xx."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send_json(HTTPStatus.LENGTH_REQUIRED, {"error": "length_required"})
            return None
        if length > MAX_BODY_BYTES:
            self._send_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too_large"})
            return None
        try:
            body = json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": "invalid_json", "detail": "expected a JSON object"})
            return None
        return body

    def _send_json(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def build_server(agency: Agency, *, host: str, port: int, db_path: Path) -> AgencyServer:
    """A ready-to-serve simulator (port 0 picks a free port; read it from server.server_address)."""
    return AgencyServer((host, port), agency, RecordStore(db_path))


def default_db_path(agency: Agency) -> Path:
    var_dir = Path(os.environ.get("VAR_DIR", "var"))
    return var_dir / "simulators" / f"{agency.slug}.sqlite3"


def parse_args(agency: Agency, argv: list[str] | None) -> argparse.Namespace:
    env = agency.env_prefix
    parser = argparse.ArgumentParser(description=f"Simulator of {agency.name}")
    parser.add_argument("--host", default=os.environ.get(f"{env}_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get(f"{env}_PORT", agency.default_port)))
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get(f"{env}_DB", default_db_path(agency))),
        help=f"SQLite file of this agency (env {env}_DB; default VAR_DIR/simulators/{agency.slug}.sqlite3)",
    )
    return parser.parse_args(argv)


def main(agency: Agency, argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly and return 0."""
    args = parse_args(agency, argv)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {agency.slug} %(levelname)s %(message)s")
    server = build_server(agency, host=args.host, port=args.port, db_path=args.db)

    def stop(signum: int, frame: object) -> None:
        # shutdown() blocks until serve_forever() returns, so it must run outside the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    logger.info("%s simulator listening on http://%s:%s (records in %s)", agency.name, host, port, args.db)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        server.store.close()
    logger.info("%s simulator stopped", agency.name)
    return 0


if __name__ == "__main__":
    sys.exit("Run an agency: python -m simulators.police or python -m simulators.social_insurance")
