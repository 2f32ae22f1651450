"""The simulator's own SQLite file: received records, their outcomes, the callbacks still to deliver, sequences.

Everything the simulator promised survives a restart: records still processing are decided, callbacks still
pending are delivered. One connection serialised by a lock: the simulator's traffic is small.
"""

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulators.agency import Outcome, today

logger = logging.getLogger("simulators")

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    agency_ref TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    process_after REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'processing',
    result TEXT,
    reason TEXT,
    decided_at TEXT
);
CREATE INDEX IF NOT EXISTS records_due ON records (status, process_after);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    record_id TEXT NOT NULL REFERENCES records (id),
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Callback:
    id: int
    event_id: str
    record_id: str
    url: str
    body: bytes
    attempts: int


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._closed = False
        with self._lock:
            script = SCHEMA
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            has_records = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'records'").fetchone()
            # Version 1 was the stub that only kept request bodies: nothing in it can be processed.
            if version < SCHEMA_VERSION and has_records:
                logger.warning("dropping the records of the earlier stub simulator in %s", path)
                script = f"DROP TABLE records; {SCHEMA}"
            self._db.executescript(f"BEGIN; {script} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _next_number(self, db: sqlite3.Connection, name: str) -> int:
        db.execute(
            "INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1",
            (name,),
        )
        return db.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()[0]

    def record_accept(
        self, payload: Mapping[str, Any], *, process_after: float, ref_prefix: str
    ) -> tuple[dict[str, Any], bool]:
        """Store a new record: (its state, True); or (the state of the one already stored, False)."""
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM records WHERE id = ?", (payload["id"],)).fetchone():
                now = datetime.now(UTC)
                agency_ref = f"{ref_prefix}-{today():%Y%m%d}-{self._next_number(db, 'agency_ref'):06d}"
                db.execute(
                    "INSERT INTO records (id, kind, agency_ref, body, received_at, process_after)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        payload["id"],
                        payload["kind"],
                        agency_ref,
                        json.dumps(payload, ensure_ascii=False),
                        now.isoformat(),
                        process_after,
                    ),
                )
                return self._state(db, payload["id"]), True
            return self._state(db, payload["id"]), False

    def record_state(self, record_id: str) -> dict[str, Any] | None:
        """What GET /records/<id> answers: id, status, agency_ref, and the result or the reason once final."""
        with self._lock:
            return self._state(self._db, record_id)

    def _state(self, db: sqlite3.Connection, record_id: str) -> dict[str, Any] | None:
        row = db.execute("SELECT status, agency_ref, result, reason FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return None
        status, agency_ref, result, reason = row
        state = {"id": record_id, "status": status, "agency_ref": agency_ref}
        if status == "completed":
            state["result"] = json.loads(result)
        elif status == "rejected":
            state["reason"] = reason
        return state

    def records_due(self, now: float, *, limit: int = 100) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM records WHERE status = 'processing' AND process_after <= ?"
                " ORDER BY process_after LIMIT ?",
                (now, limit),
            ).fetchall()
        return [row[0] for row in rows]

    def record_decide(
        self,
        record_id: str,
        decide: Callable[[Mapping[str, Any], Callable[[str], int]], Outcome],
        *,
        copies: int = 1,
    ) -> Outcome | None:
        """Decide a record still processing and queue `copies` identical callbacks, in one transaction.

        `decide(payload, next_number)` gives the outcome; None when the record was not processing any more.
        """
        with self._transaction() as db:
            row = db.execute("SELECT body FROM records WHERE id = ? AND status = 'processing'", (record_id,)).fetchone()
            if row is None:
                return None
            payload = json.loads(row[0])
            outcome = decide(payload, lambda name: self._next_number(db, name))
            now = datetime.now(UTC)
            db.execute(
                "UPDATE records SET status = ?, result = ?, reason = ?, decided_at = ? WHERE id = ?",
                (
                    outcome.status,
                    None if outcome.result is None else json.dumps(outcome.result, ensure_ascii=False),
                    outcome.reason,
                    now.isoformat(),
                    record_id,
                ),
            )
            event = {"event_id": str(uuid.uuid4()), "id": record_id, "status": outcome.status}
            event.update({"result": outcome.result} if outcome.result is not None else {"reason": outcome.reason})
            body = json.dumps(event, ensure_ascii=False)
            for _ in range(copies):
                db.execute(
                    "INSERT INTO callbacks (event_id, record_id, url, body, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                    (event["event_id"], record_id, payload["callback_url"], body, now.timestamp()),
                )
            return outcome

    def callbacks_due(self, now: float, *, limit: int = 100) -> list[Callback]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, event_id, record_id, url, body, attempts FROM callbacks"
                " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                (now, limit),
            ).fetchall()
        return [Callback(*row[:4], row[4].encode(), row[5]) for row in rows]

    def callback_attempted(self, callback_id: int, *, status: str, next_attempt_at: float, error: str = "") -> None:
        """Count one delivery attempt; `status` is delivered, pending (retry at next_attempt_at) or failed."""
        with self._transaction() as db:
            db.execute(
                "UPDATE callbacks SET attempts = attempts + 1, status = ?, next_attempt_at = ?, last_error = ?,"
                " delivered_at = CASE WHEN ? = 'delivered' THEN ? END WHERE id = ?",
                (status, next_attempt_at, error, status, datetime.now(UTC).isoformat(), callback_id),
            )

    def next_record_due(self) -> float | None:
        """When the next record still processing is to be decided, if any."""
        with self._lock:
            return self._db.execute("SELECT MIN(process_after) FROM records WHERE status = 'processing'").fetchone()[0]

    def next_callback_due(self) -> float | None:
        """When the next pending callback is to be attempted, if any."""
        with self._lock:
            return self._db.execute("SELECT MIN(next_attempt_at) FROM callbacks WHERE status = 'pending'").fetchone()[0]

    def stats(self) -> dict[str, dict[str, int]]:
        with self._lock:
            records = dict(self._db.execute("SELECT status, COUNT(*) FROM records GROUP BY status").fetchall())
            callbacks = dict(self._db.execute("SELECT status, COUNT(*) FROM callbacks GROUP BY status").fetchall())
            attempts = self._db.execute("SELECT COALESCE(SUM(attempts), 0) FROM callbacks").fetchone()[0]
        return {
            "records": {
                "stored": sum(records.values()),
                **{status: records.get(status, 0) for status in ("processing", "completed", "rejected")},
            },
            "callbacks": {
                "delivered": callbacks.get("delivered", 0),
                "pending": callbacks.get("pending", 0),
                "failed": callbacks.get("failed", 0),
                "attempts": attempts,
            },
        }

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()
