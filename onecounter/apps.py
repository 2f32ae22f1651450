from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnecounterConfig(AppConfig):
    name = "onecounter"
    label = "onecounter"
    verbose_name = _("Bộ phận một cửa")
