"""HMAC-SHA256 signatures of the interconnect protocol: timestamp + "." + raw body, with the agency's secret."""

import hashlib
import hmac
import time

from django.conf import settings

from procedures.models import Agency

TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"
# A timestamp further than this from our clock is refused, so a captured callback cannot be replayed later.
MAX_SKEW_SECONDS = 300

_SECRET_SETTINGS = {
    Agency.POLICE: "INTERCONNECT_POLICE_SECRET",
    Agency.SOCIAL_INSURANCE: "INTERCONNECT_SOCIAL_INSURANCE_SECRET",
}


def agency_secret(agency: str) -> str:
    return getattr(settings, _SECRET_SETTINGS[Agency(agency)])


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(*, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The two headers that sign `body` (b"" for a GET), now or at `timestamp` (Unix seconds)."""
    # Wall-clock seconds, not timezone.now(): the other side checks them against its own real clock.
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret=secret, timestamp=stamp, body=body)}


def signature_problem(*, secret: str, timestamp: str | None, given: str | None, body: bytes) -> str:
    """Why `given` does not sign exactly these bytes with `secret` at a timestamp within the allowed skew; "" when
    it does. The reason goes to the portal's log only: the sender hears a bare 403 whatever it is."""
    timestamp, given = timestamp or "", given or ""
    if not given:
        return "no signature"
    if not (timestamp.isascii() and timestamp.isdigit()):
        return "no or malformed timestamp"
    if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
        return "stale timestamp"
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        return "wrong signature"
    return ""
