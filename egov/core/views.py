"""Pages every user sees: the home page, the post-login router and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each user to the home page of their role."""
    if request.user.is_citizen:
        return redirect("core:home")
    return redirect("core:officer-home")


@login_required
def officer_home(request: HttpRequest) -> HttpResponse:
    if request.user.is_citizen:
        return redirect("core:home")
    return render(request, "core/officer_home.html")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:
        return False


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database and the broker answer; 503 when either does not."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error", **{name: "ok" if ok else "error" for name, ok in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
