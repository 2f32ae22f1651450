from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "egov.workcal"
    label = "workcal"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from egov.workcal import signals  # noqa: F401  (connects the cache invalidation)
