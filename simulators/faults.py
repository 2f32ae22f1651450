"""Fault injection of a simulator: what it breaks, set at start (environment, flags) and at run time (/_control)."""

import random
import threading
from collections.abc import Mapping
from typing import Any

# Share of requests or records hit, each in [0, 1].
RATES = ("error_rate", "timeout_rate", "duplicate_callback_rate", "reject_rate")
# Deterministic counters for tests: the next N requests (or records, or callbacks) are hit, whatever the rates.
COUNTERS = ("error_next", "timeout_next", "duplicate_callback_next", "reject_next")
# The fault each counter and rate belongs to, as passed to Faults.hit().
KINDS = ("error", "timeout", "duplicate_callback", "reject")

DEFAULT_TIMEOUT_SECONDS = 30.0


class Faults:
    """The current fault settings; every method is safe to call from any thread."""

    def __init__(self, *, rng: random.Random | None = None, **settings: Any) -> None:
        self._lock = threading.Lock()
        self._rng = rng or random.Random()
        self._settings = self.cleared()
        self._injected = dict.fromkeys(KINDS, 0)
        self.update(settings)

    @staticmethod
    def cleared() -> dict[str, Any]:
        """Settings with every fault off."""
        return {
            "latency_ms": 0,
            "down": False,
            "timeout_seconds": DEFAULT_TIMEOUT_SECONDS,
            **dict.fromkeys(RATES, 0.0),
            **dict.fromkeys(COUNTERS, 0),
        }

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._settings)

    def update(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply `changes` (all or nothing) and return the new settings; `reset: true` first clears every fault.

        Raises FaultSettingsError naming each bad key.
        """
        changes = dict(changes)
        reset = changes.pop("reset", False)
        errors: dict[str, list[str]] = {}
        if not isinstance(reset, bool):
            errors["reset"] = ["must be true or false"]
        cleaned = {}
        for key, value in changes.items():
            problem = _problem(key, value)
            if problem:
                errors[key] = [problem]
            else:
                cleaned[key] = value
        if errors:
            raise FaultSettingsError(errors)
        with self._lock:
            if reset:
                self._settings = self.cleared()
            self._settings.update(cleaned)
            return dict(self._settings)

    def hit(self, kind: str) -> bool:
        """Whether this request or record suffers `kind`: a pending counter first, then the rate by chance."""
        with self._lock:
            counter = f"{kind}_next"
            if self._settings[counter] > 0:
                self._settings[counter] -= 1
                hit = True
            else:
                rate = self._settings[f"{kind}_rate"]
                hit = rate > 0 and self._rng.random() < rate
            self._injected[kind] += hit
            return hit

    def injected(self) -> dict[str, int]:
        """How many requests or records each fault has hit since start."""
        with self._lock:
            return dict(self._injected)

    def setting(self, name: str) -> Any:
        """One setting: latency_ms, down, timeout_seconds, a rate or a counter."""
        with self._lock:
            return self._settings[name]


class FaultSettingsError(ValueError):
    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__(fields)
        self.fields = fields


def _problem(key: str, value: Any) -> str | None:
    """Why `value` is not acceptable for `key`, or None."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key in RATES:
        return None if number and 0 <= value <= 1 else "must be a number from 0 to 1"
    if key in COUNTERS:
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole and value >= 0 else "must be an integer ≥ 0"
    if key == "latency_ms":
        return None if number and 0 <= value <= 600_000 else "must be a number of milliseconds from 0 to 600000"
    if key == "timeout_seconds":
        return None if number and 0 < value <= 3600 else "must be a number of seconds above 0, at most 3600"
    if key == "down":
        return None if isinstance(value, bool) else "must be true or false"
    return "unknown fault setting"
