"""The Django admin for the catalogue (editable) and for dossiers (read-only: changes go through the services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from egov.core.admin import ReadOnlyMixin
from procedures.models import Attachment, Dossier, DossierAccess, DossierEvent, Procedure


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "form_kind",
        "processing_days_urban",
        "processing_days_rural",
        "is_active",
        "position",
    ]
    list_filter = ["level", "form_kind", "is_active"]
    search_fields = ["code", "name", "slug"]
    ordering = ["position", "code"]


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Rows shown with their dossier, never added, edited or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = False


class DossierEventInline(ReadOnlyInline):
    model = DossierEvent
    fields = readonly_fields = ["at", "action", "actor", "from_status", "to_status", "reason"]
    ordering = ["at", "pk"]


class AttachmentInline(ReadOnlyInline):
    # No link to the file: scans are private and are served only through the checking views.
    model = Attachment
    fields = readonly_fields = ["document", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Dossiers are looked at here, not changed: the status is a protected FSM field and every change must
    go through a service, which checks the actor and writes the event. So the admin offers view only; deleting would
    cascade through the append-only event log."""

    list_display = ["code_or_draft", "procedure", "unit", "channel", "status", "requester_name", "due_at"]
    list_filter = ["status", "channel", "procedure", ("unit", admin.RelatedOnlyFieldListFilter), "is_late"]
    search_fields = ["code", "requester_name", "contact_phone", "applicant__full_name", "applicant__id_number"]
    list_select_related = ["procedure", "unit"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["code", "procedure", "unit", "channel", "status", "is_late"]}),
        (_("Người yêu cầu"), {"fields": ["applicant", "requester_name", "contact_phone", "contact_email"]}),
        (
            _("Xử lý"),
            {
                "fields": [
                    "assignee",
                    "created_at",
                    "submitted_at",
                    "received_at",
                    "due_at",
                    "paused_at",
                    "finished_at",
                    "decision_reason",
                ]
            },
        ),
        (_("Tờ khai"), {"fields": ["data"]}),
    ]
    readonly_fields = [field for _section, options in fieldsets for field in options["fields"]]
    inlines = [DossierEventInline, AttachmentInline]

    @admin.display(description=_("mã hồ sơ"), ordering="code")
    def code_or_draft(self, obj: Dossier) -> str:
        return str(obj)


@admin.register(DossierAccess)
class DossierAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The access log, read here and never added to, changed or deleted: it is the evidence of who looked."""

    list_display = ["at", "dossier", "user", "what", "detail"]
    list_filter = ["what"]
    search_fields = ["dossier__code", "user__username", "user__full_name"]
    list_select_related = ["dossier", "user"]
    date_hierarchy = "at"
    fields = readonly_fields = ["at", "dossier", "user", "what", "detail"]
