"""The Django admin for linked records: view only; records change through the interconnect services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from egov.core.admin import ReadOnlyMixin
from interconnect.models import AgencyCallback, LinkedRecord, LinkedRecordAttempt
from procedures.admin import ReadOnlyInline


class AttemptInline(ReadOnlyInline):
    model = LinkedRecordAttempt
    fields = readonly_fields = ["at", "request", "outcome", "http_status", "error", "duration_ms", "response_excerpt"]
    ordering = ["at", "pk"]


class CallbackInline(ReadOnlyInline):
    model = AgencyCallback
    fields = readonly_fields = ["received_at", "event_id", "outcome", "note", "repeats", "body"]
    ordering = ["received_at", "pk"]


@admin.register(LinkedRecord)
class LinkedRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Looked at here, never changed: a push, an answer and a re-send each go through a service that claims the
    record and logs what happened, and the attempt log is append-only. Deleting would cascade through that log and let
    a dossier settle without it."""

    list_display = ["dossier", "agency", "kind", "status", "attempts", "due_at", "answered_at"]
    list_filter = ["agency", "kind", "status"]
    search_fields = ["dossier__code", "uuid", "agency_ref"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["uuid", "dossier", "agency", "kind", "status", "agency_ref"]}),
        (
            _("Gửi và trả lời"),
            {
                "fields": [
                    "created_at",
                    "attempts",
                    "next_attempt_at",
                    "sent_at",
                    "due_at",
                    "answered_at",
                    "resent_by",
                    "resent_at",
                ]
            },
        ),
        (_("Kết quả"), {"fields": ["result", "reason"]}),
        (_("Dữ liệu gửi"), {"fields": ["payload"]}),
    ]
    readonly_fields = [field for _section, options in fieldsets for field in options["fields"]]
    inlines = [AttemptInline, CallbackInline]
