"""The signature of docs/interconnect-protocol.md: HMAC-SHA256 over timestamp + "." + raw body, both directions."""

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"
# A timestamp further than this from the receiver's clock is refused, so a captured request cannot be replayed later.
SIGNATURE_WINDOW_SECONDS = 300


def default_secret(slug: str) -> str:
    """The development secret both sides use when none is configured (production refuses it)."""
    return f"dev-interconnect-secret-{slug}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The two headers that sign `body` (the empty bytes for a GET) now, or at `timestamp`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret, stamp, body)}


def signature_is_valid(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> bool:
    """True when the headers carry a fresh signature of exactly these bytes under `secret`."""
    stamp = headers.get(TIMESTAMP_HEADER) or ""
    given = headers.get(SIGNATURE_HEADER) or ""
    if not stamp.isascii() or not stamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > SIGNATURE_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(given.encode(errors="replace"), signature(secret, stamp, body).encode())
