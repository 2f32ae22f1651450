"""Account pages: citizen registration, login with its second step, and password reset by a one-time code."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from egov.accounts.forms import (
    CitizenRegistrationForm,
    PasswordResetCodeForm,
    PasswordResetRequestForm,
    PortalLoginForm,
    PortalPasswordResetForm,
    TotpCodeForm,
)
from egov.accounts.gates import public
from egov.accounts.otp import totp_key_groups, totp_qr_image
from egov.accounts.second_factor import login_pending, login_pending_finish, login_pending_start
from egov.accounts.selectors import user_must_have_second_factor, user_needs_second_factor, user_totp_device
from egov.accounts.services import (
    citizen_register,
    password_reset_code_send,
    password_reset_complete,
    totp_device_start,
)
from egov.accounts.throttle import login_failures_clear

AUTH_BACKEND = "egov.accounts.backends.IdNumberOrPhoneBackend"
# The identifier typed on the first reset page, kept server-side for the second one.
RESET_SESSION_KEY = "password_reset_identifier"


class PortalLoginView(LoginView):
    """The one login of the portal and of its admin: the password, then for some accounts a code (ADR 0016)."""

    form_class = PortalLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: PortalLoginForm) -> HttpResponse:
        user, identifier = form.get_user(), form.cleaned_data["username"]
        if user_needs_second_factor(user):
            # Not signed in yet, and the failures stay counted: a guesser who has the password still faces the lock.
            login_pending_start(self.request, user=user, identifier=identifier, next_url=self.get_success_url())
            return redirect("accounts:login-code")
        login_failures_clear(identifier=identifier)
        return super().form_valid(form)


@public
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The login's second step: the code of the account's authenticator app, or its enrolment if it has none."""
    pending = login_pending(request)
    if pending is None:
        return redirect("accounts:login")
    device = user_totp_device(pending.user)
    if device is None:
        return redirect("accounts:otp-enrol")
    form = TotpCodeForm(
        request.POST if request.method == "POST" else None, request=request, user=pending.user, device=device
    )
    if request.method == "POST" and form.is_valid():
        login_pending_finish(request, pending=pending, device=form.verified_device)
        return redirect(pending.next_url)
    return render(request, "accounts/login_code.html", {"form": form, "username": pending.user.username})


# Public: between the password and the code nobody is signed in yet; the view decides who may enrol.
@public
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: on the way in for an account that must have one (nothing else opens before),
    or by choice from an officer's home page."""
    pending = None if request.user.is_authenticated else login_pending(request)
    user = pending.user if pending else request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_citizen and not user_must_have_second_factor(user):
        raise PermissionDenied(_("Đăng nhập hai bước dành cho tài khoản cán bộ."))
    enrolled = user_totp_device(user)
    if enrolled is not None:
        if pending:
            return redirect("accounts:login-code")
        return render(request, "accounts/otp_enrolled.html", {"device": enrolled})
    device = totp_device_start(user=user)
    form = TotpCodeForm(request.POST if request.method == "POST" else None, request=request, user=user, device=device)
    if request.method == "POST" and form.is_valid():
        messages.success(
            request,
            _("Đã bật đăng nhập hai bước. Từ nay, mỗi lần đăng nhập bạn nhập thêm mã trong ứng dụng xác thực."),
        )
        if pending:
            login_pending_finish(request, pending=pending, device=form.verified_device)
            return redirect(pending.next_url)
        otp_login(request, form.verified_device)
        return redirect("core:officer-home")
    context = {
        "form": form,
        "required": pending is not None,
        "username": user.username,
        "qr": totp_qr_image(device),
        "key": totp_key_groups(device),
    }
    return render(request, "accounts/otp_enrol.html", context)


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
