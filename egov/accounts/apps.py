from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "egov.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và vai trò")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from egov.accounts.middleware import officer_session_start

        user_logged_in.connect(officer_session_start, dispatch_uid="officer_session_start")
