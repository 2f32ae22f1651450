"""The login between its two steps: the account whose password was right, kept in the session until its code is."""

import time
from dataclasses import dataclass

from django.contrib.auth import login
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.accounts.throttle import login_failures_clear

PENDING_SESSION_KEY = "login_pending"
# Long enough to install an authenticator app and scan the QR code; after that, the password is asked again.
PENDING_SECONDS = 15 * 60


@dataclass(frozen=True)
class PendingLogin:
    user: User
    identifier: str  # as typed on the password step, whose failure counter is cleared only at the end
    next_url: str  # already checked by the password step


def login_pending_start(request: HttpRequest, *, user: User, identifier: str, next_url: str) -> None:
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "identifier": identifier,
        "next": next_url,
        "at": time.time(),
    }


def login_pending(request: HttpRequest) -> PendingLogin | None:
    """The login waiting for its code in this session, if it is recent and the account still active."""
    data = request.session.get(PENDING_SESSION_KEY)
    if not data or time.time() - data["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        return None
    user.backend = data["backend"]
    return PendingLogin(user=user, identifier=data["identifier"], next_url=data["next"])


def login_pending_finish(request: HttpRequest, *, pending: PendingLogin, device: TOTPDevice) -> None:
    """Sign in with both factors: the session is verified by `device`, and the account's failures are forgiven."""
    del request.session[PENDING_SESSION_KEY]
    login(request, pending.user)
    otp_login(request, device)
    login_failures_clear(identifier=pending.identifier)
    login_failures_clear(identifier=pending.user.username)
