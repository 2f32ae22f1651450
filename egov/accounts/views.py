"""Account pages: citizen registration, login, and password reset by a one-time code."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from egov.accounts.forms import (
    CitizenRegistrationForm,
    PasswordResetCodeForm,
    PasswordResetRequestForm,
    PortalLoginForm,
    PortalPasswordResetForm,
)
from egov.accounts.gates import public
from egov.accounts.services import citizen_register, password_reset_code_send, password_reset_complete
from egov.accounts.throttle import login_failures_clear

AUTH_BACKEND = "egov.accounts.backends.IdNumberOrPhoneBackend"
# The identifier typed on the first reset page, kept server-side for the second one.
RESET_SESSION_KEY = "password_reset_identifier"


class PortalLoginView(LoginView):
    form_class = PortalLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: PortalLoginForm) -> HttpResponse:
        login_failures_clear(identifier=form.cleaned_data["username"])
        return super().form_valid(form)


class EmailPasswordResetView(PasswordResetView):
    """Django's e-mailed-link reset, for officers."""

    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-email-sent")

    def form_valid(self, form: PortalPasswordResetForm) -> HttpResponse:
        # Links are built from SITE_URL, never from the Host header a visitor sends.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


@public
@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:after-login")
    form = CitizenRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = citizen_register(
                full_name=data["full_name"],
                id_number=data["id_number"],
                sex=data["sex"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Đã tạo tài khoản. Chào %(name)s!") % {"name": user.full_name})
            return redirect("core:home")
    return render(request, "accounts/register.html", {"form": form})


@public
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        password_reset_code_send(identifier=identifier)
        request.session[RESET_SESSION_KEY] = identifier
        return redirect("accounts:password-reset-code")
    return render(request, "accounts/password_reset_request.html", {"form": form})


@public
@sensitive_post_parameters("code", "password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    identifier = request.session.get(RESET_SESSION_KEY)
    if not identifier:
        return redirect("accounts:password-reset")
    form = PasswordResetCodeForm(request.POST if request.method == "POST" else None, identifier=identifier)
    if request.method == "POST" and form.is_valid():
        password_reset_complete(user=form.user, new_password=form.cleaned_data["password1"])
        del request.session[RESET_SESSION_KEY]
        messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới."))
        return redirect("accounts:login")
    return render(request, "accounts/password_reset_code.html", {"form": form})
