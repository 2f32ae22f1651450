"""One client per agency behind one interface: signed JSON over HTTP, failures mapped to typed exceptions.

The protocol (docs/interconnect-protocol.md) is the same for both agencies, so the clients differ only in
their settings; the interface is what the services and the tests rely on: `submit(record) -> Accepted`,
`fetch(record) -> AgencyState`, or one of the `AgencyError` subclasses. Stdlib `urllib` only: the runtime
requirements have no HTTP client library and this needs none.
"""

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings

from interconnect.models import LinkedRecord
from interconnect.signing import agency_secret, signed_headers
from procedures.models import Agency

# Enough of an answer for the officer's log; agencies' answers are small.
EXCERPT_CHARS = 2000
MAX_ANSWER_BYTES = 256 * 1024
AGENCY_STATES = frozenset({"processing", "completed", "rejected"})


@dataclass(frozen=True)
class AgencyState:
    """Where the agency is with a record: processing, or completed with a result, or rejected with a reason."""

    status: str
    result: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def is_final(self) -> bool:
        return self.status in ("completed", "rejected")


@dataclass(frozen=True)
class Accepted:
    """The agency stored the record (202), or already had it (200, a repeat); `state` when it says more."""

    http_status: int
    agency_ref: str
    excerpt: str
    state: AgencyState | None = None


class AgencyError(Exception):
    """The agency did not take the request; `http_status`, `error` and `excerpt` go to the attempt log."""

    outcome: ClassVar[str]

    def __init__(self, message: str, *, http_status: int | None = None, error: str = "", excerpt: str = "") -> None:
        super().__init__(message)
        self.http_status = http_status
        self.error = error
        self.excerpt = excerpt


class AgencyUnavailable(AgencyError):
    """Network error, timeout, 5xx or an unreadable answer: it may pass, so the push is retried."""

    outcome = "unavailable"


class AgencyRefused(AgencyError):
    """400/422: the agency says the payload is wrong (`fields`: path → messages); retrying cannot help."""

    outcome = "refused"

    def __init__(self, message: str, *, fields: dict[str, list[str]], **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.fields = fields


class AgencyMisconfigured(AgencyError):
    """403 (our signature refused) or another answer that means the connection is set up wrong; not retried."""

    outcome = "misconfigured"


class AgencyRecordUnknown(AgencyError):
    """404 to a poll: the agency never stored the record."""

    outcome = "unknown"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A signed payload with personal data must not follow a redirect to wherever it points.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _excerpt(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")[:EXCERPT_CHARS]


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class AgencyClient:
    """The protocol's client side for one agency; subclasses name the agency and its URL setting."""

    agency: ClassVar[str]
    url_setting: ClassVar[str]

    @property
    def base_url(self) -> str:
        return getattr(settings, self.url_setting).rstrip("/")

    def submit(self, record: LinkedRecord) -> Accepted:
        """POST the record's payload; its UUID is the idempotency key, so a repeat creates nothing new."""
        body = json.dumps(record.payload, ensure_ascii=False, separators=(",", ":")).encode()
        status, raw = self._call("POST", "/records", body, {"Idempotency-Key": str(record.uuid)})
        if status not in (200, 201, 202):
            self._raise_for(status, raw)
        answer = _json_object(raw)
        if answer is None:
            raise AgencyUnavailable(
                "the agency's answer is not a JSON object",
                http_status=status,
                error="bad_response",
                excerpt=_excerpt(raw),
            )
        state = None
        if answer.get("status") in ("completed", "rejected"):
            state = self._state(answer, status, raw)
        return Accepted(
            http_status=status, agency_ref=str(answer.get("agency_ref") or "")[:100], excerpt=_excerpt(raw), state=state
        )

    def fetch(self, record: LinkedRecord) -> AgencyState:
        """GET the agency's state of the record (polling, when no callback came)."""
        status, raw = self._call("GET", f"/records/{record.uuid}", b"")
        if status == 404:
            raise AgencyRecordUnknown("the agency has no such record", http_status=status, excerpt=_excerpt(raw))
        if status != 200:
            self._raise_for(status, raw)
        return self._state(_json_object(raw), status, raw)

    def _state(self, answer: dict[str, Any] | None, status: int, raw: bytes) -> AgencyState:
        if (
            answer is None
            or answer.get("status") not in AGENCY_STATES
            or not isinstance(answer.get("result", {}), dict)
            or not isinstance(answer.get("reason", ""), str)
        ):
            raise AgencyUnavailable(
                "the agency's state is not readable", http_status=status, error="bad_response", excerpt=_excerpt(raw)
            )
        return AgencyState(
            status=answer["status"], result=answer.get("result") or {}, reason=answer.get("reason") or ""
        )

    def _call(self, method: str, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send one signed request; (HTTP status, body) for any HTTP answer, AgencyUnavailable for none."""
        url = self.base_url + path
        if not url.startswith(("http://", "https://")):
            raise AgencyMisconfigured(f"{self.url_setting} must be an http(s) URL", error="bad_url")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url,
            data=body if method == "POST" else None,
            method=method,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                **signed_headers(secret=agency_secret(self.agency), body=body),
                **(headers or {}),
            },
        )
        try:
            with _opener.open(request, timeout=settings.INTERCONNECT_TIMEOUT_SECONDS) as response:
                return response.status, response.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, answer.read(MAX_ANSWER_BYTES)
        except TimeoutError as exc:
            raise AgencyUnavailable(f"no answer within the timeout: {exc}", error="timeout") from exc
        except urllib.error.URLError as exc:
            kind = "timeout" if isinstance(exc.reason, TimeoutError) else "connection"
            raise AgencyUnavailable(f"cannot reach the agency: {exc.reason}", error=kind) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise AgencyUnavailable(f"the connection failed: {exc!r}", error="connection") from exc

    def _raise_for(self, status: int, raw: bytes) -> None:
        excerpt = _excerpt(raw)
        if status >= 500 or status in (408, 429):
            raise AgencyUnavailable(f"the agency answered {status}", http_status=status, excerpt=excerpt)
        if status in (400, 422):
            answer = _json_object(raw) or {}
            fields = answer.get("fields") if isinstance(answer.get("fields"), dict) else {}
            fields = {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in fields.items()}
            raise AgencyRefused(
                f"the agency refused the payload ({status})", fields=fields, http_status=status, excerpt=excerpt
            )
        raise AgencyMisconfigured(f"the agency answered {status}", http_status=status, excerpt=excerpt)


class PoliceClient(AgencyClient):
    """The police household registry (cơ sở dữ liệu cư trú): register or remove a permanent residence."""

    agency = Agency.POLICE
    url_setting = "INTERCONNECT_POLICE_URL"


class SocialInsuranceClient(AgencyClient):
    """Social insurance (BHXH): the health-insurance card of a child under six."""

    agency = Agency.SOCIAL_INSURANCE
    url_setting = "INTERCONNECT_SOCIAL_INSURANCE_URL"


CLIENTS: dict[str, type[AgencyClient]] = {client.agency: client for client in (PoliceClient, SocialInsuranceClient)}


def client_for(agency: str) -> AgencyClient:
    return CLIENTS[agency]()
