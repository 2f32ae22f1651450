"""The Django admin for the notification outbox: looked at, and a failed message sent again; never edited."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from egov.core.admin import ReadOnlyMixin
from egov.notifications.models import Notification
from egov.notifications.services import notification_resend


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The messages sent to requesters; a failed one shows the gateway's last error and may be sent again."""

    list_display = ["dossier", "action", "channel", "recipient", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "channel", "action"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "dossier",
        "action",
        "channel",
        "recipient",
        "subject",
        "text",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    actions = ["resend"]

    @admin.action(description=_("Gửi lại các thông báo gửi không được"))
    def resend(self, request: HttpRequest, queryset) -> None:
        count = sum(notification_resend(notification=notification) for notification in queryset)
        self.message_user(
            request,
            ngettext("Đã xếp %(count)d thông báo để gửi lại.", "Đã xếp %(count)d thông báo để gửi lại.", count)
            % {"count": count},
            messages.SUCCESS,
        )
