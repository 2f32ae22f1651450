"""Officers' sessions end after a while idle and after a working day at most; citizens keep Django's default."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "officer_session_started"
SESSION_SEEN_KEY = "officer_session_seen"
# The last request is written down at most once a minute, so a page costs no session write: the idle limit may then
# end a session up to a minute early.
SEEN_GRANULARITY_SECONDS = 60


def _limited(user) -> bool:
    return user.is_officer or user.is_staff


def officer_session_start(sender, request: HttpRequest, user, **kwargs) -> None:
    """Start both clocks at the login (connected to `user_logged_in` by the app), inside the login's own write."""
    if _limited(user):
        request.session[SESSION_STARTED_KEY] = request.session[SESSION_SEEN_KEY] = time.time()


def _expiry_message(*, idle: float, total: float) -> str | None:
    """Why the session is over, in seconds since the last request and since the first, or None while it lasts."""
    if idle > settings.OFFICER_SESSION_IDLE_SECONDS:
        return _("Phiên làm việc đã hết hạn sau %(minutes)s phút không thao tác. Hãy đăng nhập lại để tiếp tục.") % {
            "minutes": settings.OFFICER_SESSION_IDLE_SECONDS // 60
        }
    if total > settings.OFFICER_SESSION_MAX_SECONDS:
        return _("Phiên làm việc đã hết hạn sau %(hours)s giờ liên tục. Hãy đăng nhập lại để tiếp tục.") % {
            "hours": settings.OFFICER_SESSION_MAX_SECONDS // 3600
        }
    return None


class OfficerSessionLimitMiddleware:
    """An officer's session opens a commune's records, often on a shared office PC: it must not outlive the desk."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and _limited(user):
            now = time.time()
            session = request.session
            # A session from before these limits starts its clocks now.
            started = session.setdefault(SESSION_STARTED_KEY, now)
            seen = session.setdefault(SESSION_SEEN_KEY, now)
            message = _expiry_message(idle=now - seen, total=now - started)
            if message:
                logout(request)
                messages.warning(request, message)
                # After signing in again the officer comes back to the page they asked for, unless it was a form post.
                if request.method == "GET":
                    return redirect_to_login(request.get_full_path())
                return redirect(settings.LOGIN_URL)
            if now - seen >= SEEN_GRANULARITY_SECONDS:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)
