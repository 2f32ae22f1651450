"""Login throttling: count failures per identifier and per client address in the shared cache.

The cache is Redis in production, so every web node sees the same counters. A counter lives for
LOGIN_FAILURE_WINDOW_SECONDS from its first failure; reaching LOGIN_MAX_FAILURES locks that key for one
whole window from the failure that reached it, and the lock's expiry is what the citizen is told.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from egov.accounts.selectors import login_identifier_key

_PREFIX = "login-throttle"


def throttle_key(scope: str, kind: str, value: str) -> str:
    """A cache key for one counted subject; hashed so phone numbers and addresses do not sit in the cache in clear."""
    return f"{scope}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def throttle_hit(*, key: str, window: int) -> int:
    """Count one attempt under `key` and return the attempts within the window (which starts at the first)."""
    # add() + incr() is atomic on Redis, so two web nodes counting at once do not lose an attempt.
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def _keys(kind: str, value: str) -> tuple[str, str]:
    base = throttle_key(_PREFIX, kind, value)
    return f"{base}:count", f"{base}:locked-until"


def _subjects(*, identifier: str, client_ip: str | None) -> list[tuple[str, str]]:
    subjects = []
    if identifier.strip():
        subjects.append(("id", login_identifier_key(identifier)))
    if client_ip:
        subjects.append(("ip", client_ip))
    return subjects


def login_locked_until(*, identifier: str, client_ip: str | None) -> float | None:
    """The epoch time after which this identifier and address may try again, or None when not locked."""
    lock_keys = [_keys(kind, value)[1] for kind, value in _subjects(identifier=identifier, client_ip=client_ip)]
    now = time.time()
    until = [value for value in cache.get_many(lock_keys).values() if value and value > now]
    return max(until) if until else None


def login_failure_record(*, identifier: str, client_ip: str | None) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for kind, value in _subjects(identifier=identifier, client_ip=client_ip):
        count_key, lock_key = _keys(kind, value)
        if throttle_hit(key=count_key, window=window) >= settings.LOGIN_MAX_FAILURES:
            cache.add(lock_key, time.time() + window, timeout=window)


def login_failures_clear(*, identifier: str) -> None:
    """Forget an identifier's failures after a successful login (the address counter stays)."""
    cache.delete_many(list(_keys("id", login_identifier_key(identifier))))
