"""Linked records to the police and social insurance (outbox), agency adapters, tasks and callbacks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterconnectConfig(AppConfig):
    name = "interconnect"
    label = "interconnect"
    verbose_name = _("Liên thông")

    def ready(self) -> None:
        from interconnect.services import linked_records_open
        from procedures.transitions import APPROVAL_HOOKS

        # ready() may run more than once (e.g. in tests); the hook must run once per approval.
        if linked_records_open not in APPROVAL_HOOKS:
            APPROVAL_HOOKS.append(linked_records_open)
