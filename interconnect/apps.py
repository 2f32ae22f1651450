from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterconnectConfig(AppConfig):
    name = "interconnect"
    label = "interconnect"
    verbose_name = _("Liên thông")
