"""The simulator's background work: decide accepted records after the processing delay, deliver signed callbacks.

Two threads, so that a slow portal does not hold up decisions. Both work only from the store, so a restart
picks up whatever was left: records still processing, callbacks still pending.
"""

import functools
import http.client
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulators.agency import Agency, Outcome, today
from simulators.faults import Faults
from simulators.protocol import signed_headers
from simulators.store import Callback, Store

logger = logging.getLogger("simulators")

# Longest wait between two attempts at one callback, however many attempts failed before.
MAX_BACKOFF_SECONDS = 60.0
# Longest idle sleep: the threads look at the store at least this often.
IDLE_SECONDS = 1.0


@dataclass(frozen=True)
class CallbackPolicy:
    attempts: int = 10  # attempts in all, the first included; then the callback is given up ("failed")
    backoff: float = 1.0  # seconds before the second attempt, doubled for each later one (capped)
    timeout: float = 5.0  # seconds to wait for the portal's answer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is not a 2xx: the callback is retried at the same URL rather than re-sent as a GET elsewhere.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class Worker:
    def __init__(self, *, agency: Agency, store: Store, faults: Faults, secret: str, policy: CallbackPolicy) -> None:
        self.agency = agency
        self.store = store
        self.faults = faults
        self.secret = secret
        self.policy = policy
        self._stopping = threading.Event()
        self._records_waiting = threading.Event()
        self._callbacks_waiting = threading.Event()
        # Each thread sleeps until its own next due moment, so a slow callback never makes the other one spin.
        self._threads = [
            threading.Thread(target=self._loop, args=loop, name=loop[0].__name__, daemon=True)
            for loop in (
                (self.decide_due, store.next_record_due, self._records_waiting),
                (self.deliver_due, store.next_callback_due, self._callbacks_waiting),
            )
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._records_waiting.set()
        self._callbacks_waiting.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=self.policy.timeout + 1)

    def record_stored(self) -> None:
        """Look at the store now rather than at the next tick (a record was stored)."""
        self._records_waiting.set()

    def _loop(
        self, work: Callable[[float], int], next_due_of: Callable[[], float | None], waiting: threading.Event
    ) -> None:
        while not self._stopping.is_set():
            try:
                work(time.time())
                next_due = next_due_of()
            except Exception:
                if self._stopping.is_set():
                    break
                logger.exception("background work failed; trying again shortly")
                next_due = None
            pause = IDLE_SECONDS if next_due is None else min(IDLE_SECONDS, max(0.0, next_due - time.time()))
            waiting.wait(pause)
            waiting.clear()

    def decide_due(self, now: float) -> int:
        """Decide every record whose processing delay is over; the number decided."""
        decided = 0
        for record_id in self.store.records_due(now):
            forced_reason = random.choice(self.agency.reject_reasons) if self.faults.hit("reject") else None
            copies = 2 if self.faults.hit("duplicate_callback") else 1

            decide = functools.partial(self._outcome, forced_reason=forced_reason)
            outcome = self.store.record_decide(record_id, decide, copies=copies)
            if outcome is None:
                continue
            decided += 1
            detail = outcome.reason if outcome.status == "rejected" else outcome.result
            logger.info(
                "record %s %s%s: %s", record_id, outcome.status, " (callback doubled)" if copies > 1 else "", detail
            )
        if decided:
            self._callbacks_waiting.set()
        return decided

    def _outcome(
        self, payload: Mapping[str, Any], next_number: Callable[[str], int], *, forced_reason: str | None
    ) -> Outcome:
        if forced_reason:
            return Outcome.rejected(forced_reason)
        return self.agency.kinds[payload["kind"]].decide(payload, today(), next_number)

    def deliver_due(self, now: float) -> int:
        """Attempt every callback that is due; the number delivered."""
        delivered = 0
        for callback in self.store.callbacks_due(now):
            if self._stopping.is_set():
                break
            delivered += self.deliver(callback)
        return delivered

    def deliver(self, callback: Callback) -> bool:
        """One signed POST of a callback; records the attempt and, unless delivered or given up, when to retry."""
        status, error = self._post(callback)
        attempt = callback.attempts + 1
        answer = f"answered {status}" if status is not None else f"failed ({error})"
        now = time.time()
        if status is not None and 200 <= status < 300:
            state, next_attempt_at, then = "delivered", now, "delivered"
        elif attempt >= self.policy.attempts:
            state, next_attempt_at, then = "failed", now, "giving up"
        else:
            delay = min(self.policy.backoff * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
            state, next_attempt_at, then = "pending", now + delay, f"retrying in {delay:.1f} s"
        self.store.callback_attempted(
            callback.id, status=state, next_attempt_at=next_attempt_at, error="" if state == "delivered" else answer
        )
        logger.log(
            logging.WARNING if state == "failed" else logging.INFO,
            "callback %s for record %s: attempt %d %s; %s",
            callback.event_id,
            callback.record_id,
            attempt,
            answer,
            then,
        )
        return state == "delivered"

    def _post(self, callback: Callback) -> tuple[int | None, str]:
        """The portal's HTTP status, or None and why there was none."""
        headers = {"Content-Type": "application/json; charset=utf-8", **signed_headers(self.secret, callback.body)}
        # The scheme of callback_url was checked at intake: http or https only.
        request = urllib.request.Request(  # noqa: S310
            callback.url, data=callback.body, headers=headers, method="POST"
        )
        try:
            with _opener.open(request, timeout=self.policy.timeout) as response:
                response.read()
                return response.status, ""
        except urllib.error.HTTPError as answer:
            answer.close()
            return answer.code, ""
        except (urllib.error.URLError, http.client.HTTPException, OSError) as problem:
            return None, str(getattr(problem, "reason", problem))
