from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from egov.accounts import views
from egov.accounts.forms import PortalSetPasswordForm
from egov.accounts.gates import public

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", public(views.PortalLoginView.as_view()), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.login_code, name="login-code"),
    path("dang-nhap-hai-buoc/", views.otp_enrol, name="otp-enrol"),
    path("dang-xuat/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("quen-mat-khau/", views.password_reset_request, name="password-reset"),
    path("quen-mat-khau/nhap-ma/", views.password_reset_code, name="password-reset-code"),
    # Officers: Django's reset by a link e-mailed to the address on the account.
    path(
        "quen-mat-khau/email/",
        public(views.EmailPasswordResetView.as_view()),
        name="password-reset-email",
    ),
    path(
        "quen-mat-khau/email/da-gui/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password-reset-email-sent",
    ),
    path(
        "quen-mat-khau/email/<uidb64>/<token>/",
        public(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=PortalSetPasswordForm, success_url=reverse_lazy("accounts:password-reset-email-complete")
            )
        ),
        name="password-reset-email-confirm",
    ),
    path(
        "quen-mat-khau/email/xong/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password-reset-email-complete",
    ),
]
