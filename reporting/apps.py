from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    label = "reporting"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from . import signals  # noqa: F401
