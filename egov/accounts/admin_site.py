"""The admin site: active staff signed in with their second factor, through the portal's one throttled login."""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite


class PortalAdminSite(OTPAdminSite):
    """OTPAdminSite admits only sessions verified by a device (`user.is_verified()`), on top of active staff."""

    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite names itself "otpadmin"; the URLs and templates reverse "admin:…".
        super().__init__(name)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """No password form of its own: a second login would be a second door for guessing, outside the throttle."""
        user = request.user
        if user.is_authenticated and not self.has_permission(request):
            if not (user.is_active and user.is_staff):
                raise PermissionDenied(_("Tài khoản của bạn không được vào trang quản trị."))
            # Staff signed in without the second factor (a session from before it was asked): sign in again with it.
            logout(request)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse(settings.LOGIN_URL))
